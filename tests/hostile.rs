//! Hostile input: whatever users point newsgraph at ends in exit 0 with warnings or exit 2
//! naming the culprit, never a panic, and never damages earlier outputs.

use std::process::{Command, Stdio};

use serde_json::Value;

use crate::common::*;

fn ok_with_warning(o: &std::process::Output, needle: &str) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(err.contains(needle), "expected {needle:?} in {err:?}");
    assert!(!err.contains("panicked"), "{err}");
}

fn fails_naming(o: &std::process::Output, needle: &str) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains(needle), "expected {needle:?} in {err:?}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn invalid_utf8_is_decoded_with_a_warning_or_rejected_under_strict() {
    let dir = tempdir();
    let f = dir.path().join("latin1.txt");
    std::fs::write(&f, b"Russia and Iran met in Tehran.\nCaf\xe9 talk with Putin.\n").unwrap();
    let o = run(&["tag", f.to_str().unwrap()], "");
    ok_with_warning(&o, "latin1.txt: invalid UTF-8 at byte 34");
    let rec: Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert!(rec["mentions"].as_array().unwrap().iter().any(|m| m["entity"] == "vladimir-putin"));
    fails_naming(&run(&["tag", "--strict", f.to_str().unwrap()], ""), "latin1.txt: invalid UTF-8 at byte 34");
    // In JSON Lines, the line is named.
    let j = dir.path().join("bad.jsonl");
    std::fs::write(&j, b"{\"id\": \"a\", \"text\": \"Russia\"}\n{\"id\": \"b\", \"text\": \"Iran \xff\"}\n").unwrap();
    ok_with_warning(&run(&["tag", j.to_str().unwrap()], ""), "bad.jsonl:2: invalid UTF-8");
    fails_naming(&run(&["tag", "--strict", j.to_str().unwrap()], ""), "bad.jsonl:2");
}

#[test]
fn bom_and_crlf_keep_spans_valid() {
    let dir = tempdir();
    let f = dir.path().join("win.txt");
    let body = "Russia and Iran grow closer.\r\nPutin met Raisi in Tehran.\r\n";
    std::fs::write(&f, [b"\xEF\xBB\xBF".as_slice(), body.as_bytes()].concat()).unwrap();
    let o = run(&["tag", f.to_str().unwrap()], "");
    assert!(o.status.success(), "{}", stderr(&o));
    let rec: Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    let mentions = rec["mentions"].as_array().unwrap();
    assert_eq!(mentions.len(), 5, "Russia, Iran, Putin, Raisi, Tehran");
    // Spans index the text as read, without the byte-order mark.
    for m in mentions {
        let (s, e) = (m["start"].as_u64().unwrap() as usize, m["end"].as_u64().unwrap() as usize);
        assert_eq!(&body[s..e], m["text"].as_str().unwrap());
    }
}

