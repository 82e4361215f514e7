//! Why a file could not be normalized.
//!
//! Every variant but [`Error::Settings`] is a per-file outcome: the CLI
//! prints it as `zhnorm: PATH: reason` and goes on with the other files. A
//! bad settings file stops the run before any file is read.

use std::io;
use std::path::PathBuf;

/// Everything that can go wrong while normalizing one input.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading or writing failed.
    #[error("{}", os_reason(.0))]
    Io(#[from] io::Error),
    /// The bytes are not valid in the charset they were decoded with, and
    /// the caller did not allow replacing them with U+FFFD
    /// ([`Options::lossy`](crate::Options::lossy)); naming the charset
    /// ([`Options::from`](crate::Options::from)) may help.
    #[error("malformed {encoding} byte sequence at byte offset {offset}; not written")]
    Malformed {
        /// Name of the charset used for decoding.
        encoding: &'static str,
        /// Byte offset of the first malformed sequence in the input.
        offset: u64,
    },
    /// As [`Error::Malformed`], in the charset of a byte-order mark, which
    /// wins over detection and over the charset the caller named: naming
    /// the charset again does not help, removing the BOM does.
    #[error(
        "malformed {encoding} byte sequence at byte offset {offset}, after a byte-order mark of {encoding}, \
         which wins over {}; not written",
        from.map_or("detection and any charset named".to_owned(), |from| format!("the charset named, {from}"))
    )]
    MalformedAfterBom {
        /// Name of the charset of the BOM.
        encoding: &'static str,
        /// Byte offset of the first malformed sequence in the input.
        offset: u64,
        /// Name of the charset the caller named, if any.
        from: Option<&'static str>,
    },
    /// As [`Error::Malformed`], in an input that mixes lines of UTF-8 with
    /// lines of another charset: decoding it as either would garble the
    /// other's lines.
    #[error(
        "malformed UTF-8 byte sequence at byte offset {offset}: the input mixes lines of UTF-8 and of {other}; \
         not written"
    )]
    Mixed {
        /// Byte offset of the first byte that is not UTF-8.
        offset: u64,
        /// Name of the charset of the lines that are not UTF-8.
        other: &'static str,
    },
    /// The input ends inside a multi-byte character: the file was cut (a
    /// download or a copy that stopped, a byte limit). Lossy decoding
    /// ([`Options::lossy`](crate::Options::lossy)) keeps it with U+FFFD in
    /// place of the half character.
    #[error("the input ends inside a {encoding} character (byte offset {offset}): the file was cut; not written")]
    Truncated {
        /// Name of the charset used for decoding.
        encoding: &'static str,
        /// Byte offset of the incomplete character.
        offset: u64,
    },
    /// A charset label (`--from`, `accept`) that is neither a WHATWG label
    /// nor one of the Python and Emacs names taken besides.
    #[error(
        "unknown encoding label {0:?} (use a WHATWG label such as gbk, gb18030, big5, shift_jis, utf-16le, \
         or a Python or Emacs name such as cp936, euc_cn, cp950, chinese-gbk)"
    )]
    UnknownEncoding(String),
    /// `--from` named a label of WHATWG's replacement encoding, which
    /// decodes nothing.
    #[error(
        "encoding label {0:?} names WHATWG's replacement encoding, which decodes nothing \
         (any input is one U+FFFD); name the charset the text is in"
    )]
    ReplacementLabel(String),
    /// A conversion name that is not one of OpenCC's built-in configurations.
    #[error(
        "unknown conversion {0:?} (expected one of s2t, t2s, s2tw, tw2s, s2twp, tw2sp, \
         s2hk, hk2s, s2hkp, hk2sp, t2tw, tw2t, t2hk, hk2t, t2jp, jp2t)"
    )]
    UnknownConversion(String),
    /// `--engine opencc` in a build without the `opencc` cargo feature.
    #[error(
        "this zhnorm was built without OpenCC's library; rebuild with `--features opencc` \
         (see the README) or use the default engine, which gives the same output"
    )]
    EngineUnavailable,
    /// OpenCC's library could not open a configuration.
    #[error("OpenCC could not open {config}: {reason}")]
    Opencc {
        /// The configuration's name.
        config: String,
        /// What OpenCC or the file system said.
        reason: String,
    },
    /// A custom conversion configuration (`-c FILE.json`) or user
    /// dictionary (`--dict`) that cannot be used.
    #[error("{}: {reason}", crate::walk::display_path(path))]
    Config {
        /// The configuration or dictionary file.
        path: PathBuf,
        /// What is wrong, and where in the JSON.
        reason: String,
    },
    /// A line of a text dictionary that is not `key<TAB>value`.
    #[error("{}:{line}: {reason} (expected KEY<TAB>VALUE VALUE...)", crate::walk::display_path(path))]
    Dictionary {
        /// The dictionary file.
        path: PathBuf,
        /// The line, counted from 1.
        line: usize,
        /// What is wrong with it.
        reason: String,
    },
    /// `--backup` would replace the backup of an earlier run, which may be
    /// the only copy of the real original.
    #[error(
        "not written: its backup {} exists already (from an earlier run?); \
         move it away, or choose another suffix",
        crate::walk::display_path(.0)
    )]
    BackupExists(PathBuf),
    /// Writing an output failed: the `--out-dir` mirror, the file `--write`
    /// rewrites or its backup, or a folder or temporary file for one. The
    /// input was read; `path` says which side failed.
    #[error("{}: {source}", crate::walk::display_path(path))]
    Output {
        /// The file that could not be written.
        path: PathBuf,
        /// Why, and what that means for the file.
        source: io::Error,
    },
    /// A named pipe, a device, a socket: `--write` and `--out-dir` would
    /// put a regular file in its place.
    #[error("not a regular file ({0}); not written")]
    NotRegularFile(&'static str),
    /// Rewriting in place would split a file with several hard links.
    #[error("refusing to rewrite a file with {0} hard links (a rename would split them)")]
    HardLinks(u64),
    /// A settings file that cannot be read, or a key in it with a bad value.
    #[error("{}{}{message}", crate::walk::display_path(path), if message.starts_with(|c: char| c.is_ascii_digit()) { ":" } else { ": " })]
    Settings {
        /// The settings file.
        path: PathBuf,
        /// `LINE:COLUMN: KEY: what is wrong and what is allowed`, or why it cannot be read.
        message: String,
    },
    /// An `.editorconfig` that applies to the file cannot be read or parsed.
    #[error("bad .editorconfig: {0}")]
    EditorConfig(String),
    /// `.editorconfig` sets a charset for the file that what zhnorm would
    /// write is not in (UTF-8 beyond ASCII in a `latin1` file, any UTF-8 in
    /// a UTF-16 one).
    #[error(".editorconfig sets charset = {charset}, and zhnorm would write {written}; not changed")]
    EditorConfigCharset {
        /// The `charset` value.
        charset: &'static str,
        /// What zhnorm would write instead.
        written: &'static str,
    },
    /// The input's charset is not one the settings accept.
    #[error("charset {found} is not accepted (accepted: {accepted})")]
    NotAccepted {
        /// The charset the input is in.
        found: String,
        /// The accepted charsets.
        accepted: String,
    },
    /// A path that `--out-dir` cannot mirror safely.
    #[error("cannot mirror {} under the output folder: {reason}", crate::walk::display_path(path))]
    OutPath {
        /// The offending input path.
        path: PathBuf,
        /// Why it cannot be mirrored.
        reason: &'static str,
    },
    /// A folder of the `--out-dir` mirror is a symbolic link, which could
    /// lead anywhere.
    #[error("{} is a symbolic link, which could lead out of the output folder (remove the link)", crate::walk::display_path(.0))]
    OutLink(PathBuf),
    /// The run is being stopped by a signal: no new file is started.
    #[error("not written: the run is being stopped")]
    Stopping,
}

