//! Helpers for running the binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The crate root (where `seeds/` and `gazetteer/` are).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `newsgraph ARGS` in the crate root with `stdin` as standard input.
pub fn run(args: &[&str], stdin: &str) -> Output {
    run_env(args, stdin, &[])
}

/// Like [`run`], with extra environment variables.
pub fn run_env(args: &[&str], stdin: &str, env: &[(&str, &str)]) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_newsgraph"))
        .args(args)
        .envs(env.iter().copied())
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary runs");
    let mut input = child.stdin.take().unwrap();
    let _ = input.write_all(stdin.as_bytes());
    drop(input);
    child.wait_with_output().unwrap()
}

/// A fresh temporary folder.
pub fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

/// `newsgraph build` on the seeds into `dir`, asserting success.
pub fn build_seeds(dir: &Path, extra: &[&str]) -> Output {
    let out = dir.to_str().unwrap();
    let mut args = vec!["build", "-o", out];
    args.extend_from_slice(extra);
    let o = run(&args, "");
    assert!(o.status.success(), "build failed: {}", String::from_utf8_lossy(&o.stderr));
    o
}

/// Whether a program is on PATH.
pub fn have(program: &str) -> bool {
    Command::new(program).arg("-V").stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok()
}

/// A program the test needs: on CI it must be there; elsewhere the test is skipped.
pub fn need(program: &str, test: &str) -> bool {
    if have(program) {
        return true;
    }
    assert!(std::env::var_os("CI").is_none(), "{test}: `{program}` is not installed, and CI must run this test (.ci/run installs it)");
    eprintln!("SKIP {test}: `{program}` is not installed");
    false
}

/// A Python module the test needs (`python3 -c "import module"`): on CI it must be there;
/// elsewhere the test is skipped.
pub fn need_python(module: &str, test: &str) -> bool {
    let ok = Command::new("python3").args(["-c", &format!("import {module}")]).stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok_and(|s| s.success());
    if ok {
        return true;
    }
    assert!(std::env::var_os("CI").is_none(), "{test}: the Python module `{module}` is not installed, and CI must run this test (.ci/run installs it)");
    eprintln!("SKIP {test}: the Python module `{module}` is not installed");
    false
}

/// Standard error as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Standard output as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}
