//! Project settings: `zhnorm.toml`, found from the current folder upward, and
//! the `charset` property of `.editorconfig`.
//!
//! A team fixes its policy (target conversion, accepted charsets, BOM and
//! line endings, glob filters) once, in the repository, so that every
//! developer, CI job and pre-commit hook applies the same one. Command-line
//! flags still win; merging is the CLI's job, this module only finds, parses
//! and validates, with errors that name the file, the key and what is allowed.

use std::path::{Path, PathBuf};

use encoding_rs::Encoding;
use serde::{Deserialize, Deserializer};

use crate::clean::GlossMode;
use crate::convert::BUILTIN_NAMES;
use crate::write::{BomPolicy, EolPolicy};
use crate::{Error, Result};

/// The name of the settings file.
pub const FILE_NAME: &str = "zhnorm.toml";

/// The contents of a settings file. Every key is optional: a missing key
/// leaves the command line's default.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Settings {
    /// OpenCC configuration name, `none`, or the path of an OpenCC JSON
    /// configuration, relative to the settings file's folder (`-c`).
    #[serde(default, deserialize_with = "conversion")]
    pub convert: Option<String>,
    /// User dictionaries, relative to the settings file's folder (`--dict`).
    pub dict: Option<Vec<PathBuf>>,
    /// `--include-tofu-risk-dictionaries`.
    pub include_tofu_risk_dictionaries: Option<bool>,
    /// Input charsets allowed in check and fix modes (`--accept`), each a
    /// label [`accepted_charset`] knows.
    #[serde(default, deserialize_with = "charsets")]
    pub accept: Option<Vec<String>>,
    /// `--bom`.
    pub bom: Option<BomPolicy>,
    /// `--eol`.
    pub eol: Option<EolPolicy>,
    /// `--nfc`.
    pub nfc: Option<bool>,
    /// Repair mojibake (`--no-repair` turns it off).
    pub repair: Option<bool>,
    /// Fill the holes of UTF-8 read as GBK (`--no-recover` turns it off).
    pub recover: Option<bool>,
    /// `--glosses`.
    pub glosses: Option<GlossMode>,
    /// `--compat-ideographs`.
    pub compat_ideographs: Option<bool>,
    /// `--zero-width`.
    pub zero_width: Option<bool>,
    /// `--fullwidth-ascii`.
    pub fullwidth_ascii: Option<bool>,
    /// `--protect`, each a valid regular expression.
    #[serde(default, deserialize_with = "regexes")]
    pub protect: Option<Vec<String>>,
    /// `--force`.
    pub force: Option<bool>,
    /// `--only-source-script`.
    pub only_source_script: Option<bool>,
    /// `--fail-on-damage`.
    pub fail_on_damage: Option<bool>,
    /// `--glob`: only files matching these (relative to the settings file's folder).
    #[serde(default, deserialize_with = "globs")]
    pub include: Option<Vec<String>>,
    /// `--exclude` (relative to the settings file's folder).
    #[serde(default, deserialize_with = "globs")]
    pub exclude: Option<Vec<String>>,
    /// `--force-exclude`.
    pub force_exclude: Option<bool>,
    /// Read `.editorconfig`'s `charset` (`--no-editorconfig` turns it off).
    pub editorconfig: Option<bool>,
}

/// The settings file that applies in `start`: `zhnorm.toml` in `start` or
/// the nearest folder above it. The search stops at the first folder that
/// holds `.git` (the repository root), so a repository never picks up the
/// settings of a folder it happens to sit in.
pub fn discover(start: &Path) -> Option<PathBuf> {
    for dir in start.ancestors() {
        let candidate = dir.join(FILE_NAME);
        if candidate.is_file() {
            return Some(candidate);
        }
        if dir.join(".git").exists() {
            return None;
        }
    }
    None
}

