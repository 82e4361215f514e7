//! Inputs: the files named on the command line, and the text files found
//! under the folders named there, in a stable order.
//!
//! Walking uses the `ignore` crate, the walker behind ripgrep: `.gitignore`,
//! `.ignore` and hidden files are respected by default.

use std::path::{Path, PathBuf};

use ignore::overrides::OverrideBuilder;
use ignore::WalkBuilder;

/// How folders are walked.
#[derive(Debug, Clone, Default)]
pub struct WalkOptions {
    /// Include hidden files and folders.
    pub hidden: bool,
    /// Ignore `.gitignore`, `.ignore` and similar files.
    pub no_ignore: bool,
    /// Follow symbolic links.
    pub follow: bool,
    /// Only files matching these globs (gitignore syntax; `!` negates).
    pub globs: Vec<String>,
    /// Skip files matching these globs.
    pub excludes: Vec<String>,
}

/// One file to process, and the input it was found under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    /// The file.
    pub path: PathBuf,
    /// The path named on the command line that led to it.
    pub root: PathBuf,
}

/// A file to process, or why a path could not be walked.
pub type Found = Result<Input, (PathBuf, ignore::Error)>;

/// Expands `paths` into files. Errors (a missing path, an unreadable folder)
/// come back in place, in order, so that the run can report them and go on.
pub fn inputs(paths: &[PathBuf], options: &WalkOptions) -> Result<Vec<Found>, ignore::Error> {
    let overrides = overrides(options)?;
    let mut found = Vec::new();
    for root in paths {
        if !root.is_dir() {
            found.push(Ok(Input { path: root.clone(), root: root.clone() }));
            continue;
        }
        let mut walker = WalkBuilder::new(root);
        walker
            .hidden(!options.hidden)
            .ignore(!options.no_ignore)
            .git_ignore(!options.no_ignore)
            .git_global(!options.no_ignore)
            .git_exclude(!options.no_ignore)
            .parents(!options.no_ignore)
            .require_git(false)
            .follow_links(options.follow)
            .overrides(overrides.clone())
            .sort_by_file_name(|a, b| a.cmp(b));
        for entry in walker.build() {
            match entry {
                // A --glob whitelist outranks the hidden-file rule in
                // `ignore`; hidden files stay out unless asked for.
                Ok(entry)
                    if !options.hidden && entry.depth() > 0 && entry.file_name().to_string_lossy().starts_with('.') => {
                }
                Ok(entry) if entry.file_type().is_some_and(|t| t.is_file()) => {
                    found.push(Ok(Input { path: entry.into_path(), root: root.clone() }));
                }
                Ok(_) => {}
                Err(err) => found.push(Err((error_path(&err).unwrap_or(root).to_path_buf(), err))),
            }
        }
    }
    Ok(found)
}

fn overrides(options: &WalkOptions) -> Result<ignore::overrides::Override, ignore::Error> {
    let mut builder = OverrideBuilder::new(".");
    for glob in &options.globs {
        builder.add(glob)?;
    }
    for glob in &options.excludes {
        let glob = glob.strip_prefix('!').map_or_else(|| format!("!{glob}"), str::to_owned);
        builder.add(&glob)?;
    }
    builder.build()
}

fn error_path(err: &ignore::Error) -> Option<&Path> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => error_path(err),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn names(paths: &[PathBuf], options: &WalkOptions) -> Vec<String> {
        inputs(paths, options)
            .unwrap()
            .into_iter()
            .map(|r| r.unwrap().path.file_name().unwrap().to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn respects_ignore_files_hidden_and_globs() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir(root.join("sub")).unwrap();
        for name in ["b.txt", "a.txt", "sub/c.txt", ".hidden.txt", "skip.log", "sub/d.md"] {
            fs::write(root.join(name), "x").unwrap();
        }
        fs::write(root.join(".gitignore"), "*.log\n").unwrap();
        let paths = [root.to_path_buf()];
        assert_eq!(names(&paths, &WalkOptions::default()), ["a.txt", "b.txt", "c.txt", "d.md"]);
        let all = WalkOptions { hidden: true, no_ignore: true, ..Default::default() };
        assert_eq!(names(&paths, &all), [".gitignore", ".hidden.txt", "a.txt", "b.txt", "skip.log", "c.txt", "d.md"]);
        let globbed = WalkOptions { globs: vec!["*.txt".into()], excludes: vec!["b.txt".into()], ..Default::default() };
        assert_eq!(names(&paths, &globbed), ["a.txt", "c.txt"]);
    }
}
