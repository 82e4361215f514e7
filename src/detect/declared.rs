//! The charset a text declares for itself: an XML declaration, a Python or
//! Emacs coding cookie, an HTML `<meta>` charset, a gettext `.po` header's
//! `Content-Type`, a CSS `@charset`. Detection takes it when the bytes
//! decode in it; writing points it at UTF-8 after conversion.

use encoding_rs::Encoding;

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
/// [`PO_HEADER_WINDOW`].
static DECLARATIONS: std::sync::LazyLock<[(regex::Regex, Place); 6]> = std::sync::LazyLock::new(|| {
    let regex = |pattern| regex::Regex::new(pattern).expect("valid declaration pattern");
    [
        (regex(r#"\A<\?xml[ \t\r\n][^>]*?\bencoding[ \t\r\n]*=[ \t\r\n]*["']([A-Za-z][\w.:-]*)["']"#), Place::AtStart),
        (regex(r#"\A@charset "([A-Za-z][\w.:-]*)";"#), Place::AtStart),
        (regex(r"\A[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)"), Place::OnFirstTwoLines),
        (regex(r"\A.*?-\*-.*?\bcoding:[ \t]*([-\w.]+)"), Place::OnFirstTwoLines),
        (regex(r#"(?i)<meta\b[^>]*?\bcharset[ \t\r\n]*=[ \t\r\n]*["']?([a-z][\w.:-]*)"#), Place::InMetaWindow),
        (regex(r#"(?m)^"Content-Type:[^"\n]*;[ \t]*charset=([A-Za-z][\w.:-]*)"#), Place::InPoHeaderWindow),
    ]
});

/// The labels `text` (the start of a file) declares, with their byte
/// offsets in it, in the order they stand.
pub(crate) fn labels(text: &str) -> Vec<(usize, &str)> {
    let two_lines = text.split_inclusive('\n').take(2).map(str::len).sum();
    let window = |len: usize| {
        let mut end = len.min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        &text[..end]
    };
    let mut labels = Vec::new();
    for (pattern, place) in DECLARATIONS.iter() {
        let found = match place {
            Place::AtStart => pattern.captures(text),
            Place::InMetaWindow => pattern.captures(window(META_WINDOW)),
            Place::InPoHeaderWindow => pattern.captures(window(PO_HEADER_WINDOW)),
            Place::OnFirstTwoLines => text[..two_lines].split_inclusive('\n').find_map(|line| pattern.captures(line)),
        };
        if let Some(label) = found.and_then(|captures| captures.get(1)) {
            // Each pattern ran on a slice of `text`: where the label is in it.
            let start = label.as_str().as_ptr() as usize - text.as_ptr() as usize;
            if !labels.iter().any(|&(at, _)| at == start) {
                labels.push((start, label.as_str()));
            }
        }
    }
    labels.sort_unstable();
    labels
}

/// The charset that `head`, the first bytes of an input in some
/// ASCII-compatible charset, declares first among those `encoding_rs`
/// decodes (not its replacement encoding, which would read any input as one
/// U+FFFD).
pub fn declared(head: &[u8]) -> Option<&'static Encoding> {
    // Declarations are ASCII; a non-ASCII byte stands in as one character
    // that none of them contains.
    let text: String = head[..head.len().min(PO_HEADER_WINDOW)]
        .iter()
        .map(|&b| if b.is_ascii() { char::from(b) } else { '\u{1A}' })
        .collect();
    labels(&text).into_iter().find_map(|(_, label)| Encoding::for_label_no_replacement(label.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::{BIG5, EUC_KR, GBK, SHIFT_JIS, UTF_8, WINDOWS_1252};

    #[test]
    fn declarations_one_line_per_case() {
        let cases: [(&[u8], Option<&'static Encoding>); 10] = [
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
        ];
        for (head, expected) in cases {
            assert_eq!(declared(head), expected, "{}", String::from_utf8_lossy(head));
        }
    }
}
