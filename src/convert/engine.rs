//! The conversion engine: OpenCC's segmentation and conversion chain over
//! double-array tries read in place.
//!
//! ## Why this structure
//!
//! OpenCC converts by longest prefix match at each position, so what the
//! engine needs is "the longest key starting here", asked at every
//! character. A double-array trie answers it with two array reads per
//! byte of the match, and its arrays can live in the binary exactly as
//! `build.rs` wrote them (`dat.rs` describes the layout), so start-up does
//! nothing at all: the first conversion touches only the pages it reads.
//!
//! Measured candidates, release build on this machine (2 cores shared with
//! other builds, so wall times wander by ±30%; the instruction counts are
//! `valgrind --tool=callgrind`, which does not), with
//! `examples/convert_bench.rs` (then converting line by line) on 10.2 MiB of
//! Simplified (s2t, s2twp) and 10.3 MiB of Traditional (t2s, tw2sp) text
//! from `scripts/fetch-opencc-corpus.sh`, best of 5, both in the same run;
//! instructions for the first 1 MB of the same text:
//!
//! | structure                             | start-up + 1 KB s2t / s2twp / t2s / tw2sp | MiB/s s2t / s2twp / t2s / tw2sp | instructions for 1 MB s2t / s2twp / t2s / tw2sp |
//! |---------------------------------------|-------------------------------------------|---------------------------------|-------------------------------------------------|
//! | `daachorse` automata, deserialized    | 7.5 / 21.0 / 5.1 / 3.5 ms                 | 127 / 48 / 161 / 79             | 81 / 159 / 62 / 111 M                           |
//! | double-array tries read in place      | 1.2 / 0.20 / 0.11 / 0.08 ms               | 131 / 60 / 178 / 63             | 45 / 88 / 36 / 88 M                             |
//!
//! (The first start-up figure includes the process's first page faults.)
//! Later figures of this engine are in the README. Two things make the
//! tries cheaper per character besides loading: a
//! table of the bytes keys can start with, so text no key starts in
//! (ASCII, punctuation) is skipped without decoding (with `memchr` when at
//! most three bytes start keys, as in the normalization dictionary; ASCII
//! eight bytes at a time when none of them is in the range of ASCII bytes
//! keys start with, see [`AsciiStarts`]); and the single walk ([`one_walk`], `fuse.rs`), which
//! converts the stages with segmentation and two steps (s2tw, s2twp,
//! s2hk, s2hkp and the way back) with one trie compiled for the whole
//! stage, where the step-by-step conversion walks the text three times.
//! Before it, the first step of s2tw, s2twp, s2hk and s2hkp did the
//! segmentation in the same walk, and the second step walked each segment
//! again (callgrind, 1 MB of the corpus: s2twp 100 M, tw2sp 119 M
//! instructions; with the single walk 56 M and 60 M).
//! Values of one or two characters copied inline, the walk carrying its
//! unit rather than its number, and the walks run out of line took
//! `examples/convert_bench.rs` on 1 MB of manual pages (7.8 M of it
//! reading the file) from 44.7 M to 40.0 M instructions for s2t, 37.1 M to
//! 32.7 M for t2s, 56.3 M to 48.5 M for s2twp and 59.9 M to 52.1 M for
//! tw2sp (with a trie over characters then, each decoded and looked up in
//! a code map once, handed from a walk that read it to the next).
//! The trie walks UTF-8 bytes, not characters (`dat.rs`): decoding a Han
//! character and looking its code up took about 22 instructions, one
//! transition 8, and three byte transitions without them cost less (a
//! Han character's three bytes taken without a loop, the length of a
//! character from a table), though the array grew from 86,000 units of 16
//! bytes to 220,000 of 12 for STPhrases. Callgrind, the command on 1 MB
//! of the corpus (README, *Fewer instructions per byte*): the walk of s2t
//! 22.9 → 20.3 M, t2s 15.4 → 14.5 M, s2twp 30.6 → 28.4 M, tw2sp
//! 31.2 → 29.0 M; the first build of the byte walk, with a `match` for the
//! length of a character and a loop over its bytes, cost more than the
//! walk over characters (s2t 24.3 M).
//! Tried and dropped, as they cost more instructions than they saved: one
//! walk over all segments with matches cut at segment ends instead of a
//! call per segment; skipping ASCII eight bytes at a time by comparing
//! each word with the ASCII bytes that start keys (s2t 40.0 → 41.3 M; a
//! test of the range of such bytes, three additions a word, paid off:
//! the walk of s2t on 1 MB of manual pages 31.4 → 29.8 M, on 1 MB of
//! manual pages and LibreOffice help 21.1 → 18.6 M); leaving entries whose value is their key in the run to be copied (s2t
//! 40.0 → 40.2 M, t2s 32.7 → 33.7 M). For the
//! count of changed characters in a chain (see [`Stage::convert`]),
//! comparing only the lines of a segment that the second step changed, or
//! only the part from its first change to its last, cost more than
//! comparing the segment line by line: the segments that both steps change
//! are mostly long runs that the first step changed throughout (callgrind,
//! 1 MB of manual pages: s2twp 99 → 110 M, tw2sp 117 → 147 M).
//!
//! `daachorse`'s `deserialize_unchecked` skips validation but still copies
//! every array into a `Vec` (and its character map is a dense table up to
//! the largest key character, 870 KB even for the 60-key compatibility
//! dictionary), so it cannot start in place.