#[test]
fn binary_and_empty_files_and_empty_folders_are_reported_not_fatal() {
    let dir = tempdir();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir_all(corpus.join("nothing")).unwrap();
    std::fs::write(corpus.join("good.txt"), "Russia condemned the US strikes on Iran.\n").unwrap();
    std::fs::write(corpus.join("image.txt"), b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR").unwrap();
    std::fs::write(corpus.join("empty.md"), "  \n").unwrap();
    let out = dir.path().join("out");
    let o = run(&["build", corpus.to_str().unwrap(), "-o", out.to_str().unwrap(), "--format", "json"], "");
    ok_with_warning(&o, "image.txt: binary file (NUL bytes), skipped");
    ok_with_warning(&o, "empty.md: empty, skipped");
    let g: Value = serde_json::from_str(&std::fs::read_to_string(out.join("graph.json")).unwrap()).unwrap();
    assert_eq!(g["documents"].as_array().unwrap().len(), 1);
    assert!(!g["claims"].as_array().unwrap().is_empty());
    // A run that reads no document writes nothing over the previous outputs, and exits 2
    // saying why; --allow-empty writes the empty graph.
    let before = std::fs::read(out.join("graph.json")).unwrap();
    let o = run(&["build", corpus.join("nothing").to_str().unwrap(), "-o", out.to_str().unwrap(), "--format", "json"], "");
    fails_naming(&o, "no document was read");
    assert!(stderr(&o).contains("no .txt, .md, .html, .json, .jsonl, .ndjson, .rss, .atom, .xml or .warc(.gz) files in this folder"), "{}", stderr(&o));
    assert_eq!(std::fs::read(out.join("graph.json")).unwrap(), before, "the previous graph stays");
    let o = run(&["build", corpus.join("nothing").to_str().unwrap(), "-o", out.to_str().unwrap(), "--format", "json", "--allow-empty"], "");
    ok_with_warning(&o, "no .txt, .md, .html, .json, .jsonl, .ndjson, .rss, .atom, .xml or .warc(.gz) files in this folder");
    let g: Value = serde_json::from_str(&std::fs::read_to_string(out.join("graph.json")).unwrap()).unwrap();
    assert!(g["documents"].as_array().unwrap().is_empty());
    // Files of other types are named in one warning, not read.
    for f in ["report.pdf", "notes.docx", "photo.jpg"] {
        std::fs::write(corpus.join(f), "whatever").unwrap();
    }
    let o = run(&["build", corpus.to_str().unwrap(), "-o", out.to_str().unwrap(), "--format", "json"], "");
    ok_with_warning(&o, "3 files of types newsgraph does not read were skipped: notes.docx, photo.jpg, report.pdf");
}

/// A binary file is recognised from its first block and not read further: a large file of
/// NUL bytes costs a few kilobytes, and /dev/zero, which never ends, is skipped.
#[cfg(unix)]
#[test]
fn binary_inputs_are_skipped_from_their_first_block() {
    let dir = tempdir();
    let zeros = dir.path().join("zeros.txt");
    let f = std::fs::File::create(&zeros).unwrap();
    f.set_len(300 << 20).unwrap(); // 300 MB of NUL bytes (sparse)
    let good = dir.path().join("good.txt");
    std::fs::write(&good, "Russia condemned the US strikes on Iran.\n").unwrap();
    let out = dir.path().join("out");
    let o = std::process::Command::new("/usr/bin/time")
        .args(["-f", "%M"])
        .arg(env!("CARGO_BIN_EXE_newsgraph"))
        .args(["build", zeros.to_str().unwrap(), good.to_str().unwrap(), "/dev/zero", "-o", out.to_str().unwrap(), "--format", "json"])
        .current_dir(root())
        .output();
    let Ok(o) = o else {
        eprintln!("SKIP binary_inputs_are_skipped_from_their_first_block: /usr/bin/time is not installed");
        return;
    };
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(err.contains("zeros.txt: binary file (NUL bytes), skipped") && err.contains("/dev/zero: binary file"), "{err}");
    let peak_kb: u64 = err.lines().last().unwrap().trim().parse().unwrap();
    assert!(peak_kb < 200_000, "peak RSS {peak_kb} KB: the NUL file was read whole");
}

#[test]
fn malformed_json_lines_stop_or_are_skipped_and_counted() {
    let dir = tempdir();
    let f = dir.path().join("feed.jsonl");
    std::fs::write(&f, "{\"id\": \"a\", \"text\": \"Russia and Iran\"}\n{\"id\": \"b\", \"text\": \n[1, 2]\n{\"id\": \"c\", \"text\": \"Putin met Xi\"}\n")
        .unwrap();
    fails_naming(&run(&["tag", f.to_str().unwrap()], ""), "feed.jsonl:2");
    let o = run(&["tag", "--keep-going", f.to_str().unwrap()], "");
    ok_with_warning(&o, "skipped 2 malformed JSON Lines records");
    assert!(stderr(&o).contains("feed.jsonl:3: record is not a JSON object"), "{}", stderr(&o));
    assert_eq!(stdout(&o).lines().count(), 2);
}

#[test]
fn duplicate_ids_across_files_name_both() {
    let dir = tempdir();
    for sub in ["x", "y"] {
        std::fs::create_dir_all(dir.path().join(sub)).unwrap();
        std::fs::write(dir.path().join(sub).join("story.txt"), "Russia and Iran.\n").unwrap();
    }
    let o = run(&["tag", dir.path().to_str().unwrap()], "");
    fails_naming(&o, "document id \"story\"");
    assert!(stderr(&o).contains("x/story.txt") && stderr(&o).contains("y/story.txt"), "{}", stderr(&o));
}

#[cfg(unix)]
#[test]
fn symlink_loops_are_followed_once() {
    let dir = tempdir();
    std::fs::write(dir.path().join("a.txt"), "Russia and Iran.\n").unwrap();
    std::os::unix::fs::symlink(dir.path(), dir.path().join("loop")).unwrap();
    let o = run(&["tag", dir.path().to_str().unwrap()], "");
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o).lines().count(), 1);
}

#[cfg(unix)]
#[test]
fn unreadable_files_are_named() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempdir();
    let f = dir.path().join("secret.txt");
    std::fs::write(&f, "Russia.\n").unwrap();
    std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&f).is_ok() {
        eprintln!("SKIP unreadable_files_are_named: running as root, permissions do not apply");
        return;
    }
    fails_naming(&run(&["tag", f.to_str().unwrap()], ""), "secret.txt");
}

