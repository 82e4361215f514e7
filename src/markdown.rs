//! Markdown code: fenced blocks and inline code spans. What is in them is
//! quoted on purpose (`print(f(f))`, a sample of mojibake, `鍙戝竷` → `发布`),
//! so neither repair nor the gloss cleaner touches it. Backticks quote code
//! in more than `.md` files (doc comments, docstrings, commit messages), so
//! the stages look for it in any text; and since a line of tildes or
//! backticks is also a scene break in a novel, a fence counts only when it
//! closes: an open fence must not hide the damage of the rest of a file.

use std::ops::Range;

/// Where Markdown code is, from one window of text to the next. A fence
/// counts only when it closes in the same window, so the pipeline holds
/// back the text from a fence still open (see [`CodeTracker::wait_at`])
/// until it closes: the code is found whole wherever the windows fall. A
/// fence given up (a block longer than the pipeline holds, or one left
/// open by a window) is not code, and its closing line opens nothing: what
/// follows is prose again, and the code after it code.
#[derive(Debug, Default)]
pub(crate) struct CodeTracker {
    /// The last text ended inside a line (a fence opens and closes only at
    /// a line's start).
    mid_line: bool,
    /// A fence opened in text held back, not yet closed.
    waiting: Option<OpenFence>,
    /// A fence given up in text held back: its closing line is looked for.
    given_up: Option<OpenFence>,
    /// A fence the last window left open: its closing line is looked for.
    left_open: Option<Fence>,
}

/// The opening of a fenced code block: ```` ``` ```` or `~~~`, how long,
/// and how far it is indented.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Fence {
    marker: u8,
    len: usize,
    indent: usize,
}

/// A fence that text held back opens, where its line starts in that text,
/// and up to where its closing line has been looked for.
#[derive(Debug, Clone, Copy)]
struct OpenFence {
    fence: Fence,
    line_start: usize,
    looked_to: usize,
}

impl CodeTracker {
    /// The byte ranges of `text` that are Markdown code, in order: fenced
    /// blocks from their opening line to their closing one, and inline
    /// code spans, which are taken to close on their own line. A fence
    /// that `text` opens and does not close hides nothing.
    pub(crate) fn spans(&mut self, text: &str) -> Vec<Range<usize>> {
        let starts_mid_line =
            std::mem::replace(&mut self.mid_line, text.as_bytes().last().is_some_and(|&b| b != b'\n'));
        let mut spans = Vec::new();
        let mut from = 0;
        if let Some(fence) = self.left_open.take() {
            let line_start = if starts_mid_line {
                memchr::memchr(b'\n', text.as_bytes()).map_or(text.len(), |at| at + 1)
            } else {
                0
            };
            match fence.close_after(text, line_start) {
                Some(end) => from = end,
                None => {
                    self.left_open = Some(fence);
                    return spans;
                }
            }
        }
        for found in CodeLines::new(text, from, starts_mid_line) {
            match found {
                CodeLine::Block(block) => spans.push(block),
                CodeLine::Other(line) => inline_code(&text[line.clone()], line.start, &mut spans),
                CodeLine::Open(fence, _) => {
                    self.left_open.get_or_insert(fence);
                }
            }
        }
        spans
    }

    /// Where to stop passing on `text`, whole lines not yet passed on that
    /// may grow as more input comes: at the line of a fence that it opens
    /// and does not close yet. Looking again at the same text grown looks
    /// only at what is new.
    pub(crate) fn wait_at(&mut self, text: &str) -> Option<usize> {
        let mut from = 0;
        if let Some(given_up) = self.given_up.take() {
            match given_up.fence.close_after(text, given_up.looked_to) {
                Some(end) => from = end,
                None => {
                    self.given_up = Some(OpenFence { looked_to: text.len(), ..given_up });
                    return None;
                }
            }
        }
        if let Some(open) = self.waiting.take() {
            match open.fence.close_after(text, open.looked_to) {
                Some(end) => from = end,
                None => {
                    self.waiting = Some(OpenFence { looked_to: text.len(), ..open });
                    return Some(open.line_start);
                }
            }
        }
        let (fence, line_start) = CodeLines::new(text, from, self.mid_line).find_map(|found| match found {
            CodeLine::Open(fence, line_start) => Some((fence, line_start)),
            _ => None,
        })?;
        self.waiting = Some(OpenFence { fence, line_start, looked_to: text.len() });
        Some(line_start)
    }