use std::sync::Arc;

use super::dat::{changed, char_bit, code, HEADER, LEAD_WORDS, NONE, SEGMENT, SOURCE_BITS, UNIT_WORDS};
use super::fuse::{EVENT, PRESENT, UNSAFE};

/// Where the table of first bytes has the entry of byte `c`: at `c ^
/// LEAD_FLIP` (its words keep the first entry in the lowest byte).
const LEAD_FLIP: u8 = if cfg!(target_endian = "big") { 3 } else { 0 };

/// Word `i` of a word array; `NONE` past its end, which no lookup takes
/// for a real unit or code.
#[inline(always)]
fn word(words: &[u32], i: usize) -> u32 {
    words.get(i).copied().unwrap_or(NONE)
}

/// The character at byte `i` of the UTF-8 `b` (from a `str`, so valid) and
/// its length.
#[inline(always)]
fn decode(b: &[u8], i: usize) -> (u32, usize) {
    let tail = |x: u8| u32::from(x & 0x3F);
    match *b.get(i..).unwrap_or_default() {
        [b0, ..] if b0 < 0x80 => (u32::from(b0), 1),
        // Han characters, the common case, first.
        [b0 @ 0xE0..0xF0, b1, b2, ..] => ((u32::from(b0 & 0x0F) << 12) | (tail(b1) << 6) | tail(b2), 3),
        [b0 @ 0xC0..0xE0, b1, ..] => ((u32::from(b0 & 0x1F) << 6) | tail(b1), 2),
        [b0, b1, b2, b3, ..] => ((u32::from(b0 & 0x07) << 18) | (tail(b1) << 12) | (tail(b2) << 6) | tail(b3), 4),
        // Not after a `str`'s character boundary: a character in no key.
        _ => (0, 1),
    }
}

/// `out.push_str(s)`, with the lengths of one and two Han characters
/// copied inline rather than by a call to `memcpy`: most values and most
/// runs between matches are that short, and the call cost more than the
/// copy (callgrind: about a fifth of the instructions of a match).
#[inline(always)]
fn push(out: &mut String, s: &str) {
    match s.len() {
        3 => out.push_str(s),
        6 => out.push_str(s),
        _ => out.push_str(s),
    }
}

/// Length of the UTF-8 sequence that starts with `lead`: one load from a
/// table, where a `match` on the ranges cost seven instructions in the walk.
#[inline(always)]
fn utf8_len(lead: u8) -> usize {
    const LENGTHS: [u8; 256] = {
        let mut t = [1u8; 256];
        let mut b = 0;
        while b < 256 {
            t[b] = super::dat::utf8_len(b as u8) as u8;
            b += 1;
        }
        t
    };
    usize::from(LENGTHS[usize::from(lead)])
}

/// Where the dictionary names of a trie's values come from.
#[derive(Debug, Clone, Copy)]
pub(super) enum Names<'a> {
    /// Source numbers are [`super::data::DictId`]s.
    Builtin,
    /// The trie was built from this file.
    File(&'a str),
}

/// Which dictionary a value came from.
#[derive(Debug, Clone, Copy)]
pub(super) struct Source<'a> {
    names: Names<'a>,
    index: u32,
}

impl<'a> Source<'a> {
    pub(super) fn name(&self) -> &'a str {
        match self.names {
            Names::Builtin => {
                let id = self.index & u32::from(!SEGMENT);
                super::data::DICT_NAMES.get(id as usize).copied().unwrap_or("?")
            }
            Names::File(name) => name,
        }
    }
}

/// A longest match: where it ends (byte offset), its value and source.
#[derive(Debug, Clone, Copy)]
pub(super) struct Hit<'a> {
    end: usize,
    value: &'a str,
    source: Source<'a>,
}

impl Hit<'_> {
    /// In a single-walk trie: whether the key is a segmentation key.
    fn is_segment(&self) -> bool {
        self.source.index & u32::from(SEGMENT) != 0
    }

    /// In a single-walk trie: whether the key is an event (`fuse.rs`).
    fn is_event(&self) -> bool {
        self.source.index & u32::from(EVENT) != 0
    }

    /// In a single-walk trie: whether the key is an event whose value a key
    /// of the second step may overlap (`fuse.rs`).
    fn is_unsafe(&self) -> bool {
        self.source.index & u32::from(UNSAFE) != 0
    }

    /// How many characters the entry changes (see [`changed`]).
    #[inline(always)]
    fn changed(&self) -> u64 {
        u64::from(self.source.index >> SOURCE_BITS)
    }
}

/// A double-array trie, read in place (layout in `dat.rs`).
#[derive(Debug, Clone, Copy)]
pub(super) struct Dat<'a> {
    /// The bytes keys start with, when there are at most three (searched
    /// for with `memchr`), as (count, bytes).
    few_firsts: (u8, [u8; 3]),
    /// The ASCII bytes keys start with, as a range (see [`AsciiStarts`]).
    ascii_starts: AsciiStarts,
    lead: &'a [u8; 4 * LEAD_WORDS],
    units: &'a [[u32; UNIT_WORDS]],
    /// The characters of the keys, sorted (`dat.rs`).
    own_chars: &'a [u32],
    offsets: &'a [u32],
    sources: &'a [u32],
    text: &'a str,
    names: Names<'a>,
}

