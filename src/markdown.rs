//! Markdown code: fenced blocks and inline code spans. What is in them is
//! quoted on purpose (`print(f(f))`, a sample of mojibake, `鍙戝竷` → `发布`),
//! so neither repair nor the gloss cleaner touches it. Backticks quote code
//! in more than `.md` files (doc comments, docstrings, commit messages), so
//! the stages look for it in any text; and since a line of tildes or
//! backticks is also a scene break in a novel, a fence counts only when it
//! closes: an open fence must not hide the damage of the rest of a file.

use std::ops::Range;

/// Where Markdown code is, carried from one window of text to the next:
/// a fence the last window opened and did not close (it counts once the
/// next window closes it), and whether the last text ended inside a line
/// (a fence opens and closes only at a line's start).
#[derive(Debug, Default)]
pub(crate) struct CodeTracker {
    open: Option<Fence>,
    mid_line: bool,
}

/// The opening of a fenced code block: ```` ``` ```` or `~~~` and how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Fence {
    marker: u8,
    len: usize,
}

impl CodeTracker {
    /// The byte ranges of `text` that are Markdown code, in order: fenced
    /// blocks from their opening line to their closing one, and inline
    /// code spans, which are taken to close on their own line. A fence that
    /// `text` opens and does not close hides nothing in it; when the next
    /// window closes it, that window is code up to the closing line (a
    /// block may straddle the end of a window, about 256 KB, not span one).
    pub(crate) fn spans(&mut self, text: &str) -> Vec<Range<usize>> {
        let bytes = text.as_bytes();
        let starts_mid_line = std::mem::replace(&mut self.mid_line, bytes.last().is_some_and(|&b| b != b'\n'));
        let mut spans = Vec::new();
        let mut at = 0;
        if let Some(end) = self.open.take().and_then(|fence| fence.close_after(text, 0, !starts_mid_line)) {
            spans.push(0..end);
            at = end;
        }
        // Only lines with a backtick or a tilde can hold code.
        while let Some(found) = memchr::memchr2(b'`', b'~', &bytes[at..]) {
            let line_start = memchr::memrchr(b'\n', &bytes[..at + found]).map_or(0, |newline| newline + 1).max(at);
            let line_end =
                memchr::memchr(b'\n', &bytes[line_start..]).map_or(bytes.len(), |newline| line_start + newline + 1);
            let line = &text[line_start..line_end];
            let at_line_start = line_start > 0 || !starts_mid_line;
            match Fence::opened_by(line).filter(|_| at_line_start) {
                Some(fence) => match fence.close_after(text, line_end, true) {
                    Some(end) => {
                        spans.push(line_start..end);
                        at = end;
                        continue;
                    }
                    None => self.open = Some(fence),
                },
                None => inline_code(line, line_start, &mut spans),
            }
            at = line_end;
        }
        spans
    }
}

impl Fence {
    /// The fence `line` opens: three or more backticks, or tildes followed
    /// by an info string (`~~~python`; a bare line of tildes is a scene
    /// break in many a novel), indented by at most three spaces.
    fn opened_by(line: &str) -> Option<Fence> {
        let rest = indented(line)?;
        let marker = *rest.as_bytes().first().filter(|&&b| b == b'`' || b == b'~')?;
        let len = rest.bytes().take_while(|&b| b == marker).count();
        let info = rest[len..].trim();
        let opens = match marker {
            // An info string with a backtick makes ```` ```x``` ```` inline code.
            b'`' => !info.contains('`'),
            _ => !info.is_empty(),
        };
        (len >= 3 && opens).then_some(Fence { marker, len })
    }

    /// Where the line that closes this fence ends, looking from `from` in
    /// `text` (`from_line_start`: whether `from` starts a line).
    fn close_after(self, text: &str, from: usize, from_line_start: bool) -> Option<usize> {
        let bytes = text.as_bytes();
        let mut at = from;
        while let Some(found) = memchr::memchr(self.marker, &bytes[at..]) {
            let line_start = memchr::memrchr(b'\n', &bytes[..at + found]).map_or(0, |newline| newline + 1).max(from);
            let line_end =
                memchr::memchr(b'\n', &bytes[line_start..]).map_or(bytes.len(), |newline| line_start + newline + 1);
            if (line_start > from || from_line_start) && self.is_closed_by(&text[line_start..line_end]) {
                return Some(line_end);
            }
            at = line_end;
        }
        None
    }

