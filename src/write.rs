//! Writing: the output form of the text, and putting it on disk safely.
//!
//! Output is always UTF-8; the BOM, line endings and Unicode normalization
//! follow the user's policy. Files are never half-written: in-place writes go
//! to a temporary file in the same folder, synced, then renamed over the
//! original; a file whose bytes would not change is not touched at all.

use std::fs;
use std::io::{self, Read, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_8};
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

use crate::{Error, Result};

/// What to do with a byte-order mark.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "kebab-case")]
pub enum BomPolicy {
    /// Never write a BOM (UTF-8 needs none).
    #[default]
    Strip,
    /// Write a BOM when the input had one.
    Keep,
    /// Always write a BOM.
    Add,
}

/// What to do with line endings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "kebab-case")]
pub enum EolPolicy {
    /// Keep every line ending as found.
    #[default]
    Keep,
    /// `\n` everywhere (CRLF and lone CR become LF).
    Lf,
    /// `\r\n` everywhere.
    Crlf,
}

/// How many line endings of each kind the input had.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct EolCounts {
    /// `\n` alone.
    pub lf: u64,
    /// `\r\n`.
    pub crlf: u64,
    /// `\r` alone.
    pub cr: u64,
}

impl EolCounts {
    /// Counts the line endings of `text`, which never ends in the middle of
    /// a CRLF pair (the pipeline cuts after `\n`, or before a final `\r`).
    pub fn count(text: &str) -> EolCounts {
        let bytes = text.as_bytes();
        let newlines = memchr::memchr_iter(b'\n', bytes).count() as u64;
        let mut counts = EolCounts { lf: newlines, ..EolCounts::default() };
        for i in memchr::memchr_iter(b'\r', bytes) {
            if bytes.get(i + 1) == Some(&b'\n') {
                counts.crlf += 1;
                counts.lf -= 1;
            } else {
                counts.cr += 1;
            }
        }
        counts
    }

    /// Adds another block's counts.
    pub fn add(&mut self, other: EolCounts) {
        self.lf += other.lf;
        self.crlf += other.crlf;
        self.cr += other.cr;
    }

    /// The ending a policy writes would differ from some found.
    pub fn changed_by(&self, policy: EolPolicy) -> bool {
        match policy {
            EolPolicy::Keep => false,
            EolPolicy::Lf => self.crlf + self.cr > 0,
            EolPolicy::Crlf => self.lf + self.cr > 0,
        }
    }
}

/// What [`declare_utf8`] found in the declarations of a text and made of
/// them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redeclared {
    /// The text with its declarations pointed at UTF-8.
    pub text: String,
    /// The label (lowercase) of the first declaration pointed at UTF-8.
    pub updated: Option<String>,
    /// The label (lowercase) of the first declaration of another charset
    /// than the one the text was read in.
    pub not_followed: Option<String>,
    /// That declaration, of another charset than UTF-8, is left as it is:
    /// it may be a Markdown heading.
    pub not_followed_left: bool,
}

/// `text` (the start of a file decoded from `source`) with every
/// declaration of a charset other than UTF-8 pointed at UTF-8, which it is
/// now written in; `None` when it declares no charset but `source` or
/// UTF-8. Left as it was, a declaration would have the file read in that
/// charset again: browsers would show mojibake, and Python refuses a
/// `coding: gbk` file that is not GBK. A declaration of another charset
/// than `source` was wrong before, and is named as not followed; one on a
/// line that may be a Markdown heading (`# Encoding: big5`) is then left as
/// it is, since it may not be a declaration at all. `declared_in_head` are
/// the kinds of declaration found in the input (see
/// [`crate::detect::declared::Kinds`]); `None` looks for them in `text`'s
/// own windows.
pub fn declare_utf8(
    text: &str,
    source: &'static Encoding,
    declared_in_head: Option<crate::detect::declared::Kinds>,
) -> Option<Redeclared> {
    use crate::detect::declared;
    let mut redeclared = Redeclared {
        text: String::with_capacity(text.len() + 8),
        updated: None,
        not_followed: None,
        not_followed_left: false,
    };
    let mut done = 0;
    for declaration in declared::declarations(text, declared_in_head) {
        // The replacement encoding's labels too: a browser would show the
        // whole page as one U+FFFD.
        let label = declaration.label;
        let Some(declared) = declared::charset_named(label) else { continue };
        let followed = declared::names_charset(declared, source);
        if !followed && redeclared.not_followed.is_none() {
            redeclared.not_followed = Some(label.to_ascii_lowercase());
            // One of UTF-8 is right as it is: the output is UTF-8.
            redeclared.not_followed_left = declaration.may_be_heading && declared != UTF_8;
        }
        if declared == UTF_8 || (!followed && declaration.may_be_heading) {
            continue;
        }
        redeclared.text.push_str(&text[done..declaration.start]);
        redeclared.text.push_str(declaration.utf8_label);
        done = declaration.start + label.len();
        redeclared.updated.get_or_insert_with(|| label.to_ascii_lowercase());
    }
    redeclared.text.push_str(&text[done..]);
    (redeclared.updated.is_some() || redeclared.not_followed.is_some()).then_some(redeclared)
}

