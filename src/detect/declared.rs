//! The charset a text declares for itself: an XML declaration, a Python or
//! Emacs coding cookie, an HTML `<meta>` charset, a gettext `.po` header's
//! `Content-Type`, a CSS `@charset`, a mail's `Content-Type` header field, a
//! LaTeX preamble's `ctex` option or `CJK` environment. Detection takes it
//! when the bytes decode in it; writing points it at UTF-8 after conversion.

use encoding_rs::{Encoding, WINDOWS_1252, X_USER_DEFINED};

/// How far into the text an HTML `<meta>` charset is looked for: as far as
/// a browser's prescan looks.
pub(crate) const META_WINDOW: usize = 1024;

/// How far into the text a `.po` header is looked for: its comments can
/// run to a few kilobytes before it.
const PO_HEADER_WINDOW: usize = 4096;

/// How far into the text a mail's header or a LaTeX file's charset is
/// looked for: `Received:` fields run to kilobytes before a mail's
/// `Content-Type`, and a preamble's packages before a `CJK` environment.
/// The farthest window: the start of an input scanned for declarations.
const HEAD_WINDOW: usize = 16384;

/// Where a kind of declaration counts.
#[derive(Clone, Copy)]
enum Place {
    AtStart,
    OnFirstTwoLines,
    InMetaWindow,
    InPoHeaderWindow,
    InMailHeader,
    InLatexFile,
}

/// The declarations of a charset and where each counts: an XML
/// declaration and a CSS `@charset` at the very start, a Python or Emacs
/// coding cookie on the first two lines (Python's own pattern), an HTML
/// `<meta charset>` or `http-equiv` content in [`META_WINDOW`], a `.po`
/// header's `"Content-Type: ...; charset=..."` in [`PO_HEADER_WINDOW`], a
/// mail's header field and a LaTeX file's option in [`HEAD_WINDOW`].
/// Each has the label that names UTF-8 where it stands.
/// Each scanner takes the text of its place and returns the label, a slice
/// of it. They were regular expressions (`regex`) once, which cost 4 to 7
/// million instructions to compile on the first text that named a charset
/// (callgrind), most of a run on a small file; the scanners match what
/// they matched, each documented with its expression.
static DECLARATIONS: [(Scanner, Place, &str); 8] = [
    (xml_declaration, Place::AtStart, "utf-8"),
    (css_charset, Place::AtStart, "utf-8"),
    (python_cookie, Place::OnFirstTwoLines, "utf-8"),
    (emacs_cookie, Place::OnFirstTwoLines, "utf-8"),
    (meta_charset, Place::InMetaWindow, "utf-8"),
    (po_content_type, Place::InPoHeaderWindow, "utf-8"),
    (mail_content_type, Place::InMailHeader, "utf-8"),
    (latex_charset, Place::InLatexFile, "UTF8"),
];

/// Finds a kind of declaration in a text and returns its label.
type Scanner = fn(&str) -> Option<&str>;

/// `\A<\?xml[ \t\r\n][^>]*?\bencoding[ \t\r\n]*=[ \t\r\n]*["']([A-Za-z][\w.:-]*)["']`
fn xml_declaration(text: &str) -> Option<&str> {
    let b = text.as_bytes();
    if !b.starts_with(b"<?xml") || !b.get(5).is_some_and(|&c| is_markup_space(c)) {
        return None;
    }
    let tag_end = memchr::memchr(b'>', &b[6..]).map_or(b.len(), |end| 6 + end);
    memchr::memmem::find_iter(&b[6..tag_end], b"encoding").map(|at| 6 + at).find_map(|at| {
        if !at_word_start(text, at) {
            return None;
        }
        let quote =
            after_equals(b, at + "encoding".len()).filter(|&quote| b.get(quote).is_some_and(|&c| is_quote(c)))?;
        let end = label_end(text, quote + 1, |c| c.is_ascii_alphabetic())?;
        b.get(end).is_some_and(|&c| is_quote(c)).then(|| &text[quote + 1..end])
    })
}

