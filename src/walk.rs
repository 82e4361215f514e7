//! Inputs: the files named on the command line, and the text files found
//! under the folders named there, in a stable order.
//!
//! Walking uses the `ignore` crate, the walker behind ripgrep, with its
//! defaults: `.ignore` files and hidden files are respected everywhere,
//! `.gitignore` (and git's excludes) only inside a git repository, where
//! git reads them too: a stray `.gitignore` in a folder above is no reason
//! to skip files that are not in a repository.

use std::path::{Component, Path, PathBuf};

use ignore::overrides::{Override, OverrideBuilder};
use ignore::WalkBuilder;

use crate::os_reason;

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
    pub globs: Globs,
    /// Skip files matching these globs.
    pub excludes: Globs,
    /// Apply `globs` and `excludes` to the paths given too, not only to what
    /// is found under folders (pre-commit names every file it checks).
    pub force_exclude: bool,
    /// The suffix of this run's backups (`.bak`). Under folders, `NAME` +
    /// this suffix or a common backup suffix (`.orig`, `.old`, `~`, ...) is
    /// skipped when `NAME` is next to it, so that the backups an earlier
    /// run kept, with whatever suffix it was given, are not rewritten in
    /// their turn. Named on the command line, such a file is taken.
    pub backup_suffix: String,
    /// Take the files that look like backups as any other (`--out-dir`:
    /// its mirror is to hold the user's files, whatever their names, as
    /// `cp -r` would; it rewrites nothing, so an earlier run's backups are
    /// copied, never converted twice in place).
    pub keep_backups: bool,
}

/// What a walk found: the files to process (and the paths that could not be
/// walked), and the backups passed over, to be mentioned.
#[derive(Debug)]
pub struct Walked {
    /// Files and walk errors, in input order.
    pub found: Vec<Found>,
    /// Files under folders taken for backups of a file next to them.
    pub backups: Vec<PathBuf>,
}

/// Globs and the folder they are relative to: the current folder for
/// command-line globs, the settings file's folder for those of a settings
/// file. A glob with a `/` is anchored there; one without matches a name at
/// any depth, as in `.gitignore`.
#[derive(Debug, Clone, Default)]
pub struct Globs {
    /// The folder anchored globs start from (relative or empty: from the current folder).
    pub base: PathBuf,
    /// The globs.
    pub globs: Vec<String>,
    /// Globs that match whatever the case of the letters (`--iglob`).
    pub case_insensitive: Vec<String>,
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
pub fn inputs(paths: &[PathBuf], options: &WalkOptions) -> Result<Walked, ignore::Error> {
    let filter = Filter::new(options)?;
    let mut found = Vec::new();
    let mut backups = Vec::new();
    for root in paths {
        if options.force_exclude && filter.excludes_given(root) {
            continue;
        }
        if !root.is_dir() {
            found.push(Ok(Input { path: root.clone(), root: root.clone() }));
            continue;
        }
        let mut walker = WalkBuilder::new(root);
        let walk_filter = filter.clone();
        walker
            .hidden(!options.hidden)
            .ignore(!options.no_ignore)
            .git_ignore(!options.no_ignore)
            .git_global(!options.no_ignore)
            .git_exclude(!options.no_ignore)
            .parents(!options.no_ignore)
            .require_git(true)
            .follow_links(options.follow)
            .filter_entry(move |entry| {
                entry.depth() == 0
                    || (!is_version_control(entry)
                        && !walk_filter.excludes(entry.path(), entry.file_type().is_some_and(|t| t.is_dir())))
            })
            .sort_by_file_name(|a, b| a.cmp(b));
        for entry in walker.build() {
            match entry {
                Ok(entry) if entry.file_type().is_some_and(|t| t.is_file()) => {
                    if !options.keep_backups && is_backup(entry.path(), &options.backup_suffix) {
                        backups.push(entry.into_path());
                    } else {
                        found.push(Ok(Input { path: entry.into_path(), root: root.clone() }));
                    }
                }
                Ok(_) => {}
                Err(err) => found.push(Err((error_path(&err).unwrap_or(root).to_path_buf(), err))),
            }
        }
    }
    Ok(Walked { found, backups })
}

/// Names of version control's own folders, which a walk never enters, even
/// with `--hidden` or `--no-ignore`: `.git/HEAD` with a BOM or CRLF, or a
/// converted reflog, is a repository broken, and nothing in them is the
/// user's text. Named on the command line, they are taken as asked.
const VERSION_CONTROL: [&str; 8] = [".git", ".hg", ".svn", ".bzr", "_darcs", ".jj", ".pijul", "CVS"];

/// Whether `entry` is a version control folder, or git's `.git` file in a
/// worktree or submodule; a user's file that happens to be called `CVS` is
/// the user's.
fn is_version_control(entry: &ignore::DirEntry) -> bool {
    let name = entry.file_name();
    VERSION_CONTROL.iter().any(|vcs| name == *vcs) && (name == ".git" || entry.file_type().is_some_and(|t| t.is_dir()))
}

/// The folders of `paths` under which the walk found nothing (no file, no
/// error): everything there was ignored, hidden or left out by a glob,
/// which deserves a word, as a run that does nothing says nothing else.
pub fn folders_without_files<'p>(paths: &'p [PathBuf], found: &[Found]) -> Vec<&'p Path> {
    paths
        .iter()
        .filter(|root| root.is_dir())
        .filter(|root| {
            !found.iter().any(|found| match found {
                Ok(input) => &input.root == *root,
                Err((path, _)) => path.starts_with(root),
            })
        })
        .map(PathBuf::as_path)
        .collect()
}