/// Unicode NFC of `text`, borrowed when it already is NFC.
pub fn nfc(text: &str) -> Cow<'_, str> {
    if is_nfc_quick(text.chars()) == IsNormalized::Yes {
        return Cow::Borrowed(text);
    }
    let normalized: String = text.nfc().collect();
    if normalized == text {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(normalized)
    }
}

/// Applies the line-ending policy to `text`, borrowed when nothing changes.
pub fn line_endings(text: &str, eol: EolPolicy) -> Cow<'_, str> {
    // Counting costs a pass over the text, which keeping them does not need.
    if eol == EolPolicy::Keep || !EolCounts::count(text).changed_by(eol) {
        return Cow::Borrowed(text);
    }
    let lf_only = text.replace("\r\n", "\n").replace('\r', "\n");
    match eol {
        EolPolicy::Crlf => Cow::Owned(lf_only.replace('\n', "\r\n")),
        _ => Cow::Owned(lf_only),
    }
}

/// Replaces `path` with `bytes` atomically (see [`replace_with`]). With
/// `backup` (a suffix and the original's bytes as they were read), the
/// original is kept as `path` + suffix: the backup holds what was read,
/// whatever is on disk by then.
pub fn replace_atomically(path: &Path, bytes: &[u8], backup: Option<(&str, &[u8])>) -> Result<()> {
    let (suffix, original) = backup.map_or((None, &[][..]), |(suffix, original)| (Some(suffix), original));
    replace_with(path, original, suffix, |read, temp| {
        io::copy(read, &mut io::sink())?;
        temp.write_all(bytes)?;
        Ok(((), true))
    })
}

/// Replaces `path` atomically with what `fill` writes to a temporary file in
/// the same folder, which is then synced, given the original's permissions
/// and, as far as the user may, its owner and group (as `sed -i` does), and
/// renamed over it. `fill` gets `original` to read from and returns a value
/// and whether to replace: when not, `path` is not touched and the temporary
/// file is removed, so a file is streamed through in bounded memory and
/// still left alone when nothing changes.
///
/// With `backup` (a suffix), whatever `fill` reads from `original` is also
/// written to `path` + suffix the same way: the backup holds what was read,
/// whatever is on disk by then.
pub fn replace_with<R: Read, T>(
    path: &Path,
    original: R,
    backup: Option<&str>,
    fill: impl FnOnce(&mut dyn Read, &mut Filling) -> Result<(T, bool)>,
) -> Result<T> {
    let metadata = fs::symlink_metadata(path)?;
    refuse_special_file(&metadata)?;
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let mut backup = match backup {
        Some(suffix) => {
            let mut name = path.as_os_str().to_owned();
            name.push(suffix);
            let name = PathBuf::from(name);
            Some((temporary(&name, dir, NOT_CHANGED)?, name))
        }
        None => None,
    };
    let mut temp = temporary(path, dir, NOT_CHANGED)?;
    let mut read = Copying { original, copy: backup.as_mut().map(|(backup, _)| backup.as_file_mut()), failed: false };
    let mut filling = Filling { file: temp.as_file_mut(), failed: false };
    let filled = fill(&mut read, &mut filling);
    let (value, replace) = match filled {
        Err(Error::Io(err)) if read.failed => {
            let name = backup.as_ref().map_or(path, |(_, name)| name);
            return Err(output_error(name, err, NOT_CHANGED));
        }
        Err(Error::Io(err)) if filling.failed => return Err(output_error(path, err, NOT_CHANGED)),
        filled => filled?,
    };
    if !replace {
        return Ok(value);
    }
    refuse_hard_links(&metadata)?;
    // Both files are whole on disk before either is renamed: the renames
    // are quick, and a signal lands before both or after both.
    if let Some((backup, name)) = &backup {
        // The backup is the original, with its modification time, as `sed
        // -i.bak` and `cp -p` keep it: comparing or restoring by time finds
        // it. (Its access time is the read's by now.)
        if let Ok(modified) = metadata.modified() {
            backup.as_file().set_modified(modified).map_err(|err| output_error(name, err, NOT_CHANGED))?;
        }
        seal(backup, metadata.permissions(), Some(&metadata)).map_err(|err| output_error(name, err, NOT_CHANGED))?;
    }
    seal(&temp, metadata.permissions(), Some(&metadata)).map_err(|err| output_error(path, err, NOT_CHANGED))?;
    temp.persist(path, backup, NOT_CHANGED)?;
    Ok(value)
}