/// `\A@charset "([A-Za-z][\w.:-]*)";`
fn css_charset(text: &str) -> Option<&str> {
    const START: &str = "@charset \"";
    if !text.starts_with(START) {
        return None;
    }
    let end = label_end(text, START.len(), |c| c.is_ascii_alphabetic())?;
    text[end..].starts_with("\";").then(|| &text[START.len()..end])
}

/// `\A[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)`, on a line.
fn python_cookie(line: &str) -> Option<&str> {
    let b = line.as_bytes();
    let hash = b.iter().position(|&c| !matches!(c, b' ' | b'\t' | b'\x0C'))?;
    if b[hash] != b'#' {
        return None;
    }
    let line_end = memchr::memchr(b'\n', b).unwrap_or(b.len());
    let after_hash = hash + 1;
    memchr::memmem::find_iter(&b[after_hash..line_end], b"coding").map(|at| after_hash + at).find_map(|at| {
        let colon = at + "coding".len();
        matches!(b.get(colon), Some(b':' | b'=')).then(|| cookie_label(line, colon + 1)).flatten()
    })
}

/// `\A.*?-\*-.*?\bcoding:[ \t]*([-\w.]+)`, on a line: the first `coding:`
/// after the first `-*-` (a later `-*-` has fewer after it).
fn emacs_cookie(line: &str) -> Option<&str> {
    let line = &line[..memchr::memchr(b'\n', line.as_bytes()).unwrap_or(line.len())];
    let b = line.as_bytes();
    let after_mark = memchr::memmem::find(b, b"-*-")? + 3;
    memchr::memmem::find_iter(&b[after_mark..], b"coding:")
        .map(|at| after_mark + at)
        .filter(|&at| at_word_start(line, at))
        .find_map(|at| cookie_label(line, at + "coding:".len()))
}

/// `[ \t]*([-\w.]+)` from byte `at` of `line`.
fn cookie_label(line: &str, at: usize) -> Option<&str> {
    let start = at + line.as_bytes()[at..].iter().take_while(|&&c| c == b' ' || c == b'\t').count();
    let end = run_end(line, start, |c| c == '-' || c == '.' || is_word(c));
    (end > start).then(|| &line[start..end])
}

/// `(?i)<meta\b[^>]*?\bcharset[ \t\r\n]*=[ \t\r\n]*["']?([a-z][\w.:-]*)`, the
/// first match anywhere: the first `<meta` tag with a `charset` that takes
/// a label. Case is ignored as the expression ignored it, by Unicode's
/// simple case folding: `ſ` (U+017F) is an `s` and `K` (U+212A) a `k`.
fn meta_charset(text: &str) -> Option<&str> {
    let b = text.as_bytes();
    memchr::memchr_iter(b'<', b).find_map(|open| {
        let name_end = open + 5;
        if !b.get(open + 1..name_end).is_some_and(|name| name.eq_ignore_ascii_case(b"meta"))
            || is_word_at(text, name_end)
        {
            return None;
        }
        let tag_end = memchr::memchr(b'>', &b[name_end..]).map_or(b.len(), |end| name_end + end);
        memchr::memchr2_iter(b'c', b'C', &b[name_end..tag_end]).map(|at| name_end + at).find_map(|at| {
            let word_end = folded_word_end(text, at, "charset").filter(|_| at_word_start(text, at))?;
            let value = after_equals(b, word_end)?;
            let start = value + usize::from(b.get(value).is_some_and(|&c| is_quote(c)));
            let end = label_end(text, start, |c| c.is_ascii_alphabetic() || c == LONG_S || c == KELVIN)?;
            Some(&text[start..end])
        })
    })
}

