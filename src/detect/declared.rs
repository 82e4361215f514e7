//! The charset a text declares for itself: an XML declaration, a Python or
//! Emacs coding cookie, an HTML `<meta>` charset, a gettext `.po` header's
//! `Content-Type`, a CSS `@charset`. Detection takes it when the bytes
//! decode in it; writing points it at UTF-8 after conversion.

use encoding_rs::{Encoding, WINDOWS_1252, X_USER_DEFINED};

/// How far into the text an HTML `<meta>` charset is looked for: as far as
/// a browser's prescan looks.
pub(crate) const META_WINDOW: usize = 1024;

/// How far into the text a `.po` header is looked for: its comments can
/// run to a few kilobytes before it.
const PO_HEADER_WINDOW: usize = 4096;

/// Where a kind of declaration counts.
#[derive(Clone, Copy)]
enum Place {
    AtStart,
    OnFirstTwoLines,
    InMetaWindow,
    InPoHeaderWindow,
}

/// The declarations of a charset, the label as the first group, and where
/// each counts: an XML declaration and a CSS `@charset` at the very start,
/// a Python or Emacs coding cookie on the first two lines (Python's own
/// pattern), an HTML `<meta charset>` or `http-equiv` content in
/// [`META_WINDOW`], a `.po` header's `"Content-Type: ...; charset=..."` in
/// [`PO_HEADER_WINDOW`]. Each pattern comes with a word it cannot match
/// without (any case), and is compiled only when a text holds that word:
/// compiling all six takes about 17 million instructions, eleven times
/// what the rest of a run on a 1 KB file costs, and most texts declare
/// nothing.
static DECLARATIONS: [(&str, std::sync::LazyLock<regex::Regex>, Place); 6] = [
    (
        "encoding",
        std::sync::LazyLock::new(|| {
            declaration(r#"\A<\?xml[ \t\r\n][^>]*?\bencoding[ \t\r\n]*=[ \t\r\n]*["']([A-Za-z][\w.:-]*)["']"#)
        }),
        Place::AtStart,
    ),
    ("@charset", std::sync::LazyLock::new(|| declaration(r#"\A@charset "([A-Za-z][\w.:-]*)";"#)), Place::AtStart),
    (
        "coding",
        std::sync::LazyLock::new(|| declaration(r"\A[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")),
        Place::OnFirstTwoLines,
    ),
    (
        "coding:",
        std::sync::LazyLock::new(|| declaration(r"\A.*?-\*-.*?\bcoding:[ \t]*([-\w.]+)")),
        Place::OnFirstTwoLines,
    ),
    (
        "charset",
        std::sync::LazyLock::new(|| {
            declaration(r#"(?i)<meta\b[^>]*?\bcharset[ \t\r\n]*=[ \t\r\n]*["']?([a-z][\w.:-]*)"#)
        }),
        Place::InMetaWindow,
    ),
    (
        "content-type:",
        std::sync::LazyLock::new(|| declaration(r#"(?m)^"Content-Type:[^"\n]*;[ \t]*charset=([A-Za-z][\w.:-]*)"#)),
        Place::InPoHeaderWindow,
    ),
];

fn declaration(pattern: &str) -> regex::Regex {
    regex::Regex::new(pattern).expect("valid declaration pattern")
}

/// Whether `text` holds `word` in any case.
fn holds_word(text: &str, word: &str) -> bool {
    let (text, word) = (text.as_bytes(), word.as_bytes());
    memchr::memchr2_iter(word[0].to_ascii_lowercase(), word[0].to_ascii_uppercase(), text)
        .any(|at| text[at..].get(..word.len()).is_some_and(|there| there.eq_ignore_ascii_case(word)))
}

/// Which kinds of declaration (by their index in [`DECLARATIONS`]) stand
/// where they count at the start of an input. Converted, the text before a
/// declaration grows or shrinks, and a window measured on the output would
/// miss a declaration that was followed or catch one that was not: the
/// output's first declaration of each of these kinds is the one read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Kinds(u8);

/// A charset declaration found in a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Declaration<'a> {
    /// The byte offset of its label.
    pub start: usize,
    /// The label as written (`GB2312`).
    pub label: &'a str,
    /// A coding cookie on a line that a Markdown heading could be too
    /// (`# coding: gbk`, `# Encoding: Big5`; not `# -*- coding: gbk -*-`
    /// nor `# vim: set fileencoding=gbk :`, nor a line of a script that
    /// starts with `#!`, which is not Markdown).
    pub may_be_heading: bool,
}

/// The declarations in `text` (the start of a file), in the order they
/// stand: those in their windows, or with `kinds`, the first of each of
/// those kinds wherever it stands.
pub(crate) fn declarations(text: &str, kinds: Option<Kinds>) -> Vec<Declaration<'_>> {
    found(text, kinds)
        .into_iter()
        .map(|(kind, start, label)| {
            let line_start = text[..start].rfind('\n').map_or(0, |newline| newline + 1);
            let line = text[line_start..].lines().next().unwrap_or_default();
            let may_be_heading = kind == PYTHON_COOKIE
                && !text.starts_with("#!")
                && crate::markdown::is_heading(line)
                && !line.contains("-*-")
                && !line.contains("vim:");
            Declaration { start, label, may_be_heading }
        })
        .collect()
}

/// The index in [`DECLARATIONS`] of Python's coding cookie.
const PYTHON_COOKIE: usize = 2;

/// The declarations `head`, the first bytes of an input in some
/// ASCII-compatible charset, makes where they count.
pub fn kinds(head: &[u8]) -> Kinds {
    Kinds(found(&as_ascii(head), None).into_iter().fold(0, |kinds, (kind, _, _)| kinds | 1 << kind))
}

/// The charset that `head`, the first bytes of an input in some
/// ASCII-compatible charset, declares first among those `encoding_rs`
/// decodes (not its replacement encoding, which would read any input as one
/// U+FFFD).
///
/// `x-user-defined` is read as windows-1252, as the HTML standard says of a
/// page that declares it: it maps bytes to private-use characters, meant
/// for scripts that fetch binary data, and no text is written in it.
pub fn declared(head: &[u8]) -> Option<&'static Encoding> {
    declarations(&as_ascii(head), None).into_iter().find_map(|d| encoding_for_label(d.label)).map(|encoding| {
        if encoding == X_USER_DEFINED {
            WINDOWS_1252
        } else {
            encoding
        }
    })
}

/// The charset a declared label names as [`encoding_for_label`] says, or
/// else the replacement encoding its label names (`iso-2022-kr`): a label
/// that stands for a charset, though not one to decode with.
pub(crate) fn charset_named(label: &str) -> Option<&'static Encoding> {
    encoding_for_label(label).or_else(|| Encoding::for_label(label.as_bytes()))
}

/// Whether a declaration of `declared` names the charset `read`: GBK is
/// read with GB18030's decoder, UTF-16's byte orders are one charset, and
/// x-user-defined is read as windows-1252 ([`declared`]).
pub(crate) fn names_charset(declared: &'static Encoding, read: &'static Encoding) -> bool {
    let family = |e: &'static Encoding| match e {
        e if e == encoding_rs::GBK => encoding_rs::GB18030,
        e if e == encoding_rs::UTF_16BE => encoding_rs::UTF_16LE,
        e if e == X_USER_DEFINED => WINDOWS_1252,
        e => e,
    };
    family(declared) == family(read)
}

/// The charset a declared label names: a WHATWG label, or one of the names
/// Python codecs and Emacs coding systems give the charsets of East Asia
/// (`cp936`, `euc_cn`, `chinese-gbk`), Emacs's with its line-ending suffix
/// (`gbk-unix`); not the replacement encoding.
pub(crate) fn encoding_for_label(label: &str) -> Option<&'static Encoding> {
    let lower = label.to_ascii_lowercase();
    let name = ["-unix", "-dos", "-mac"].iter().find_map(|eol| lower.strip_suffix(eol)).unwrap_or(&lower);
    Encoding::for_label_no_replacement(name.as_bytes()).or_else(|| {
        let dashed = name.replace('_', "-");
        let whatwg = ALIASES.iter().find(|(alias, _)| *alias == dashed).map_or(dashed.as_str(), |&(_, whatwg)| whatwg);
        Encoding::for_label_no_replacement(whatwg.as_bytes())
    })
}

/// Python codec and Emacs coding-system names (lowercase, `_` as `-`) that
/// are not WHATWG labels, with the WHATWG label of their charset.
const ALIASES: [(&str, &str); 33] = [
    ("cp936", "gbk"),
    ("ms936", "gbk"),
    ("euc-cn", "gbk"),
    ("euccn", "gbk"),
    ("chinese-gbk", "gbk"),
    ("chinese-iso-8bit", "gbk"),
    ("cn-gb-2312", "gbk"),
    ("cn-gb", "gbk"),
    ("chinese-gb18030", "gb18030"),
    ("cp950", "big5"),
    ("ms950", "big5"),
    ("big5hkscs", "big5"),
    ("chinese-big5", "big5"),
    ("cn-big5", "big5"),
    ("big5-hkscs-2008", "big5"),
    ("cp949", "euc-kr"),
    ("ms949", "euc-kr"),
    ("uhc", "euc-kr"),
    ("euckr", "euc-kr"),
    ("korean-iso-8bit", "euc-kr"),
    ("euc-korea", "euc-kr"),
    ("korean-cp949", "euc-kr"),
    ("cp932", "shift_jis"),
    ("mskanji", "shift_jis"),
    ("s-jis", "shift_jis"),
    ("japanese-shift-jis", "shift_jis"),
    ("japanese-cp932", "shift_jis"),
    ("euc-japan", "euc-jp"),
    ("eucjp", "euc-jp"),
    ("ujis", "euc-jp"),
    ("japanese-iso-8bit", "euc-jp"),
    ("latin-1", "iso-8859-1"),
    ("utf-8-sig", "utf-8"),
];

/// `head` after a UTF-8 byte-order mark and as far as any window reaches,
/// for the patterns: declarations are ASCII, and a non-ASCII byte stands in
/// as one character that none of them contains, so that offsets and windows
/// are in bytes of the input after the mark. The mark is not part of the
/// text: an XML declaration or `@charset` right after it is at the start,
/// and markup after it is a file of markup.
fn as_ascii(head: &[u8]) -> String {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    head[..head.len().min(PO_HEADER_WINDOW)]
        .iter()
        .map(|&b| if b.is_ascii() { char::from(b) } else { '\u{1A}' })
        .collect()
}

/// Whether `text` starts as markup does (`<!DOCTYPE`, `<html>`, `<?php`,
/// `<meta>`), after blank space and a byte order mark.
fn starts_with_markup(text: &str) -> bool {
    text.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == '\u{FEFF}').starts_with('<')
}