/// Whether `path` is the backup of a file next to it: its name is that
/// file's name + `suffix` (this run's) or + a common backup suffix.
fn is_backup(path: &Path, suffix: &str) -> bool {
    let Some(name) = path.file_name().and_then(|name| name.to_str()) else { return false };
    let is_original = |original: &str| !original.is_empty() && path.with_file_name(original).is_file();
    (!suffix.is_empty() && name.strip_suffix(suffix).is_some_and(is_original))
        || is_backup_name(name).is_some_and(is_original)
}

/// The name a file named `name` is the backup of, when `name` ends in a
/// common backup suffix: `.bak`, `.backup`, `.orig` (also `patch`'s),
/// `.old`, any of them with a number (`.orig2`, as a second pass with
/// another `--backup` suffix would write) and whatever the case, and the
/// editors' `~` and `.~N~` (Emacs). A backup with another suffix is left
/// out only by its own `--backup` suffix or `--exclude`.
fn is_backup_name(name: &str) -> Option<&str> {
    if let Some(numbered) = name.strip_suffix('~') {
        let unnumbered = numbered.trim_end_matches(|c: char| c.is_ascii_digit());
        return match unnumbered.strip_suffix(".~") {
            Some(original) if unnumbered.len() < numbered.len() => Some(original),
            _ => Some(numbered),
        };
    }
    let unnumbered = name.trim_end_matches(|c: char| c.is_ascii_digit());
    let (stem, extension) = unnumbered.rsplit_once('.')?;
    ["bak", "backup", "orig", "old"].iter().any(|suffix| extension.eq_ignore_ascii_case(suffix)).then_some(stem)
}

/// A file of the batch as [`once_each`] keeps it: the walk's result, the
/// file's canonical path (`None` for a walk error or a path that does not
/// resolve, which the open reports) and its place (`None` for a walk error).
pub struct Placed<P> {
    pub found: Found,
    pub canonical: Option<PathBuf>,
    pub place: Option<P>,
}

/// Drops the files already found by another path (`a.txt` and `./a.txt`; a
/// link and its target when links are followed) for the same `place`,
/// keeping the first, so that a batch processes each file once: two
/// parallel rewrites of one file would race, and the second backup would
/// hold the first one's output. `--out-dir` gives each file the place of
/// its mirror, so that a file reached under two inputs is copied to both
/// mirrors, as `cp -r` copies it; other modes give every file one place.
/// Each kept file comes with its canonical path and place, so that no one
/// resolves them again.
pub fn once_each<P: Eq + std::hash::Hash + Clone>(found: Vec<Found>, place: impl Fn(&Input) -> P) -> Vec<Placed<P>> {
    let mut seen = std::collections::HashSet::new();
    found
        .into_iter()
        .map(|found| match &found {
            Ok(input) => {
                Placed { canonical: std::fs::canonicalize(&input.path).ok(), place: Some(place(input)), found }
            }
            Err(_) => Placed { found, canonical: None, place: None },
        })
        .filter(|placed| match (&placed.canonical, &placed.place) {
            (Some(canonical), Some(place)) => seen.insert((canonical.clone(), place.clone())),
            _ => true,
        })
        .collect()
}

