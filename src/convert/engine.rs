//! The conversion engine: OpenCC's segmentation and conversion chain over
//! double-array tries read in place.
//!
//! ## Why this structure
//!
//! OpenCC converts by longest prefix match at each position, so what the
//! engine needs is "the longest key starting here", asked at every
//! character. A double-array trie answers it with two array reads per
//! character of the match, and its arrays can live in the binary exactly as
//! `build.rs` wrote them (`dat.rs` describes the layout), so start-up does
//! nothing at all: the first conversion touches only the pages it reads.
//!
//! Measured candidates, release build on this machine (2 cores shared with
//! other builds, so wall times wander by ±30%; the instruction counts are
//! `valgrind --tool=callgrind`, which does not), with
//! `examples/convert_bench.rs` on 10.2 MiB of Simplified (s2t, s2twp) and
//! 10.3 MiB of Traditional (t2s, tw2sp) text from
//! `scripts/fetch-opencc-corpus.sh`, best of 5, both in the same run:
//!
//! | structure                             | start-up + 1 KB s2t / s2twp / t2s / tw2sp | MiB/s s2t / s2twp / t2s / tw2sp | instructions for 1 MB s2t / s2twp / t2s / tw2sp |
//! |---------------------------------------|-------------------------------------------|---------------------------------|-------------------------------------------------|
//! | `daachorse` automata, deserialized    | 7.5 / 21.0 / 5.1 / 3.5 ms                 | 127 / 48 / 161 / 79             | 81 / 159 / 62 / 111 M                           |
//! | double-array tries read in place      | 1.2 / 0.20 / 0.11 / 0.08 ms               | 131 / 60 / 178 / 63             | 45 / 88 / 36 / 88 M                             |
//!
//! (The first start-up figure includes the process's first page faults.)
//! Two things make the tries cheaper per character besides loading: a
//! table of the bytes keys can start with, so text no key starts in
//! (ASCII, punctuation) is skipped byte by byte without decoding; and
//! [`Stage::fused`], which lets the first conversion step of s2tw, s2twp,
//! s2hk and s2hkp do the segmentation in the same walk.
//!
//! `daachorse`'s `deserialize_unchecked` skips validation but still copies
//! every array into a `Vec` (and its character map is a dense table up to
//! the largest key character, 870 KB even for the 60-key compatibility
//! dictionary), so it cannot start in place.

use super::dat::{HEADER, HI_LEN, LEAD_WORDS, NONE, SEGMENT};

/// A little-endian `u32` of a word array; `NONE` past its end, which no
/// lookup takes for a real unit or code.
#[inline(always)]
fn word(bytes: &[u8], i: usize) -> u32 {
    match bytes.get(4 * i..4 * i + 4) {
        Some(&[a, b, c, d]) => u32::from_le_bytes([a, b, c, d]),
        _ => NONE,
    }
}

/// The character at byte `i` of the UTF-8 `b` (from a `str`, so valid) and
/// its length.
#[inline(always)]
fn decode(b: &[u8], i: usize) -> (u32, usize) {
    let b0 = u32::from(b[i]);
    if b0 < 0x80 {
        return (b0, 1);
    }
    let cont = |k: usize| u32::from(b.get(i + k).copied().unwrap_or(0) & 0x3F);
    if b0 < 0xE0 {
        (((b0 & 0x1F) << 6) | cont(1), 2)
    } else if b0 < 0xF0 {
        (((b0 & 0x0F) << 12) | (cont(1) << 6) | cont(2), 3)
    } else {
        (((b0 & 0x07) << 18) | (cont(1) << 12) | (cont(2) << 6) | cont(3), 4)
    }
}

/// Length of the UTF-8 sequence that starts with `lead`.
#[inline(always)]
fn utf8_len(lead: u8) -> usize {
    match lead {
        0..0xC0 => 1,
        0xC0..0xE0 => 2,
        0xE0..0xF0 => 3,
        _ => 4,
    }
}