impl Settings {
    /// Reads and validates a settings file.
    pub fn load(path: &Path) -> Result<Settings> {
        let settings_error = |message: String| Error::Settings { path: path.to_path_buf(), message };
        let bytes = std::fs::read(path).map_err(|err| settings_error(crate::error::read_failure(&err)))?;
        let text =
            String::from_utf8(bytes).map_err(|err| settings_error(not_utf8(err.as_bytes(), err.utf8_error())))?;
        Settings::parse(&text).map_err(settings_error)
    }

    /// Parses settings text; the error is `LINE:COLUMN: KEY: what is wrong
    /// and what is allowed`.
    pub fn parse(text: &str) -> std::result::Result<Settings, String> {
        toml::from_str(text).map_err(|err| {
            let message = err.message().trim_end();
            let message = match message.strip_prefix("unknown field") {
                Some(rest) => format!("unknown key{rest}"),
                None => message.to_owned(),
            };
            let Some(span) = err.span() else { return message };
            let (line, column) = line_and_column(text, span.start);
            match key_at(text, span.start) {
                // An unknown table names itself.
                Some((_, Entry::Table)) if message.starts_with("unknown key") => format!("{line}:{column}: {message}"),
                Some((key, _)) => format!("{line}:{column}: {key}: {message}"),
                None => format!("{line}:{column}: {message}"),
            }
        })
    }
}

/// Why settings bytes are not read: TOML is UTF-8, and an editor on
/// Windows may have saved the file as UTF-16 or in the ANSI code page.
fn not_utf8(bytes: &[u8], err: std::str::Utf8Error) -> String {
    let utf16 = bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") || bytes.contains(&0);
    if utf16 {
        "the file is UTF-16; a settings file must be UTF-8 (TOML)".to_owned()
    } else {
        format!("not UTF-8 (a malformed byte at offset {}); a settings file must be UTF-8 (TOML)", err.valid_up_to())
    }
}

fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rfind('\n').map_or(before, |at| &before[at + 1..]).chars().count() + 1;
    (line, column)
}

/// How a key is written.
enum Entry {
    /// `key = value`.
    Value,
    /// A `[key]` header: the settings have no tables, so this is an
    /// unknown key or a known one written as a table (`[convert]`).
    Table,
}

/// The key whose entry holds `offset`: the last `key =` at the start of a
/// line before it (the settings are flat, values span lines only in arrays),
/// or the `[table]` header it is in or after.
fn key_at(text: &str, offset: usize) -> Option<(&str, Entry)> {
    let end = text[offset.min(text.len())..].find('\n').map_or(text.len(), |at| offset + at);
    for line in text[..end].lines().rev() {
        if let Some(header) = line.trim().strip_prefix('[') {
            let name = header.split(']').next().unwrap_or_default().trim_matches(['[', ' ']);
            return Some((name, Entry::Table));
        }
        let Some((key, _)) = line.split_once('=') else { continue };
        let key = key.trim();
        if !key.is_empty() && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
            return Some((key, Entry::Value));
        }
    }
    None
}

/// What `convert` may be, for the messages that say it.
fn conversions_allowed() -> String {
    format!("none, one of {}, or the path of an OpenCC JSON configuration", BUILTIN_NAMES.join(", "))
}

fn conversion<'de, D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Option<String>, D::Error> {
    /// A string, with what it may be in the message when it is not one
    /// (a `[convert]` table, a list).
    struct Conversion;
    impl serde::de::Visitor<'_> for Conversion {
        type Value = String;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            write!(f, "a string: {}", conversions_allowed())
        }
        fn visit_str<E: serde::de::Error>(self, name: &str) -> std::result::Result<String, E> {
            Ok(name.to_owned())
        }
    }
    let name = deserializer.deserialize_str(Conversion)?;
    if name == "none" || BUILTIN_NAMES.contains(&name.as_str()) || name.ends_with(".json") || name.contains('/') {
        return Ok(Some(name));
    }
    Err(serde::de::Error::custom(format!("unknown conversion {name:?}, expected {}", conversions_allowed())))
}