impl<'a> Dat<'a> {
    /// The trie in `words` (as `dat::build` wrote it: its tables, then its
    /// double array) with its value text.
    pub(super) fn new(words: &'a [u32], text: &'a str, names: Names<'a>) -> Dat<'a> {
        let keys = word(words, 1) as usize;
        let own_chars = word(words, 3) as usize;
        let (tables, shared) = words.split_at((HEADER + LEAD_WORDS + 2 * keys + 1 + own_chars).min(words.len()));
        Dat::with_shared(tables, shared, text, names)
    }

    /// The trie with the tables `tables` over the double array `shared`,
    /// which it may share with others (`dat::build_shared`).
    pub(super) fn with_shared(tables: &'a [u32], shared: &'a [u32], text: &'a str, names: Names<'a>) -> Dat<'a> {
        let keys = word(tables, 1) as usize;
        let own_chars = word(tables, 3) as usize;
        let mut rest = tables.get(HEADER..).unwrap_or_default();
        let mut take = |n: usize| {
            let (part, tail) = rest.split_at(n.min(rest.len()));
            rest = tail;
            part
        };
        const NO_LEAD: [u8; 4 * LEAD_WORDS] = [0; 4 * LEAD_WORDS];
        let [count, b1, b2, b3] = word(tables, 2).to_le_bytes();
        // Each word holds four entries, the first in its lowest byte.
        let lead = bytemuck::cast_slice::<u32, u8>(take(LEAD_WORDS)).try_into().unwrap_or(&NO_LEAD);
        let (offsets, sources, own_chars) = (take(keys + 1), take(keys), take(own_chars));
        let units = shared.get(..shared.len() / UNIT_WORDS * UNIT_WORDS).unwrap_or_default();
        Dat {
            few_firsts: (count, [b1, b2, b3]),
            ascii_starts: AsciiStarts::of(lead),
            lead,
            units: bytemuck::try_cast_slice(units).unwrap_or_default(),
            own_chars,
            offsets,
            sources,
            text,
            names,
        }
    }

    /// The longest key that starts at byte `i` of `b`; with `SEGMENT_KEYS`,
    /// only keys marked [`SEGMENT`] count.
    #[inline(always)]
    fn longest<const SEGMENT_KEYS: bool>(&self, b: &[u8], i: usize) -> Option<Hit<'a>> {
        let (mut found, mut end) = (NONE, i);
        self.prefixes(b, i, |value, at| {
            if !SEGMENT_KEYS || word(self.sources, value as usize) & u32::from(SEGMENT) != 0 {
                (found, end) = (value, at);
            }
        });
        self.hit(found, end)
    }

    /// Calls `key` with the value index and end of each key that starts at
    /// byte `i` of `b`, shortest first. The walk goes a character at a
    /// time, its bytes one transition each, and reads a unit's key number
    /// only at the end of a character, where a key can end, and its mask
    /// (`dat.rs`) before the next character, which rules most of them out
    /// without reading another unit.
    #[inline(always)]
    fn prefixes(&self, b: &[u8], mut i: usize, mut key: impl FnMut(u32, usize)) {
        let Some(root) = self.units.first() else {
            return;
        };
        // The unit number and unit the walk is at.
        let mut at = (0u32, root);
        while let Some(&lead) = b.get(i) {
            let end = i + utf8_len(lead);
            let walked = match b.get(i..end) {
                // Han characters, the common case, without a loop.
                Some(&[b0, b1, b2]) => {
                    at.1[3] & char_bit(b1, b2) != 0
                        && self.step(&mut at, b0)
                        && self.step(&mut at, b1)
                        && self.step(&mut at, b2)
                }
                Some(&[b0, b1]) => at.1[3] & char_bit(b0, b1) != 0 && self.step(&mut at, b0) && self.step(&mut at, b1),
                Some(&[b0]) => at.1[3] & char_bit(0, b0) != 0 && self.step(&mut at, b0),
                Some(bytes @ &[.., second_last, last]) => {
                    at.1[3] & char_bit(second_last, last) != 0 && bytes.iter().all(|&byte| self.step(&mut at, byte))
                }
                Some([]) | None => false,
            };
            if !walked {
                return;
            }
            i = end;
            if at.1[2] != NONE {
                key(at.1[2], i);
            }
        }
    }

    /// Moves `at` (unit number and unit) to its child by `byte`, if it has
    /// one; whether it had.
    #[inline(always)]
    fn step(&self, at: &mut (u32, &'a [u32; UNIT_WORDS]), byte: u8) -> bool {
        let next = at.1[0].wrapping_add(code(byte));
        match self.units.get(next as usize) {
            Some(child) if child[1] == at.0 => {
                *at = (next, child);
                true
            }
            _ => false,
        }
    }

    /// The entry `found` (or `NONE`) as a match that ends at byte `end`.
    #[inline(always)]
    fn hit(&self, found: u32, end: usize) -> Option<Hit<'a>> {
        if found == NONE {
            return None;
        }
        let (start, stop) = match self.offsets.get(found as usize..found as usize + 2) {
            Some(&[start, stop]) => (start, stop),
            _ => (0, 0),
        };
        Some(Hit {
            end,
            value: self.text.get(start as usize..stop as usize).unwrap_or_default(),
            source: Source { names: self.names, index: word(self.sources, found as usize) },
        })
    }

    /// In a single-walk trie (`fuse.rs`), what OpenCC does at byte `i` of
    /// `b`: the longest segmentation key if one matches, else the longest
    /// event, else the longest other key.
    #[inline(always)]
    fn longest_walk(&self, b: &[u8], i: usize) -> Option<Hit<'a>> {
        // The keys come shortest first, so the last of the highest class
        // wins; the class bits, as numbers, rank segmentation keys above
        // events above the rest.
        // Keys without `PRESENT` are other stages' (`fuse::PRESENT`).
        const CLASS: u32 = (SEGMENT | EVENT | PRESENT) as u32;
        const _: () = assert!(SEGMENT > EVENT && EVENT > PRESENT);
        let (mut found, mut end, mut rank) = (NONE, i, u32::from(PRESENT));
        self.prefixes(b, i, |value, at| {
            let class = word(self.sources, value as usize) & CLASS;
            if class >= rank {
                (found, end, rank) = (value, at, class);
            }
        });
        self.hit(found, end)
    }

    /// Whether no key contains the character `c`, so that no step's match
    /// can reach across it.
    #[inline(always)]
    fn in_no_key(&self, c: u32) -> bool {
        self.own_chars.binary_search(&c).is_err()
    }
}