/// The failure to write `path`, with what it means for the file.
fn output_error(path: &Path, err: io::Error, meaning: &str) -> Error {
    let reason = format!("{}; {meaning}", crate::os_reason(&err));
    Error::Output { path: path.to_path_buf(), source: io::Error::new(err.kind(), reason) }
}

/// The temporary file that a fill writes to. Its write errors are the
/// output's (a full disk), told apart so from the input's read errors.
pub struct Filling<'a> {
    file: &'a mut fs::File,
    failed: bool,
}

impl Write for Filling<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.file.write(buf).inspect_err(|_| self.failed = true)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush().inspect_err(|_| self.failed = true)
    }
}

/// A reader that writes what it reads to `copy` too; `failed` tells a
/// failure to write the copy from one to read.
struct Copying<'a, R> {
    original: R,
    copy: Option<&'a mut fs::File>,
    failed: bool,
}

impl<R: Read> Read for Copying<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.original.read(buf)?;
        if let Some(copy) = &mut self.copy {
            copy.write_all(&buf[..n]).inspect_err(|_| self.failed = true)?;
        }
        Ok(n)
    }
}

/// The temporary files of this process that are not yet renamed into place,
/// so that a run stopped by a signal can take them away
/// ([`remove_temporaries`]).
static UNFINISHED: Mutex<Unfinished> = Mutex::new(Unfinished { stopping: false, paths: Vec::new() });

struct Unfinished {
    /// Set by [`remove_temporaries`]: no temporary file is started after it.
    stopping: bool,
    paths: Vec<PathBuf>,
}

impl Unfinished {
    fn finished(&mut self, path: &Path) {
        self.paths.retain(|p| p != path);
    }
}

fn unfinished() -> MutexGuard<'static, Unfinished> {
    // A thread that panicked while holding the list left it whole: every
    // change to it is a single push or removal.
    UNFINISHED.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Removes the temporary files this process is still writing, and starts no
/// new one (their writes fail with [`Error::Stopping`]). For a signal
/// handler: the files being rewritten stay as they were, and no
/// `.zhnorm-XXXXXX.tmp` is left beside them. Returns how many it removed.
/// The command's, for a process about to end: every write of the process
/// after it fails; not part of the API.
#[doc(hidden)]
pub fn remove_temporaries() -> usize {
    let mut list = unfinished();
    list.stopping = true;
    list.paths.drain(..).filter(|path| fs::remove_file(path).is_ok()).count()
}

/// A temporary file, listed in [`UNFINISHED`] until it is renamed into
/// place or dropped (and deleted).
struct Temporary {
    file: tempfile::NamedTempFile,
    listed: Listed,
}

/// Takes its path off the list when dropped.
struct Listed(PathBuf);

impl Drop for Listed {
    fn drop(&mut self) {
        unfinished().finished(&self.0);
    }
}

impl Temporary {
    fn as_file(&self) -> &fs::File {
        self.file.as_file()
    }

    fn as_file_mut(&mut self) -> &mut fs::File {
        self.file.as_file_mut()
    }

    /// Renames the file to `to`, replacing it, and `backup` first to its
    /// name, never replacing one there: an earlier run's backup may be the
    /// only copy of the real original. The renames and the files' leaving
    /// the list happen under one hold of its lock, so that a signal's
    /// [`remove_temporaries`] comes before both renames or after both, and
    /// neither deletes a finished file nor misses an unfinished one. When
    /// the rename over `to` fails, the backup just made is removed: `to`
    /// is unchanged, and a backup left beside it would refuse the re-run.
    fn persist(self, to: &Path, backup: Option<(Temporary, PathBuf)>, untouched: &str) -> Result<()> {
        // Declared before the lock is taken, so dropped after it is
        // released: dropping one takes the lock.
        let mut listed = vec![self.listed];
        let backup = backup.map(|(Temporary { file, listed: backup_listed }, name)| {
            listed.push(backup_listed);
            (file, name)
        });
        let mut list = unfinished();
        for Listed(path) in &listed {
            list.finished(path);
        }
        if list.stopping {
            return Err(Error::Stopping);
        }
        let backed_up = match backup {
            Some((file, name)) => {
                file.persist_noclobber(&name).map_err(|e| match e.error.kind() {
                    io::ErrorKind::AlreadyExists => Error::BackupExists(name.clone()),
                    _ => output_error(&name, e.error, untouched),
                })?;
                Some(name)
            }
            None => None,
        };
        self.file.persist(to).map(drop).map_err(|e| match backed_up.map(|name| (fs::remove_file(&name), name)) {
            Some((Err(removal), name)) => output_error(
                to,
                e.error,
                &format!(
                    "{untouched}, and its backup {} could not be removed ({})",
                    crate::walk::display_path(&name),
                    crate::os_reason(&removal)
                ),
            ),
            _ => output_error(to, sticky_folder_refusal(to, e.error), untouched),
        })
    }
}