/// `path` for messages, as `ls -b` writes it: each byte that is not UTF-8
/// as `\xHH`, each backslash as `\\` and a control character escaped
/// (`\n`, `\t`, `\x1B`), so that no name prints as another one (a UTF-8
/// name spelled `\xD6\xD0.txt` as the GBK name `中.txt`), as `�`, or over
/// two lines. `--json` names a UTF-8 path as it is (see the README's
/// `path`, `path_bytes`).
pub fn display_path(path: &Path) -> std::borrow::Cow<'_, str> {
    // Where `\` separates folders (Windows) it is no part of a name.
    let separates_folders = std::path::is_separator('\\');
    let escaped = |c: char| c.is_control() || (c == '\\' && !separates_folders);
    match path.to_str() {
        Some(text) if !text.contains(escaped) => text.into(),
        _ => {
            let mut shown = String::new();
            for chunk in path.as_os_str().as_encoded_bytes().utf8_chunks() {
                for c in chunk.valid().chars() {
                    match c {
                        c if !escaped(c) => shown.push(c),
                        '\\' | '\t' | '\n' | '\r' => shown.extend(c.escape_default()),
                        c if c.is_ascii() => shown.push_str(&format!("\\x{:02X}", u32::from(c))),
                        c => shown.extend(c.escape_unicode()),
                    }
                }
                for byte in chunk.invalid() {
                    shown.push_str(&format!("\\x{byte:02X}"));
                }
            }
            shown.into()
        }
    }
}

/// Opens an input. A symbolic link is followed, named on the command line
/// or found under a folder with `-L`; one that leads nowhere is an error
/// that says so, rather than "No such file or directory" for a path that
/// `ls` shows.
pub fn open(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path).map_err(|err| std::io::Error::new(err.kind(), unreadable(path, &err)))
}

/// Why `path` could not be read, for messages that name it in front (see
/// [`not_found`] for a path that is not there).
fn unreadable(path: &Path, err: &std::io::Error) -> String {
    not_found(path, err).unwrap_or_else(|| crate::error::read_failure(err))
}

/// A better message for `err`, met on opening `path`, when `path` is not
/// there: a symbolic link that leads nowhere, `-` after `--` (a file name
/// there, not standard input), or an option given after `--` (a pre-commit
/// hook's `args:` come after its entry's `--`).
fn not_found(path: &Path, err: &std::io::Error) -> Option<String> {
    if err.kind() != std::io::ErrorKind::NotFound {
        return None;
    }
    if let Ok(target) = std::fs::read_link(path) {
        return Some(format!("broken symbolic link (points to {})", display_path(&target)));
    }
    if path == Path::new("-") {
        return Some(format!(
            "{}; after `--`, `-` is a file name: standard input is `-` before `--`, or no path",
            os_reason(err)
        ));
    }
    path.as_os_str().as_encoded_bytes().starts_with(b"-").then(|| {
        format!(
            "{}; after `--` an option is taken for a file name (a pre-commit hook's \
             `args:` come after its entry's `--`: put options in zhnorm.toml)",
            os_reason(err)
        )
    })
}

/// Why a path could not be walked, without the path, which the caller
/// prints in front.
pub fn reason(err: &ignore::Error) -> String {
    match (err.io_error(), error_path(err)) {
        (Some(io), Some(path)) => unreadable(path, unwrapped(io)),
        (Some(io), None) => crate::error::read_failure(unwrapped(io)),
        (None, _) => err.to_string(),
    }
}

/// The system's error: the walk wraps the error of a folder it could not
/// read in one whose text repeats the path (`IO error for operation on
/// tree/locked: Permission denied`), shown in front already.
fn unwrapped(io: &std::io::Error) -> &std::io::Error {
    io.get_ref()
        .and_then(|wrapped| wrapped.source())
        .and_then(|source| source.downcast_ref::<std::io::Error>())
        .unwrap_or(io)
}

/// The include and exclude globs, each matched from its own folder.
///
/// Paths are made absolute before matching, so that a settings file's globs
/// mean the same from whatever folder zhnorm runs in. Globs narrow what is
/// found; they never bring back a file that `.gitignore` or the hidden-file
/// rule leaves out.
#[derive(Debug, Clone)]
struct Filter {
    include: Override,
    /// Built with the exclude globs as positive globs: a match excludes.
    exclude: Override,
}