/// Where the explanation of a conversion goes (`--explain`); `()` when
/// nobody asks, which compiles to nothing.
pub(super) trait Trace {
    /// Whether anything is recorded.
    const ON: bool;
    /// A stage starts converting `input`.
    fn stage(&mut self, input: &str);
    /// The following hits are in conversion step `step` of a segment that
    /// starts at byte `origin` of the stage's input.
    fn segment(&mut self, step: usize, origin: usize);
    /// A dictionary entry matched `key` at byte `at` of `segment` (the
    /// segment as the step sees it).
    fn hit(&mut self, segment: &str, at: usize, key: &str, value: &str, source: &str);
}

impl Trace for () {
    const ON: bool = false;
    fn stage(&mut self, _: &str) {}
    fn segment(&mut self, _: usize, _: usize) {}
    fn hit(&mut self, _: &str, _: usize, _: &str, _: &str, _: &str) {}
}

/// Anything that answers "the longest match at byte `i`".
pub(super) trait Longest {
    fn longest_at<'s>(&'s self, b: &[u8], i: usize) -> Option<Hit<'s>>;

    /// The first byte at or after `i` where a key may start (never a UTF-8
    /// continuation byte, so it is a character boundary), or `b.len()`.
    fn next_start(&self, b: &[u8], i: usize) -> usize;

    /// One conversion step over one segment, appended to `out`: at each
    /// position the longest match's value, or the character itself. Adds
    /// the characters the matches changed to `changes`.
    #[inline(always)]
    fn convert_segment<T: Trace>(&self, s: &str, out: &mut String, changes: &mut u64, trace: &mut T) {
        let b = s.as_bytes();
        let mut i = 0;
        let mut copied = 0;
        loop {
            i = self.next_start(b, i);
            if i >= b.len() {
                break;
            }
            match self.longest_at(b, i) {
                Some(hit) => {
                    if copied < i {
                        push(out, &s[copied..i]);
                    }
                    push(out, hit.value);
                    *changes += hit.changed();
                    if T::ON {
                        trace.hit(s, i, &s[i..hit.end], hit.value, hit.source.name());
                    }
                    i = hit.end;
                    copied = i;
                }
                None => i += utf8_len(b[i]),
            }
        }
        out.push_str(&s[copied..]);
    }

    /// Whether any key occurs in `s`.
    fn occurs_in(&self, s: &str) -> bool {
        let b = s.as_bytes();
        let mut i = 0;
        loop {
            i = self.next_start(b, i);
            if i >= b.len() {
                return false;
            }
            if self.longest_at(b, i).is_some() {
                return true;
            }
            i += 1;
        }
    }
}

impl Longest for Dat<'_> {
    #[inline(always)]
    fn longest_at<'s>(&'s self, b: &[u8], i: usize) -> Option<Hit<'s>> {
        self.longest::<false>(b, i)
    }

    #[inline(always)]
    fn next_start(&self, b: &[u8], i: usize) -> usize {
        // In Chinese text, most characters start a key: no search then.
        match b.get(i) {
            None => return b.len(),
            Some(&c) if self.lead[usize::from(c ^ LEAD_FLIP)] != 0 => return i,
            Some(_) => {}
        }
        let rest = b.get(i..).unwrap_or_default();
        let found = match self.few_firsts {
            (0, _) => None,
            (1, [x, ..]) => memchr::memchr(x, rest),
            (2, [x, y, _]) => memchr::memchr2(x, y, rest),
            (3, [x, y, z]) => memchr::memchr3(x, y, z, rest),
            _ => self.first_start(rest),
        };
        found.map_or(b.len(), |j| i + j)
    }
}