/// A rename over `to` that the system refused as "operation not
/// permitted", worded as what it means when the folder is sticky (as
/// `/tmp` is): there only the owner of a file, or of the folder, may
/// replace the file, whatever the folder's permissions say. Another error
/// is returned as it is.
#[cfg(unix)]
fn sticky_folder_refusal(to: &Path, err: io::Error) -> io::Error {
    use std::os::unix::fs::MetadataExt;
    /// The sticky bit of a mode (`S_ISVTX`, whose type differs by system).
    const STICKY: u32 = 0o1000;
    if err.raw_os_error() != Some(libc::EPERM) {
        return err;
    }
    let dir = to.parent().filter(|dir| !dir.as_os_str().is_empty()).unwrap_or(Path::new("."));
    // SAFETY: geteuid cannot fail and touches no memory.
    let user = unsafe { libc::geteuid() };
    let owner_of = |path: &Path| fs::symlink_metadata(path).map(|metadata| (metadata.uid(), metadata.mode()));
    let sticky = match (owner_of(dir), owner_of(to)) {
        // Root may replace anything, so its refusal is something else.
        (Ok((dir_owner, mode)), Ok((file_owner, _))) => {
            mode & STICKY != 0 && user != 0 && user != dir_owner && user != file_owner
        }
        _ => false,
    };
    if !sticky {
        return err;
    }
    let folder = if dir == Path::new(".") {
        Cow::Borrowed("the current folder")
    } else {
        Cow::Owned(format!("the folder {}", crate::walk::display_path(dir)))
    };
    io::Error::new(
        err.kind(),
        format!("{folder} is sticky (as /tmp is), and only the file's owner may replace the file"),
    )
}

#[cfg(not(unix))]
fn sticky_folder_refusal(_: &Path, err: io::Error) -> io::Error {
    err
}

/// What a failure in [`replace_with`] means for the file.
const NOT_CHANGED: &str = "the file was not changed";

/// What a failure in [`create_with`] means for the output.
const NOTHING_WRITTEN: &str = "nothing was written";

/// An empty temporary file in `dir`, to become `output`, removed unless
/// persisted. Created and listed under one lock, so that a signal's
/// clean-up sees every file created before it and none after. When none
/// can be made (a read-only folder), the error names `output`, says why
/// and what that means for it (`untouched`), rather than naming a random
/// path that does not exist.
fn temporary(output: &Path, dir: &Path, untouched: &str) -> Result<Temporary> {
    let mut list = unfinished();
    if list.stopping {
        return Err(Error::Stopping);
    }
    let file = tempfile::Builder::new().prefix(TEMPORARY_PREFIX).suffix(".tmp").tempfile_in(dir).map_err(|err| {
        // tempfile's message ends with the random name it tried, and hides
        // the system's error inside a type of its own: its kind says why.
        let reason = err.kind();
        let dir = if dir == Path::new(".") {
            Cow::Borrowed("the current folder")
        } else {
            Cow::Owned(format!("{}/", crate::walk::display_path(dir)))
        };
        let source =
            io::Error::new(err.kind(), format!("cannot create a temporary file in {dir} ({reason}); {untouched}"));
        Error::Output { path: output.to_path_buf(), source }
    })?;
    list.paths.push(file.path().to_path_buf());
    Ok(Temporary { listed: Listed(file.path().to_path_buf()), file })
}

/// Gives a written temporary file `permissions` and, given `owner_of`, that
/// file's owner and group, and syncs it.
fn seal(temp: &Temporary, permissions: fs::Permissions, owner_of: Option<&fs::Metadata>) -> io::Result<()> {
    // Before the permissions: a change of owner clears set-user-ID bits.
    if let Some(like) = owner_of {
        copy_owner(temp.as_file(), like);
    }
    temp.as_file().set_permissions(permissions)?;
    temp.as_file().sync_all()?;
    Ok(())
}