/// `(?m)^"Content-Type:[^"\n]*;[ \t]*charset=([A-Za-z][\w.:-]*)`: on the
/// first line that has it, after the last `;` that takes a label (the
/// expression's `[^"\n]*` takes all it can).
fn po_content_type(text: &str) -> Option<&str> {
    const START: &[u8] = b"\"Content-Type:";
    let b = text.as_bytes();
    memchr::memmem::find_iter(b, START).filter(|&at| at == 0 || b[at - 1] == b'\n').find_map(|at| {
        let from = at + START.len();
        let to = memchr::memchr2(b'"', b'\n', &b[from..]).map_or(b.len(), |end| from + end);
        memchr::memrchr_iter(b';', &b[from..to]).find_map(|semicolon| {
            let after = from + semicolon + 1;
            let word = after + b[after..].iter().take_while(|&&c| c == b' ' || c == b'\t').count();
            if !b[word..].starts_with(b"charset=") {
                return None;
            }
            let start = word + "charset=".len();
            Some(&text[start..label_end(text, start, |c| c.is_ascii_alphabetic())?])
        })
    })
}

/// The `charset` parameter of a mail's `Content-Type` header field
/// (`Content-Type: text/plain; charset="gb2312"`, its name in any case,
/// folded onto the next lines or not) in the header that opens the text:
/// `Name: value` fields and their folded lines up to the first blank line,
/// after an mbox's `From ` line. An HTTP response's header reads the same.
/// The parts of a multipart message name their own charsets further on,
/// which are not read. A body sent as base64 or quoted-printable keeps its
/// bytes in the charset named whatever becomes of the text around it: its
/// `charset` is no declaration of the file's.
fn mail_content_type(text: &str) -> Option<&str> {
    let mut at = if text.starts_with("From ") { text.find('\n')? + 1 } else { 0 };
    let mut content_type = None;
    for line in text[at..].split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let folded = body.starts_with([' ', '\t']);
        if body.is_empty() || !line.ends_with('\n') {
            break;
        }
        if !folded {
            let name = &body[..body.find(':')?];
            if name.is_empty() || !name.bytes().all(|b| b.is_ascii_graphic()) {
                return None;
            }
            if content_type.is_none() && name.eq_ignore_ascii_case("content-type") {
                content_type = Some((at + name.len() + 1, at + line.len()));
            }
            if name.eq_ignore_ascii_case("content-transfer-encoding") {
                let encoding = body[name.len() + 1..].trim();
                if encoding.eq_ignore_ascii_case("base64") || encoding.eq_ignore_ascii_case("quoted-printable") {
                    return None;
                }
            }
        } else if let Some((start, end)) = content_type.filter(|&(_, end)| end == at) {
            content_type = Some((start, end + line.len()));
        }
        at += line.len();
    }
    let (start, end) = content_type?;
    let value = &text[start..end];
    memchr::memchr_iter(b';', value.as_bytes()).find_map(|semicolon| {
        let word = semicolon + 1 + value[semicolon + 1..].len() - value[semicolon + 1..].trim_start().len();
        let name_end = folded_word_end(value, word, "charset")?;
        let value_start = after_equals(value.as_bytes(), name_end)?;
        let label = value_start + usize::from(value.as_bytes().get(value_start) == Some(&b'"'));
        let end = label_end(value, label, |c| c.is_ascii_alphabetic())?;
        Some(&text[start + label..start + end])
    })
}