impl Dat<'_> {
    /// Where the first byte of `b` that starts a key is. ASCII runs are
    /// skipped eight bytes at a time when none of their bytes is in the
    /// range of ASCII bytes keys start with (`P` to `S` in s2t, none in
    /// t2s): text between Chinese runs is mostly such (callgrind, 1 MB of
    /// the corpus, s2t: a fifth of the walk's instructions went to looking
    /// up its bytes one by one).
    #[inline(always)]
    fn first_start(&self, b: &[u8]) -> Option<usize> {
        let starts = |bytes: &[u8]| bytes.iter().position(|&c| self.lead[usize::from(c ^ LEAD_FLIP)] != 0);
        let mut chunks = b.chunks_exact(8);
        let mut at = 0;
        for chunk in &mut chunks {
            let word = u64::from_ne_bytes(chunk.try_into().unwrap_or([0x80; 8]));
            if self.ascii_starts.may_start(word) {
                if let Some(j) = starts(chunk) {
                    return Some(at + j);
                }
            }
            at += 8;
        }
        starts(chunks.remainder()).map(|j| at + j)
    }
}

/// The range of ASCII bytes that keys of a trie start with, for testing
/// eight bytes at once (each an ASCII byte, so that no byte's sum below
/// carries into the next).
#[derive(Debug, Clone, Copy)]
struct AsciiStarts {
    /// Added to each byte: its top bit is then set from the range's first
    /// byte up (128 - first; 0 for an empty range).
    from_first: u64,
    /// Added to each byte: its top bit is then set past the range's last
    /// byte (127 - last).
    past_last: u64,
}

impl AsciiStarts {
    const TOP_BITS: u64 = 0x8080_8080_8080_8080;
    const ONES: u64 = 0x0101_0101_0101_0101;

    /// The range in the table of first bytes `lead`, read eight entries at
    /// a time: a trie is made for each conversion call. On a big-endian
    /// target the entries of a word are reversed (`LEAD_FLIP`), so the
    /// range is widened to whole words, which only lets more bytes be
    /// looked at one by one.
    fn of(lead: &[u8; 4 * LEAD_WORDS]) -> AsciiStarts {
        // Entries 8k to 8k + 7, each 0 or 1, the first in the lowest byte.
        let eight = |k: usize| u64::from_le_bytes(lead[8 * k..8 * k + 8].try_into().unwrap_or_default());
        let Some(k) = (0..16).find(|&k| eight(k) != 0) else {
            return AsciiStarts { from_first: 0, past_last: 0 };
        };
        let j = (0..16).rev().find(|&j| eight(j) != 0).unwrap_or(k);
        let first = (8 * k + eight(k).trailing_zeros() as usize / 8) as u8 & !LEAD_FLIP;
        let last = (8 * j + (63 - eight(j).leading_zeros()) as usize / 8) as u8 | LEAD_FLIP;
        AsciiStarts { from_first: Self::ONES * u64::from(128 - first), past_last: Self::ONES * u64::from(127 - last) }
    }

    /// Whether one of the eight bytes of `word` may start a key: it is not
    /// ASCII, or it is in the range.
    #[inline(always)]
    fn may_start(&self, word: u64) -> bool {
        word & Self::TOP_BITS != 0
            || (word.wrapping_add(self.from_first) & !word.wrapping_add(self.past_last) & Self::TOP_BITS) != 0
    }
}

/// The keys of a trie marked [`SEGMENT`] (see [`Node::SegmentKeys`]).
struct SegmentKeys<'a>(Dat<'a>);

impl Longest for SegmentKeys<'_> {
    #[inline(always)]
    fn longest_at<'s>(&'s self, b: &[u8], i: usize) -> Option<Hit<'s>> {
        self.0.longest::<true>(b, i)
    }

    #[inline(always)]
    fn next_start(&self, b: &[u8], i: usize) -> usize {
        self.0.next_start(b, i)
    }
}

/// A trie built at run time (custom configurations and `--dict`).
#[derive(Debug)]
pub(super) struct Owned {
    pub(super) words: Vec<u32>,
    pub(super) text: String,
    /// The file it was built from.
    pub(super) name: String,
}

/// A trie: one of the built-in ones, or one built at run time.
#[derive(Debug, Clone)]
pub(super) enum Dict {
    /// Index into the tries `build.rs` compiled.
    Builtin(u16),
    Owned(Arc<Owned>),
}

impl Dict {
    #[inline(always)]
    fn dat(&self) -> Dat<'_> {
        match self {
            Dict::Builtin(i) => {
                let (tables, shared, text) = super::compiled::AUTOMATA[usize::from(*i)];
                // `build.rs` wrote whole words, in the target's byte order.
                let words = |bytes: &'static [u8]| bytemuck::try_cast_slice(bytes).unwrap_or_default();
                Dat::with_shared(words(&tables.0), words(&shared.0), text, Names::Builtin)
            }
            Dict::Owned(owned) => Dat::new(&owned.words, &owned.text, Names::File(&owned.name)),
        }
    }
}