impl Filter {
    fn new(options: &WalkOptions) -> Result<Filter, ignore::Error> {
        Ok(Filter { include: matcher(&options.globs)?, exclude: matcher(&options.excludes)? })
    }

    fn excludes(&self, path: &Path, is_dir: bool) -> bool {
        if self.include.is_empty() && self.exclude.is_empty() {
            return false;
        }
        let Ok(path) = absolute(path) else { return false };
        self.include.matched(&path, is_dir).is_ignore() || self.exclude.matched(&path, is_dir).is_whitelist()
    }

    /// Whether a path named on the command line is filtered out, by a glob
    /// on itself or on a folder it is in (below the globs' folder).
    fn excludes_given(&self, path: &Path) -> bool {
        let Ok(path) = absolute(path) else { return false };
        if self.excludes(&path, path.is_dir()) {
            return true;
        }
        let base = self.exclude.path();
        path.ancestors()
            .skip(1)
            .take_while(|dir| dir.starts_with(base) && *dir != base)
            .any(|dir| self.exclude.matched(dir, true).is_whitelist())
    }
}

fn matcher(globs: &Globs) -> Result<Override, ignore::Error> {
    let base = if globs.base.as_os_str().is_empty() { Path::new(".") } else { &globs.base };
    let mut builder = OverrideBuilder::new(absolute(base)?);
    for glob in &globs.globs {
        builder.add(glob)?;
    }
    builder.case_insensitive(true)?;
    for glob in &globs.case_insensitive {
        builder.add(glob)?;
    }
    builder.build()
}

