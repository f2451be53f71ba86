//! Listing the files below a folder, for every reader of folders (gazetteer, corpus, parts).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The files below `dir`, recursively and sorted, that `keep(path, is_dir)` accepts; folders it
/// refuses are not entered. Each folder is read once, so symlink loops end. `err` makes the
/// error for a folder that cannot be read (input or gazetteer).
pub fn walk(dir: &Path, keep: impl Fn(&Path, bool) -> bool, err: impl Fn(&Path, std::io::Error) -> Error) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    let mut seen = HashSet::new();
    while let Some(d) = stack.pop() {
        let canon = d.canonicalize().map_err(|e| err(&d, e))?;
        if !seen.insert(canon) {
            continue;
        }
        for entry in std::fs::read_dir(&d).map_err(|e| err(&d, e))? {
            let p = entry.map_err(|e| err(&d, e))?.path();
            let is_dir = p.is_dir();
            if !keep(&p, is_dir) {
                continue;
            }
            if is_dir {
                stack.push(p);
            } else {
                files.push(p);
            }
        }
    }
    files.sort();
    Ok(files)
}