/// A dictionary as a step or the segmentation uses it: one trie (the
/// built-in configurations' groups are flattened into one at build time),
/// or a group asked member by member at run time.
#[derive(Debug, Clone)]
pub(super) enum Node {
    Dict(Dict),
    /// The keys of a single-walk trie (see [`Stage::walk`]) that are
    /// segmentation keys: the segmentation dictionary of the step-by-step
    /// conversion (`--explain`, `--dict`).
    SegmentKeys(Dict),
    /// `match_policy: union`: the longest match of any member, the first
    /// member on a tie.
    Union(Vec<Node>),
    /// `match_policy: short_circuit`: the first member that matches.
    ShortCircuit(Vec<Node>),
}

impl Longest for Node {
    fn longest_at<'s>(&'s self, b: &[u8], i: usize) -> Option<Hit<'s>> {
        match self {
            Node::Dict(d) => d.dat().longest::<false>(b, i),
            Node::SegmentKeys(d) => d.dat().longest::<true>(b, i),
            Node::Union(members) => {
                let mut best: Option<Hit<'s>> = None;
                for m in members {
                    if let Some(hit) = m.longest_at(b, i) {
                        if best.is_none_or(|b| hit.end > b.end) {
                            best = Some(hit);
                        }
                    }
                }
                best
            }
            Node::ShortCircuit(members) => members.iter().find_map(|m| m.longest_at(b, i)),
        }
    }

    fn next_start(&self, b: &[u8], i: usize) -> usize {
        // Any character boundary.
        b.iter().skip(i).position(|&c| !(0x80..0xC0).contains(&c)).map_or(b.len(), |j| i + j)
    }
}

/// One stage of a configuration: optional segmentation, then the
/// conversion chain.
#[derive(Debug, Clone)]
pub(super) struct Stage {
    pub(super) segmentation: Option<Node>,
    pub(super) chain: Vec<Node>,
    /// For a built-in stage with segmentation and two steps: the trie that
    /// converts it in one walk (see [`one_walk`]). Without it, or when the
    /// conversion is explained, the stage converts step by step.
    pub(super) walk: Option<Dict>,
}

/// Buffers reused from stage to stage.
#[derive(Debug, Default)]
pub(super) struct Scratch {
    ends: Vec<usize>,
    new_ends: Vec<usize>,
    origins: Vec<usize>,
    /// The first step's count of characters changed, per segment.
    counts: Vec<u64>,
    cur: String,
    next: String,
}

impl Scratch {
    /// Lets go of memory beyond what a pipeline block needs, so that one
    /// huge conversion does not keep its buffers for the thread's life.
    pub(super) fn trim(&mut self) {
        const KEEP: usize = 1 << 20;
        for v in [&mut self.ends, &mut self.new_ends, &mut self.origins] {
            v.clear();
            v.shrink_to(KEEP / 8);
        }
        self.counts.clear();
        self.counts.shrink_to(KEEP / 8);
        for s in [&mut self.cur, &mut self.next] {
            s.clear();
            s.shrink_to(KEEP);
        }
    }
}

impl Stage {
    /// Whether converting `text` would copy it unchanged because no key of
    /// this one-step, unsegmented stage occurs in it (OpenCC's
    /// normalization, on almost any text).
    pub(super) fn passes_through(&self, text: &str) -> bool {
        match self.chain.as_slice() {
            [Node::Dict(only)] if self.segmentation.is_none() => !only.dat().occurs_in(text),
            _ => false,
        }
    }

    /// Converts `text`, appends the result to `out`, and returns how many
    /// characters it changed (see [`changed`]).
    ///
    /// The matches' counts are stored with them ([`Hit::changed`]), so a
    /// one-step stage adds them up. In a chain, a later step may change
    /// again what an earlier one wrote (s2twp: 里 → 裏 → 裡), and a
    /// character changed twice must count once: in a two-step chain, a
    /// segment that one step changes counts that step's matches, and one
    /// that both steps change (a few in a hundred) is compared with the
    /// stage's input; in longer chains (custom configurations only), every
    /// segment is compared. The single walk ([`one_walk`]) counts, for each
    /// of its matches, the characters its final value changed, so that a
    /// character changed by both steps counts once there too.
    pub(super) fn convert<T: Trace>(&self, text: &str, out: &mut String, scratch: &mut Scratch, trace: &mut T) -> u64 {
        if let (Some(walk), false, [step1, step2]) = (&self.walk, T::ON, self.chain.as_slice()) {
            let contexts = match walk {
                Dict::Builtin(i) => super::compiled::CONTEXTS[usize::from(*i)],
                Dict::Owned(_) => &[],
            };
            return one_walk(&walk.dat(), contexts, step1, step2, text, out, &mut scratch.cur);
        }
        trace.stage(text);
        let n = self.chain.len();
        let mut changes = 0;
        if n == 0 {
            out.push_str(text);
            return 0;
        }
        if self.segmentation.is_none() && n == 1 {
            trace.segment(0, 0);
            match &self.chain[0] {
                Node::Dict(d) if !T::ON => return convert_whole(&d.dat(), text, out),
                Node::Dict(d) => d.dat().convert_segment(text, out, &mut changes, trace),
                node => node.convert_segment(text, out, &mut changes, trace),
            }
            return changes;
        }
        let Scratch { ends, new_ends, origins, counts, cur, next } = scratch;
        ends.clear();
        origins.clear();
        counts.clear();
        match &self.segmentation {
            None => ends.push(text.len()),
            // A trie's arrays are looked up once, not at every position.
            Some(Node::Dict(d)) => segment(&d.dat(), text, ends),
            Some(Node::SegmentKeys(d)) => segment(&SegmentKeys(d.dat()), text, ends),
            Some(seg) => segment(seg, text, ends),
        }
        origins.push(0);
        origins.extend_from_slice(ends);
        for k in 0..n {
            let src: &str = if k == 0 { text } else { cur };
            let step = Step { node: &self.chain[k], k, src, ends, origins };
            if k + 1 == n {
                let tally = match n {
                    1 => Tally::Matches,
                    2 => Tally::Pairs(text, counts),
                    _ => Tally::Segments(text),
                };
                changes = step.run(out, new_ends, tally, None, trace);
            } else {
                next.clear();
                step.run(next, new_ends, Tally::Matches, (k == 0).then_some(&mut *counts), trace);
                std::mem::swap(cur, next);
            }
            std::mem::swap(ends, new_ends);
        }
        changes
    }
}