fn charsets<'de, D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Option<Vec<String>>, D::Error> {
    /// A list of labels, or one string of them separated by commas, as
    /// `--accept` takes them.
    struct Labels;
    impl<'de> serde::de::Visitor<'de> for Labels {
        type Value = Vec<String>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a list of charsets, or a string of them separated by commas")
        }
        fn visit_str<E: serde::de::Error>(self, labels: &str) -> std::result::Result<Vec<String>, E> {
            Ok(labels.split(',').map(|label| label.trim().to_owned()).collect())
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Vec<String>, A::Error> {
            let mut labels = Vec::new();
            while let Some(label) = seq.next_element()? {
                labels.push(label);
            }
            Ok(labels)
        }
    }
    let labels = deserializer.deserialize_any(Labels)?;
    for label in &labels {
        accepted_charset(label).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "unknown charset {label:?}, expected WHATWG labels such as utf-8, gbk, gb18030, big5, utf-16le"
            ))
        })?;
    }
    Ok(Some(labels))
}

/// The charset a label in an accept list stands for, named as the user
/// named it in messages (`gbk`, though accepting GBK accepts GB18030 too).
pub fn accepted_charset(label: &str) -> Option<&'static Encoding> {
    crate::detect::declared::charset_named(label.trim())
}

fn regexes<'de, D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Option<Vec<String>>, D::Error> {
    let patterns = Vec::<String>::deserialize(deserializer)?;
    for pattern in &patterns {
        regex::Regex::new(pattern)
            .map_err(|err| serde::de::Error::custom(format!("bad regular expression {pattern:?}: {err}")))?;
    }
    Ok(Some(patterns))
}

fn globs<'de, D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Option<Vec<String>>, D::Error> {
    let globs = Vec::<String>::deserialize(deserializer)?;
    for glob in &globs {
        ignore::overrides::OverrideBuilder::new("/")
            .add(glob)
            .map_err(|err| serde::de::Error::custom(format!("bad glob {glob:?}: {err}")))?;
    }
    Ok(Some(globs))
}

/// What the `charset` property of `.editorconfig` asks of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditorConfigCharset {
    /// `utf-8` (no BOM) or `utf-8-bom`: what zhnorm writes, with this BOM.
    Utf8(BomPolicy),
    /// `latin1`: of what zhnorm writes, only ASCII is in it.
    Latin1,
    /// `utf-16le` or `utf-16be` (the value): nothing zhnorm writes is in it.
    Utf16(&'static str),
}

impl EditorConfigCharset {
    /// The property's value.
    pub fn value(self) -> &'static str {
        match self {
            EditorConfigCharset::Utf8(BomPolicy::Add) => "utf-8-bom",
            EditorConfigCharset::Utf8(_) => "utf-8",
            EditorConfigCharset::Latin1 => "latin1",
            EditorConfigCharset::Utf16(value) => value,
        }
    }

    /// Whether UTF-8 output, ASCII throughout or not, is in this charset.
    pub fn admits(self, output_is_ascii: bool) -> bool {
        match self {
            EditorConfigCharset::Utf8(_) => true,
            EditorConfigCharset::Latin1 => output_is_ascii,
            EditorConfigCharset::Utf16(_) => false,
        }
    }
}