#[test]
fn a_huge_single_line_is_read_in_pieces() {
    let dir = tempdir();
    let f = dir.path().join("one-line.txt");
    let unit = "Russia condemned the US strikes on Iran while Putin met Raisi in Tehran and NATO watched ";
    std::fs::write(&f, unit.repeat(5_000_000 / unit.len())).unwrap();
    let out = dir.path().join("out");
    let o = run(&["build", f.to_str().unwrap(), "-o", out.to_str().unwrap(), "--format", "json"], "");
    assert!(o.status.success(), "{}", stderr(&o));
    let g: Value = serde_json::from_str(&std::fs::read_to_string(out.join("graph.json")).unwrap()).unwrap();
    assert!(g["documents"][0]["paragraphs"].as_u64().unwrap() >= 70, "read in 64 KiB pieces");
    let putin = g["nodes"].as_array().unwrap().iter().find(|n| n["id"] == "vladimir-putin").unwrap();
    assert!(putin["mentions"].as_u64().unwrap() > 50_000);
}

#[test]
fn hostile_gazetteers() {
    let dir = tempdir();
    // 100k entities sharing one alias: an ambiguity listed once, quickly, no panic.
    let g = dir.path().join("dups.toml");
    let mut src = String::new();
    for i in 0..100_000 {
        src.push_str(&format!("[[entity]]\nid = \"e{i}\"\nname = \"Same\"\n\n"));
    }
    std::fs::write(&g, src).unwrap();
    let t = std::time::Instant::now();
    let o = run(&["gazetteer", "check", "--gazetteer", g.to_str().unwrap()], "");
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stdout(&o).lines().filter(|l| l.contains("ambiguous: alias \"Same\"")).count(), 1);
    assert!(t.elapsed().as_secs() < 60, "took {:?}", t.elapsed());
    let o = run(&["tag", "--gazetteer", g.to_str().unwrap(), "-"], "Same here");
    assert!(o.status.success(), "{}", stderr(&o));
    // Not TOML, a dangling affiliation, a duplicate id: each named with its place.
    for (src, needle) in [
        ("[[entity]\nname = \"A\"\n", "g.toml:1"),
        ("[[entity]]\nid = \"a\"\nname = \"A\"\naffiliation = \"nowhere\"\n", "g.toml:1"),
        ("[[entity]]\nid = \"a\"\nname = \"A\"\n[[entity]]\nid = \"a\"\nname = \"B\"\n", "g.toml:4"),
        ("\u{0}\u{1}binary", "g.toml"),
    ] {
        let g = dir.path().join("g.toml");
        std::fs::write(&g, src).unwrap();
        let o = run(&["build", "-o", dir.path().join("out").to_str().unwrap(), "--gazetteer", g.to_str().unwrap()], "");
        fails_naming(&o, needle);
    }
}

#[test]
fn input_order_and_thread_count_do_not_change_output() {
    let seeds: Vec<String> = {
        let mut v: Vec<String> = std::fs::read_dir(root().join("seeds"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "txt"))
            .map(|p| p.display().to_string())
            .collect();
        v.sort();
        v
    };
    let (a, b) = (tempdir(), tempdir());
    let mut args_a = vec!["build".to_string()];
    args_a.extend(seeds.iter().cloned());
    args_a.extend(["-o".into(), a.path().display().to_string(), "--format".into(), "json,dot,gexf".into(), "--threads".into(), "1".into()]);
    let mut args_b = vec!["build".to_string()];
    args_b.extend(seeds.iter().rev().cloned());
    args_b.extend(["-o".into(), b.path().display().to_string(), "--format".into(), "json,dot,gexf".into(), "--threads".into(), "2".into()]);
    for args in [&args_a, &args_b] {
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = run(&refs, "");
        assert!(o.status.success(), "{}", stderr(&o));
    }
    for f in ["graph.json", "graph.dot", "graph.gexf"] {
        assert_eq!(std::fs::read(a.path().join(f)).unwrap(), std::fs::read(b.path().join(f)).unwrap(), "{f}");
    }
}