/// Converts `text` with the single-walk trie `walk` of a stage whose
/// steps are `step1` and `step2` (built by `fuse.rs`, which says why this
/// gives OpenCC's output), appends the result to `out`, and returns the
/// characters changed: for each match, those its final value changed.
///
/// At each position the longest segmentation key wins; else the longest
/// event, else the longest other key. A match other than a segmentation
/// key must not reach over a position where a segmentation key matches
/// (OpenCC's segment would end there), so its inner positions are looked
/// up, and the match is cut back if one does; a preimage match with an
/// event inside it, or an unsafe event with a neighbour that may let a key
/// of the second step overlap it, makes its stretch *dirty*. A
/// dirty stretch, from the last place no step can reach across (the end
/// of a segmentation key, or a character in no key) to the next one, is
/// converted again step by step (`tmp` is its buffer), which is exact
/// there. The counts of such stretches are comparisons of their input and
/// output. Out of line, so that the walk has the registers to itself.
#[inline(never)]
fn one_walk(
    walk: &Dat<'_>,
    contexts: &[(&str, &str, &str)],
    step1: &Node,
    step2: &Node,
    text: &str,
    out: &mut String,
    tmp: &mut String,
) -> u64 {
    let b = text.as_bytes();
    let (mut i, mut copied, mut count) = (0, 0, 0u64);
    // The last place no step reaches across: (byte in `text`, length of
    // `out` there, `count` there).
    let mut cut = (0, out.len(), 0u64);
    let mut dirty = false;
    // Which ASCII characters are in no key, as bits, for those looked up
    // so far: the walk asks after every ASCII run it skips (callgrind, 1 MB
    // of the corpus, s2twp: 50 instructions a run, 3% of the command).
    let (mut ascii_known, mut ascii_in_no_key) = (0u128, 0u128);
    let mut redo = |cut: (usize, usize, u64), end: usize, out: &mut String| -> u64 {
        out.truncate(cut.1);
        tmp.clear();
        let mut ignored = 0;
        convert_step(step1, &text[cut.0..end], tmp, &mut ignored);
        convert_step(step2, tmp, out, &mut ignored);
        cut.2 + changed(&text[cut.0..end], &out[cut.1..]) as u64
    };
    loop {
        let next = walk.next_start(b, i);
        if next > i {
            // The characters skipped start no key; the last one may be in
            // no key at all.
            let last_in_no_key = match b[next - 1] {
                c @ 0..0x80 => {
                    let bit = 1u128 << c;
                    if ascii_known & bit == 0 {
                        ascii_known |= bit;
                        ascii_in_no_key |= if walk.in_no_key(u32::from(c)) { bit } else { 0 };
                    }
                    ascii_in_no_key & bit != 0
                }
                _ => {
                    let mut last = next - 1;
                    while last > i && (0x80..0xC0).contains(&b[last]) {
                        last -= 1;
                    }
                    walk.in_no_key(decode(b, last).0)
                }
            };
            if last_in_no_key {
                if dirty {
                    out.push_str(&text[copied..next]);
                    copied = next;
                    count = redo(cut, next, out);
                    dirty = false;
                }
                cut = (next, out.len() + next - copied, count);
            }
            i = next;
        }
        if i >= b.len() {
            break;
        }
        let Some(mut hit) = walk.longest_walk(b, i) else {
            i += utf8_len(b[i]);
            continue;
        };
        if hit.is_segment() {
            if dirty {
                out.push_str(&text[copied..i]);
                copied = i;
                count = redo(cut, i, out);
                dirty = false;
            }
        } else if hit.end > i + utf8_len(b[i]) {
            // Inner positions: a segmentation key cuts the match back; an
            // event inside a preimage match makes the stretch dirty.
            let mut p = i + utf8_len(b[i]);
            let mut event_inside = false;
            while p < hit.end {
                if let Some(inner) = walk.longest_walk(b, p) {
                    if inner.is_segment() {
                        match walk.longest_walk(&b[..p], i) {
                            Some(shorter) => hit = shorter,
                            None => {
                                hit.end = 0;
                                break;
                            }
                        }
                        continue;
                    }
                    event_inside |= inner.is_event();
                }
                p += utf8_len(b[p]);
            }
            if hit.end == 0 {
                i += utf8_len(b[i]);
                continue;
            }
            dirty |= event_inside && !hit.is_event();
        }
        if hit.is_unsafe() && !dirty {
            // Dirty if a neighbour may let a key of the second step overlap
            // the event's value (see `fuse::SingleWalk::contexts`).
            dirty = match contexts.binary_search_by(|c| c.0.cmp(&text[i..hit.end])) {
                Ok(k) => {
                    let (_, before, after) = contexts[k];
                    let previous = text[cut.0.min(i)..i].chars().next_back();
                    previous.is_some_and(|c| before.contains(c))
                        || text[hit.end..].chars().next().is_some_and(|c| after.contains(c))
                }
                Err(_) => true,
            };
        }
        if copied < i {
            push(out, &text[copied..i]);
        }
        push(out, hit.value);
        count += hit.changed();
        i = hit.end;
        copied = i;
        if hit.is_segment() {
            cut = (i, out.len(), count);
        }
    }
    out.push_str(&text[copied..]);
    if dirty {
        count = redo(cut, b.len(), out);
    }
    count
}