    /// The fence waited for is not code after all (its block is longer
    /// than the pipeline holds): its closing line is to open nothing.
    pub(crate) fn give_up(&mut self) {
        self.given_up = self.waiting.take();
    }

    /// The first `len` bytes of the text last given to [`Self::wait_at`]
    /// have been passed on (all of it, and the fence waited for is
    /// forgotten, when `len` is past its line).
    pub(crate) fn passed(&mut self, len: usize) {
        if let Some(given_up) = &mut self.given_up {
            given_up.looked_to = given_up.looked_to.saturating_sub(len);
        }
        self.waiting = self.waiting.filter(|open| open.line_start >= len).map(|open| OpenFence {
            line_start: open.line_start - len,
            looked_to: open.looked_to - len,
            ..open
        });
    }
}

/// What a line of text with a backtick or a tilde starts, in order.
enum CodeLine {
    /// A fenced block, from its opening line to the end of its closing one.
    Block(Range<usize>),
    /// A fence not closed in the text, and where its line starts.
    Open(Fence, usize),
    /// A line that opens no fence (it may hold inline code).
    Other(Range<usize>),
}

/// The lines of a text that may hold code, from a line's start: only a
/// line with a backtick or a tilde can, and a fenced block is one item.
struct CodeLines<'a> {
    text: &'a str,
    at: usize,
    /// The text starts inside a line, which opens no fence.
    starts_mid_line: bool,
}

impl<'a> CodeLines<'a> {
    fn new(text: &'a str, at: usize, starts_mid_line: bool) -> CodeLines<'a> {
        CodeLines { text, at, starts_mid_line }
    }
}

impl Iterator for CodeLines<'_> {
    type Item = CodeLine;

    fn next(&mut self) -> Option<CodeLine> {
        let bytes = self.text.as_bytes();
        let found = memchr::memchr2(b'`', b'~', &bytes[self.at..])?;
        let (line_start, line_end) = line_around(bytes, self.at + found, self.at);
        let at_line_start = line_start > 0 || !self.starts_mid_line;
        let Some(fence) = Fence::opened_by(&self.text[line_start..line_end]).filter(|_| at_line_start) else {
            self.at = line_end;
            return Some(CodeLine::Other(line_start..line_end));
        };
        Some(match fence.close_after(self.text, line_end) {
            Some(end) => {
                self.at = end;
                CodeLine::Block(line_start..end)
            }
            None => {
                self.at = line_end;
                CodeLine::Open(fence, line_start)
            }
        })
    }
}

/// The line of `bytes` around `at`, as a start no earlier than `floor` and
/// an end after its line feed (or at the end).
fn line_around(bytes: &[u8], at: usize, floor: usize) -> (usize, usize) {
    let start = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |newline| newline + 1).max(floor);
    let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |newline| start + newline + 1);
    (start, end)
}

impl Fence {
    /// The fence `line` opens: three or more backticks, or tildes followed
    /// by an info string that names a language (`~~~python`, `~~~ {.c}`): a
    /// bare line of tildes is a scene break in many a novel, and tildes
    /// around a title (`~~~ 第一章 ~~~`) decorate a chapter's heading.
    fn opened_by(line: &str) -> Option<Fence> {
        let rest = line.trim_start_matches(' ');
        let marker = *rest.as_bytes().first().filter(|&&b| b == b'`' || b == b'~')?;
        let len = rest.bytes().take_while(|&b| b == marker).count();
        let info = rest[len..].trim();
        let opens = match marker {
            // An info string with a backtick makes ```` ```x``` ```` inline code.
            b'`' => !info.contains('`'),
            _ => {
                info.split_whitespace().next().is_some_and(|tag| tag.bytes().all(|b| b.is_ascii_graphic()))
                    && !info.ends_with('~')
            }
        };
        (len >= 3 && opens).then_some(Fence { marker, len, indent: line.len() - rest.len() })
    }