/// The charset `.editorconfig` asks of `path` through its `charset`
/// property; `None` when no `.editorconfig` sets it (or sets a value the
/// spec does not define). zhnorm writes UTF-8 only, so a file in a section
/// of another charset is not its to change unless what it writes is in
/// that charset anyway (see [`EditorConfigCharset::admits`]).
pub fn editorconfig_charset(path: &Path) -> Result<Option<EditorConfigCharset>> {
    use ec4rs::property::Charset;
    // Sections are globs matched against the path as given: make it
    // absolute so that `[sub/*.txt]` matches `a.txt` run from inside `sub`.
    let path = std::path::absolute(path)?;
    let properties = ec4rs::properties_of(&path).map_err(|err| Error::EditorConfig(err.to_string()))?;
    Ok(match properties.get::<Charset>() {
        Ok(Charset::Utf8) => Some(EditorConfigCharset::Utf8(BomPolicy::Strip)),
        Ok(Charset::Utf8Bom) => Some(EditorConfigCharset::Utf8(BomPolicy::Add)),
        Ok(Charset::Latin1) => Some(EditorConfigCharset::Latin1),
        Ok(Charset::Utf16Le) => Some(EditorConfigCharset::Utf16("utf-16le")),
        Ok(Charset::Utf16Be) => Some(EditorConfigCharset::Utf16("utf-16be")),
        Err(_) => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn every_key_parses() {
        let settings = Settings::parse(
            r#"
convert = "s2twp"
dict = ["terms.txt"]
include-tofu-risk-dictionaries = true
accept = ["utf-8", "gbk"]
bom = "keep"
eol = "lf"
nfc = true
repair = false
recover = false
glosses = "strip"
compat-ideographs = true
zero-width = true
fullwidth-ascii = true
protect = ["`[^`]*`"]
force = true
only-source-script = true
fail-on-damage = true
include = ["*.txt", "docs/**"]
exclude = ["tests/fixtures/**"]
force-exclude = true
editorconfig = false
"#,
        )
        .unwrap();
        assert_eq!(settings.convert.as_deref(), Some("s2twp"));
        assert_eq!(settings.dict.unwrap(), [Path::new("terms.txt")]);
        assert_eq!(Settings::parse("convert = \"conf/team.json\"").unwrap().convert.unwrap(), "conf/team.json");
        assert_eq!(settings.accept.unwrap(), ["utf-8", "gbk"]);
        assert_eq!(Settings::parse("accept = \"utf-8, gbk\"").unwrap().accept.unwrap(), ["utf-8", "gbk"]);
        assert_eq!(accepted_charset("gbk"), Some(encoding_rs::GBK), "gbk keeps its name");
        assert_eq!(accepted_charset("cp936"), Some(encoding_rs::GBK), "the names a file may declare, too");
        assert_eq!(accepted_charset("cp950"), Some(encoding_rs::BIG5));
        assert_eq!(settings.bom, Some(BomPolicy::Keep));
        assert_eq!(settings.eol, Some(EolPolicy::Lf));
        assert_eq!(settings.glosses, Some(GlossMode::Strip));
        assert_eq!(settings.repair, Some(false));
        assert_eq!(settings.recover, Some(false));
        assert_eq!(settings.exclude.unwrap(), ["tests/fixtures/**"]);
        assert_eq!(settings.editorconfig, Some(false));
        assert_eq!(settings.only_source_script, Some(true));
        assert_eq!(settings.fail_on_damage, Some(true));
        assert!(Settings::parse("").unwrap().convert.is_none());
    }

    /// Review 10: a UTF-16 settings file was "stream did not contain valid UTF-8".
    #[test]
    fn a_settings_file_not_in_utf8_says_what_it_is() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("zhnorm.toml");
        let utf16: Vec<u8> =
            [0xFF, 0xFE].into_iter().chain("eol = \"lf\"\n".encode_utf16().flat_map(u16::to_le_bytes)).collect();
        for (bytes, said) in [
            (&utf16[..], ": the file is UTF-16; a settings file must be UTF-8 (TOML)"),
            (
                &b"# \xd6\xd0\xce\xc4\neol = \"lf\"\n"[..],
                ": not UTF-8 (a malformed byte at offset 2); a settings file must be UTF-8 (TOML)",
            ),
        ] {
            std::fs::write(&path, bytes).unwrap();
            let err = Settings::load(&path).unwrap_err().to_string();
            assert!(err.ends_with(said), "{err}");
        }
    }

    #[test]
    fn errors_name_the_key_and_what_is_allowed() {
        let err = Settings::parse("convert = \"s2twp\"\ncolour = true\n").unwrap_err();
        assert!(err.starts_with("2:1: colour: unknown key `colour`, expected one of `convert`, "), "{err}");
        assert_eq!(
            Settings::parse("bom = \"yes\"\n").unwrap_err(),
            "1:7: bom: unknown variant `yes`, expected one of `strip`, `keep`, `add`"
        );
        assert_eq!(
            Settings::parse("nfc = 1\n").unwrap_err(),
            "1:7: nfc: invalid type: integer `1`, expected a boolean"
        );
        let err = Settings::parse("accept = [\n  \"utf-8\",\n  \"klingon\",\n]\n").unwrap_err();
        assert!(err.starts_with("1:10: accept: unknown charset \"klingon\""), "{err}");
        let err = Settings::parse("convert = \"s2x\"").unwrap_err();
        assert!(err.starts_with("1:11: convert: unknown conversion \"s2x\", expected none, one of s2t, "), "{err}");
        assert!(err.ends_with(", or the path of an OpenCC JSON configuration"), "{err}");
        assert!(Settings::parse("protect = [\"(\"]").unwrap_err().starts_with("1:11: protect: bad regular expression"));
        assert!(Settings::parse("exclude = [\"a[\"]").unwrap_err().starts_with("1:11: exclude: bad glob \"a[\""));
    }

    #[test]
    fn a_known_key_written_as_a_table_is_named_with_what_is_allowed() {
        let err = Settings::parse("eol = \"lf\"\n[convert]\nname = \"s2t\"\n").unwrap_err();
        assert!(err.starts_with("2:1: convert: invalid type: map, expected a string: none, one of s2t, "), "{err}");
        assert!(err.ends_with(", or the path of an OpenCC JSON configuration"), "{err}");
        let err = Settings::parse("convert = { name = \"s2t\" }\n").unwrap_err();
        assert!(err.starts_with("1:11: convert: invalid type: map, expected a string: none, one of s2t, "), "{err}");
        assert_eq!(Settings::parse("convert = \"s2t\"\n[convert]\n").unwrap_err(), "2:2: convert: duplicate key");
        assert_eq!(Settings::parse("[x]\n").unwrap_err().split(',').next().unwrap(), "1:2: unknown key `x`");
    }

    #[test]
    fn discovery_walks_up_and_stops_at_the_repository_root() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("repo/.git")).unwrap();
        fs::create_dir_all(root.join("repo/a/b")).unwrap();
        fs::write(root.join(FILE_NAME), "").unwrap();
        assert_eq!(discover(&root.join("repo/a/b")), None, "the repository root ends the search");
        fs::write(root.join("repo").join(FILE_NAME), "").unwrap();
        assert_eq!(discover(&root.join("repo/a/b")), Some(root.join("repo").join(FILE_NAME)));
        fs::write(root.join("repo/a").join(FILE_NAME), "").unwrap();
        assert_eq!(discover(&root.join("repo/a/b")), Some(root.join("repo/a").join(FILE_NAME)));
        assert_eq!(discover(root), Some(root.join(FILE_NAME)));
    }

    #[test]
    fn editorconfig_charset_gives_the_bom_and_what_output_it_admits() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::write(
            root.join(".editorconfig"),
            "root = true\n[*.txt]\ncharset = utf-8\n[*.bom]\ncharset = utf-8-bom\n[*.lat]\ncharset = latin1\n\
             [*.u16]\ncharset = utf-16be\n",
        )
        .unwrap();
        let charset = |name: &str| editorconfig_charset(&root.join(name)).unwrap();
        assert_eq!(charset("a.txt"), Some(EditorConfigCharset::Utf8(BomPolicy::Strip)));
        assert_eq!(charset("a.bom"), Some(EditorConfigCharset::Utf8(BomPolicy::Add)));
        assert_eq!(charset("a.md"), None);
        let latin1 = charset("a.lat").unwrap();
        assert_eq!((latin1.value(), latin1.admits(true), latin1.admits(false)), ("latin1", true, false));
        let utf16 = charset("a.u16").unwrap();
        assert_eq!((utf16.value(), utf16.admits(true)), ("utf-16be", false));
        assert!(charset("a.bom").unwrap().admits(false));
    }
}