impl Error {
    /// The message when the text before a malformed or cut character has
    /// been printed (the stdout mode does, as `iconv` does): where the
    /// output stops rather than "not written"; `None` for other errors.
    pub fn printed_up_to_fault(&self) -> Option<String> {
        let offset = match self {
            Error::Malformed { offset, .. }
            | Error::MalformedAfterBom { offset, .. }
            | Error::Mixed { offset, .. }
            | Error::Truncated { offset, .. } => offset,
            _ => return None,
        };
        // An offset in the input: the UTF-8 printed is longer.
        Some(self.to_string().replacen("not written", &format!("output stops at input byte {offset}"), 1))
    }
}

/// An error of the operating system in the words of zhnorm's messages: the
/// system's reason, lower-case as the rest of a message, without Rust's
/// ` (os error N)`, which means nothing to a user (`permission denied`,
/// where `cat` says `Permission denied`). An error that zhnorm worded
/// itself is kept as it is. Every message that passes on the system's
/// reason words it here.
pub fn os_reason(err: &io::Error) -> String {
    let text = err.to_string();
    let Some(code) = err.raw_os_error() else { return text };
    let reason = text.strip_suffix(&format!(" (os error {code})")).unwrap_or(&text);
    let mut chars = reason.chars();
    chars.next().map_or_else(String::new, |first| first.to_lowercase().chain(chars).collect())
}

/// Why a file could not be read, for a message that names it in front: a
/// path that is not there says so; anything else says that reading failed,
/// then why (`cannot read: permission denied`).
pub(crate) fn read_failure(err: &io::Error) -> String {
    match err.kind() {
        io::ErrorKind::NotFound => os_reason(err),
        _ => format!("cannot read: {}", os_reason(err)),
    }
}

/// Shorthand for results whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    /// Review 11: the library's messages told an embedder to "pass
    /// --lossy"; the command adds its flags to them.
    #[test]
    fn messages_name_no_flag_of_the_command() {
        let errors = [
            Error::Malformed { encoding: "GBK", offset: 3 },
            Error::MalformedAfterBom { encoding: "UTF-8", offset: 3, from: Some("GBK") },
            Error::MalformedAfterBom { encoding: "UTF-8", offset: 3, from: None },
            Error::Mixed { offset: 3, other: "GBK" },
            Error::Truncated { encoding: "UTF-8", offset: 3 },
            Error::BackupExists(PathBuf::from("a.txt.bak")),
            Error::EditorConfigCharset { charset: "latin1", written: "UTF-8" },
        ];
        for err in errors {
            assert!(!err.to_string().contains("--"), "{err}");
        }
    }

    /// Review 10: `zhnorm: unread.txt: Permission denied (os error 13)`.
    #[cfg(unix)]
    #[test]
    fn the_systems_reason_is_worded_as_the_rest_of_a_message() {
        assert_eq!(os_reason(&io::Error::from_raw_os_error(13)), "permission denied");
        assert_eq!(os_reason(&io::Error::from_raw_os_error(28)), "no space left on device");
        assert_eq!(Error::Io(io::Error::from_raw_os_error(40)).to_string(), "too many levels of symbolic links");
        let own = io::Error::other("Broken symbolic link (points to gone.txt)");
        assert_eq!(os_reason(&own), "Broken symbolic link (points to gone.txt)", "zhnorm's own words are kept");
    }
}