    /// Where the line that closes this fence ends, looking from `from` (the
    /// start of a line) in `text`.
    fn close_after(self, text: &str, from: usize) -> Option<usize> {
        let bytes = text.as_bytes();
        let mut at = from;
        while let Some(found) = memchr::memchr(self.marker, &bytes[at..]) {
            let (line_start, line_end) = line_around(bytes, at + found, from);
            if self.is_closed_by(&text[line_start..line_end]) {
                return Some(line_end);
            }
            at = line_end;
        }
        None
    }

    /// Whether `line` closes the fence: as many markers or more, indented
    /// by at most three spaces, or by as many as the opening line when it
    /// is indented further (a fence in a list item: `- 例子：` then
    /// `    ```` ``` ````; elsewhere such a line is in indented code).
    fn is_closed_by(self, line: &str) -> bool {
        let rest = line.trim_start_matches(' ');
        let indent = line.len() - rest.len();
        let len = rest.bytes().take_while(|&b| b == self.marker).count();
        let aligned = if self.indent <= 3 { indent <= 3 } else { indent == self.indent };
        aligned && len >= self.len && rest[len..].trim().is_empty()
    }
}

/// Whether `line` is a Markdown ATX heading (`# Title`, `## coding: gbk`).
pub(crate) fn is_heading(line: &str) -> bool {
    indented(line).is_some_and(|rest| {
        let hashes = rest.bytes().take_while(|&b| b == b'#').count();
        (1..=6).contains(&hashes) && rest[hashes..].starts_with([' ', '\t'])
    })
}

/// `line` without the up to three spaces a heading may be indented by.
fn indented(line: &str) -> Option<&str> {
    let rest = line.trim_start_matches(' ');
    (line.len() - rest.len() <= 3).then_some(rest)
}

/// The most bytes an inline code span holds between its backticks: a
/// file without line ends (minified text) is one line, where two lone
/// backticks far apart took everything between them for code, which
/// repair then left as it was, and a line of runs that nothing closes
/// was searched to its end from each.
const MAX_INLINE_CODE: usize = 1024;