/// Converts `text` with the one trie of a one-step stage (s2t, t2s), as one
/// segment; returns the characters changed. Out of line, so that the walk
/// has the registers to itself.
#[inline(never)]
fn convert_whole(dat: &Dat<'_>, text: &str, out: &mut String) -> u64 {
    let mut changes = 0;
    dat.convert_segment(text, out, &mut changes, &mut ());
    changes
}

/// One step over one segment, with the trie's own search when the step is
/// one trie.
fn convert_step(step: &Node, s: &str, out: &mut String, changes: &mut u64) {
    match step {
        Node::Dict(d) => d.dat().convert_segment(s, out, changes, &mut ()),
        node => node.convert_segment(s, out, changes, &mut ()),
    }
}

/// Cuts `text` as OpenCC's `mmseg` does and pushes the end of each segment:
/// each longest match is a segment, and so is each run of characters that
/// start no match.
///
/// This walk and `convert_segment` share their shape on
/// purpose: one iterator of hits serving all three cost 8% more
/// instructions in conversion (callgrind, s2twp on 1 MB of manual pages).
fn segment<M: Longest>(seg: &M, text: &str, ends: &mut Vec<usize>) {
    let b = text.as_bytes();
    let mut i = 0;
    let mut run_start = 0;
    loop {
        i = seg.next_start(b, i);
        if i >= b.len() {
            break;
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

/// How a step counts the characters changed (see [`Stage::convert`]);
/// each but `Matches` holds the stage's input.
#[derive(Debug, Clone, Copy)]
enum Tally<'a> {
    /// Adds up its matches' counts.
    Matches,
    /// The second of two steps, with the first step's count per segment:
    /// compares the segments that both steps change.
    Pairs(&'a str, &'a [u64]),
    /// Compares every segment's output with its input.
    Segments(&'a str),
}

/// One step of a chain over the segments of its input.
struct Step<'a> {
    node: &'a Node,
    /// Its place in the chain.
    k: usize,
    /// The previous step's output (or the stage's input).
    src: &'a str,
    /// Where each segment of `src` ends.
    ends: &'a [usize],
    /// Where each segment starts in the stage's input, then its end.
    origins: &'a [usize],
}

impl Step<'_> {
    /// Converts each segment, appending to `out`, and pushes the segments'
    /// new ends (relative to where `out` started) to `new_ends` and, if
    /// given, their matches' counts to `counts`. Returns the characters
    /// changed, as `tally` says.
    fn run<T: Trace>(
        &self,
        out: &mut String,
        new_ends: &mut Vec<usize>,
        tally: Tally,
        counts: Option<&mut Vec<u64>>,
        trace: &mut T,
    ) -> u64 {
        match self.node {
            Node::Dict(d) => self.run_with(&d.dat(), out, new_ends, tally, counts, trace),
            node => self.run_with(node, out, new_ends, tally, counts, trace),
        }
    }

    fn run_with<M: Longest, T: Trace>(
        &self,
        step: &M,
        out: &mut String,
        new_ends: &mut Vec<usize>,
        tally: Tally,
        mut counts: Option<&mut Vec<u64>>,
        trace: &mut T,
    ) -> u64 {
        new_ends.clear();
        let base = out.len();
        let mut start = 0;
        let mut changes = 0;
        for (j, &end) in self.ends.iter().enumerate() {
            if T::ON {
                trace.segment(self.k, self.origins[j]);
            }
            let at = out.len();
            let mut hits = 0;
            step.convert_segment(&self.src[start..end], out, &mut hits, trace);
            let input = self.origins[j]..self.origins[j + 1];
            changes += match tally {
                Tally::Matches => hits,
                Tally::Pairs(text, first) if first[j] > 0 && hits > 0 => changed(&text[input], &out[at..]) as u64,
                Tally::Pairs(_, first) => first[j] + hits,
                Tally::Segments(text) => changed(&text[input], &out[at..]) as u64,
            };
            if let Some(counts) = counts.as_deref_mut() {
                counts.push(hits);
            }
            new_ends.push(out.len() - base);
            start = end;
        }
        changes
    }
}