/// kill -9 at random moments of a build never leaves a broken or partial graph.json: the
/// earlier one survives whole, or the new one is complete.
#[cfg(unix)]
#[test]
fn kill_9_mid_write_leaves_earlier_outputs_intact() {
    let dir = tempdir();
    let corpus = dir.path().join("corpus.jsonl");
    let text = std::fs::read_to_string(root().join("seeds/000_9c67dfa773ecab7c.txt")).unwrap();
    let mut lines = String::new();
    for i in 0..400 {
        lines.push_str(&serde_json::json!({"id": format!("d{i:04}"), "text": text}).to_string());
        lines.push('\n');
    }
    std::fs::write(&corpus, lines).unwrap();
    let out = dir.path().join("out");
    let args = ["build", corpus.to_str().unwrap(), "-o", out.to_str().unwrap(), "--format", "json,gexf,graphml"];
    assert!(run(&args, "").status.success());
    let before = std::fs::read(out.join("graph.json")).unwrap();
    let mut state: u64 = 12345;
    for _ in 0..8 {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let delay = std::time::Duration::from_millis(50 + (state >> 33) % 1500);
        let mut child =
            Command::new(env!("CARGO_BIN_EXE_newsgraph")).args(args).current_dir(root()).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
        std::thread::sleep(delay);
        let _ = Command::new("kill").args(["-9", &child.id().to_string()]).status();
        let _ = child.wait();
        for f in ["graph.json", "graph.gexf", "graph.graphml"] {
            let now = std::fs::read(out.join(f)).unwrap();
            if f == "graph.json" {
                // The same inputs give the same bytes, so a whole file equals the earlier one.
                assert_eq!(now, before, "graph.json after kill -9 at {delay:?}");
            } else {
                assert!(now.ends_with(b">\n"), "{f} complete after kill -9 at {delay:?}");
            }
        }
    }
}

/// Web pages and archives built to hurt: a page of 200,000 nested elements (the HTML parser
/// takes time in the square of the depth: 112 s unguarded) is skipped at once and named; a
/// WARC record claiming 10^18 bytes, a gzip payload that inflates past the page limit, and
/// random bytes named `.warc.gz` are reported, never a panic, an abort or a huge allocation.
#[test]
fn hostile_pages_and_archives() {
    use std::io::Write;
    let dir = tempdir();
    let d = dir.path();
    std::fs::write(d.join("good.txt"), "Russia condemned the US strikes on Iran.\n").unwrap();
    let n = 200_000;
    std::fs::write(
        d.join("deep.html"),
        format!(
            "<html><body>{}<p>Russia condemned the US strikes on Iran, calling them a violation of international law.</p>{}</body></html>",
            "<div>".repeat(n),
            "</div>".repeat(n)
        ),
    )
    .unwrap();
    let record = |kind: &str, content_type: &str, length: &str, body: &[u8]| {
        let mut r = format!("WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Record-ID: <urn:uuid:{length}>\r\nWARC-Date: 2025-06-22T10:00:00Z\r\nContent-Type: {content_type}\r\nContent-Length: {length}\r\n\r\n").into_bytes();
        r.extend_from_slice(body);
        r.extend_from_slice(b"\r\n\r\n");
        r
    };
    std::fs::write(d.join("huge.warc"), record("response", "application/http; msgtype=response", "1000000000000000000", b"HTTP/1.1 200 OK\r\n\r\n<p>x</p>"))
        .unwrap();
    let mut bomb = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    bomb.write_all(b"<html><body><p>").unwrap();
    for _ in 0..40 {
        bomb.write_all(&vec![b'a'; 1 << 20]).unwrap();
    }
    let bomb = bomb.finish().unwrap();
    let mut http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\n\r\n".to_vec();
    http.extend_from_slice(&bomb);
    std::fs::write(d.join("bomb.warc"), record("response", "application/http; msgtype=response", &http.len().to_string(), &http)).unwrap();
    let noise: Vec<u8> = (0..200_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8 | 1).collect();
    let mut gz = vec![0x1f, 0x8b, 0x08, 0];
    gz.extend_from_slice(&noise);
    std::fs::write(d.join("noise.warc.gz"), gz).unwrap();
    let t = std::time::Instant::now();
    let o = run(&["build", d.to_str().unwrap(), "-o", d.join("out").to_str().unwrap(), "--format", "json"], "");
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.contains("deep.html: elements nested more than 1,000 deep"), "{err}");
    assert!(err.contains("huge.warc: byte 0:") && err.contains("cut short"), "{err}");
    assert!(err.contains("bomb.warc: 1 WARC records, 0 pages read; skipped 1 records over 32 MiB"), "{err}");
    assert!(err.contains("noise.warc.gz: byte 0:"), "{err}");
    // Not a timing test: a bound far above the guarded run (under a second here) and far
    // below the unguarded one.
    assert!(t.elapsed().as_secs() < 60, "{:?}", t.elapsed());
    let g: Value = serde_json::from_str(&std::fs::read_to_string(d.join("out/graph.json")).unwrap()).unwrap();
    assert_eq!(g["documents"].as_array().unwrap().len(), 1);
}