/// Pushes the inline code spans of `line` (at `offset` in the text): a run
/// of backticks up to the next run as long, within [`MAX_INLINE_CODE`]
/// bytes; a run that no other closes is a backtick. So is a run between
/// two Latin-1 signs or letters (`²`¦``): that is Big5 read as Latin-1,
/// where 35 common characters (`深圳` is B2 60 A6 60; `亡 注 害 常 節 總`)
/// end in the byte of a backtick, and code is not written glued to `¦`.
fn inline_code(line: &str, offset: usize, spans: &mut Vec<Range<usize>>) {
    let bytes = line.as_bytes();
    let run_at = |at: usize| bytes[at..].iter().take_while(|&&b| b == b'`').count();
    let latin1 = |c: Option<char>| c.is_some_and(|c| ('\u{A0}'..='\u{FF}').contains(&c));
    let between_latin1 =
        |at: usize, len: usize| latin1(line[..at].chars().next_back()) && latin1(line[at + len..].chars().next());
    let mut from = 0;
    while let Some(found) = memchr::memchr(b'`', &bytes[from..]) {
        let open = from + found;
        let len = run_at(open);
        if between_latin1(open, len) {
            from = open + len;
            continue;
        }
        let mut next = open + len;
        let within = (next + MAX_INLINE_CODE).min(bytes.len());
        let mut close = None;
        while let Some(found) = bytes.get(next..within).and_then(|rest| memchr::memchr(b'`', rest)) {
            let run = next + found;
            let run_len = run_at(run);
            if run_len == len && !between_latin1(run, run_len) {
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
        let far = format!("a `{}` b\n", "中".repeat(MAX_INLINE_CODE / 3 + 1));
        let near = format!("a `{}` b\n", "中".repeat(MAX_INLINE_CODE / 3));
        assert_eq!(code_in(&[&far]), [] as [&str; 0], "two backticks too far apart are not code");
        assert_eq!(code_in(&[&near]).len(), 1);
        let cases: [(&[&str], &[&str]); 21] = [
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
            (&["~~~ 第一章 ~~~\n锟斤拷\n~~~~~~~~\n"], &[]),
            (&["~~~ python ~~~\n锟斤拷\n~~~~~~~~\n"], &[]),
            (&["~~~ {.c} 示例\nx\n~~~\n"], &["~~~ {.c} 示例\nx\n~~~\n"]),
            // A block given up (left open by its window) is not code, and its
            // closing line opens nothing.
            (&["```\n锟斤拷\n", "x\n```\n`a`\n```\ncode\n```\n"], &["`a`", "```\ncode\n```\n"]),
            (&["```\n锟斤拷\n", "x\n", "```\n", "y\n```\n"], &[]),
            // Windows are judged alone: the pipeline holds an open fence back.
            (&["```\n锟斤拷\n", "x\n```\nafter\n"], &[]),
            // In a list item a fence is indented by the item's content.
            (&["- 例子：\n    ```\n    锟斤拷\n    ```\n"], &["    ```\n    锟斤拷\n    ```\n"]),
            (&["- 例子：\n     ```\n    ```\n```\n"], &[]),
            (&["1. x\n   ```\n   y\n   ```\n"], &["   ```\n   y\n   ```\n"]),
            (&["a ```x``` b\n"], &["```x```"]),
            // Big5 `深圳` read as Latin-1: no code; code beside Latin-1 still is.
            (&["的話²`¦`我的\n"], &[]),
            (&["café `x` é\n"], &["`x`"]),
        ];
        for (windows, expected) in cases {
            assert_eq!(code_in(windows), expected, "{windows:?}");
        }
    }

    #[test]
    fn text_waits_from_a_fence_still_open_until_it_closes() {
        let mut tracker = CodeTracker::default();
        let mut text = String::from("前文\n```\n鍙戝竷\n");
        assert_eq!(tracker.wait_at(&text), Some(7), "the fence's line waits");
        tracker.passed(7);
        text.drain(..7);
        text.push_str("x\n");
        assert_eq!(tracker.wait_at(&text), Some(0), "still open");
        text.push_str("```\n后文\n~~~text\nopen\n");
        assert_eq!(tracker.wait_at(&text), Some(text.find("~~~").unwrap()), "closed, and another opens");
        tracker.passed(text.len());
        assert_eq!(tracker.wait_at("~~~~~~\nscene break\n"), None, "forgotten once passed on");
        assert_eq!(tracker.spans("前文\n```\n鍙戝竷\nx\n```\n"), vec![7..27]);
    }

    #[test]
    fn the_closing_line_of_a_fence_given_up_opens_nothing() {
        let mut tracker = CodeTracker::default();
        let mut text = String::from("```\nlong code\n");
        assert_eq!(tracker.wait_at(&text), Some(0));
        tracker.give_up();
        tracker.passed(text.len());
        text = String::from("more code\n```python\n");
        assert_eq!(tracker.wait_at(&text), None, "an info string line in the block given up opens nothing");
        tracker.passed(text.len());
        text = String::from("```\nprose\n");
        assert_eq!(tracker.wait_at(&text), None, "its closing line opens nothing");
        tracker.passed(text.len());
        assert_eq!(tracker.wait_at("```\nopen\n"), Some(0), "a fence after the close is waited for");
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