    fn is_closed_by(self, line: &str) -> bool {
        indented(line).is_some_and(|rest| {
            let len = rest.bytes().take_while(|&b| b == self.marker).count();
            len >= self.len && rest[len..].trim().is_empty()
        })
    }
}

/// Whether `line` is a Markdown ATX heading (`# Title`, `## coding: gbk`).
pub(crate) fn is_heading(line: &str) -> bool {
    indented(line).is_some_and(|rest| {
        let hashes = rest.bytes().take_while(|&b| b == b'#').count();
        (1..=6).contains(&hashes) && rest[hashes..].starts_with([' ', '\t'])
    })
}

/// `line` without the up to three spaces a fence or a heading may be
/// indented by.
fn indented(line: &str) -> Option<&str> {
    let rest = line.trim_start_matches(' ');
    (line.len() - rest.len() <= 3).then_some(rest)
}

/// Pushes the inline code spans of `line` (at `offset` in the text): a run
/// of backticks up to the next run as long; a run that no other closes is
/// a backtick.
fn inline_code(line: &str, offset: usize, spans: &mut Vec<Range<usize>>) {
    let bytes = line.as_bytes();
    let run_at = |at: usize| bytes[at..].iter().take_while(|&&b| b == b'`').count();
    let mut from = 0;
    while let Some(found) = memchr::memchr(b'`', &bytes[from..]) {
        let open = from + found;
        let len = run_at(open);
        let mut next = open + len;
        let mut close = None;
        while let Some(found) = memchr::memchr(b'`', &bytes[next..]) {
            let run = next + found;
            let run_len = run_at(run);
            if run_len == len {
                close = Some(run + run_len);
                break;
            }
            next = run + run_len;
        }
        match close {
            Some(end) => {
                spans.push(offset + open..offset + end);
                from = end;
            }
            None => from = open + len,
        }
    }
}

/// Whether `at` lies in one of `spans` (sorted, not overlapping).
pub(crate) fn in_spans(spans: &[Range<usize>], at: usize) -> bool {
    let next = spans.partition_point(|span| span.end <= at);
    spans.get(next).is_some_and(|span| span.start <= at)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The code in `windows`, given one after another, as the texts it covers.
    fn code_in(windows: &[&str]) -> Vec<String> {
        let mut tracker = CodeTracker::default();
        windows.iter().flat_map(|text| tracker.spans(text).into_iter().map(|span| text[span].to_string())).collect()
    }

    #[test]
    fn code_one_line_per_case() {
        let cases: [(&[&str], &[&str]); 12] = [
            (&["a `鍙戝竷` b\n"], &["`鍙戝竷`"]),
            (&["a ``x ` y`` b `c\n"], &["``x ` y``"]),
            (&["```\n锟斤拷\n```\nafter\n"], &["```\n锟斤拷\n```\n"]),
            (&["````md\n```\n````\n"], &["````md\n```\n````\n"]),
            (&["~~~python\nf(x)\n~~~\n"], &["~~~python\nf(x)\n~~~\n"]),
            (&["   ```\nx\n   ```\n"], &["   ```\nx\n   ```\n"]),
            (&["    ```\nx\n```\n"], &[]), // indented four: not a fence; the second opens and never closes
            // A scene break, and a fence that never closes, hide nothing.
            (&["第一章\n~~~~~~~~~~\n锟斤拷\n~~~~~~~~~~\n"], &[]),
            (&["```\n锟斤拷\n"], &[]),
            (&["```\n锟斤拷\n", "x\n```\nafter\n"], &["x\n```\n"]),
            (&["```\n锟斤拷\n", "x\n", "```\n"], &[]),
            (&["a ```x``` b\n"], &["```x```"]),
        ];
        for (windows, expected) in cases {
            assert_eq!(code_in(windows), expected, "{windows:?}");
        }
    }

    #[test]
    fn headings_one_line_per_case() {
        for (line, heading) in [
            ("# coding: gbk", true),
            ("   ###### Encoding: big5", true),
            ("####### seven", false),
            ("#coding: gbk", false),
            ("    # indented four", false),
            ("#!/usr/bin/python", false),
        ] {
            assert_eq!(is_heading(line), heading, "{line}");
        }
    }

    #[test]
    fn a_fence_opens_only_at_the_start_of_a_line() {
        let mut tracker = CodeTracker::default();
        assert_eq!(tracker.spans("text ends mid-line "), Vec::<Range<usize>>::new());
        assert_eq!(tracker.spans("```\nx\n```\ny\n```\n"), vec![6..16], "the first ``` ends a line, the second opens");
    }
}