/// Which dictionary a value came from.
#[derive(Debug, Clone, Copy)]
pub(super) struct Source {
    index: u32,
}

impl Source {
    pub(super) fn name(&self) -> &'static str {
        let id = self.index & !u32::from(SEGMENT);
        super::data::DICT_NAMES.get(id as usize).copied().unwrap_or("?")
    }
}

/// A longest match: where it ends (byte offset), its value and source.
#[derive(Debug, Clone, Copy)]
pub(super) struct Hit<'a> {
    end: usize,
    value: &'a str,
    source: Source,
}

impl Hit<'_> {
    /// Whether the key is a key of the segmentation dictionary too (only
    /// marked in a step that does the segmentation, see [`Stage::fused`]).
    fn is_segment(&self) -> bool {
        self.source.index & u32::from(SEGMENT) != 0
    }
}

/// A double-array trie, read in place (layout in `dat.rs`).
#[derive(Debug, Clone, Copy)]
pub(super) struct Dat<'a> {
    lead: &'a [u8; 4 * LEAD_WORDS],
    hi: &'a [u8],
    lo: &'a [u8],
    units: &'a [u8],
    offsets: &'a [u8],
    sources: &'a [u8],
    text: &'a str,
}

impl<'a> Dat<'a> {
    /// The trie in `words` (as `dat::build` wrote it) with its value text.
    pub(super) fn new(words: &'a [u8], text: &'a str) -> Dat<'a> {
        let blocks = word(words, 0) as usize;
        let units = word(words, 1) as usize;
        let values = word(words, 2) as usize;
        let mut rest = words.get(4 * HEADER..).unwrap_or_default();
        let mut take = |n: usize| {
            let (part, tail) = rest.split_at((4 * n).min(rest.len()));
            rest = tail;
            part
        };
        const NO_LEAD: [u8; 4 * LEAD_WORDS] = [0; 4 * LEAD_WORDS];
        Dat {
            lead: take(LEAD_WORDS).try_into().unwrap_or(&NO_LEAD),
            hi: take(HI_LEN),
            lo: take(blocks * 256),
            units: take(units * 3),
            offsets: take(values + 1),
            sources: take(values),
            text,
        }
    }

    /// The longest key that starts at byte `i` of `b`.
    #[inline(always)]
    fn longest(&self, b: &[u8], mut i: usize) -> Option<Hit<'a>> {
        let mut state = 0u32;
        let mut found = NONE;
        let mut end = i;
        while i < b.len() {
            let (c, len) = decode(b, i);
            let block = word(self.hi, (c >> 8) as usize);
            let code = word(self.lo, (block as usize) * 256 + (c & 0xFF) as usize);
            if code == 0 {
                break;
            }
            let next = word(self.units, 3 * state as usize).wrapping_add(code);
            if word(self.units, 3 * next as usize + 1) != state {
                break;
            }
            state = next;
            i += len;
            let value = word(self.units, 3 * state as usize + 2);
            if value != NONE {
                found = value;
                end = i;
            }
        }
        if found == NONE {
            return None;
        }
        let (start, stop) = (word(self.offsets, found as usize), word(self.offsets, found as usize + 1));
        Some(Hit {
            end,
            value: self.text.get(start as usize..stop as usize).unwrap_or_default(),
            source: Source { index: word(self.sources, found as usize) },
        })
    }
}

/// Where the explanation of a conversion goes (`--explain`); `()` when
/// nobody asks, which compiles to nothing.
pub(super) trait Trace {
    /// Whether anything is recorded.
    const ON: bool;
    /// The following hits are in conversion step `step` of a segment that
    /// starts at byte `origin` of the stage's input.
    fn segment(&mut self, step: usize, origin: usize);
    /// A dictionary entry matched `key` at byte `at` of the segment.
    fn hit(&mut self, at: usize, key: &str, value: &str, source: &str);
}