/// A LaTeX file's charset: the `GBK` or `UTF8` option of `ctex`
/// (`\documentclass[UTF8]{ctexart}`, `\usepackage[GBK]{ctex}`), or the
/// encoding of the `CJK` package's environment (`\begin{CJK*}{GBK}{song}`,
/// `{Bg5}`, `{GB}`, `{UTF8}`), whichever stands first.
fn latex_charset(text: &str) -> Option<&str> {
    let ctex = ["\\documentclass[", "\\usepackage["].iter().flat_map(|command| {
        text.match_indices(command).filter_map(|(at, command)| {
            let options_start = at + command.len();
            let options_end = options_start + text[options_start..].find(']')?;
            text[options_end + 1..].starts_with("{ctex").then_some(())?;
            // Each option trimmed is a slice of `text`, where it stands.
            text[options_start..options_end].split(',').map(str::trim).find(|&option| matches!(option, "GBK" | "UTF8"))
        })
    });
    let cjk = ["\\begin{CJK}", "\\begin{CJK*}"].iter().flat_map(|command| {
        text.match_indices(command).filter_map(|(at, command)| {
            let mut rest = at + command.len();
            if text[rest..].starts_with('[') {
                rest += text[rest..].find(']')? + 1;
            }
            let label = rest + text[rest..].strip_prefix('{').map(|_| 1)?;
            let end = label + text[label..].find('}')?;
            Some(&text[label..end])
        })
    });
    ctex.chain(cjk).min_by_key(|label| label.as_ptr() as usize)
}

/// Whether `text` is a LaTeX file: its first line that is not blank or a
/// comment opens with a command. A declaration quoted in a Markdown
/// tutorial is an example, not the file's own.
fn is_latex(text: &str) -> bool {
    text.lines()
        .map(str::trim_start)
        .find(|line| !line.is_empty() && !line.starts_with('%'))
        .is_some_and(|line| line.starts_with('\\'))
}

/// The characters besides ASCII letters that `(?i)` matches to one: `ſ`
/// (U+017F) folds to `s`, `K` (U+212A) to `k`.
const LONG_S: char = '\u{17F}';
const KELVIN: char = '\u{212A}';

/// `[ \t\r\n]*=[ \t\r\n]*` from byte `at`: where the value after it starts.
fn after_equals(b: &[u8], at: usize) -> Option<usize> {
    let skip = |at: usize| at + b.get(at..).unwrap_or_default().iter().take_while(|&&c| is_markup_space(c)).count();
    let equals = skip(at);
    (b.get(equals) == Some(&b'=')).then(|| skip(equals + 1))
}

/// `[ \t\r\n]`
fn is_markup_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n')
}

/// `["']`
fn is_quote(c: u8) -> bool {
    c == b'"' || c == b'\''
}

/// A label at byte `at` of `text`, a character `first` takes and then
/// `[\w.:-]*`: where it ends.
fn label_end(text: &str, at: usize, first: impl Fn(char) -> bool) -> Option<usize> {
    let c = text.get(at..)?.chars().next().filter(|&c| first(c))?;
    Some(run_end(text, at + c.len_utf8(), |c| matches!(c, '.' | ':' | '-') || is_word(c)))
}

/// Where the characters of `text` from byte `at` that `take` takes end.
fn run_end(text: &str, at: usize, take: impl Fn(char) -> bool) -> usize {
    text[at..].find(|c| !take(c)).map_or(text.len(), |end| at + end)
}

/// `\w`, as the expressions read it: Unicode's word characters, Han too.
fn is_word(c: char) -> bool {
    regex_syntax::is_word_character(c)
}

/// Whether a word character stands at byte `at` of `text`.
fn is_word_at(text: &str, at: usize) -> bool {
    text[at..].chars().next().is_some_and(is_word)
}

/// `\b` before a word that starts at byte `at` of `text`: no word
/// character before it.
fn at_word_start(text: &str, at: usize) -> bool {
    !text[..at].chars().next_back().is_some_and(is_word)
}

/// The end of `word` (ASCII lowercase) at byte `at` of `text` in any case,
/// as `(?i)` matches it.
fn folded_word_end(text: &str, at: usize, word: &str) -> Option<usize> {
    let mut chars = text.get(at..)?.char_indices();
    for w in word.chars() {
        let (_, c) = chars.next()?;
        if c.to_ascii_lowercase() != w && !(w == 's' && c == LONG_S) && !(w == 'k' && c == KELVIN) {
            return None;
        }
    }
    Some(chars.next().map_or(text.len(), |(end, _)| at + end))
}