/// `path` from the root, with `.` and `..` resolved by name (`docs/../a`
/// is `a`), so that globs anchored at a folder match whichever way a path
/// was written.
fn absolute(path: &Path) -> std::io::Result<PathBuf> {
    let mut resolved = PathBuf::new();
    for component in std::path::absolute(path)?.components() {
        match component {
            Component::ParentDir => {
                resolved.pop();
            }
            Component::CurDir => {}
            other => resolved.push(other),
        }
    }
    Ok(resolved)
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

    /// Review 10: `zhnorm: tree/locked: IO error for operation on
    /// tree/locked: Permission denied (os error 13)`: the path once, and
    /// the system's reason in words.
    #[test]
    fn a_folder_that_cannot_be_read_is_named_once() {
        #[derive(Debug)]
        struct Walkdir(std::io::Error);
        impl std::fmt::Display for Walkdir {
            fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                write!(f, "IO error for operation on tree/locked: {}", self.0)
            }
        }
        impl std::error::Error for Walkdir {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                Some(&self.0)
            }
        }
        let denied = || std::io::Error::from_raw_os_error(13);
        let wrapped = std::io::Error::new(std::io::ErrorKind::PermissionDenied, Walkdir(denied()));
        let at = |path: &str, err| ignore::Error::WithPath { path: PathBuf::from(path), err: Box::new(err) };
        assert_eq!(reason(&at("tree/locked", ignore::Error::Io(wrapped))), "cannot read: permission denied");
        assert_eq!(reason(&at("a.txt", ignore::Error::Io(denied()))), "cannot read: permission denied");
    }

    fn names(paths: &[PathBuf], options: &WalkOptions) -> Vec<String> {
        inputs(paths, options)
            .unwrap()
            .found
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
        fs::write(root.join(".ignore"), "*.log\n").unwrap();
        let paths = [root.to_path_buf()];
        assert_eq!(names(&paths, &WalkOptions::default()), ["a.txt", "b.txt", "c.txt", "d.md"]);
        let all = WalkOptions { hidden: true, no_ignore: true, ..Default::default() };
        assert_eq!(names(&paths, &all), [".hidden.txt", ".ignore", "a.txt", "b.txt", "skip.log", "c.txt", "d.md"]);
        let globs = |globs: &[&str]| Globs {
            base: root.to_path_buf(),
            globs: globs.iter().map(|g| g.to_string()).collect(),
            ..Default::default()
        };
        let globbed = WalkOptions { globs: globs(&["*.txt"]), excludes: globs(&["b.txt"]), ..Default::default() };
        assert_eq!(names(&paths, &globbed), ["a.txt", "c.txt"]);
        let anchored = WalkOptions { excludes: globs(&["sub/*.txt"]), ..Default::default() };
        assert_eq!(names(&paths, &anchored), ["a.txt", "b.txt", "d.md"]);
    }

    /// Review 16 #3: `--write --hidden --bom add .` put a BOM into
    /// `.git/HEAD`, and git no longer saw a repository.
    #[test]
    fn version_control_folders_are_never_walked() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for folder in [".git/refs", ".hg", ".svn", "CVS", "sub/.git", ".github"] {
            fs::create_dir_all(root.join(folder)).unwrap();
        }
        for name in [".git/HEAD", ".git/refs/main", ".hg/dirstate", ".svn/entries", "CVS/Root", "sub/.git/config"] {
            fs::write(root.join(name), "x").unwrap();
        }
        for name in ["a.txt", ".github/ci.yml", "sub/b.txt"] {
            fs::write(root.join(name), "x").unwrap();
        }
        fs::write(root.join("wt"), "x").unwrap();
        fs::create_dir(root.join("worktree")).unwrap();
        fs::write(root.join("worktree/.git"), "gitdir: ../.git/worktrees/w\n").unwrap();
        // Review 17 #4: files so named are the user's.
        fs::write(root.join("sub/CVS"), "x").unwrap();
        fs::write(root.join("sub/.jj"), "x").unwrap();
        let all = WalkOptions { hidden: true, no_ignore: true, ..Default::default() };
        assert_eq!(names(&[root.to_path_buf()], &all), ["ci.yml", "a.txt", ".jj", "CVS", "b.txt", "wt"]);
        assert_eq!(names(&[root.join(".git")], &all), ["HEAD", "main"], "named on the command line");
    }

    #[test]
    fn iglob_matches_whatever_the_case_and_glob_only_the_same_case() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for name in ["x.txt", "Y.TXT", "z.md"] {
            fs::write(root.join(name), "x").unwrap();
        }
        let paths = [root.to_path_buf()];
        let glob = Globs { base: root.to_path_buf(), globs: vec!["*.txt".into()], ..Default::default() };
        assert_eq!(names(&paths, &WalkOptions { globs: glob, ..Default::default() }), ["x.txt"]);
        let iglob = Globs { base: root.to_path_buf(), case_insensitive: vec!["*.txt".into()], ..Default::default() };
        assert_eq!(names(&paths, &WalkOptions { globs: iglob, ..Default::default() }), ["Y.TXT", "x.txt"]);
    }

    #[test]
    fn gitignore_applies_only_inside_a_git_repository() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir(root.join("novels")).unwrap();
        fs::write(root.join(".gitignore"), "*.txt\n").unwrap();
        fs::write(root.join("novels/a.txt"), "x").unwrap();
        let novels = [root.join("novels")];
        assert_eq!(names(&novels, &WalkOptions::default()), ["a.txt"], "no repository: .gitignore is not git's here");
        fs::create_dir(root.join(".git")).unwrap();
        let found = inputs(&novels, &WalkOptions::default()).unwrap().found;
        assert!(found.is_empty(), "in a repository, git ignores it too");
        assert_eq!(folders_without_files(&novels, &found), [novels[0].as_path()]);
        let given = [root.join("novels/a.txt")];
        assert!(folders_without_files(&given, &inputs(&given, &WalkOptions::default()).unwrap().found).is_empty());
    }

    #[test]
    fn force_exclude_applies_globs_to_the_paths_given() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("fixtures/deep")).unwrap();
        for name in ["a.txt", "b.md", "fixtures/deep/c.txt"] {
            fs::write(root.join(name), "x").unwrap();
        }
        let given: Vec<PathBuf> = ["a.txt", "b.md", "fixtures/deep/c.txt"].iter().map(|n| root.join(n)).collect();
        let globs = |globs: &[&str]| Globs {
            base: root.to_path_buf(),
            globs: globs.iter().map(|g| g.to_string()).collect(),
            ..Default::default()
        };
        let options = WalkOptions { globs: globs(&["*.txt"]), excludes: globs(&["fixtures/"]), ..Default::default() };
        assert_eq!(names(&given, &options), ["a.txt", "b.md", "c.txt"], "paths given are taken as they are");
        let forced = WalkOptions { force_exclude: true, ..options };
        assert_eq!(names(&given, &forced), ["a.txt"]);
    }

    #[test]
    fn backups_next_to_their_original_are_skipped_under_folders() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for name in ["a.txt", "a.txt.pre", "lonely.bak", "b.txt.orig", "b.txt", "b.txt.ORIG2", "c.md", "c.md~"] {
            fs::write(root.join(name), "x").unwrap();
        }
        let options = WalkOptions { backup_suffix: ".pre".into(), ..Default::default() };
        let walked = inputs(&[root.to_path_buf()], &options).unwrap();
        let backups: Vec<_> = walked.backups.iter().map(|p| p.file_name().unwrap().to_str().unwrap()).collect();
        assert_eq!(backups, ["a.txt.pre", "b.txt.ORIG2", "b.txt.orig", "c.md~"]);
        assert_eq!(names(&[root.to_path_buf()], &options), ["a.txt", "b.txt", "c.md", "lonely.bak"]);
        assert_eq!(names(&[root.join("b.txt.orig")], &options), ["b.txt.orig"], "named, it is taken");
        let other_run = WalkOptions { backup_suffix: ".bak".into(), ..Default::default() };
        assert_eq!(names(&[root.to_path_buf()], &other_run), ["a.txt", "a.txt.pre", "b.txt", "c.md", "lonely.bak"]);
        let kept = WalkOptions { keep_backups: true, ..options };
        let walked = inputs(&[root.to_path_buf()], &kept).unwrap();
        assert!(walked.backups.is_empty());
        assert_eq!(walked.found.len(), 8, "every file, backup or not");
    }

    #[test]
    fn common_backup_suffixes_name_their_original() {
        for (name, original) in [
            ("a.txt.bak", Some("a.txt")),
            ("a.txt.orig2", Some("a.txt")),
            ("a.txt.Old", Some("a.txt")),
            ("a.txt.backup", Some("a.txt")),
            ("a.txt~", Some("a.txt")),
            ("a.txt.~12~", Some("a.txt")),
            ("a.txt", None),
            ("notes.older", None),
            ("index.html.en", None),
            ("v2", None),
        ] {
            assert_eq!(is_backup_name(name), original, "{name}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn names_are_shown_as_ls_b_shows_them() {
        use std::os::unix::ffi::OsStrExt;
        let shown = |bytes: &[u8]| display_path(Path::new(std::ffi::OsStr::from_bytes(bytes))).into_owned();
        assert_eq!(shown(b"d/\xd6\xd0.txt"), r"d/\xD6\xD0.txt");
        assert_eq!(shown(b"a\\b\xff"), r"a\\b\xFF", "a backslash is doubled");
        assert_eq!(shown("a中.txt".as_bytes()), "a中.txt", "UTF-8 is shown as it is");
        assert_eq!(shown(br"\xD6\xD0.txt"), r"\\xD6\\xD0.txt", "a UTF-8 name with a backslash is not a GBK one");
        assert_eq!(shown(b"d/nl\nx\t\x1b.txt"), r"d/nl\nx\t\x1B.txt", "a name is shown on one line");
        assert_eq!(shown("a\u{85}中".as_bytes()), r"a\u{85}中");
    }

    #[test]
    fn a_file_reached_twice_is_kept_once() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::write(root.join("a.txt"), "x").unwrap();
        let paths = [root.to_path_buf(), root.join("a.txt"), root.join(".").join("a.txt"), root.join("missing")];
        let placed = once_each(inputs(&paths, &WalkOptions::default()).unwrap().found, |_| ());
        let found: Vec<_> = placed.iter().map(|placed| &placed.found).collect();
        assert_eq!(found.len(), 2);
        assert_eq!(placed[0].canonical, Some(fs::canonicalize(root.join("a.txt")).unwrap()));
        assert_eq!(placed[1].canonical, None);
        assert_eq!(found[0].as_ref().unwrap().path, root.join("a.txt"));
        assert_eq!(
            found[1].as_ref().unwrap().path,
            root.join("missing"),
            "a path that does not resolve is kept, to be reported"
        );
        let by_root = once_each(inputs(&paths, &WalkOptions::default()).unwrap().found, |input| input.root.clone());
        let roots: Vec<_> = by_root.iter().flat_map(|placed| &placed.found).map(|input| input.root.clone()).collect();
        assert_eq!(roots, [root.to_path_buf(), root.join("a.txt"), root.join("missing")], "once for each place");
    }
}