impl Trace for () {
    const ON: bool = false;
    fn segment(&mut self, _: usize, _: usize) {}
    fn hit(&mut self, _: usize, _: &str, _: &str, _: &str) {}
}

/// Anything that answers "the longest match at byte `i`".
pub(super) trait Longest {
    fn longest_at<'s>(&'s self, b: &[u8], i: usize) -> Option<Hit<'s>>;

    /// Whether a key may start with the byte `b` (never for UTF-8
    /// continuation bytes, so skipping bytes for which this is false
    /// always lands on a character boundary).
    fn may_start(&self, b: u8) -> bool;

    /// One conversion step over one segment, appended to `out`: at each
    /// position the longest match's value, or the character itself.
    #[inline(always)]
    fn convert_segment<T: Trace>(&self, s: &str, out: &mut String, trace: &mut T) {
        let b = s.as_bytes();
        let mut i = 0;
        let mut copied = 0;
        while i < b.len() {
            if !self.may_start(b[i]) {
                i += 1;
                continue;
            }
            match self.longest_at(b, i) {
                Some(hit) => {
                    out.push_str(&s[copied..i]);
                    out.push_str(hit.value);
                    if T::ON {
                        trace.hit(i, &s[i..hit.end], hit.value, hit.source.name());
                    }
                    i = hit.end;
                    copied = i;
                }
                None => i += utf8_len(b[i]),
            }
        }
        out.push_str(&s[copied..]);
    }
}

impl Longest for Dat<'_> {
    #[inline(always)]
    fn longest_at<'s>(&'s self, b: &[u8], i: usize) -> Option<Hit<'s>> {
        self.longest(b, i)
    }

    #[inline(always)]
    fn may_start(&self, b: u8) -> bool {
        self.lead[usize::from(b)] != 0
    }
}

/// A trie: an index into the ones `build.rs` compiled.
#[derive(Debug, Clone, Copy)]
pub(super) struct Dict(pub(super) u16);

impl Dict {
    #[inline(always)]
    fn dat(&self) -> Dat<'static> {
        let (words, text) = super::compiled::AUTOMATA[usize::from(self.0)];
        Dat::new(words, text)
    }
}

/// One stage of a configuration: optional segmentation, then the
/// conversion chain.
#[derive(Debug, Clone)]
pub(super) struct Stage {
    pub(super) segmentation: Option<Dict>,
    /// The first step of the chain does the segmentation: its keys are the
    /// segmentation dictionary's keys (marked [`SEGMENT`]) plus single
    /// characters. At a position where a segmentation key matches, the
    /// step's longest match is then that key, and where none matches, the
    /// step's match is one character, which cannot cross into the next
    /// segment; so one walk gives OpenCC's segments and the step's output.
    /// `build.rs` checks these conditions before it fuses a stage.
    pub(super) fused: bool,
    pub(super) chain: Vec<Dict>,
}

/// Buffers reused from stage to stage.
#[derive(Debug, Default)]
pub(super) struct Scratch {
    ends: Vec<usize>,
    new_ends: Vec<usize>,
    origins: Vec<usize>,
    cur: String,
    next: String,
}

impl Stage {
    /// Converts `text` and appends the result to `out`.
    pub(super) fn convert<T: Trace>(&self, text: &str, out: &mut String, scratch: &mut Scratch, trace: &mut T) {
        let n = self.chain.len();
        if n == 0 {
            return out.push_str(text);
        }
        if self.segmentation.is_none() && !self.fused && n == 1 {
            trace.segment(0, 0);
            return self.chain[0].dat().convert_segment(text, out, trace);
        }
        let Scratch { ends, new_ends, origins, cur, next } = scratch;
        ends.clear();
        origins.clear();
        let mut done = 0;
        if self.fused {
            let dst: &mut String = if n == 1 {
                &mut *out
            } else {
                cur.clear();
                cur
            };
            fused_step(&self.chain[0].dat(), text, dst, ends, origins, trace);
            done = 1;
        } else {
            match &self.segmentation {
                None => ends.push(text.len()),
                Some(seg) => segment(&seg.dat(), text, ends),
            }
            if T::ON {
                origins.push(0);
                origins.extend_from_slice(ends);
            }
        }
        for k in done..n {
            let src: &str = if k == 0 { text } else { cur };
            if k + 1 == n {
                run_step(&self.chain[k].dat(), k, src, ends, out, new_ends, origins, trace);
            } else {
                next.clear();
                run_step(&self.chain[k].dat(), k, src, ends, next, new_ends, origins, trace);
                std::mem::swap(cur, next);
            }
            std::mem::swap(ends, new_ends);
        }
    }
}