/// Which kinds of declaration (XML declaration, CSS `@charset`, Python or
/// Emacs coding cookie, HTML `<meta>`, `.po` header: a bit each) stand
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
    /// The label that names UTF-8 where it stands (`utf-8`; `UTF8` in LaTeX).
    pub utf8_label: &'static str,
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
            Declaration { start, label, utf8_label: DECLARATIONS[kind].2, may_be_heading }
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

/// Python codec, Emacs coding-system and LaTeX `CJK` names (lowercase, `_`
/// as `-`) that are not WHATWG labels, with the WHATWG label of their charset.
const ALIASES: [(&str, &str); 35] = [
    ("cp936", "gbk"),
    ("ms936", "gbk"),
    ("euc-cn", "gbk"),
    ("euccn", "gbk"),
    ("chinese-gbk", "gbk"),
    ("chinese-iso-8bit", "gbk"),
    ("cn-gb-2312", "gbk"),
    ("cn-gb", "gbk"),
    ("gb", "gbk"),
    ("bg5", "big5"),
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
    head[..head.len().min(HEAD_WINDOW)].iter().map(|&b| if b.is_ascii() { char::from(b) } else { '\u{1A}' }).collect()
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
    for (kind, (scan, place, _)) in DECLARATIONS.iter().enumerate() {
        if kinds.is_some_and(|Kinds(kinds)| kinds & 1 << kind == 0) {
            continue;
        }
        let found = match place {
            Place::AtStart => scan(text),
            // A `<meta>` quoted in prose or in a Markdown tutorial is an
            // example, not the file's own declaration: only a file of markup
            // makes one.
            Place::InMetaWindow if !starts_with_markup(text) => None,
            Place::InMetaWindow => scan(window(META_WINDOW)),
            Place::InPoHeaderWindow => scan(window(PO_HEADER_WINDOW)),
            Place::InMailHeader => scan(window(HEAD_WINDOW)),
            Place::InLatexFile if !is_latex(window(HEAD_WINDOW)) => None,
            Place::InLatexFile => scan(window(HEAD_WINDOW)),
            Place::OnFirstTwoLines => text[..two_lines].split_inclusive('\n').find_map(scan),
        };
        if let Some(label) = found {
            // Each scanner ran on a slice of `text`: where the label is in it.
            let start = label.as_ptr() as usize - text.as_ptr() as usize;
            if !labels.iter().any(|&(_, at, _)| at == start) {
                labels.push((kind, start, label));
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
    use proptest::prelude::*;

    #[test]
    fn declarations_one_line_per_case() {
        let cases: [(&[u8], Option<&'static Encoding>); 32] = [
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
            (
                b"Content-Type: text/plain; charset=\"gb2312\"\nContent-Transfer-Encoding: 8bit\n\n\xc4\xe3\xba\xc3\n",
                Some(GBK),
            ),
            (
                b"From a@b.c Mon Jan  1 00:00:00 2001\nSubject: x\nCONTENT-TYPE: text/plain;\r\n\tcharset=big5\r\n\r\n",
                Some(BIG5),
            ),
            (b"Subject: x\n\nContent-Type: text/plain; charset=gbk\n", None), // in the body
            (b"Content-Type: text/plain; charset=gbk\nContent-Transfer-Encoding: base64\n\nxOO6ww==\n", None),
            (b"Content-Transfer-Encoding: Quoted-Printable\nContent-Type: text/plain; charset=gbk\n\n", None),
            (b"\xc4\xe3 Content-Type: text/plain; charset=gbk\n\n", None), // no header before it
            (b"% -*- TeX -*-\n\\documentclass[a4paper, GBK]{ctexart}\n", Some(GBK)),
            (b"\\documentclass{article}\n\\usepackage{CJK}\n\\begin{CJK*}{Bg5}{bsmi}\n", Some(BIG5)),
            (b"\\begin{CJK}[dnp]{GB}{gbsn}\n", Some(GBK)),
            (b"# ctex\n```latex\n\\documentclass[GBK]{ctexart}\n```\n", None), // quoted in Markdown
            (b"\\documentclass[GBK]{article}\n", None),                        // not ctex's option
        ];
        for (head, expected) in cases {
            assert_eq!(declared(head), expected, "{}", String::from_utf8_lossy(head));
        }
    }

    /// Each scanner on texts its expression matched or did not, with the
    /// label it took (`None`: no match).
    #[test]
    fn scanners_one_line_per_case() {
        let cases: [(Scanner, &str, Option<&str>); 77] = [
            (xml_declaration, "<?xml version=\"1.0\" encoding=\"GBK\"?>", Some("GBK")),
            (xml_declaration, "<?xml encoding='big5'?>", Some("big5")),
            (xml_declaration, "<?xml\tversion=\"1.0\"\nencoding = \"gb2312\" ?>", Some("gb2312")),
            (xml_declaration, "<?xml version=\"1.0\" encoding=\"GBK'?>", Some("GBK")), // either quote closes
            (xml_declaration, "<?xml a=\"encoding\" encoding=\"gbk\"?>", Some("gbk")),
            (xml_declaration, "<?xml version=\"1.0\" my-encoding=\"x\"?>", Some("x")), // `-` is no word character
            (xml_declaration, "<?xml version=\"1.0\" encoding=\"gb\u{4E2D}\"?>", Some("gb\u{4E2D}")),
            (xml_declaration, "<?xml version=\"1.0\" encoding=GBK?>", None),
            (xml_declaration, "<?xml version=\"1.0\"?><a encoding=\"gbk\"/>", None),
            (xml_declaration, "<?xmlversion encoding=\"gbk\"?>", None),
            (xml_declaration, " <?xml version=\"1.0\" encoding=\"gbk\"?>", None),
            (xml_declaration, "<?xml version=\"1.0\" \u{2460}encoding=\"gbk\"?>", Some("gbk")), // `①` is none
            (xml_declaration, "<?xml version=\"1.0\" myencoding=\"gbk\"?>", None),
            (xml_declaration, "<?xml version=\"1.0\" \u{5B57}encoding=\"gbk\"?>", None),
            (xml_declaration, "<?xml version=\"1.0\" encoding=\"9bk\"?>", None),
            (xml_declaration, "<?xml version=\"1.0\" encoding=\"gbk?>", None),
            (xml_declaration, "<?XML version=\"1.0\" encoding=\"gbk\"?>", None),
            (xml_declaration, "<?xml", None),
            (css_charset, "@charset \"gbk\";\nbody {}", Some("gbk")),
            (css_charset, "@charset \"g.b-k:1_2\";", Some("g.b-k:1_2")),
            (css_charset, "@charset 'gbk';", None),
            (css_charset, "@charset \"gbk\" ;", None),
            (css_charset, "@CHARSET \"gbk\";", None),
            (css_charset, "@charset  \"gbk\";", None),
            (css_charset, "@charset \"1gbk\";", None),
            (css_charset, "@charset \"gbk\"", None),
            (python_cookie, "# -*- coding: utf-8 -*-\n", Some("utf-8")),
            (python_cookie, "#coding=gbk\n", Some("gbk")),
            (python_cookie, "  \t# vim: set fileencoding=gbk :\n", Some("gbk")),
            (python_cookie, "\x0C# coding:\tgb_2312.x-y\n", Some("gb_2312.x-y")),
            (python_cookie, "# coding:: gbk, coding: big5\n", Some("big5")),
            (python_cookie, "# coding: \u{4E2D}\u{6587}", Some("\u{4E2D}\u{6587}")),
            (python_cookie, "x # coding: gbk\n", None),
            (python_cookie, "# coding gbk\n", None),
            (python_cookie, "# coding: \n", None),
            (python_cookie, "# Coding: gbk\n", None),
            (python_cookie, "\n# coding: gbk", None),
            (python_cookie, " \t ", None),
            (emacs_cookie, ";; -*- coding: gbk -*-\n", Some("gbk")),
            (emacs_cookie, "/* -*- mode: c; coding:big5 -*- */", Some("big5")),
            (emacs_cookie, "-*-coding: gbk", Some("gbk")),
            (emacs_cookie, "-*- coding: -*- coding: big5", Some("-")),
            (emacs_cookie, "-*- encoding: gbk", None),
            (emacs_cookie, "-*- _coding: gbk", None),
            (emacs_cookie, "-*- coding : gbk", None),
            (emacs_cookie, "coding: gbk -*-", None),
            (emacs_cookie, "-*-\ncoding: gbk", None),
            (meta_charset, "<meta charset=\"gbk\">", Some("gbk")),
            (meta_charset, "<META CHARSET=GBK>", Some("GBK")),
            (meta_charset, "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\">", Some("gb2312")),
            (meta_charset, "<meta name=\"a\"><meta charset = 'big5' >", Some("big5")),
            (meta_charset, "<meta data-charset=\"gbk\">", Some("gbk")),
            (meta_charset, "<meta content=\"charset\" charset=\"big5\">", Some("big5")),
            (meta_charset, "<meta\ncharset=\"gbk\"", Some("gbk")),
            (meta_charset, "<meta charset=gbk\u{4E2D}>", Some("gbk\u{4E2D}")),
            (meta_charset, "<meta char\u{17F}et=\"gbk\">", Some("gbk")),
            (meta_charset, "<meta charset=\"\u{212A}oi8-r\">", Some("\u{212A}oi8-r")),
            (meta_charset, "<meta name=\"x\"><p>charset=gbk</p>", None),
            (meta_charset, "<metadata charset=\"gbk\">", None),
            (meta_charset, "<meta xcharset=\"gbk\">", None),
            (meta_charset, "<meta \u{301}charset=\"gbk\">", None), // a combining mark is a word character
            (meta_charset, "<meta charset=\"\">", None),
            (meta_charset, "<meta charset=\"9\">", None),
            (meta_charset, "<meta charset>", None),
            (meta_charset, "<meta", None),
            (po_content_type, "\"Content-Type: text/plain; charset=UTF-8\\n\"", Some("UTF-8")),
            (po_content_type, "msgid \"\"\n\"Content-Type: text/plain;charset=GBK\\n\"", Some("GBK")),
            (po_content_type, "\"Content-Type: a; charset=gbk; charset=big5", Some("big5")), // the last `;`
            (po_content_type, "\"Content-Type: a; charset=big5; b", Some("big5")),
            (po_content_type, "\"Content-Type: x\n\"Content-Type: y; charset=big5", Some("big5")),
            (po_content_type, "x\"Content-Type: text/plain; charset=GBK", None),
            (po_content_type, "\"Content-Type: text/plain\" ; charset=GBK", None),
            (po_content_type, "\"Content-Type: text/plain\n; charset=GBK", None),
            (po_content_type, "\"content-type: text/plain; charset=GBK", None),
            (po_content_type, "\"Content-Type: text/plain; Charset=GBK", None),
            (po_content_type, "\"Content-Type: text/plain; charset=-", None),
            (po_content_type, "\"Content-Type: text/plain; charset=", None),
        ];
        for (scan, text, expected) in cases {
            assert_eq!(scan(text), expected, "{text:?}");
        }
    }

    /// The regular expressions the scanners replaced, in the order of
    /// [`DECLARATIONS`]: the scanners must take what they took.
    const EXPRESSIONS: [&str; 6] = [
        r#"\A<\?xml[ \t\r\n][^>]*?\bencoding[ \t\r\n]*=[ \t\r\n]*["']([A-Za-z][\w.:-]*)["']"#,
        r#"\A@charset "([A-Za-z][\w.:-]*)";"#,
        r"\A[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)",
        r"\A.*?-\*-.*?\bcoding:[ \t]*([-\w.]+)",
        r#"(?i)<meta\b[^>]*?\bcharset[ \t\r\n]*=[ \t\r\n]*["']?([a-z][\w.:-]*)"#,
        r#"(?m)^"Content-Type:[^"\n]*;[ \t]*charset=([A-Za-z][\w.:-]*)"#,
    ];

    /// Declarations of each kind as pieces, which [`declaration_like`]
    /// keeps, replaces, drops or puts a piece of [`PIECES`] before.
    const TEMPLATES: [&[&str]; 7] = [
        &["<?xml", " ", "version=\"1.0\"", " ", "encoding", "=", "\"", "gbk", "\"", "?>"],
        &["@charset", " ", "\"", "gbk", "\"", ";"],
        &[" ", "#", " ", "-*-", " ", "coding", ":", " ", "gbk", " ", "-*-", "\n"],
        &["#", " ", "vim: set file", "coding", "=", "gbk", "\n"],
        &["<html>", "<meta", " ", "charset", "=", "\"", "gbk", "\"", ">"],
        &["<meta", " ", "content=\"text/html;", " ", "charset", "=", "gbk", "\"", ">"],
        &["msgid \"\"", "\n", "\"Content-Type:", " text/plain", ";", " ", "charset", "=", "gbk", "\\n\""],
    ];

    /// What the expressions match on and near it: other cases, word and
    /// other characters beyond ASCII (Han, a combining mark, a joiner).
    const PIECES: [&str; 35] = [
        "encoding",
        "coding",
        "charset",
        "CHARSET",
        "char\u{17F}et",
        "<meta",
        "<META",
        "<metadata",
        "-*-",
        "\"Content-Type:",
        "#",
        " ",
        "\t",
        "\n",
        "\r",
        "\x0C",
        "=",
        ":",
        ";",
        "\"",
        "'",
        ">",
        "-",
        ".",
        "_",
        "gbk",
        "Big5",
        "\u{212A}oi8",
        "\u{17F}",
        "9",
        "\u{4E2D}",
        "\u{301}",
        "\u{2460}",
        "\u{200D}",
        "\u{1A}",
    ];

    /// Declarations and near misses: a template with its pieces edited.
    fn declaration_like() -> impl Strategy<Value = String> {
        let edits = prop::collection::vec((0..10u8, prop::sample::select(&PIECES[..])), 12);
        (prop::sample::select(&TEMPLATES[..]), edits).prop_map(|(template, edits)| {
            let mut text = String::new();
            for (piece, (edit, other)) in template.iter().zip(edits) {
                match edit {
                    0..=6 => text.push_str(piece),
                    7 => text.push_str(other),
                    8 => text.extend([other, piece]),
                    _ => {}
                }
            }
            text
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        #[test]
        fn scanners_take_what_the_expressions_took(text in declaration_like()) {
            static COMPILED: std::sync::LazyLock<Vec<regex::Regex>> =
                std::sync::LazyLock::new(|| EXPRESSIONS.iter().map(|e| regex::Regex::new(e).unwrap()).collect());
            for (((scan, _, _), regex), expression) in DECLARATIONS.iter().zip(COMPILED.iter()).zip(EXPRESSIONS) {
                let expected = regex.captures(&text).and_then(|captures| captures.get(1)).map(|label| label.range());
                let label = scan(&text).map(|label| {
                    let start = label.as_ptr() as usize - text.as_ptr() as usize;
                    start..start + label.len()
                });
                prop_assert_eq!(label, expected, "{} on {:?}", expression, text);
            }
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