/// The declarations in `text` as (kind, offset, label), in the order they stand.
fn found(text: &str, kinds: Option<Kinds>) -> Vec<(usize, usize, &str)> {
    let two_lines = text.split_inclusive('\n').take(2).map(str::len).sum();
    let window = |len: usize| {
        if kinds.is_some() {
            return text;
        }
        let mut end = len.min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        &text[..end]
    };
    let mut labels: Vec<(usize, usize, &str)> = Vec::new();
    for (kind, (word, pattern, place)) in DECLARATIONS.iter().enumerate() {
        if kinds.is_some_and(|Kinds(kinds)| kinds & 1 << kind == 0) || !holds_word(text, word) {
            continue;
        }
        let found = match place {
            Place::AtStart => pattern.captures(text),
            // A `<meta>` quoted in prose or in a Markdown tutorial is an
            // example, not the file's own declaration: only a file of markup
            // makes one.
            Place::InMetaWindow if !starts_with_markup(text) => None,
            Place::InMetaWindow => pattern.captures(window(META_WINDOW)),
            Place::InPoHeaderWindow => pattern.captures(window(PO_HEADER_WINDOW)),
            Place::OnFirstTwoLines => text[..two_lines].split_inclusive('\n').find_map(|line| pattern.captures(line)),
        };
        if let Some(label) = found.and_then(|captures| captures.get(1)) {
            // Each pattern ran on a slice of `text`: where the label is in it.
            let start = label.as_str().as_ptr() as usize - text.as_ptr() as usize;
            if !labels.iter().any(|&(_, at, _)| at == start) {
                labels.push((kind, start, label.as_str()));
            }
        }
    }
    labels.sort_unstable_by_key(|&(_, start, _)| start);
    labels
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::{BIG5, EUC_KR, GBK, SHIFT_JIS, UTF_8};

    #[test]
    fn declarations_one_line_per_case() {
        let cases: [(&[u8], Option<&'static Encoding>); 21] = [
            (b"<meta charset=\"x-user-defined\"><p>Caf\xe9</p>", Some(WINDOWS_1252)),
            (b"# -*- coding: cp936 -*-\n", Some(GBK)),
            (b"# coding=euc_cn\n", Some(GBK)),
            (b";; -*- coding: chinese-gbk-unix -*-\n", Some(GBK)),
            (b";; -*- coding: gb2312-dos -*-\n", Some(GBK)),
            (b"# -*- coding: cp950 -*-\n", Some(BIG5)),
            (b"# -*- coding: big5hkscs -*-\n", Some(BIG5)),
            (b"# -*- coding: latin-1 -*-\n", Some(WINDOWS_1252)),
            (b"# -*- coding: euc-kr -*-\nprint('\xbe\xc8')\n", Some(EUC_KR)),
            (b"#!/usr/bin/python\n# vim: set fileencoding=gbk :\n", Some(GBK)),
            (b"<meta charset=\"big5\"><title>\xb0\xec\xba\xf4</title>\n", Some(BIG5)),
            (b"<?xml version=\"1.0\" encoding=\"Shift_JIS\"?>\n<a/>", Some(SHIFT_JIS)),
            (b"@charset \"iso-8859-1\";\nbody {}\n", Some(WINDOWS_1252)),
            (b"# Korean\nmsgid \"\"\nmsgstr \"\"\n\"Content-Type: text/plain; charset=EUC-KR\\n\"\n", Some(EUC_KR)),
            (b"<meta charset=\"utf-8\">", Some(UTF_8)),
            (b"a\nb\n# coding: gbk\n", None), // a cookie only counts on the first two lines
            (b"<meta charset=\"iso-2022-kr\">", None), // the replacement encoding
            (b"charset=gbk and coding: big5\n", None),
            // A <meta> counts in markup only, not quoted in prose or in a Markdown code block.
            (b"HTML \xc0\xef\xd0\xb4 <meta charset=\"gbk\"> \xbe\xcd\xbf\xc9\xd2\xd4\xc1\xcb\n", None),
            (b"# \xbd\xcc\xb3\xcc\n\n```html\n<meta charset=\"gb2312\">\n```\n", None),
            (b" \n<!DOCTYPE html><meta charset=\"big5\">", Some(BIG5)),
        ];
        for (head, expected) in cases {
            assert_eq!(declared(head), expected, "{}", String::from_utf8_lossy(head));
        }
    }

    #[test]
    fn a_declaration_after_a_utf8_bom_counts() {
        let heads: [&[u8]; 4] = [
            b"\xef\xbb\xbf<html><meta charset=\"gbk\"><p>\xe4\xb8\xad</p>\n",
            b"\xef\xbb\xbf<meta http-equiv=\"Content-Type\" content=\"text/html; charset=gbk\">",
            b"\xef\xbb\xbf<?xml version=\"1.0\" encoding=\"GBK\"?>\n<a/>",
            b"\xef\xbb\xbf@charset \"gbk\";\nbody {}\n",
        ];
        for head in heads {
            assert_eq!(declared(head), Some(GBK), "{}", String::from_utf8_lossy(head));
            assert_ne!(kinds(head), Kinds::default(), "{}", String::from_utf8_lossy(head));
        }
    }
}