/// The first step of a stage whose segmentation dictionary it contains
/// (see [`Stage::fused`]): segments and converts in one walk. A hit marked
/// as a segmentation key is a segment of its own; the other hits and the
/// unmatched characters form the runs between them. Pushes each segment's
/// end in `out` (relative to where `out` started) and, when tracing, its
/// start in `text`.
fn fused_step<M: Longest, T: Trace>(
    step: &M,
    text: &str,
    out: &mut String,
    ends: &mut Vec<usize>,
    origins: &mut Vec<usize>,
    trace: &mut T,
) {
    trace.segment(0, 0);
    let b = text.as_bytes();
    let base = out.len();
    let (mut i, mut copied, mut run_start) = (0, 0, 0);
    while i < b.len() {
        if !step.may_start(b[i]) {
            i += 1;
            continue;
        }
        let Some(hit) = step.longest_at(b, i) else {
            i += utf8_len(b[i]);
            continue;
        };
        out.push_str(&text[copied..i]);
        let own_segment = hit.is_segment();
        if own_segment && run_start < i {
            ends.push(out.len() - base);
            if T::ON {
                origins.push(run_start);
            }
        }
        out.push_str(hit.value);
        if T::ON {
            trace.hit(i, &text[i..hit.end], hit.value, hit.source.name());
        }
        if own_segment {
            ends.push(out.len() - base);
            if T::ON {
                origins.push(i);
            }
            run_start = hit.end;
        }
        i = hit.end;
        copied = i;
    }
    out.push_str(&text[copied..]);
    if run_start < b.len() {
        ends.push(out.len() - base);
        if T::ON {
            origins.push(run_start);
        }
    }
}

/// Cuts `text` as OpenCC's `mmseg` does and pushes the end of each segment:
/// each longest match is a segment, and so is each run of characters that
/// start no match.
fn segment<M: Longest>(seg: &M, text: &str, ends: &mut Vec<usize>) {
    let b = text.as_bytes();
    let mut i = 0;
    let mut run_start = 0;
    while i < b.len() {
        if !seg.may_start(b[i]) {
            i += 1;
            continue;
        }
        match seg.longest_at(b, i) {
            Some(hit) => {
                if run_start < i {
                    ends.push(i);
                }
                ends.push(hit.end);
                i = hit.end;
                run_start = i;
            }
            None => i += utf8_len(b[i]),
        }
    }
    if run_start < b.len() {
        ends.push(b.len());
    }
}

/// Converts each segment of `src` (ending at `ends`) with `step`, appending
/// to `out`, and pushes the segments' new ends (relative to where `out`
/// started) to `new_ends`.
#[allow(clippy::too_many_arguments)]
fn run_step<M: Longest, T: Trace>(
    step: &M,
    k: usize,
    src: &str,
    ends: &[usize],
    out: &mut String,
    new_ends: &mut Vec<usize>,
    origins: &[usize],
    trace: &mut T,
) {
    new_ends.clear();
    let base = out.len();
    let mut start = 0;
    for (j, &end) in ends.iter().enumerate() {
        if T::ON {
            trace.segment(k, origins[j]);
        }
        step.convert_segment(&src[start..end], out, trace);
        new_ends.push(out.len() - base);
        start = end;
    }
}
