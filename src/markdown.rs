//! Markdown code: fenced blocks and inline code spans. What is in them is
//! quoted on purpose (`print(f(f))`, a sample of mojibake, `鍙戝竷` → `发布`),
//! so neither repair nor the gloss cleaner touches it. Backticks quote code
//! in more than `.md` files (doc comments, docstrings, commit messages), so
//! the stages look for it in any text.

/// Where Markdown code is, carried from one window of text to the next:
/// whether a fenced block is open, and whether the last text ended inside
/// a line (a fence opens and closes only at a line's start).
#[derive(Debug, Default)]
pub(crate) struct CodeTracker {
    fence: Option<Fence>,
    mid_line: bool,
}

/// The opening of a fenced code block: ```` ``` ```` or `~~~`, and how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Fence {
    marker: u8,
    len: usize,
}

impl CodeTracker {
    /// The byte ranges of `text` that are Markdown code: lines of fenced
    /// blocks (with their fences) and inline code spans, which are taken
    /// to close on their own line.
    pub(crate) fn spans(&mut self, text: &str) -> Vec<std::ops::Range<usize>> {
        let mut spans = Vec::new();
        if self.fence.is_none() && memchr::memchr2(b'`', b'~', text.as_bytes()).is_none() {
            if let Some(&last) = text.as_bytes().last() {
                self.mid_line = last != b'\n';
            }
            return spans;
        }
        let mut at = 0;
        for line in text.split_inclusive('\n') {
            let line_start = !std::mem::replace(&mut self.mid_line, !line.ends_with('\n'));
            let range = at..at + line.len();
            at += line.len();
            if let Some(fence) = self.fence {
                if line_start && fence.is_closed_by(line) {
                    self.fence = None;
                }
                spans.push(range);
            } else if let Some(fence) = Fence::opened_by(line).filter(|_| line_start) {
                self.fence = Some(fence);
                spans.push(range);
            } else {
                inline_code(line, range.start, &mut spans);
            }
        }
        spans
    }
}

impl Fence {
    fn opened_by(line: &str) -> Option<Fence> {
        let rest = indented(line)?;
        let marker = *rest.as_bytes().first().filter(|&&b| b == b'`' || b == b'~')?;
        let len = rest.bytes().take_while(|&b| b == marker).count();
        // An info string with a backtick makes ```` ```x``` ```` inline code.
        (len >= 3 && !(marker == b'`' && rest[len..].contains('`'))).then_some(Fence { marker, len })
    }

    fn is_closed_by(self, line: &str) -> bool {
        indented(line).is_some_and(|rest| {
            let len = rest.bytes().take_while(|&b| b == self.marker).count();
            len >= self.len && rest[len..].trim().is_empty()
        })
    }
}

/// `line` without the up to three spaces a fence may be indented by.
fn indented(line: &str) -> Option<&str> {
    let rest = line.trim_start_matches(' ');
    (line.len() - rest.len() <= 3).then_some(rest)
}

/// Pushes the inline code spans of `line` (at `offset` in the text): a run
/// of backticks up to the next run as long; a run that no other closes is
/// a backtick.
fn inline_code(line: &str, offset: usize, spans: &mut Vec<std::ops::Range<usize>>) {
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
pub(crate) fn in_spans(spans: &[std::ops::Range<usize>], at: usize) -> bool {
    let next = spans.partition_point(|span| span.end <= at);
    spans.get(next).is_some_and(|span| span.start <= at)
}