/// Gives `file` the owner and group of `like` where the user may: root
/// may give both, others may give a group they are in, or nothing. A
/// failure leaves the new file the user's, as `sed -i` does.
#[cfg(unix)]
fn copy_owner(file: &fs::File, like: &fs::Metadata) {
    use std::os::unix::fs::MetadataExt;
    if std::os::unix::fs::fchown(file, Some(like.uid()), Some(like.gid())).is_err() {
        let _ = std::os::unix::fs::fchown(file, None, Some(like.gid()));
    }
}

#[cfg(not(unix))]
fn copy_owner(_: &fs::File, _: &fs::Metadata) {}

/// How zhnorm's temporary files start (`.zhnorm-XXXXXX.tmp`), so that one
/// left by a run killed outright (`kill -9`, a power cut) is easy to
/// recognise.
pub const TEMPORARY_PREFIX: &str = ".zhnorm-";

/// Writes `bytes` to `path`, a new file in the output tree (see [`create_with`]).
pub fn create_atomically(path: &Path, bytes: &[u8], permissions: fs::Permissions) -> Result<()> {
    create_with(path, permissions, |temp| {
        temp.write_all(bytes)?;
        Ok(((), true))
    })
}

/// Writes what `fill` writes to `path`, a new file in the output tree,
/// through a temporary file so that an interrupted run leaves no
/// half-written file; the copy gets `permissions` (the original's, as `cp`
/// keeps them). `fill` returns a value and whether to keep what it wrote.
pub fn create_with<T>(
    path: &Path,
    permissions: fs::Permissions,
    fill: impl FnOnce(&mut Filling) -> Result<(T, bool)>,
) -> Result<T> {
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(|err| {
        // "File exists" does not say which: the file where a folder should be.
        let reason = match dir.ancestors().find(|d| fs::metadata(d).is_ok_and(|m| !m.is_dir())) {
            Some(file) => format!("{} is not a folder", crate::walk::display_path(file)),
            None => format!("cannot create the folder {} ({})", crate::walk::display_path(dir), crate::os_reason(&err)),
        };
        Error::Output {
            path: path.to_path_buf(),
            source: io::Error::new(err.kind(), format!("{reason}; {NOTHING_WRITTEN}")),
        }
    })?;
    let mut temp = temporary(path, dir, NOTHING_WRITTEN)?;
    let mut filling = Filling { file: temp.as_file_mut(), failed: false };
    let (value, keep) = match fill(&mut filling) {
        Err(Error::Io(err)) if filling.failed => return Err(output_error(path, err, NOTHING_WRITTEN)),
        filled => filled?,
    };
    if keep {
        seal(&temp, permissions, None).map_err(|err| output_error(path, err, NOTHING_WRITTEN))?;
        temp.persist(path, None, NOTHING_WRITTEN)?;
    }
    Ok(value)
}

#[cfg(unix)]
fn refuse_hard_links(metadata: &fs::Metadata) -> Result<()> {
    use std::os::unix::fs::MetadataExt;
    match metadata.nlink() {
        n if n > 1 && metadata.is_file() => Err(Error::HardLinks(n)),
        _ => Ok(()),
    }
}

#[cfg(not(unix))]
fn refuse_hard_links(_: &fs::Metadata) -> Result<()> {
    Ok(())
}

/// What `replace_with` would refuse for `path` once it changes, told
/// before anything is written: `--check` lists such a file without
/// promising that `--write` rewrites it. A link is followed, as `--write`
/// rewrites the file it leads to.
pub fn refuse_rewrite(path: &Path) -> Result<()> {
    let metadata = fs::metadata(path)?;
    refuse_special_file(&metadata)?;
    refuse_hard_links(&metadata)
}

/// Refuses to rewrite or mirror what is not a regular file: a named pipe,
/// a device or a socket (or a symbolic link, to `replace_with`) would be
/// replaced by a regular file, and a pipe with no writer would block the
/// run. Reading one (stdout, `--check`) is fine.
pub fn refuse_special_file(metadata: &fs::Metadata) -> Result<()> {
    let kind = metadata.file_type();
    if kind.is_file() {
        return Ok(());
    }
    Err(Error::NotRegularFile(special_file_kind(kind)))
}

#[cfg(unix)]
fn special_file_kind(kind: fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    match kind {
        _ if kind.is_fifo() => "named pipe",
        _ if kind.is_socket() => "socket",
        _ if kind.is_char_device() => "character device",
        _ if kind.is_block_device() => "block device",
        _ if kind.is_symlink() => "symbolic link",
        _ if kind.is_dir() => "folder",
        _ => "special file",
    }
}

#[cfg(not(unix))]
fn special_file_kind(kind: fs::FileType) -> &'static str {
    match kind {
        _ if kind.is_symlink() => "symbolic link",
        _ if kind.is_dir() => "folder",
        _ => "special file",
    }
}

/// Where `--out-dir` writes `file`, found under the input `root` (or given
/// itself when `root == file`): like `cp -r ROOT OUT/`, the mirror is
/// `OUT/<name of root>/<path of file under root>`. Never outside `out`: a
/// folder of the mirror that is a symbolic link (to anywhere) is refused.
pub fn mirror_path(out: &Path, root: &Path, file: &Path) -> Result<PathBuf> {
    let refuse = |reason| Error::OutPath { path: file.to_path_buf(), reason };
    let root_name = match root.file_name() {
        Some(name) => PathBuf::from(name),
        None => {
            fs::canonicalize(root)?.file_name().map(PathBuf::from).ok_or_else(|| refuse("the input has no name"))?
        }
    };
    let under_root = file.strip_prefix(root).map_err(|_| refuse("not under its input folder"))?;
    let mut mirrored = out.join(root_name);
    for component in under_root.components() {
        match component {
            Component::Normal(part) => mirrored.push(part),
            Component::CurDir => {}
            _ => return Err(refuse("the path leaves its input folder")),
        }
    }
    let mut folder = out.to_path_buf();
    let folders = mirrored.strip_prefix(out).ok().and_then(Path::parent).unwrap_or(Path::new(""));
    for part in folders.components() {
        folder.push(part);
        if fs::symlink_metadata(&folder).is_ok_and(|metadata| metadata.file_type().is_symlink()) {
            return Err(Error::OutLink(folder));
        }
    }
    Ok(mirrored)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_without_room_for_a_temporary_file_is_named_with_what_it_means() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("gone");
        let output = missing.join("a.txt");
        let Err(err) = temporary(&output, &missing, NOT_CHANGED) else {
            panic!("a temporary file in a missing folder")
        };
        let expected = format!(
            "{}: cannot create a temporary file in {}/ (entity not found); the file was not changed",
            output.display(),
            missing.display()
        );
        assert_eq!(err.to_string(), expected);
    }

    #[test]
    fn a_declaration_of_the_charset_read_is_pointed_at_utf8() {
        let updated = [
            (
                "<?xml version=\"1.0\" encoding=\"GBK\"?>\n<a>中</a>\n",
                "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<a>中</a>\n",
                "gbk",
            ),
            (
                "#!/usr/bin/env python\n# -*- coding: gbk -*-\nprint('中')\n",
                "#!/usr/bin/env python\n# -*- coding: utf-8 -*-\nprint('中')\n",
                "gbk",
            ),
            ("// -*- mode: c; coding: gb18030 -*-\n", "// -*- mode: c; coding: utf-8 -*-\n", "gb18030"),
            ("@charset \"GBK\";\nbody { font: 宋体 }\n", "@charset \"utf-8\";\nbody { font: 宋体 }\n", "gbk"),
            (
                "msgid \"\"\nmsgstr \"\"\n\"Content-Type: text/plain; charset=GBK\\n\"\n",
                "msgid \"\"\nmsgstr \"\"\n\"Content-Type: text/plain; charset=utf-8\\n\"\n",
                "gbk",
            ),
            (
                "<html><head><meta charset=\"gb2312\"><title>中</title>",
                "<html><head><meta charset=\"utf-8\"><title>中</title>",
                "gb2312",
            ),
            (
                "<META HTTP-EQUIV=\"Content-Type\" CONTENT=\"text/html; charset=GB2312\">",
                "<META HTTP-EQUIV=\"Content-Type\" CONTENT=\"text/html; charset=utf-8\">",
                "gb2312",
            ),
            (
                "<?xml version='1.0' encoding='gbk'?>\n<html><meta charset=gbk>",
                "<?xml version='1.0' encoding='utf-8'?>\n<html><meta charset=utf-8>",
                "gbk",
            ),
            (
                "Content-Type: text/plain; charset=\"gb2312\"\nContent-Transfer-Encoding: 8bit\n\n你好\n",
                "Content-Type: text/plain; charset=\"utf-8\"\nContent-Transfer-Encoding: 8bit\n\n你好\n",
                "gb2312",
            ),
            (
                "\\documentclass[12pt,GBK]{ctexart}\n\\begin{document}\n你好\n",
                "\\documentclass[12pt,UTF8]{ctexart}\n\\begin{document}\n你好\n",
                "gbk",
            ),
            (
                "\\documentclass{article}\n\\usepackage{CJK}\n\\begin{CJK*}{GBK}{song}\n你好\n",
                "\\documentclass{article}\n\\usepackage{CJK}\n\\begin{CJK*}{UTF8}{song}\n你好\n",
                "gbk",
            ),
        ];
        let redeclared = |text: &str, source| {
            declare_utf8(text, source, None).map(|r| (r.text, r.updated, r.not_followed, r.not_followed_left))
        };
        for (text, expected, label) in updated {
            let as_read = (expected.to_owned(), Some(label.to_owned()), None, false);
            assert_eq!(redeclared(text, encoding_rs::GB18030), Some(as_read), "{text}");
        }
        // Another charset than the one read: pointed at UTF-8 all the same,
        // and named as not followed, but on a line that may be a heading.
        let not_followed = [
            ("<meta charset=\"big5\">中", "<meta charset=\"utf-8\">中", Some("big5"), "big5", false),
            ("<meta charset=\"ISO-8859-1\">中", "<meta charset=\"utf-8\">中", Some("iso-8859-1"), "iso-8859-1", false),
            (
                "<meta charset=\"iso-2022-kr\">中",
                "<meta charset=\"utf-8\">中",
                Some("iso-2022-kr"),
                "iso-2022-kr",
                false,
            ),
            ("# -*- coding: big5 -*-\n中\n", "# -*- coding: utf-8 -*-\n中\n", Some("big5"), "big5", false),
            ("<meta charset=\"utf-8\">中", "<meta charset=\"utf-8\">中", None, "utf-8", false),
            ("# Encoding: big5\n中\n", "# Encoding: big5\n中\n", None, "big5", true),
            ("## coding: latin-1\n中\n", "## coding: latin-1\n中\n", None, "latin-1", true),
        ];
        for (text, expected, updated, declared, left) in not_followed {
            let found = (expected.to_owned(), updated.map(str::to_owned), Some(declared.to_owned()), left);
            assert_eq!(redeclared(text, encoding_rs::GB18030), Some(found), "{text}");
        }
        let far = format!("<html>{}<meta charset=\"gbk\">", " ".repeat(crate::detect::declared::META_WINDOW));
        for text in [
            "<meta charset=\"utf-8\">中",
            "a\nb\n# coding: gbk\n",
            " <?xml version=\"1.0\" encoding=\"GBK\"?>",
            "print('coding: gbk')\n",
            "中文",
            &far,
        ] {
            assert_eq!(declare_utf8(text, encoding_rs::UTF_8, None), None, "{text}");
        }
        // The window is the input's: GBK's two bytes a character become three.
        let grown = format!("<title>{}</title><meta charset=\"gbk\">", "中".repeat(400));
        let head = encoding_rs::GBK.encode(&grown).0;
        let kinds = crate::detect::declared::kinds(&head);
        let updated = declare_utf8(&grown, encoding_rs::GB18030, Some(kinds)).map(|r| r.text);
        assert_eq!(updated, Some(grown.replace("gbk", "utf-8")));
        assert_eq!(declare_utf8(&grown, encoding_rs::GB18030, None), None, "past the window of the output");
        let big5 = redeclared("<meta charset=\"big5\">", encoding_rs::BIG5);
        assert_eq!(big5, Some(("<meta charset=\"utf-8\">".to_owned(), Some("big5".to_owned()), None, false)));
    }

    #[test]
    fn eol_counts_and_forms() {
        let text = "a\r\nb\nc\rd\r\n";
        assert_eq!(EolCounts::count(text), EolCounts { lf: 1, crlf: 2, cr: 1 });
        assert_eq!(line_endings(text, EolPolicy::Keep), text);
        assert_eq!(line_endings(text, EolPolicy::Lf), "a\nb\nc\nd\n");
        assert_eq!(line_endings(text, EolPolicy::Crlf), "a\r\nb\r\nc\r\nd\r\n");
        assert!(matches!(line_endings("a\r\n", EolPolicy::Crlf), Cow::Borrowed(_)));
    }

    #[test]
    fn nfc_composes() {
        assert_eq!(nfc("e\u{301}"), "\u{e9}");
        assert!(matches!(nfc("中文 e\u{e9}"), Cow::Borrowed(_)));
    }

    #[test]
    fn mirror_paths_stay_inside_out() {
        let out = Path::new("/out");
        assert_eq!(
            mirror_path(out, Path::new("novels"), Path::new("novels/a/b.txt")).unwrap(),
            Path::new("/out/novels/a/b.txt")
        );
        assert_eq!(mirror_path(out, Path::new("x/b.txt"), Path::new("x/b.txt")).unwrap(), Path::new("/out/b.txt"));
        assert!(mirror_path(out, Path::new("novels"), Path::new("elsewhere/b.txt")).is_err());
    }

    #[cfg(unix)]
    #[test]
    fn a_linked_folder_inside_out_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let (out, elsewhere) = (dir.path().join("out"), dir.path().join("elsewhere"));
        fs::create_dir_all(out.join("novels")).unwrap();
        fs::create_dir(&elsewhere).unwrap();
        std::os::unix::fs::symlink(&elsewhere, out.join("novels/part")).unwrap();
        let file = Path::new("novels/part/a.txt");
        let Err(Error::OutLink(link)) = mirror_path(&out, Path::new("novels"), file) else { panic!("not refused") };
        assert_eq!(link, out.join("novels/part"));
        assert!(mirror_path(&out, Path::new("novels"), Path::new("novels/a.txt")).is_ok());
        std::os::unix::fs::symlink(&elsewhere, dir.path().join("linked-out")).unwrap();
        let through_a_linked_out = mirror_path(&dir.path().join("linked-out"), Path::new("novels"), file);
        assert!(through_a_linked_out.is_ok(), "OUT itself is the user's choice");
    }

    #[test]
    fn replace_keeps_permissions_and_backs_up() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        fs::write(&path, b"old").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
        }
        replace_atomically(&path, b"new", Some((".bak", b"as read"))).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"new");
        assert_eq!(fs::read(dir.path().join("a.txt.bak")).unwrap(), b"as read", "what was read, not what is on disk");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o640);
            assert_eq!(fs::metadata(dir.path().join("a.txt.bak")).unwrap().permissions().mode() & 0o777, 0o640);
        }
        let leftovers = fs::read_dir(dir.path())
            .unwrap()
            .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().ends_with(".tmp"))
            .count();
        assert_eq!(leftovers, 0);
    }

    #[test]
    fn a_backup_keeps_the_originals_modification_time() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        fs::write(&path, b"old").unwrap();
        let then = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(978_307_200);
        fs::File::options().write(true).open(&path).unwrap().set_modified(then).unwrap();
        replace_atomically(&path, b"new", Some((".bak", b"old"))).unwrap();
        assert_eq!(fs::metadata(dir.path().join("a.txt.bak")).unwrap().modified().unwrap(), then);
        assert_ne!(fs::metadata(&path).unwrap().modified().unwrap(), then, "the rewritten file is new");
    }

    /// A failed rename over the original left the backup just made, and
    /// the next `--backup` run refused the file for it.
    #[test]
    fn a_failed_rename_over_the_original_leaves_no_backup() {
        let dir = tempfile::tempdir().unwrap();
        // A folder in the original's place: a file cannot be renamed over it.
        let path = dir.path().join("a.txt");
        fs::create_dir(&path).unwrap();
        fs::write(path.join("inside"), b"").unwrap();
        let backup_name = dir.path().join("a.txt.bak");
        let backup = temporary(&backup_name, dir.path(), NOT_CHANGED).unwrap();
        let temp = temporary(&path, dir.path(), NOT_CHANGED).unwrap();
        let Err(Error::Output { path: failed, source }) =
            temp.persist(&path, Some((backup, backup_name.clone())), NOT_CHANGED)
        else {
            panic!("renamed over a folder")
        };
        assert_eq!(failed, path);
        assert!(source.to_string().ends_with("; the file was not changed"), "{source}");
        assert!(!backup_name.exists(), "the backup of a file not rewritten is removed");
        let mut left: Vec<_> = fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        left.sort();
        assert_eq!(left, ["a.txt"], "no temporary file either");
    }

    #[cfg(unix)]
    #[test]
    fn replace_keeps_owner_and_group_where_allowed() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        fs::write(&path, b"old").unwrap();
        // Only root may give a file away; elsewhere this checks nothing more
        // than that the rewrite goes through.
        let given = std::os::unix::fs::chown(&path, Some(65534), Some(65534)).is_ok();
        replace_atomically(&path, b"new", Some((".bak", b"old"))).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"new");
        if given {
            for file in [path.clone(), dir.path().join("a.txt.bak")] {
                let metadata = fs::metadata(&file).unwrap();
                assert_eq!((metadata.uid(), metadata.gid()), (65534, 65534), "{}", file.display());
            }
        }
    }

    #[cfg(unix)]
    #[test]
    fn hard_linked_files_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        fs::write(&path, b"old").unwrap();
        fs::hard_link(&path, dir.path().join("b.txt")).unwrap();
        assert!(matches!(replace_atomically(&path, b"new", None), Err(Error::HardLinks(2))));
        assert_eq!(fs::read(&path).unwrap(), b"old");
    }
}
