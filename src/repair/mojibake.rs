//! Mojibake: text whose bytes were decoded with the wrong charset.
//!
//! A candidate repair of a span re-encodes it with the charset it was
//! wrongly decoded with (this must be lossless) and decodes the bytes with
//! the right one (this must be strict: no malformed sequence). It is kept
//! only when the result is clearly more plausible text than the span, by
//! [`crate::detect::plausibility`]: common Chinese characters and CJK
//! punctuation score high, while the rare characters, lone Latin-1 letters,
//! private-use and control characters that mojibake is made of score low.
//! Correct common Chinese already scores at the top, so it can never be
//! "improved"; that is the guarantee that correct text is not changed.
//!
//! Latin-1 here is "sloppy" like ftfy's codecs: windows-1252, with the five
//! bytes it leaves undefined (and C1 controls) mapped straight through, so
//! both a windows-1252 and an ISO-8859-1 reading can be reversed.

use std::borrow::Cow;
use std::ops::Range;

use encoding_rs::{BIG5, GB18030, GBK};
use serde::Serialize;

use super::{bigram, words};
use crate::detect::{char_score, is_kana, plausibility, plausibility_between, MAX_PLAUSIBILITY};

/// How many layers of the same or different mojibake are undone at most.
const MAX_LAYERS: usize = 3;
/// A line longer than this, in bytes, is repaired sentence by sentence
/// (see [`Repairer::repair`]).
const LONG_LINE: usize = 4096;
/// A sentence longer than this, in bytes, ends at the next ASCII
/// whitespace (see [`sentence_end`]).
const MAX_SENTENCE: usize = 1024;
/// How many times a line that changed is repaired again, at most.
const MAX_PASSES: usize = 4;
/// Longest span, in characters, tried inside a longer run.
const MAX_SPAN: usize = 24;
/// Longest stretch, in characters, that the span search looks at from one
/// place, and tries whole: a sentence of 60 Chinese characters garbled twice
/// (UTF-8 read as cp1252, twice) is about 360, and a line garbled all
/// through is tried whole before the span search. Longer garbled text is
/// undone in spans, and along the line's path. Without a bound, a long line
/// dense with rare characters took time quadratic in its length.
const MAX_STRETCH: usize = 1024;
/// A span search starts only where two of this many characters are
/// suspicious.
const SPAN_WINDOW: usize = 4;
/// Reversals tried per run, at most: a fixed part plus this many per
/// character. Text that is garbage all through (a binary read as Latin-1)
/// would otherwise cost quadratic time for nothing.
const BUDGET_BASE: usize = 500;
const BUDGET_PER_CHAR: usize = 8;
/// Reversals tried on a whole line, at most (every layering of every
/// family is 7 + 49 + 343; most fail at once and are not followed).
const WHOLE_LINE_BUDGET: usize = 120;
/// A repair must score at least this (mostly common characters)...
const MIN_REPAIRED_SCORE: f64 = 1.0;
/// ...and this much above the span it replaces.
const MIN_GAIN: f64 = 1.5;

/// A way text gets garbled: bytes in `right` read as `wrong`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Family {
    /// UTF-8 bytes decoded as GBK: `鍙戝竷` for `发布`.
    Utf8AsGbk,
    /// UTF-8 bytes decoded as Big5.
    Utf8AsBig5,
    /// UTF-8 bytes decoded as windows-1252 or Latin-1: `ä¸­æ–‡` for `中文`.
    Utf8AsLatin1,
    /// GBK bytes decoded as windows-1252 or Latin-1: `ÖÐÎÄ` for `中文`.
    GbkAsLatin1,
    /// Big5 bytes decoded as windows-1252 or Latin-1.
    Big5AsLatin1,
    /// GBK bytes decoded as Big5.
    GbkAsBig5,
    /// Big5 bytes decoded as GBK.
    Big5AsGbk,
}

/// Every family, in the order tried (ties go to the earlier).
pub const FAMILIES: [Family; 7] = [
    Family::Utf8AsGbk,
    Family::Utf8AsLatin1,
    Family::Utf8AsBig5,
    Family::GbkAsLatin1,
    Family::Big5AsLatin1,
    Family::GbkAsBig5,
    Family::Big5AsGbk,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Codec {
    Utf8,
    Gbk,
    Big5,
    Latin1,
}

impl Family {
    const fn codecs(self) -> (Codec, Codec) {
        match self {
            Family::Utf8AsGbk => (Codec::Gbk, Codec::Utf8),
            Family::Utf8AsBig5 => (Codec::Big5, Codec::Utf8),
            Family::Utf8AsLatin1 => (Codec::Latin1, Codec::Utf8),
            Family::GbkAsLatin1 => (Codec::Latin1, Codec::Gbk),
            Family::Big5AsLatin1 => (Codec::Latin1, Codec::Big5),
            Family::GbkAsBig5 => (Codec::Big5, Codec::Gbk),
            Family::Big5AsGbk => (Codec::Gbk, Codec::Big5),
        }
    }

    /// A short description for people.
    pub fn describe(self) -> &'static str {
        match self {
            Family::Utf8AsGbk => "utf-8 read as gbk",
            Family::Utf8AsBig5 => "utf-8 read as big5",
            Family::Utf8AsLatin1 => "utf-8 read as latin-1",
            Family::GbkAsLatin1 => "gbk read as latin-1",
            Family::Big5AsLatin1 => "big5 read as latin-1",
            Family::GbkAsBig5 => "gbk read as big5",
            Family::Big5AsGbk => "big5 read as gbk",
        }
    }

    /// Undoes this garbling of `span`, if that is lossless and strict.
    /// GBK read as Big5 by Python's `big5` codec (or Windows' cp950) rather
    /// than a WHATWG decoder may hold characters that the two tables put at
    /// different pairs (kana, Cyrillic and circled numbers, which Python
    /// has at C6A1–C7FC): in a span with Han characters too, both byte
    /// readings are tried, and WHATWG's is kept unless the character-pair
    /// model finds the other far likelier.
    pub fn reverse(self, span: &str) -> Option<String> {
        let (wrong, right) = self.codecs();
        let reversed = decode(right, &encode(wrong, span)?);
        // Only beside Han: circled numbers, kana or Cyrillic alone are
        // what the text says (`C. ①③` is an exam option, not GBK `情请`).
        if self != Family::GbkAsBig5
            || !span.chars().any(|c| eten_pair(c).is_some())
            || !span.chars().any(bigram::covers)
        {
            return reversed;
        }
        let mut bytes = Vec::with_capacity(span.len());
        let encoded = span.chars().all(|c| match eten_pair(c) {
            Some(pair) => {
                bytes.extend_from_slice(&pair);
                true
            }
            None => encode_char(Codec::Big5, c, &mut bytes),
        });
        let eten = if encoded { decode(right, &bytes) } else { None };
        match (reversed, eten) {
            (Some(whatwg), Some(eten))
                if bigram::log_likelihood(eten.chars()) > bigram::log_likelihood(whatwg.chars()) + READING_MARGIN =>
            {
                Some(eten)
            }
            (reversed, _) => reversed,
        }
    }
}

/// What Python's `big5` codec (CPython's `_codecs_tw`) and Windows' cp950
/// decode the pairs C6A1..=C7FC to, in order (ETEN's extension to Big5):
/// kana, Cyrillic, circled and parenthesized numbers. WHATWG's Big5, which
/// `encoding_rs` decodes and encodes, has these characters at other pairs
/// (HKSCS's) and reads these pairs as others, so a GBK text that Python read
/// as Big5 (`自治区` as `赻笥⑹`, GBK `区` being C7F8) re-encoded with
/// WHATWG's table gives the wrong GBK (`自治瓢`).
const ETEN_C6A1: &str = "ヾゝゞ々ぁあぃいぅうぇえぉおかがきぎくぐけげこごさざしじすずせぜそぞただちぢっつづてでとどなにぬねのはばぱひびぴふぶぷへべぺほぼぽまみむめもゃやゅゆょよらりるれろゎわゐゑをんァアィイゥウェエォオカガキギクグケゲコゴサザシジスズセゼソゾタダチヂッツヅテデトドナニヌネノハバパヒビピフブプヘベペホボポマミムメモャヤュユョヨラリルレロヮワヰヱヲンヴヵヶДЕЁЖЗИЙКЛМУФХЦЧШЩЪЫЬЭЮЯабвгдеёжзийклмнопрстуфхцчшщъыьэюя①②③④⑤⑥⑦⑧⑨⑩⑴⑵⑶⑷⑸⑹⑺⑻⑼⑽";

/// The pair Python's `big5` codec encodes `c` to when it is one of
/// [`ETEN_C6A1`]: from C6A1 on, trail bytes 0xA1..=0xFE in row C6 and
/// 0x40..=0x7E, then 0xA1..=0xFE in row C7.
fn eten_pair(c: char) -> Option<[u8; 2]> {
    if !matches!(u32::from(c), 0x400..=0x4FF | 0x2460..=0x247F | 0x3000..=0x30FF) {
        return None;
    }
    let at = u8::try_from(ETEN_C6A1.chars().position(|eten| eten == c)?).ok()?;
    Some(match at {
        0..=93 => [0xC6, 0xA1 + at],
        94..=156 => [0xC7, 0x40 + (at - 94)],
        _ => [0xC7, 0xA1 + (at - 157)],
    })
}

fn encode(codec: Codec, text: &str) -> Option<Vec<u8>> {
    match codec {
        Codec::Utf8 => Some(text.as_bytes().to_vec()),
        Codec::Latin1 => text.chars().map(latin1_byte).collect(),
        Codec::Gbk | Codec::Big5 => {
            let mut bytes = Vec::with_capacity(text.len());
            text.chars().all(|c| encode_char(codec, c, &mut bytes)).then_some(bytes)
        }
    }
}

/// Appends the bytes that GBK or Big5 (`codec`) encodes `c` to; false when
/// it cannot.
fn encode_char(codec: Codec, c: char, bytes: &mut Vec<u8>) -> bool {
    match double_byte_table(codec).get(u32::from(c) as usize).copied() {
        _ if c.is_ascii() => bytes.push(c as u8),
        Some(pair) if pair != 0 => bytes.extend_from_slice(&pair.to_be_bytes()),
        // The table has every BMP character the encoder has, but GBK's €
        // and the private-use characters GBK also writes as pairs that
        // decode to something else now.
        Some(_) if c != '€' && !is_private_use(c) => return false,
        // Beyond the BMP, GBK encodes nothing and Big5 some of plane 2
        // (HKSCS's), where `encoding_rs` looks them up: an emoji in clean
        // text (`🔎`) is tried in every span and family the search tries.
        None if codec == Codec::Gbk || !('\u{2008A}'..='\u{2F8A6}').contains(&c) => return false,
        _ => return encode_slowly(codec, c, bytes),
    }
    true
}

/// What GBK or Big5 (`codec`) encodes `c` to when that is one pair
/// (`Ok`), or other bytes (`Err`); `None` when it cannot. The table has
/// most characters, which then cost no allocation.
fn encode_pair(codec: Codec, c: char) -> Option<Result<[u8; 2], ()>> {
    match double_byte_table(codec).get(u32::from(c) as usize) {
        Some(&pair) if pair != 0 && !c.is_ascii() => Some(Ok(pair.to_be_bytes())),
        _ => {
            // Allocated only when written to: most characters that get here
            // cannot be encoded.
            let mut bytes = Vec::new();
            encode_char(codec, c, &mut bytes).then(|| <[u8; 2]>::try_from(&bytes[..]).map_err(|_| ()))
        }
    }
}

/// The pair GBK encodes `c` to, when it is one pair, as `encoding_rs`'s
/// encoder writes it.
pub(crate) fn gbk_pair(c: char) -> Option<[u8; 2]> {
    encode_pair(Codec::Gbk, c)?.ok()
}

/// Whether `c` is in the BMP's private use area, where GBK and Big5 put
/// pairs that no standard character has.
pub(crate) fn is_private_use(c: char) -> bool {
    ('\u{E000}'..='\u{F8FF}').contains(&c)
}

/// What GBK decodes `lead, trail` to, when it is one BMP character, as
/// `encoding_rs`'s decoder reads it.
pub(crate) fn gbk_decoded_pair(lead: u8, trail: u8) -> Option<char> {
    decode_pair(Codec::Gbk, &[lead, trail])
}

/// `encoding_rs`'s encoder, for what the table does not have (€ and private
/// use in GBK, plane 2 in Big5): appends the bytes of `c`, or is false
/// where the encoder finds it unmappable (instead of writing an HTML
/// numeric reference for it). One character is at most two bytes in
/// either, so they are written on the stack.
fn encode_slowly(codec: Codec, c: char, bytes: &mut Vec<u8>) -> bool {
    let mut encoder = if codec == Codec::Gbk { GBK } else { BIG5 }.new_encoder();
    let mut buffer = [0; 8];
    let (result, _, written) =
        encoder.encode_from_utf8_without_replacement(c.encode_utf8(&mut [0; 4]), &mut buffer, true);
    let encoded = result == encoding_rs::EncoderResult::InputEmpty;
    if encoded {
        bytes.extend_from_slice(&buffer[..written]);
    }
    encoded
}

/// The two bytes GBK or Big5 encodes each BMP character to (0: none),
/// inverted from [`DOUBLE_BYTE`] when the crate is compiled, so that
/// nothing is built at run time (built on first use, they cost a 1 KB input
/// 1.2 million instructions, more than all the rest of the repair).
/// `encoding_rs`'s encoders search their tables for each Han character,
/// which made trying spans of clean text as mojibake cost most of the
/// repair stage. The WHATWG rules for characters with two byte pairs are
/// kept: the first pair, and for Big5 none with a lead byte below 0xA1
/// (HKSCS) and the last pair for six characters (a unit test compares every
/// BMP character with `encoding_rs`).
fn double_byte_table(codec: Codec) -> &'static [u16; 0x10000] {
    &DOUBLE_BYTE_TABLES[usize::from(codec == Codec::Big5)]
}

/// [`double_byte_table`] of GBK and of Big5.
static DOUBLE_BYTE_TABLES: [[u16; 0x10000]; 2] = [invert_double_byte(Codec::Gbk), invert_double_byte(Codec::Big5)];

/// [`double_byte_table`] for `codec`, GBK or Big5.
const fn invert_double_byte(codec: Codec) -> [u16; 0x10000] {
    let big5 = matches!(codec, Codec::Big5);
    let mut table = [0u16; 0x10000];
    let (leads, mut at) = double_byte_leads(codec);
    let mut lead = *leads.start();
    loop {
        let mut trail = 0x40u8;
        while trail <= 0xFE {
            if trail == 0x7F {
                trail += 1;
                continue;
            }
            let cp = DOUBLE_BYTE[at] as u16 | (DOUBLE_BYTE[at + 1] as u16) << 8;
            at += 2;
            // GBK writes € as the single byte 0x80.
            let skip = cp == 0 || cp == 0x20AC && !big5;
            let last_wins = big5 && matches!(cp, 0x2550 | 0x255E | 0x2561 | 0x256A | 0x5341 | 0x5345);
            if !skip && (table[cp as usize] == 0 || last_wins) {
                table[cp as usize] = (lead as u16) << 8 | trail as u16;
            }
            trail += 1;
        }
        if lead == *leads.end() {
            return table;
        }
        lead += 1;
    }
}

/// What GBK (lead bytes 0x81..=0xFE) and then Big5 (0xA1..=0xFE) decode
/// each pair to, trail bytes 0x40..=0xFE without 0x7F: the BMP character
/// as a little-endian `u16`, 0 for none (a pair not mapped, or mapped to
/// more than one character or beyond the BMP). Read from `encoding_rs`'s
/// decoders, which cost six million instructions at run time, so generated
/// (see the unit test `double_byte_bin_is_current`).
static DOUBLE_BYTE: &[u8; 2 * 190 * (126 + 94)] = include_bytes!("double_byte.bin");

/// The lead bytes of each codec's part of [`DOUBLE_BYTE`], and its offset.
const fn double_byte_leads(codec: Codec) -> (std::ops::RangeInclusive<u8>, usize) {
    match codec {
        Codec::Big5 => (0xA1..=0xFE, 2 * 190 * 126),
        _ => (0x81..=0xFE, 0),
    }
}

/// What GBK or Big5 (`codec`) decodes `pair` to, when [`DOUBLE_BYTE`] has
/// it (one BMP character).
/// A `const fn`, so that [`HAN_UNDO`] is built with it when the crate is
/// compiled.
const fn decode_pair(codec: Codec, pair: &[u8]) -> Option<char> {
    let &[lead, trail] = pair else { return None };
    let (leads, offset) = double_byte_leads(codec);
    let trail_index = match trail {
        0x40..=0x7E => trail - 0x40,
        0x80..=0xFE => trail - 0x41,
        _ => return None,
    };
    if lead < *leads.start() || lead > *leads.end() {
        return None;
    }
    let row = (lead - *leads.start()) as usize;
    let at = offset + 2 * (row * 190 + trail_index as usize);
    match char::from_u32(u16::from_le_bytes([DOUBLE_BYTE[at], DOUBLE_BYTE[at + 1]]) as u32) {
        Some('\0') | None => None,
        decoded => decoded,
    }
}

fn decode(codec: Codec, bytes: &[u8]) -> Option<String> {
    let text = match codec {
        Codec::Utf8 => Cow::Borrowed(std::str::from_utf8(bytes).ok()?),
        Codec::Gbk => GB18030.decode_without_bom_handling_and_without_replacement(bytes)?,
        Codec::Big5 => BIG5.decode_without_bom_handling_and_without_replacement(bytes)?,
        Codec::Latin1 => Cow::Owned(bytes.iter().map(|&b| latin1_char(b)).collect()),
    };
    Some(text.into_owned())
}

/// Windows-1252's row 0x80..=0x9F; the five bytes it leaves undefined map
/// to the C1 controls of the same value, as in the WHATWG index.
const WINDOWS_1252_HIGH: [char; 32] = [
    '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8D}', 'Ž', '\u{8F}', //
    '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9D}', 'ž', 'Ÿ',
];

/// The byte that sloppy windows-1252 decodes to `c`.
fn latin1_byte(c: char) -> Option<u8> {
    match u32::from(c) {
        cp @ 0..=0xFF => u8::try_from(cp).ok(),
        // `™` is the last of the row, and Chinese text is past it.
        0x100..=0x2122 => WINDOWS_1252_HIGH.iter().position(|&h| h == c).map(|i| 0x80 + i as u8),
        _ => None,
    }
}

/// Whether no family can undo text with `c` in it: Latin-1, GBK and Big5,
/// which mojibake is read in, none encodes it (an emoji, a variation
/// selector), so every [`Family::reverse`] of such text fails.
fn read_in_no_family(c: char) -> bool {
    latin1_byte(c).is_none() && encode_pair(Codec::Gbk, c).is_none() && encode_pair(Codec::Big5, c).is_none()
}

fn latin1_char(byte: u8) -> char {
    match byte {
        0x80..=0x9F => WINDOWS_1252_HIGH[usize::from(byte - 0x80)],
        _ => char::from(byte),
    }
}

/// The repair stage over a stream of text: counts what it repaired.
#[derive(Debug, Default)]
pub struct Repairer {
    repaired: Vec<(Family, u64)>,
    line: Notes,
    /// The characters of the line the character pairs look at: one buffer
    /// for every line.
    chars: Vec<char>,
}

/// The repairs made in a line: the path of each and how many characters of
/// mojibake it undid.
type Notes = Vec<(Vec<Family>, usize)>;

/// A line's characters before and after a repair that changed them one for
/// one, and the ranges of those that changed.
type ChangedPieces = (Vec<char>, Vec<char>, Vec<Range<usize>>);

impl Repairer {
    /// Spans repaired so far, per family (a layer of double encoding counts
    /// once in its family).
    pub fn repaired(&self) -> &[(Family, u64)] {
        &self.repaired
    }

    /// Repairs the mojibake in `text`; borrowed when there is none.
    pub fn repair<'a>(&mut self, text: &'a str) -> Cow<'a, str> {
        let mut out = String::new();
        let mut changed = false;
        // `text[..copied]` is in `out`, which is written only when a line
        // changes. From one suspicious character to the next: the lines
        // between them are clean.
        let (mut copied, mut from) = (0, 0);
        while let Some(at) = first_suspicious(&text[from..]).map(|at| from + at) {
            let start = text[from..at].rfind('\n').map_or(from, |newline| from + newline + 1);
            let end = text[at..].find('\n').map_or(text.len(), |newline| at + newline + 1);
            let line = &text[start..end];
            from = end;
            let repaired =
                if line.len() > LONG_LINE { self.repair_in_sentences(line) } else { self.repair_line_passes(line) };
            if let Some(repaired) = repaired {
                changed = true;
                out.push_str(&text[copied..start]);
                out.push_str(&repaired);
                copied = end;
            }
        }
        if changed {
            out.push_str(&text[copied..]);
            Cow::Owned(out)
        } else {
            Cow::Borrowed(text)
        }
    }

    /// `line` repaired until nothing more improves; `None` when nothing
    /// does.
    fn repair_line_passes(&mut self, line: &str) -> Option<String> {
        // A line that mixes families may show a piece as mojibake only
        // once another is undone (the span search stops at a neighbour
        // that a second pass no longer sees): repeat on what changed
        // until nothing more improves, so that one run gives what a
        // second would.
        let mut repaired = self.repair_line_once(line);
        for _ in 1..MAX_PASSES {
            match repaired
                .as_deref()
                .filter(|again| has_suspicious(again))
                .and_then(|again| self.repair_line_once(again))
            {
                Some(again) => repaired = Some(again),
                None => break,
            }
        }
        repaired
    }

    /// A line longer than [`LONG_LINE`] (a file with no line ends, which
    /// the pipeline hands over in blocks of up to a megabyte) repaired
    /// sentence by sentence ([`sentences`]), each as a line of its own:
    /// what the same text gets with a line end after each sentence, and at
    /// its cost. Whole, every step that looks at a whole line (the shape,
    /// the character pairs, the repair along its path) went over the whole
    /// block for each suspicious character in it, where lines of clean
    /// text are passed over: ten times the time of the same text with its
    /// line ends. `None` when no sentence changes.
    fn repair_in_sentences(&mut self, line: &str) -> Option<String> {
        let mut out = String::new();
        let mut copied = 0;
        let mut start = 0;
        for sentence in sentences(line) {
            let end = start + sentence.len();
            if has_suspicious(sentence) {
                if let Some(repaired) = self.repair_line_passes(sentence) {
                    out.push_str(&line[copied..start]);
                    out.push_str(&repaired);
                    copied = end;
                }
            }
            start = end;
        }
        (copied > 0).then(|| {
            out.push_str(&line[copied..]);
            out
        })
    }

    /// One pass over `line`: the span search, the character pairs, and the
    /// symbols they do not confirm given back; the repairs it made are
    /// counted. `None` when nothing in it improves.
    fn repair_line_once(&mut self, line: &str) -> Option<String> {
        self.line.clear();
        let repaired = if may_change(line) { self.repair_line(line) } else { None };
        // Character pairs may find a few characters of GBK read as Big5
        // (or back) where a single rare character is all that shows.
        // The way GBK and Big5 were read as each other in this line, if
        // the first pass found it.
        let along = self.line.iter().find_map(|(path, _)| match path[..] {
            [family @ (Family::GbkAsBig5 | Family::Big5AsGbk)] => Some(family),
            _ => None,
        });
        let text = repaired.as_deref().unwrap_or(line);
        let repaired = match undo_by_pairs(text, repaired.is_some(), along, &mut self.chars) {
            Some((undone, notes)) => {
                self.line.extend(notes);
                Some(undone)
            }
            None => repaired,
        };
        let repaired = repaired.map(|repaired| self.undo_edges(line, repaired));
        let repaired = repaired.and_then(|repaired| self.give_back_han_carried_by_symbols(line, repaired));
        let repaired = repaired.and_then(|repaired| self.give_back_unpaired_symbols(line, repaired));
        let repaired = repaired.and_then(|repaired| self.give_back_unconfirmed(line, repaired));
        let repaired = repaired.and_then(|repaired| self.give_back_japanese(line, repaired));
        let repaired = repaired.and_then(|repaired| self.give_back_words(line, repaired));
        let repaired = repaired.and_then(|repaired| self.give_back_doubled(line, repaired));
        let repaired = repaired.and_then(|repaired| self.give_back_lists(line, repaired));
        let repaired = repaired.map(|repaired| self.undo_table_rules(line, repaired));
        for (path, _) in std::mem::take(&mut self.line) {
            path.into_iter().for_each(|family| self.count(family));
        }
        repaired
    }

    /// `line` repaired by the span search, then again along the path it
    /// took; `None` when nothing in it improves.
    fn repair_line(&mut self, line: &str) -> Option<String> {
        // A line that reads both ways is left whole: a piece of it would
        // read one way alone (Big5 `廖鈺婷`, `¹ùà±´@`, is GBK `郭啾` in its
        // first four bytes).
        let whole = if mostly_suspicious(line) { self.repair_whole_line(line).ok()? } else { None };
        let first = match self.repair_runs(whole.as_deref().unwrap_or(line)) {
            Some(repaired) => Some(repaired),
            None => whole,
        };
        first.map(|first| match self.repair_along(line, &first) {
            Some((second, notes)) if leaves_less(&second, &first) => {
                self.line = notes;
                second
            }
            _ => first,
        })
    }

    /// `line` repaired again, all through, along one of the paths the
    /// first pass took (`first` is its result), with the repairs it made: a
    /// line is garbled one way, and once that way is known, the pieces too
    /// short or too implausible to be undone on their own (`µÄ`, GBK `的`,
    /// between ASCII words; `©¦`, GBK's box drawing `│`; a span that read
    /// better in another charset) are undone too. The path that leaves the
    /// least mojibake wins, the one that undid most in the first pass on a
    /// tie.
    fn repair_along(&self, line: &str, first: &str) -> Option<(String, Notes)> {
        let mut weights: Vec<(&[Family], usize)> = Vec::new();
        for (path, n) in &self.line {
            match weights.iter_mut().find(|(p, _)| *p == path.as_slice()) {
                Some(weight) => weight.1 += n,
                None => weights.push((path, *n)),
            }
        }
        weights.sort_by_key(|&(_, n)| std::cmp::Reverse(n));
        let mut best: Option<(String, Notes)> = None;
        for (path, _) in weights {
            let Some((text, notes)) = undo_along(path, line, first) else { continue };
            if best.as_ref().is_none_or(|(b, _)| mojibake_left(&text) < mojibake_left(b)) {
                best = Some((text, notes));
            }
        }
        best
    }

    /// Undoes mojibake on a whole line, with every layering, as ftfy does:
    /// ASCII words and spaces between the mojibake don't matter then. A
    /// strict decoding of a whole line does not happen by chance for UTF-8;
    /// for GBK and Big5 it may, so their repair must be plausible in every
    /// character. `None` when the line is not such mojibake, and
    /// [`BothReadings`] when it reads as GBK and as Big5 read as Latin-1
    /// about as likely (see [`settle_double_byte_reading`]).
    fn repair_whole_line(&mut self, line: &str) -> Result<Option<String>, BothReadings> {
        let body = line.trim_end_matches(['\n', '\r']);
        // Text that no layer is tried on (a table drawn in box drawing, say).
        let passed_over = |text: &str| {
            let non_ascii = text.chars().filter(|c| !c.is_ascii()).count();
            let foreign = text.chars().filter(|&c| is_foreign_script(c)).count();
            non_ascii < 2 || foreign * 4 > non_ascii || !has_suspicious(text)
        };
        // Every layer's first reversal would fail on such a character (an
        // emoji in a line of its own: `Index 🔎︎`), leaving no repair and no
        // deeper layer.
        if passed_over(body) || body.chars().any(read_in_no_family) {
            return Ok(None);
        }
        let before = plausibility(body);
        if !can_gain(before) {
            return Ok(None);
        }
        // Latin-1 that GBK or Big5 did not make: letters one by one, a list
        // of letters, UTF-8 of accented letters. The same for every path.
        let not_double_byte = !paired(body) || lists_letters(body) || reads_as_utf8_letters(body);
        let mut best: Option<(Vec<Family>, String, f64)> = None;
        let mut frontier = vec![(Vec::new(), body.to_owned())];
        let mut budget = WHOLE_LINE_BUDGET;
        for _ in 0..MAX_LAYERS {
            let mut deeper = Vec::new();
            for (path, text) in &frontier {
                if passed_over(text) {
                    continue;
                }
                let non_ascii = text.chars().filter(|c| !c.is_ascii()).count();
                // Accented letters are GBK's too (its pinyin row), but a
                // line of them is French or German, not GBK.
                let letters = text.chars().filter(|&c| matches!(u32::from(c), 0xC0..=0x24F)).count();
                for family in FAMILIES {
                    if family.codecs().0 != Codec::Latin1 && letters * 4 > non_ascii {
                        continue;
                    }
                    if budget == 0 {
                        break;
                    }
                    budget -= 1;
                    let Some(repaired) = family.reverse(text) else { continue };
                    let after = plausibility(&repaired);
                    let enough = repaired.chars().filter(|c| !c.is_ascii()).count() >= 2;
                    let mut path = path.clone();
                    path.push(family);
                    // A rare character or two is no sign of chance below a
                    // layer of UTF-8, which strict decoding does not find by
                    // chance (GBK read as Latin-1, then as cp1252: a poem
                    // with `媕娿`); more than one in twenty characters is.
                    let rare = repaired.chars().filter(|&c| !c.is_ascii() && char_score(c, ' ', ' ') <= 0.0).count();
                    let under_utf8 = path.iter().any(|f| f.codecs().1 == Codec::Utf8);
                    let rare_by_chance =
                        rare > 0 && (!under_utf8 || rare * 20 > repaired.chars().filter(|c| !c.is_ascii()).count());
                    let by_chance = path.iter().any(|f| f.codecs().1 != Codec::Utf8)
                        && (rare_by_chance || path[0].codecs().0 == Codec::Latin1 && not_double_byte)
                        || symbols_by_chance(family, text, &repaired)
                        || one_han_by_chance(family, &repaired)
                        || kana_by_chance(family, text, &repaired)
                        || utf8_by_chance(&[family], text, &repaired);
                    if enough
                        && !by_chance
                        && is_clean(&repaired)
                        && (after >= MIN_REPAIRED_SCORE && after - before >= MIN_GAIN
                            || han_through_utf8(&path, &repaired))
                        && best.as_ref().is_none_or(|b| outranks(&path, after, &b.0, b.2))
                    {
                        best = Some((path.clone(), repaired.clone(), after));
                    }
                    if repaired.chars().all(|c| latin1_byte(c).is_some()) {
                        deeper.push((path, repaired));
                    }
                }
            }
            frontier = deeper;
        }
        let Some((path, repaired, _)) = best else { return Ok(None) };
        let (path, repaired) = settle_double_byte_reading(body, path, repaired, None, None).ok_or(BothReadings)?;
        self.line.push((path, body.chars().count()));
        Ok(Some(repaired + &line[body.len()..]))
    }

    /// Repairs the runs of `text` that have mojibake; `None` when none has.
    fn repair_runs(&mut self, text: &str) -> Option<String> {
        // `text[..copied]` is in `out`, which is written only when a run
        // changes: in most lines none does.
        let mut out = String::new();
        let mut copied = 0;
        let mut prev = None;
        for (start, run, is_run) in runs(text) {
            if is_run {
                let next = text[start + run.len()..].chars().next();
                if let Some(repaired) = self.repair_run(run, prev, next) {
                    out.push_str(&text[copied..start]);
                    out.push_str(&repaired);
                    copied = start + run.len();
                }
            }
            prev = run.chars().next_back();
        }
        (copied > 0).then(|| {
            out.push_str(&text[copied..]);
            out
        })
    }

    /// Repairs a run: whole (with every layering), else in spans of it.
    /// `None` when nothing in it improves (a run without a suspicious
    /// character, at once).
    fn repair_run(&mut self, run: &str, prev: Option<char>, next: Option<char>) -> Option<String> {
        let shape = Shape::of(run);
        if shape.suspicious == 0 {
            return None;
        }
        // In a run with a cluster, every span the search tries holds a
        // suspicious character (it takes in the one it starts at and the
        // next, one of them suspicious). When no family reads any of them,
        // every try fails, and so do the whole run's reversals.
        if shape.clustered && run.chars().filter(|&c| is_suspicious(c)).all(read_in_no_family) {
            return None;
        }
        let mut budget = BUDGET_BASE + BUDGET_PER_CHAR * shape.chars;
        let whole =
            if shape.mostly_suspicious() { best_repair(run, prev, next, MAX_LAYERS, &mut budget) } else { None };
        if let Some((path, repaired)) = whole.filter(|(path, repaired)| !utf8_by_chance(path, run, repaired)) {
            let span: Vec<char> = run.chars().collect();
            if let Some((repaired, undone)) = undo_where_pairs_prefer(&path, &span, repaired, prev, next) {
                self.line.push((path, undone));
                return Some(repaired);
            }
        } else if shape.mostly_suspicious() && reads_both_ways(run, prev, next) {
            // A piece of it would read one way alone (Big5 `廖鈺婷`,
            // `¹ùà±´@`, is GBK `郭啾` in its first four bytes).
            return None;
        }
        let chars: Vec<(usize, char)> = run.char_indices().collect();
        // In a run without a cluster, the suspicious characters where UTF-8
        // may be read around them: the span search starts up to two
        // characters before. (A run with a cluster, in clean text, is mostly
        // classical Chinese, full of rare characters: not worth the look.)
        let lone: Vec<usize> = if shape.clustered {
            Vec::new()
        } else {
            (0..chars.len()).filter(|&i| is_suspicious(chars[i].1) && utf8_word_around(run, chars[i].0)).collect()
        };
        if !shape.clustered && lone.is_empty() {
            return None;
        }
        let byte_at = |i: usize| chars.get(i).map_or(run.len(), |&(b, _)| b);
        let char_at = |i: usize| chars.get(i).map(|&(_, c)| c);
        let pairs = PairGains::new(&chars);
        let mut stretches = Stretches::new(&chars);
        let mut out = String::new();
        let mut done = 0;
        let mut start = 0;
        // Once the budget is spent, no span is tried.
        while start < chars.len() && budget > 0 {
            // Mojibake comes in clusters; a rare character alone in clean
            // text is not worth a search.
            let cluster = chars[start..].iter().take(SPAN_WINDOW).filter(|&&(_, c)| is_suspicious(c)).count();
            let clustered =
                cluster >= 2 && (is_suspicious(chars[start].1) || char_at(start + 1).is_some_and(is_suspicious));
            if !clustered && !lone.iter().any(|&i| (start..start + 3).contains(&i)) {
                start += 1;
                continue;
            }
            let before = if start == 0 { prev } else { char_at(start - 1) };
            // Mojibake is shaped: Latin-1 readings stay within characters that
            // Latin-1 can encode, GBK and Big5 readings within non-ASCII ones.
            // No span outside both stretches can be repaired; don't try it.
            let (latin, cjk, latin_non_ascii) = stretches.at(start);
            let whole = start + latin.max(cjk);
            let longest = (start + MAX_SPAN).min(whole);
            // The whole stretch first (a long garbled sentence in one piece),
            // then spans of it, longest first. The first layer finds the span;
            // the span then gets every layering.
            let ends = (whole > longest).then_some(whole).into_iter().chain((start + 2..=longest).rev());
            let reach = Reach::new(&chars, start, (latin, latin_non_ascii), cjk, &pairs);
            let found = ends.into_iter().filter(|&end| reach.allows(end)).find_map(|end| {
                let span = &run[byte_at(start)..byte_at(end)];
                let after = if end == chars.len() { next } else { char_at(end) };
                best_repair(span, before, after, 1, &mut budget)?;
                let (path, repaired) = best_repair(span, before, after, MAX_LAYERS, &mut budget)?;
                // A clean character at either end of the mojibake may join
                // its bytes into a reading that starts or ends with an odd
                // one (`目閷勫彲` as UTF-8 read as GBK is `Ŀ錄可`): the span
                // leaves it out.
                let odd = |kept: char, undone: Option<char>| !is_suspicious(kept) && undone.is_some_and(is_suspicious);
                // Nor does it end in a clean Han character that a path
                // through UTF-8 undoes by itself into a symbol: GBK reads
                // UTF-8's `·` (`C2 B7`) as `路`, and `鎷夎惃路` is `拉萨路`,
                // not `拉萨·`.
                let last = chars[end - 1].1;
                let symbol_at_end = path.last().is_some_and(|family| family.codecs().1 == Codec::Utf8)
                    && bigram::covers(last)
                    && !is_suspicious(last)
                    && repaired
                        .chars()
                        .next_back()
                        .is_some_and(|undone| !bigram::covers(undone) && undone_alone(&path, last) == Some(undone));
                let odd_ends = odd(chars[start].1, repaired.chars().next())
                    || odd(last, repaired.chars().next_back())
                    || symbol_at_end;
                (!odd_ends).then_some((end, (path, repaired)))
            });
            // GBK and Big5 read as each other change character for
            // character, and a span found by character scores may run into
            // the clean words beside it (`ㄒ和修改時間`): the pairs say
            // which of its characters to undo.
            let stretch = &run[byte_at(start)..byte_at(start + latin)];
            let found = found.filter(|(_, (path, repaired))| {
                !utf8_by_chance(path, stretch, repaired) && !cut_from_a_list(path, stretch)
            });
            let found = found.and_then(|(end, (path, repaired))| {
                let span: Vec<char> = chars[start..end].iter().map(|&(_, c)| c).collect();
                let after = if end == chars.len() { next } else { char_at(end) };
                let (repaired, undone) = undo_where_pairs_prefer(&path, &span, repaired, before, after)?;
                Some((end, (path, repaired), undone))
            });
            match found {
                Some((end, (path, repaired), undone)) => {
                    self.line.push((path, undone));
                    out.push_str(&run[byte_at(done)..byte_at(start)]);
                    out.push_str(&repaired);
                    done = end;
                    start = end;
                }
                None => start += 1,
            }
        }
        (done > 0).then(|| {
            out.push_str(&run[byte_at(done)..]);
            out
        })
    }

    /// `repaired`, the repair of `line`, with the Han characters that GBK
    /// and Big5 read as each other changed given back when the symbols
    /// undone with them carried them; `None` when nothing is left. The pair
    /// model counts a symbol as a Han character never seen, and the span
    /// search scores it low, so a line that undoes symbols gains from them
    /// whatever its Han characters become: GBK's own symbols around a
    /// Chinese nickname, read as Big5 (`﹏﹏嘿嘿` as `姊姊稱稱`, `◇◆楠楠◆◇`
    /// as `『』罚罚』『`). Decoration repeats its symbols, so each counts
    /// once as evidence; where the line has no more distinct symbols undone
    /// than Han characters, and no letter (bopomofo that reads as a comma,
    /// `嘎ㄛ` for `骨，`, and kana are evidence of their own), undoing the
    /// Han characters (with the symbols undone either way) must gain what a
    /// short span in clean text must ([`SHORT_PAIR_GAIN`] a character,
    /// [`SHORT_PAIR_GAIN_MIN`] at least) when they are few, and
    /// [`PAIR_GAIN`] a character when they are more.
    /// Mojibake of common characters is mostly symbols, letters and
    /// private-use characters of all kinds (`и﹏﹏弧` for Big5 `我姊姊說`).
    /// The symbols left undone are then judged alone
    /// ([`Self::give_back_unpaired_symbols`]).
    fn give_back_han_carried_by_symbols(&mut self, line: &str, repaired: String) -> Option<String> {
        let Some((before, after, pieces)) = self.pieces_read_as_each_other(line, &repaired) else {
            return Some(repaired);
        };
        let changed = || pieces.iter().flat_map(Range::clone);
        let han = changed().filter(|&i| bigram::covers(before[i])).count();
        let mut symbols: Vec<char> = changed().map(|i| before[i]).filter(|&c| !bigram::covers(c)).collect();
        symbols.sort_unstable();
        symbols.dedup();
        if han == 0 || symbols.is_empty() || symbols.len() > han || symbols.iter().any(|&c| is_letter(c)) {
            return Some(repaired);
        }
        let mut han_kept = after.clone();
        changed().filter(|&i| bigram::covers(before[i])).for_each(|i| han_kept[i] = before[i]);
        let likelihood = |chars: &[char]| bigram::log_likelihood(chars.iter().copied());
        let gain = likelihood(&after) - likelihood(&han_kept);
        let enough =
            if han <= SHORT_SPAN { short_span_gains_enough(gain, han) } else { gain >= PAIR_GAIN * han as f64 };
        if enough {
            return Some(repaired);
        }
        let given_back = changed_pieces(&after, &han_kept);
        self.give_back(&before, after, &given_back)
    }

    /// `repaired`, the repair of `line`, or `None` when it is a line where
    /// GBK and Big5 read as each other changed no Han character at all and
    /// the character pairs confirm none of its pieces ([`pairs_confirm`]);
    /// in such a line, the pieces they do not confirm are given back.
    /// Mojibake of Chinese text is mostly Han, while a run of symbols
    /// (`①②③`, `★★★`, `ⅠⅡ`, `–` between digits), Cyrillic or Greek that
    /// both charsets encode is read by the other one as some Han character
    /// or punctuation whatever the text: the character scores of the span
    /// search and the pair gain over such a run (symbols and foreign letters
    /// score as never seen) prove nothing. A line with a Han piece undone is
    /// found garbled, and its other pieces go with it (`ㄏノ`, Big5 `使用`
    /// read as GBK).
    fn give_back_unpaired_symbols(&mut self, line: &str, repaired: String) -> Option<String> {
        let Some((before, after, pieces)) = self.pieces_read_as_each_other(line, &repaired) else {
            return Some(repaired);
        };
        if pieces.iter().any(|piece| before[piece.clone()].iter().any(|&c| bigram::covers(c))) {
            return Some(repaired);
        }
        let given_back: Vec<_> =
            pieces.into_iter().filter(|piece| !pairs_confirm(&before, &after, piece.clone())).collect();
        self.give_back(&before, after, &given_back)
    }

    /// When every repair of `line` read GBK and Big5 as each other, once or
    /// more (`∫` is what Big5 makes of GBK's `§`, and `§` of its `”`), so
    /// that `repaired` changed it character for character: its characters
    /// before and after, and the pieces that changed.
    fn pieces_read_as_each_other(&self, line: &str, repaired: &str) -> Option<ChangedPieces> {
        let only_pairs = self
            .line
            .iter()
            .all(|(path, _)| path.iter().all(|family| matches!(family, Family::GbkAsBig5 | Family::Big5AsGbk)));
        let before: Vec<char> = line.chars().collect();
        let after: Vec<char> = repaired.chars().collect();
        if !only_pairs || before.len() != after.len() {
            return None;
        }
        let pieces = changed_pieces(&before, &after);
        Some((before, after, pieces))
    }

    /// `after`, a repair of `before` character for character, with the
    /// pieces `given_back` as they were; `None` when that is all of it.
    fn give_back(&mut self, before: &[char], mut after: Vec<char>, given_back: &[Range<usize>]) -> Option<String> {
        for piece in given_back {
            after[piece.clone()].copy_from_slice(&before[piece.clone()]);
        }
        if after == before {
            self.line.clear();
            return None;
        }
        // One note per piece given back, as near as the pieces the repairs
        // noted.
        self.line.truncate(self.line.len().saturating_sub(given_back.len()).max(1));
        Some(after.into_iter().collect())
    }

    /// `repaired`, the repair of `line`, without the readings that correct
    /// text gives as readily as mojibake and that nothing else in the line
    /// confirms; `None` when nothing is left. A line of Latin-1 letters
    /// read as GBK or Big5 (then perhaps the Han that gives undone by
    /// character pairs) is kept unless [`letters_read_as_han`] finds the
    /// Chinese convincing. A word of up to [`ISOLATED_WORD`] Han characters
    /// that GBK and Big5 read as each other, with no Han character beside
    /// it (a dictionary entry, a subtitle cue, a list item: `忐忑` read as
    /// `守首`, `癲癇` as `碰命`), is kept unless [`isolated_word_confirmed`],
    /// where no longer piece of the line was read so: each cell of a row
    /// is judged as it would be alone (`佼佼<TAB>佼佼`, `扎囮<TAB>紮囮`, an
    /// OpenCC dictionary's line: two cells are no more evidence than one).
    fn give_back_unconfirmed(&mut self, line: &str, repaired: String) -> Option<String> {
        let from_latin1 =
            self.line.iter().any(|(path, _)| matches!(path[..], [Family::GbkAsLatin1 | Family::Big5AsLatin1]));
        if from_latin1 && letters_read_as_han(line, &repaired) {
            self.line.clear();
            return None;
        }
        let Some((before, after, pieces)) = self.pieces_read_as_each_other(line, &repaired) else {
            return Some(repaired);
        };
        let han_beside = |piece: &Range<usize>| {
            piece.start.checked_sub(1).is_some_and(|i| bigram::covers(before[i]))
                || before.get(piece.end).is_some_and(|&c| bigram::covers(c))
        };
        if pieces.iter().any(|piece| piece.len() > ISOLATED_WORD || han_beside(piece)) {
            return Some(repaired);
        }
        let given_back: Vec<_> = pieces
            .into_iter()
            .filter(|piece| !isolated_word_confirmed(&before[piece.clone()], &after[piece.clone()]))
            .collect();
        self.give_back(&before, after, &given_back)
    }

    /// `repaired`, the repair of `line`, without what GBK and Big5 read as
    /// each other made of Japanese or of kaomoji; `None` when nothing is
    /// left. A line that [`reads_as_japanese`] is left whole (`へ接続中` is
    /// not `尺諉適中`, nor `継続中` `輥適中`), and in other lines the pieces in
    /// a kaomoji ([`kaomoji`]: `(ノへ￣、)` is not `(用尺￣、)`). Both
    /// charsets encode kana, and the kana GBK makes of Big5 are its
    /// commonest characters, so kana alone do not tell.
    fn give_back_japanese(&mut self, line: &str, repaired: String) -> Option<String> {
        let Some((before, after, pieces)) = self.pieces_read_as_each_other(line, &repaired) else {
            return Some(repaired);
        };
        if reads_as_japanese(&before) {
            self.line.clear();
            return None;
        }
        // Faces and Zhuyin readings are not words: nothing in them is undone.
        let kept: Vec<Range<usize>> = kaomoji(&before).into_iter().chain(zhuyin(&before)).collect();
        let given_back: Vec<_> = pieces
            .into_iter()
            .filter(|piece| kept.iter().any(|kept| kept.start < piece.end && piece.start < kept.end))
            .collect();
        self.give_back(&before, after, &given_back)
    }

    /// `repaired`, the repair of `line`, without the pieces that GBK and
    /// Big5 read as each other made of words: a piece is given back when
    /// more of its characters are in words of the dictionary
    /// ([`words::covered`]) as it is than as undone; `None` when nothing is
    /// left. The pair model keeps only the commonest pairs, so a correct
    /// rare word is as unlikely to it as mojibake is (`山旮旯儿` read as
    /// `山深身儿`, `硫唑嘌呤` as `哺悬嘌呤`); mojibake undone gives words, and
    /// words misread seldom do.
    fn give_back_words(&mut self, line: &str, repaired: String) -> Option<String> {
        let Some((before, after, pieces)) = self.pieces_read_as_each_other(line, &repaired) else {
            return Some(repaired);
        };
        let given_back: Vec<_> = pieces
            .into_iter()
            .filter(|piece| words::covered(&before, piece.clone()) > words::covered(&after, piece.clone()))
            .collect();
        self.give_back(&before, after, &given_back)
    }

    /// `repaired`, the repair of `line`, without the pieces that GBK and
    /// Big5 read as each other made of a doubled character that undoes into
    /// another doubled character, when what changed in the line is that
    /// short ([`SHORT_SPAN`] characters at most); `None` when nothing is
    /// left. Reduplication is common in Chinese (`振振`, `顺顺`), so the pair
    /// a doubled rare character undoes into is often one the model knows
    /// well, and the rare word (`水淥淥`, `峇峇娘惹`, `零露瀼瀼`) loses to it:
    /// a doubled character gives a doubled character in every reading, so
    /// it is no evidence of mojibake. A piece that is the doubling alone is
    /// given back even when the doubling undone is a word and the one read
    /// is not: `佶佶` would be `烁烁`, and `四牡佶佶` is a classical
    /// reduplication; a common doubled word garbled alone (`我们毞毞地走`
    /// for `天天`) is left so, as correct text outranks it. A piece with more
    /// than the doubling (`问枙脹脹` for `问题等等`) is given back only when
    /// the doubling undone is no more a word than the one read
    /// (`溼淥淥` is not `访振振`) or its other characters are in a word as
    /// written (`他看起来塨塨的` is not `他看起懂实实的`): otherwise they are
    /// evidence.
    fn give_back_doubled(&mut self, line: &str, repaired: String) -> Option<String> {
        let Some((before, after, pieces)) = self.pieces_read_as_each_other(line, &repaired) else {
            return Some(repaired);
        };
        if pieces.iter().map(Range::len).sum::<usize>() > SHORT_SPAN {
            return Some(repaired);
        }
        let doubled = |piece: &Range<usize>| {
            piece.clone().zip(piece.start + 1..piece.end).any(|(i, j)| {
                before[i] == before[j]
                    && after[i] == after[j]
                    && before[i] != after[i]
                    && bigram::covers(before[i])
                    && (piece.len() == 2
                        || words::covered(&before, i..j + 1) >= words::covered(&after, i..j + 1)
                        || words::covered(&before, piece.start..i) + words::covered(&before, j + 1..piece.end) > 0)
            })
        };
        let given_back: Vec<_> = pieces.into_iter().filter(doubled).collect();
        self.give_back(&before, after, &given_back)
    }

    /// `repaired`, the repair of `line`, without the pieces that GBK and
    /// Big5 read as each other made of a list of characters in code-point
    /// order ([`listed_characters`]), half of its characters at least;
    /// `None` when nothing is left. A long piece of mojibake may hold three
    /// characters that rise so by chance (Big5 read as GBK gives characters
    /// of one GBK row, in code-point order, for Big5's common lead bytes:
    /// `狝叭狠祘Α狦`), a list is mostly what it lists.
    fn give_back_lists(&mut self, line: &str, repaired: String) -> Option<String> {
        let Some((before, after, pieces)) = self.pieces_read_as_each_other(line, &repaired) else {
            return Some(repaired);
        };
        let listed = listed_characters(&before);
        let given_back: Vec<_> = pieces
            .into_iter()
            .filter(|piece| listed[piece.clone()].iter().filter(|&&l| l).count() * 2 >= piece.len())
            .collect();
        self.give_back(&before, after, &given_back)
    }

    /// `repaired` with the characters beside each piece that GBK and Big5
    /// read as each other undid in `line` undone too, where the pieces'
    /// pairs clearly say so ([`edge_undone`]): the span search and the pair
    /// model judge a character at the edge of a garbled stretch with little
    /// context (at the start of a line, beside ASCII or a bracket, between
    /// two undone pieces), so it is often left (`叫ǎ <https:` for `請見`,
    /// `ま旧更` for `引導載`, `最唗` undone as `最序` for `程序`).
    fn undo_edges(&mut self, line: &str, repaired: String) -> String {
        let mut families = self.line.iter().map(|(path, _)| match path[..] {
            [family @ (Family::GbkAsBig5 | Family::Big5AsGbk)] => Some(family),
            _ => None,
        });
        let Some(Some(family)) = families.next() else { return repaired };
        if !families.all(|other| other == Some(family)) {
            return repaired;
        }
        let before: Vec<char> = line.chars().collect();
        let mut after: Vec<char> = repaired.chars().collect();
        if before.len() != after.len() {
            return repaired;
        }
        let mut undone = 0;
        for piece in changed_pieces(&before, &after) {
            for at in (piece.start.saturating_sub(EDGE_REACH)..piece.start).rev() {
                let Some(c) = edge_undone(family, &before, &after, at, at + 1) else { break };
                after[at] = c;
                undone += 1;
            }
            for at in piece.end..(piece.end + EDGE_REACH).min(after.len()) {
                let Some(c) = edge_undone(family, &before, &after, at, at - 1) else { break };
                after[at] = c;
                undone += 1;
            }
        }
        if undone == 0 {
            return repaired;
        }
        self.line.push((vec![family], undone));
        after.into_iter().collect()
    }

    /// `repaired`, the repair of `line`, with the vertical rules of a
    /// table undone too where the line was found garbled as GBK read as
    /// Big5 (or back): GBK's `│` read as Big5 is `岫`, a Han character that
    /// the span search and the character pairs leave, since what it undoes
    /// into is a symbol, which neither scores. Such a character
    /// ([`undoes_into_a_rule`]) that the repair left as it was is undone
    /// when the line has two rules at least, real or so garbled (a table
    /// row has two), two characters of the line were undone that way
    /// already, and it makes no pair that the model knows with a Han
    /// character beside it (`出岫` of a poem in the clean part of a line is
    /// left).
    fn undo_table_rules(&mut self, line: &str, repaired: String) -> String {
        let Some((before, mut after, _)) = self.pieces_read_as_each_other(line, &repaired) else {
            return repaired;
        };
        let mut undone_by = [0; 2];
        for (path, n) in &self.line {
            match path[..] {
                [Family::GbkAsBig5] => undone_by[0] += n,
                [Family::Big5AsGbk] => undone_by[1] += n,
                _ => {}
            }
        }
        let (i, family) = if undone_by[0] >= undone_by[1] { (0, Family::GbkAsBig5) } else { (1, Family::Big5AsGbk) };
        if undone_by[i] < 2 {
            return repaired;
        }
        let rules: Vec<(usize, char)> = (0..after.len())
            .filter(|&at| before[at] == after[at])
            .filter_map(|at| Some((at, undoes_into_a_rule(family, after[at])?)))
            .collect();
        let real_rules = after.iter().filter(|&&c| is_vertical_rule(c)).count();
        if rules.is_empty() || rules.len() + real_rules < 2 {
            return repaired;
        }
        let mut undone = 0;
        for (at, rule) in rules {
            let known = |pair: [char; 2]| bigram::known_pairs(pair).0 > 0;
            let left = at.checked_sub(1).is_some_and(|l| known([after[l], after[at]]));
            let right = after.get(at + 1).is_some_and(|&r| known([after[at], r]));
            if !left && !right {
                after[at] = rule;
                undone += 1;
            }
        }
        if undone > 0 {
            self.line.push((vec![family], undone));
        }
        after.into_iter().collect()
    }

    fn count(&mut self, family: Family) {
        match self.repaired.iter_mut().find(|(f, _)| *f == family) {
            Some((_, n)) => *n += 1,
            None => self.repaired.push((family, 1)),
        }
    }
}

/// How many of `chars`, from the first, encode in `wrong` into whole
/// UTF-8 sequences, up to the first byte that is not UTF-8 (in clean text,
/// one of the first few): the most a span of UTF-8 read as `wrong` that
/// starts there may have; with the length of their bytes, which are the
/// first of `bytes`.
fn utf8_prefix(wrong: Codec, chars: impl Iterator<Item = char>, bytes: &mut Vec<u8>) -> (usize, usize) {
    bytes.clear();
    let (mut valid, mut n, mut end) = (0, 0, 0);
    for (i, c) in chars.enumerate() {
        if !encode_char(wrong, c, bytes) {
            break;
        }
        match std::str::from_utf8(&bytes[valid..]) {
            Ok(_) => valid = bytes.len(),
            Err(e) if e.error_len().is_none() => valid += e.valid_up_to(),
            Err(_) => break,
        }
        if valid == bytes.len() {
            n = i + 1;
            end = valid;
        }
    }
    (n, end)
}

/// Whether the suspicious character at byte `at` of `text`, alone, may be
/// part of a word of UTF-8 read as GBK or Big5 that starts at it or one or
/// two characters before it: three characters at least from there encode
/// into whole UTF-8 sequences of common characters, and it among them.
/// Such a word may show one odd character only (`璁剧疆` for `设置`: GBK
/// reads its last bytes as two common characters), which makes no cluster.
/// Clean Simplified text reads as such UTF-8 now and then (a rare character
/// of GB2312's rows E0 to EF, then two of rows B0 to BF), but seldom as
/// common characters: the span search is spared those.
fn utf8_word_around(text: &str, at: usize) -> bool {
    let mut bytes = Vec::new();
    let starts = text[..at].char_indices().rev().take(2).map(|(i, _)| i).chain([at]);
    starts.into_iter().any(|start| {
        let before = text[start..at].chars().count();
        let first = text[start..].chars().next().unwrap_or(' ');
        [Codec::Gbk, Codec::Big5].into_iter().any(|wrong| {
            // Most places are settled by their first character, whose two
            // bytes must start a UTF-8 sequence: one table look-up.
            if !matches!(encode_pair(wrong, first), Some(Ok([0xC2..=0xF4, 0x80..=0xBF]))) {
                return false;
            }
            let (n, end) = utf8_prefix(wrong, text[start..].chars().take_while(|c| !c.is_ascii()), &mut bytes);
            n >= 3
                && n > before
                && std::str::from_utf8(&bytes[..end]).is_ok_and(|word| !word.chars().any(is_suspicious))
        })
    })
}

/// Which spans that start at one place of a run the first layer of some
/// family could repair: conditions that every such repair meets, checked
/// for all the spans at once, so that clean text with clusters of rare
/// characters (classical poetry, names) is not reversed span by span to
/// learn that nothing in it reads better.
struct Reach<'a> {
    start: usize,
    /// Latin-1 readings: spans end here at most (within the characters that
    /// Latin-1 encodes, with two of them non-ASCII at least: a word of GBK
    /// read as Latin-1 inside Chinese, [`read_inside_chinese`]), or `start`.
    latin: usize,
    /// UTF-8 read as GBK, as Big5: spans end here at most (within the
    /// non-ASCII characters that re-encode, whose bytes are valid UTF-8 so
    /// far; three characters at least), or `start`.
    utf8: [usize; 2],
    pairs: &'a PairGains<'a>,
    /// Where spans end at most (`start` and the longer of the two
    /// stretches).
    end: usize,
    /// For each family of [`PairGains`], the sums of the gains of the
    /// characters from `start` on, up to the first that cannot be repaired;
    /// added in the order a span's own sum would be, so each is the same.
    sums: [std::cell::OnceCell<Vec<f64>>; 2],
}

impl<'a> Reach<'a> {
    /// From `start`, for the stretches of `chars` that [`Stretches::at`]
    /// gives: `latin` characters that Latin-1 encodes (with how many are
    /// non-ASCII) and `cjk` non-ASCII ones.
    fn new(
        chars: &[(usize, char)],
        start: usize,
        (latin, non_ascii): (usize, usize),
        cjk: usize,
        pairs: &'a PairGains<'a>,
    ) -> Reach<'a> {
        let utf8 = [Codec::Gbk, Codec::Big5].map(|wrong| {
            let (n, _) = utf8_prefix(wrong, chars[start..start + cjk].iter().map(|&(_, c)| c), &mut Vec::new());
            if n >= 3 {
                start + n
            } else {
                start
            }
        });
        let latin_end = if non_ascii >= 2 { start + latin } else { start };
        let sums = [(); 2].map(|_| std::cell::OnceCell::new());
        Reach { start, latin: latin_end, utf8, pairs, end: start + latin.max(cjk), sums }
    }

    /// Whether some family's first layer may repair the span up to `end`.
    fn allows(&self, end: usize) -> bool {
        let n = end - self.start;
        end <= self.latin
            || self.utf8.iter().any(|&reach| end <= reach)
            || n >= 4
                && (0..2).any(|family| {
                    // Each character must map, and the span gain MIN_GAIN
                    // on average (the rounding of means allowed for).
                    let sums = self.sums[family].get_or_init(|| {
                        let gains = (self.start..self.end).map_while(|i| self.pairs.gain(family, i));
                        gains
                            .scan(-0.0, |sum: &mut f64, gain| {
                                *sum += gain;
                                Some(*sum)
                            })
                            .collect()
                    });
                    sums.get(n - 1).is_some_and(|&gains| gains >= MIN_GAIN * n as f64 - 1e-6)
                })
    }
}

/// The stretches of a run that spans from each place of it lie in (see
/// [`Reach`]), found as the span search moves on through the run: from a
/// place inside the stretch last found, a stretch ends where that one
/// does, so no character is looked at twice (a walk to the end of the
/// stretch from every place took a long line time quadratic in its length).
struct Stretches<'a> {
    chars: &'a [(usize, char)],
    /// Where the stretch of characters that Latin-1 encodes last found
    /// ends...
    latin_end: usize,
    /// ...and the stretch of non-ASCII characters.
    cjk_end: usize,
    /// The Latin-1 stretch last given (`from..to`), and how many of its
    /// characters are non-ASCII.
    given: (usize, usize, usize),
}

impl<'a> Stretches<'a> {
    fn new(chars: &'a [(usize, char)]) -> Stretches<'a> {
        Stretches { chars, latin_end: 0, cjk_end: 0, given: (0, 0, 0) }
    }

    /// From `start` (never before the place asked for last),
    /// [`MAX_STRETCH`] characters at most: the length of the stretch of
    /// characters that Latin-1 encodes, with how many of them are
    /// non-ASCII, and the length of the stretch of non-ASCII ones.
    fn at(&mut self, start: usize) -> (usize, usize, usize) {
        let chars = self.chars;
        let end = |last: usize, keep: fn(char) -> bool| {
            if start < last {
                last
            } else {
                start + chars[start..].iter().take_while(|&&(_, c)| keep(c)).count()
            }
        };
        self.latin_end = end(self.latin_end, |c| latin1_byte(c).is_some());
        self.cjk_end = end(self.cjk_end, |c| !c.is_ascii());
        let latin = (self.latin_end - start).min(MAX_STRETCH);
        let cjk = (self.cjk_end - start).min(MAX_STRETCH);
        // Both ends of the Latin-1 stretch only move on from one place to
        // the next.
        let non_ascii = |i: usize| usize::from(!chars[i].1.is_ascii());
        let (mut from, mut to, mut count) = self.given;
        while to < start + latin {
            count += non_ascii(to);
            to += 1;
        }
        while from < start {
            count -= non_ascii(from);
            from += 1;
        }
        self.given = (from, to, count);
        (latin, cjk, count)
    }
}

/// For GBK read as Big5 and Big5 read as GBK, which map each character to
/// one character, per character of a run: the most it can gain in
/// plausibility when it is repaired, `None` when it cannot be; worked out
/// when first asked for. A span gains at most the sum for its characters:
/// its neighbours' scores do not change, as [`crate::detect::char_score`]
/// looks only at whether a neighbour is an ASCII letter, and a span of
/// these families has no ASCII.
struct PairGains<'a> {
    chars: &'a [(usize, char)],
    gains: [Vec<std::cell::OnceCell<Option<f64>>>; 2],
}

impl<'a> PairGains<'a> {
    const FAMILIES: [Family; 2] = [Family::GbkAsBig5, Family::Big5AsGbk];

    fn new(chars: &'a [(usize, char)]) -> PairGains<'a> {
        PairGains { chars, gains: [(); 2].map(|_| chars.iter().map(|_| std::cell::OnceCell::new()).collect()) }
    }

    /// The gain of character `i` in the `family`th of [`Self::FAMILIES`].
    fn gain(&self, family: usize, i: usize) -> Option<f64> {
        *self.gains[family][i].get_or_init(|| {
            let (wrong, right) = Self::FAMILIES[family].codecs();
            let c = self.chars[i].1;
            if c.is_ascii() {
                return None;
            }
            // Most characters are one pair, found without allocating.
            let encoded = encode_pair(wrong, c)?;
            let mut bytes = Vec::new();
            let pair: &[u8] = match &encoded {
                Ok(pair) => pair,
                Err(()) => {
                    encode_char(wrong, c, &mut bytes);
                    &bytes
                }
            };
            let mut one = [0; 4];
            let repaired = match decode_pair(right, pair) {
                Some(c) => Cow::Borrowed(&*c.encode_utf8(&mut one)),
                None => Cow::Owned(decode(right, pair)?),
            };
            if !is_clean(&repaired) {
                return None;
            }
            let bounds = |c: char| [' ', 'a'].map(|neighbour| char_score(c, neighbour, neighbour));
            let lowest = bounds(c).into_iter().fold(f64::INFINITY, f64::min);
            let mut repaired_chars = repaired.chars();
            match (repaired_chars.next(), repaired_chars.next()) {
                (Some(r), None) => Some(bounds(r).into_iter().fold(f64::NEG_INFINITY, f64::max) - lowest),
                // Two characters for one: no bound.
                _ => Some(f64::INFINITY),
            }
        })
    }
}

/// The most plausible acceptable repair of the whole of `span` (between the
/// characters `prev` and `next`), trying up to `layers` layers of garbling.
/// Every path is explored, and the final text decides: with double encoding
/// a wrong first layer can look better than the right one does halfway.
fn best_repair(
    span: &str,
    prev: Option<char>,
    next: Option<char>,
    layers: usize,
    budget: &mut usize,
) -> Option<(Vec<Family>, String)> {
    if span.chars().nth(1).is_none() || *budget == 0 {
        return None;
    }
    // No family reads ASCII beside characters that Latin-1 does not encode
    // (`│pwd` in a table of commands).
    if span.contains(|c: char| c.is_ascii()) && !span.chars().all(|c| latin1_byte(c).is_some()) {
        return None;
    }
    // The neighbours give context: `é` inside `café` is a plausible letter.
    let in_context = |text: &str| {
        let mut with = String::with_capacity(text.len() + 8);
        with.extend(prev);
        with.push_str(text);
        with.extend(next);
        plausibility(&with)
    };
    let before = in_context(span);
    // A strict UTF-8 decoding does not happen by chance, so it must gain on
    // the span's own characters only: in the mean with its neighbours, two
    // common characters beside a short garbled word (`个鏂囦欢不`, `的鏂囦欢。`
    // for `文件`) hide most of what it gains.
    let before_alone = plausibility_between(prev, span, next);
    if !can_gain(before.min(before_alone)) {
        return None;
    }
    // Every reversal of the first layer would fail on such a character,
    // leaving no repair and no deeper layer: only the budget is spent, one
    // try for each of the four families that read non-ASCII text as GBK or
    // Big5 (the span has no ASCII, as a character that Latin-1 does not
    // encode is not ASCII).
    if span.chars().any(read_in_no_family) {
        *budget = budget.saturating_sub(FAMILIES.iter().filter(|f| f.codecs().0 != Codec::Latin1).count());
        return None;
    }
    let mut best: Option<(Vec<Family>, String, f64)> = None;
    let mut frontier = vec![(Vec::new(), span.to_owned())];
    let mut seen = std::collections::HashSet::from([span.to_owned()]);
    for _ in 0..layers {
        let mut deeper = Vec::new();
        for (path, text) in &frontier {
            let latin = text.chars().all(|c| latin1_byte(c).is_some());
            let all_non_ascii = !text.chars().any(|c| c.is_ascii());
            for family in FAMILIES {
                let possible = match family.codecs().0 {
                    Codec::Latin1 => latin,
                    _ => all_non_ascii,
                };
                if *budget == 0 {
                    break;
                }
                if !possible {
                    continue;
                }
                *budget -= 1;
                let Some(repaired) = family.reverse(text) else { continue };
                if !seen.insert(repaired.clone()) {
                    continue;
                }
                let mut path = path.clone();
                path.push(family);
                if is_clean(&repaired) && is_shaped_like(family, text, prev, next, &repaired) {
                    let after = in_context(&repaired);
                    let gain = if path.iter().all(|f| f.codecs().1 == Codec::Utf8) {
                        plausibility_between(prev, &repaired, next) - before_alone
                    } else {
                        after - before
                    };
                    let better = best.as_ref().is_none_or(|b| outranks(&path, after, &b.0, b.2));
                    let enough = after >= MIN_REPAIRED_SCORE && gain >= MIN_GAIN;
                    if (enough || han_through_utf8(&path, &repaired)) && better {
                        best = Some((path.clone(), repaired.clone(), after));
                    }
                }
                // Only Latin-1 readings are undone further: double encoding
                // goes through windows-1252 (a GBK or Big5 reading of a GBK
                // or Big5 reading is not something editors make).
                if repaired.chars().all(|c| latin1_byte(c).is_some()) {
                    deeper.push((path, repaired));
                }
            }
        }
        frontier = deeper;
    }
    let (path, repaired, _) = best?;
    settle_double_byte_reading(span, path, repaired, prev, next)
}

/// Whether a repair along `path` that scores `score` is to be preferred to
/// one along `other` that scores `other_score` (both acceptable): the one
/// with more layers decoded as UTF-8 wins, then the higher score. Bytes
/// re-encoded from mojibake that decode strictly as UTF-8 almost never do so
/// by chance (ftfy's central rule), while GBK reads most byte pairs as some
/// Chinese, often more common than the right reading's: `èµµäº®` is `赵亮`
/// in UTF-8, not GBK's `璧典寒`, and `Ã‘Ã®Ã“Â±` is `Ñîó±` in UTF-8 before
/// it is GBK's `杨颖`, not GBK's `脩卯脫卤` at once.
fn outranks(path: &[Family], score: f64, other: &[Family], other_score: f64) -> bool {
    let utf8_layers = |path: &[Family]| path.iter().filter(|f| f.codecs().1 == Codec::Utf8).count();
    (utf8_layers(path), score) > (utf8_layers(other), other_score)
}

/// How much more likely, by [`bigram::log_likelihood`] (a natural log), one
/// reading of the same bytes must be than the other to be kept when both
/// are possible: about seven times.
const READING_MARGIN: f64 = 2.0;

/// A line read as Latin-1 that undoes as GBK and as Big5 about as likely.
struct BothReadings;

/// Whether `text`, between `prev` and `next`, undoes as GBK and as Big5
/// read as Latin-1 with neither reading to be kept
/// ([`settle_double_byte_reading`]).
fn reads_both_ways(text: &str, prev: Option<char>, next: Option<char>) -> bool {
    Family::GbkAsLatin1
        .reverse(text)
        .filter(|gbk| is_clean(gbk))
        .is_some_and(|gbk| settle_double_byte_reading(text, vec![Family::GbkAsLatin1], gbk, prev, next).is_none())
}

/// `repaired`, the best repair of `text` (between `prev` and `next`) along
/// `path`, or what to keep instead when it is GBK or Big5 read as Latin-1
/// and the other charset reads the same bytes too: the reading that the
/// pair model finds likelier by [`READING_MARGIN`], and none when neither
/// is (a wrong repair is worse than none). A name of two or three
/// characters is valid in both charsets, and both readings score as common
/// characters (`³ÂÀö»ª` is GBK's `陈丽华` and Big5's `麻璨貌`; Big5's `黃仁傑`
/// reads in GBK as `独く城`): the character scores cannot tell, the
/// frequencies of the characters and their pairs can. The other reading
/// need not be one the span search accepts to keep the repair from being
/// made: beside an ASCII comma it is not GBK's shape (`³ÂÀö»ª,` reads in
/// Big5 only, GB2312 having no ASCII trail bytes), yet it is what the
/// bytes say; but it is taken only when it is of that shape (Big5's
/// `廖鈺婷` has an ASCII trail byte, and GBK reads it as `郭啾碄`).
fn settle_double_byte_reading(
    text: &str,
    path: Vec<Family>,
    repaired: String,
    prev: Option<char>,
    next: Option<char>,
) -> Option<(Vec<Family>, String)> {
    let other = match path[..] {
        [Family::GbkAsLatin1] => Family::Big5AsLatin1,
        [Family::Big5AsLatin1] => Family::GbkAsLatin1,
        _ => return Some((path, repaired)),
    };
    let Some(rival) = other.reverse(text).filter(|rival| is_clean(rival)) else { return Some((path, repaired)) };
    let likelihood = |text: &str| bigram::log_likelihood(prev.into_iter().chain(text.chars()).chain(next));
    let gain = likelihood(&repaired) - likelihood(&rival);
    if gain > READING_MARGIN {
        Some((path, repaired))
    } else if gain < -READING_MARGIN && is_shaped_like(other, text, prev, next, &rival) {
        Some((vec![other], rival))
    } else {
        None
    }
}

/// Whether `repaired`, undone along `path` through UTF-8 read as Latin-1
/// alone, is Han characters and ASCII only, two Han at least: strict
/// multi-byte UTF-8 that gives nothing else is no chance, however rare
/// its characters, which score too low to pass the thresholds (`çž¿é‘«` is
/// the name `瞿鑫`, not GBK's `鐬块懌`).
fn han_through_utf8(path: &[Family], repaired: &str) -> bool {
    path.iter().all(|&family| family == Family::Utf8AsLatin1)
        && repaired.chars().filter(|&c| bigram::covers(c)).nth(1).is_some()
        && repaired.chars().all(|c| c.is_ascii() || bigram::covers(c))
}

/// Whether text that scores `before` can be repaired into text that gains
/// [`MIN_GAIN`] on it: not when it is that close to the top score already,
/// as correct Chinese with a few rare characters is. This spares such text
/// every reversal.
fn can_gain(before: f64) -> bool {
    before + MIN_GAIN <= MAX_PLAUSIBILITY
}

/// What `c` undoes into by itself along `path`, when that is one character.
fn undone_alone(path: &[Family], c: char) -> Option<char> {
    let undone = path.iter().try_fold(c.to_string(), |text, family| family.reverse(&text))?;
    let mut chars = undone.chars();
    chars.next().filter(|_| chars.next().is_none())
}

/// `line` undone along `path`: all through for paths through Latin-1, whose
/// one byte per character lets each piece be cut exactly; in what `first`,
/// the first pass, left, for Big5 and GBK read as each other.
fn undo_along(path: &[Family], line: &str, first: &str) -> Option<(String, Notes)> {
    if let [family @ (Family::GbkAsBig5 | Family::Big5AsGbk)] = path {
        let (text, pieces) = undo_characters(first, *family);
        return (text != first).then(|| (text, pieces.into_iter().map(|n| (vec![*family], n)).collect()));
    }
    if path.iter().any(|family| family.codecs().0 != Codec::Latin1) {
        return None;
    }
    let mut text = line.to_owned();
    let mut notes = Vec::new();
    for (layer, &family) in path.iter().enumerate() {
        let (undone, pieces) = undo_pieces(&text, family, layer + 1 == path.len());
        text = undone;
        notes.extend(pieces.into_iter().map(|n| (vec![family], n)));
    }
    (text != line).then_some((text, notes))
}

/// Whether `repaired`, the line undone along one path, leaves no more
/// mojibake than `other` (suspicious characters): then its one consistent
/// reading wins. Box drawing is the tables of the text (`│`), not mojibake
/// left, though a reading of its bytes in another charset may look like
/// common words (`漏娄`).
fn leaves_less(repaired: &str, other: &str) -> bool {
    mojibake_left(repaired) <= mojibake_left(other)
}

/// The suspicious characters of `text` but box drawing.
fn mojibake_left(text: &str) -> usize {
    text.chars().filter(|&c| is_suspicious(c) && !matches!(c, '\u{2500}'..='\u{257F}')).count()
}

/// Undoes `family`, a Latin-1 reading, in every piece of `text` that is
/// whole sequences of the right charset's bytes and nothing but suspicious
/// characters, with the length of each piece undone. The `last` layer of a
/// path must not make the text less plausible; a layer below it must leave
/// text that Latin-1 encodes, for the next layer to undo.
fn undo_pieces(text: &str, family: Family, last: bool) -> (String, Vec<usize>) {
    let right = family.codecs().1;
    // The whole sequences of `right` at the start of `bytes`: how many
    // bytes, and what they decode to.
    let sequences = |bytes: &[Option<u8>]| {
        let (mut len, mut decoded) = (0, String::new());
        while let Some((n, next)) = sequence(bytes[len..].iter().take(4).map_while(|&b| b), right) {
            decoded.push_str(&next);
            len += n;
        }
        (len, decoded)
    };
    let chars: Vec<char> = text.chars().collect();
    let bytes: Vec<Option<u8>> = chars.iter().map(|&c| latin1_byte(c)).collect();
    // The accented letters of a Latin word may make whole sequences with
    // the ASCII letters beside them (`ég` of `l'église` is GBK `間`, `ße`
    // of `straße` `遝`): a piece glued to a longer word whose non-ASCII
    // characters all stand as Latin-1 text does is that word's, not
    // mojibake; the first pass judges whole lines by the same test
    // ([`paired`]).
    let mut alone = vec![false; chars.len()];
    for run in non_ascii_runs(&chars).filter(|run| stands_alone(&chars, run.clone())) {
        alone[run].iter_mut().for_each(|a| *a = true);
    }
    let letters_of_a_word = |piece: Range<usize>| {
        glued_to_a_word(&chars, piece.clone()) && piece.clone().all(|i| chars[i].is_ascii() || alone[i])
    };
    undo_stretches(
        &chars,
        |start| {
            let len = sequences(&bytes[start..]).0;
            if letters_of_a_word(start..start + len) {
                0
            } else {
                len
            }
        },
        |stretch, prev, next| {
            let piece: String = stretch.iter().collect();
            let (_, repaired) = sequences(&stretch.iter().map(|&c| latin1_byte(c)).collect::<Vec<_>>());
            let in_context =
                |text: &str| plausibility(&format!("{}{text}{}", prev.unwrap_or(' '), next.unwrap_or(' ')));
            let fits = if last {
                in_context(&repaired) >= in_context(&piece)
            } else {
                repaired.chars().all(|c| latin1_byte(c).is_some())
            };
            let non_ascii = piece.chars().filter(|c| !c.is_ascii()).count();
            let suspicious = piece.chars().filter(|&c| is_suspicious(c)).count();
            (suspicious * 2 >= non_ascii && is_clean(&repaired) && fits).then(|| (repaired, vec![stretch.len()]))
        },
    )
}

/// Walks `chars` stretch by stretch and replaces some: `stretch_len(start)`
/// is the length of the stretch at `start` (0: that character is copied as
/// it is), and `undo(stretch, prev, next)` what replaces it, with notes on
/// what it undid, or `None` to copy it; `prev` is the character written
/// last, `next` the one after the stretch.
fn undo_stretches<N>(
    chars: &[char],
    mut stretch_len: impl FnMut(usize) -> usize,
    mut undo: impl FnMut(&[char], Option<char>, Option<char>) -> Option<(String, Vec<N>)>,
) -> (String, Vec<N>) {
    let mut out = String::with_capacity(chars.len() * 3);
    let mut notes = Vec::new();
    let mut start = 0;
    while start < chars.len() {
        let end = start + stretch_len(start);
        if end == start {
            out.push(chars[start]);
            start += 1;
            continue;
        }
        let stretch = &chars[start..end];
        match undo(stretch, out.chars().next_back(), chars.get(end).copied()) {
            Some((undone, undone_notes)) => {
                out.push_str(&undone);
                notes.extend(undone_notes);
            }
            None => out.extend(stretch),
        }
        start = end;
    }
    (out, notes)
}

/// Undoes `family`, a GBK or Big5 reading of the other, in each stretch of
/// suspicious or foreign characters of `text` that reads back as more
/// plausible common text: what the span search left of a line it found so
/// garbled (`ㄏノ`, Big5 `使用` read as GBK, between repaired words).
fn undo_characters(text: &str, family: Family) -> (String, Vec<usize>) {
    // Kana and bopomofo are what GBK makes of Big5's most common
    // characters. A rare character alone may be right (`郿`); kana in Chinese text
    // are not.
    let is_odd = |c: char| is_suspicious(c) || is_foreign_script(c);
    let gain_needed = |piece: &str| if piece.chars().any(is_foreign_script) { f64::MIN_POSITIVE } else { MIN_GAIN };
    let chars: Vec<char> = text.chars().collect();
    undo_stretches(
        &chars,
        |start| chars[start..].iter().take_while(|&&c| is_odd(c)).count(),
        |stretch, prev, next| {
            let piece: String = stretch.iter().collect();
            let in_context =
                |text: &str| plausibility(&format!("{}{text}{}", prev.unwrap_or(' '), next.unwrap_or(' ')));
            let repaired = family.reverse(&piece)?;
            (repaired.chars().count() == stretch.len()
                && repaired.chars().all(|c| !is_odd(c))
                && is_clean(&repaired)
                && in_context(&repaired) - in_context(&piece) >= gain_needed(&piece))
            .then(|| (repaired, vec![stretch.len()]))
        },
    )
}

/// A stretch that GBK and Big5 read as each other made, undone as a whole,
/// must gain this much log-likelihood per Han character by
/// [`bigram::log_likelihood`]...
const PAIR_GAIN: f64 = 1.0;
/// ...and a short span inside a stretch of clean text this much per
/// character and this much at least: a few characters alone are little
/// evidence, and classical Chinese has rare pairs.
const SHORT_PAIR_GAIN: f64 = 3.0;
const SHORT_PAIR_GAIN_MIN: f64 = 10.0;

/// Whether `gain` is what a short span of `len` characters inside clean
/// text must make: [`SHORT_PAIR_GAIN`] per character, and
/// [`SHORT_PAIR_GAIN_MIN`] at least.
fn short_span_gains_enough(gain: f64, len: usize) -> bool {
    gain >= SHORT_PAIR_GAIN_MIN && gain >= SHORT_PAIR_GAIN * len as f64
}
/// A Han character alone (between ASCII words or punctuation) in a line
/// found garbled the same way must gain this much by itself.
const ALONE_PAIR_GAIN: f64 = 5.0;
/// ...and this much when it reads in the script the line is undone into.
const IN_SCRIPT_PAIR_GAIN: f64 = 7.0;
/// The longest such short span, in characters, in clean text and in a line
/// found garbled (what the span search left of it).
const SHORT_SPAN: usize = 4;
const LEFT_SPAN: usize = 12;

/// Undoes GBK read as Big5, or back, where the character-pair model finds
/// the other reading far more likely, with the length of each piece undone:
/// stretches of Han characters and letters as a whole (a title garbled all
/// through, what the span search left of a garbled line), else short spans
/// of Han characters inside them (`婓奻扴例子中` for `在上述例子中`). Such
/// mojibake is made of valid, often common characters, so the character
/// scores of [`plausibility`] cannot tell; pairs can. Unless the line was
/// found `garbled` already, a stretch must have a suspicious character or a
/// letter, and a short span must touch one. A short span must read in the
/// script of the rest of the line (Simplified text is what GBK encodes,
/// Traditional what Big5 does), of its neighbours in a line garbled
/// elsewhere, where it may be longer; a line with kana outside the stretch
/// is Japanese, whose kanji pair differently.
///
/// `chars` is a buffer for the characters of `text`.
fn undo_by_pairs(text: &str, garbled: bool, along: Option<Family>, chars: &mut Vec<char>) -> Option<(String, Notes)> {
    if !garbled && !odd_in_stretch(text) {
        return None;
    }
    chars.clear();
    // As many as the bytes at most, so that collecting them does not grow
    // the vector again and again.
    chars.reserve(text.len());
    chars.extend(text.chars());
    let chars = &chars[..];
    let kana = chars.iter().filter(|&&c| is_kana(c)).count();
    if !garbled && !pairs_may_undo(chars, kana) {
        return None;
    }
    // Counted when first needed: most lines with a rare character have no
    // span worth it.
    let misfits = std::cell::OnceCell::new();
    let misfits = |i: usize| {
        misfits.get_or_init(|| {
            [Family::GbkAsBig5, Family::Big5AsGbk].map(|family| chars.iter().filter(|&&c| !reads_in(family, c)).count())
        })[i]
    };
    let odd = |c: char| garbled || is_suspicious(c) || is_letter(c);
    let stretch_len = |start: usize| chars[start..].iter().take_while(|&&c| in_pair_stretch(c)).count();
    let (out, notes) = undo_stretches(chars, stretch_len, |stretch, prev, next| {
        if stretch.iter().filter(|&&c| is_kana(c)).count() < kana || !stretch.iter().any(|&c| odd(c)) {
            return None;
        }
        let all_letters = stretch.iter().filter(|&&c| is_letter(c)).count();
        let letters = letters_against_whole(stretch, all_letters);
        // One character in a line found garbled the same way (`ix 睿 sa` for
        // `ix 和 sa`): likely garbled too.
        let alone_in_garbled_line = |family: Family| along == Some(family) && stretch.len() == 1;
        // Most spans of clean text are settled by one of their characters.
        let undo = [(); 2].map(|_| std::cell::OnceCell::new());
        let pairs_fail = |i: usize, at: usize, len: usize| {
            let family = [Family::GbkAsBig5, Family::Big5AsGbk][i];
            let undo = undo[i].get_or_init(|| stretch.iter().map(|&c| Undo::of(c, family)).collect::<Vec<_>>());
            Undo::fails(&undo[at..at + len])
        };
        let fits_rest = |i: usize, family: Family, span: &[char]| {
            misfits(i) == span.iter().filter(|&&c| !reads_in(family, c)).count()
        };
        let whole = [Family::GbkAsBig5, Family::Big5AsGbk]
            .into_iter()
            .enumerate()
            .filter(|&(i, family)| {
                letters * 4 <= stretch.len()
                    && (stretch.len() >= 4 || alone_in_garbled_line(family) || fits_rest(i, family, stretch))
            })
            .filter(|&(i, _)| !pairs_fail(i, 0, stretch.len()))
            .filter_map(|(i, family)| {
                let (repaired, gain) = pair_gain(stretch, family, prev, next)?;
                // A symbol alone (`●`, `≈`) reads as some character: it
                // takes two Han characters to judge by pairs, except a Han
                // character alone in a line garbled that way (`ix 睿 sa`
                // for `ix 和 sa`), where it is likely enough. Being foreign
                // to the script the line is undone into says so only where
                // little of the line is: Traditional text may be written in
                // GBK (`汐止庈昹嬡街7號1樓`, whose `樓` is no `加`).
                let han = repaired.chars().filter(|&c| bigram::covers(c)).count();
                let enough = if alone_in_garbled_line(family) && han == 1 && bigram::covers(stretch[0]) {
                    let line_foreign = || misfits(i) * 4 >= chars.iter().filter(|&&c| bigram::covers(c)).count();
                    gain >= ALONE_PAIR_GAIN || gain > 0.0 && !reads_in(family, stretch[0]) && !line_foreign()
                } else {
                    gain >= SHORT_PAIR_GAIN_MIN && gain >= PAIR_GAIN * stretch.len() as f64 && han >= 2
                };
                enough.then_some((gain, family, repaired))
            })
            .max_by(|a, b| a.0.total_cmp(&b.0));
        if let Some((_, family, repaired)) = whole {
            // Kana counted out, the stretch may hold clean words the gain
            // of the garbled ones carries (`ㄏノ\u{E5FB}面的方法`): the pairs
            // say which characters to undo.
            // So may a stretch that runs from a garbled word into the clean
            // words beside it (`姁粔華興街` for `蘆洲華興街`, not `蘆洲地砍刁`).
            let (repaired, undone) = undo_where_pairs_prefer(&[family], stretch, repaired, prev, next)?;
            return Some((repaired, vec![(vec![family], undone)]));
        }
        // Short spans, the most likely first, none overlapping; not in
        // Japanese (kana outside the span: GBK reads Big5's commonest
        // characters as kana, `ㄏノ` for `使用`).
        let mut found = Vec::new();
        // Odd characters before each place of the stretch, so that whether a
        // span touches one is known at once: in clean text few spans do.
        let odd_before: Vec<usize> = std::iter::once(0)
            .chain(stretch.iter().scan(0, |n, &c| {
                *n += usize::from(odd(c));
                Some(*n)
            }))
            .collect();
        for (i, family) in [Family::GbkAsBig5, Family::Big5AsGbk].into_iter().enumerate() {
            // One character alone, in a line found garbled this way, when it
            // is foreign to the script the line reads in (`麼者` for `或者`),
            // or the pairs clearly prefer it undone.
            let shortest = if along == Some(family) { 1 } else { 2 };
            for len in shortest..=(if garbled { LEFT_SPAN } else { SHORT_SPAN }).min(stretch.len()) {
                for at in 0..=stretch.len() - len {
                    let touches = odd_before[(at + len + 1).min(stretch.len())] > odd_before[at.saturating_sub(1)];
                    if !touches {
                        continue;
                    }
                    let span = &stretch[at..at + len];
                    if span.iter().filter(|&&c| is_kana(c)).count() < kana {
                        continue;
                    }
                    let before = if at == 0 { prev } else { Some(stretch[at - 1]) };
                    let after = stretch.get(at + len).copied().or(next);
                    // In a line garbled elsewhere, what is left garbled
                    // misfits; the neighbours must fit.
                    let fits = if garbled {
                        [before, after].iter().flatten().all(|&c| reads_in(family, c) || is_suspicious(c))
                    } else {
                        fits_rest(i, family, span)
                    };
                    if !fits || pairs_fail(i, at, len) {
                        continue;
                    }
                    if len == 1 && !bigram::covers(span[0]) {
                        continue;
                    }
                    let Some((repaired, gain)) = pair_gain(span, family, before, after) else { continue };
                    if len == 1 {
                        // A character of the script the line is undone into
                        // (`文璃` for `文件`, `陪示` for `顯示`) may be right
                        // there: the pairs must say so more clearly.
                        let needed = if reads_in(family, span[0]) { IN_SCRIPT_PAIR_GAIN } else { ALONE_PAIR_GAIN };
                        if gain >= needed {
                            found.push((gain, at, len, family, repaired));
                        }
                        continue;
                    }
                    let known_in_context = |text: &mut dyn Iterator<Item = char>| {
                        bigram::known_pairs(
                            [before.unwrap_or(' ')].into_iter().chain(text).chain([after.unwrap_or(' ')]),
                        )
                    };
                    // All but two of the pairs of Han characters it makes,
                    // with its neighbours too, must be known, and more than
                    // before.
                    // Bopomofo that reads as punctuation (`ㄛ`, GBK's `，`
                    // read as Big5) is evidence that pairs need not add to.
                    let (pairs, possible) = known_in_context(&mut repaired.chars());
                    let punctuation =
                        || span.iter().zip(repaired.chars()).any(|(&c, r)| is_bopomofo(c) && !bigram::covers(r));
                    let paired = pairs + 2 >= possible
                        && (pairs > known_in_context(&mut span.iter().copied()).0 || punctuation());
                    // A clean character beside the garbled word is no
                    // part of it; the span without it is tried too.
                    let undone: Vec<char> = repaired.chars().collect();
                    let gives_back = |end: usize| gives_back_end(family, &undone, span[end], end, before, after);
                    if paired && short_span_gains_enough(gain, len) && !gives_back(0) && !gives_back(len - 1) {
                        found.push((gain, at, len, family, repaired));
                    }
                }
            }
        }
        if found.is_empty() {
            return None;
        }
        found.sort_by(|a, b| b.0.total_cmp(&a.0));
        let mut taken: Vec<Option<(String, Family)>> = vec![None; stretch.len()];
        let mut covered = vec![false; stretch.len()];
        for (_, at, len, family, repaired) in found {
            if covered[at..at + len].iter().any(|&c| c) {
                continue;
            }
            covered[at..at + len].iter_mut().for_each(|c| *c = true);
            taken[at] = Some((repaired, family));
        }
        let mut out = String::with_capacity(3 * stretch.len());
        let mut notes: Notes = Vec::new();
        let mut at = 0;
        while at < stretch.len() {
            match taken[at].take() {
                Some((repaired, family)) => {
                    let len = repaired.chars().count();
                    out.push_str(&repaired);
                    notes.push((vec![family], len));
                    at += len;
                }
                None => {
                    out.push(stretch[at]);
                    at += 1;
                }
            }
        }
        Some((out, notes))
    });
    (!notes.is_empty()).then_some((out, notes))
}

/// What keeping a stretch of a span found garbled costs, in
/// log-likelihood: the span search's word is overruled only where the
/// character pairs clearly prefer the text as it is. 3 rather than 5
/// gives back more of the clean characters beside a garbled piece (one
/// title, paragraph and sentence more of family 8 in the evaluation, none
/// fewer anywhere; 7 repairs fewer).
const PAIR_SWITCH: f64 = 3.0;

/// `span` undone along `path` only in the characters where `repaired`,
/// its reading, is more likely by the character pairs (between `prev` and
/// `next`), with how many characters that undoes; `None` when none. Each
/// stretch kept costs [`PAIR_SWITCH`]; a symbol kept where the other
/// reading is Han counts as a Han character never seen (`当［无` for
/// `当其无`: the pair model finds symbols neutral). Only GBK and Big5 read
/// as each other change character for character; any other repair is
/// taken whole.
fn undo_where_pairs_prefer(
    path: &[Family],
    span: &[char],
    repaired: String,
    prev: Option<char>,
    next: Option<char>,
) -> Option<(String, usize)> {
    let alt: Vec<char> = repaired.chars().collect();
    if alt.len() != span.len() || !matches!(path, [Family::GbkAsBig5 | Family::Big5AsGbk]) {
        return Some((repaired, span.len()));
    }
    // Viterbi over two states per character, kept (0) or undone (1): the
    // best score of each, with the character the next pair starts from
    // and the way back.
    let prev = prev.filter(|&c| bigram::covers(c));
    let mut best = [(f64::NEG_INFINITY, prev), (0.0, prev)];
    let mut back: Vec<[usize; 2]> = Vec::with_capacity(span.len());
    for (&kept, &undone) in span.iter().zip(&alt) {
        let mut next_best = [(f64::NEG_INFINITY, None); 2];
        let mut from = [0; 2];
        for (state, c) in [kept, undone].into_iter().enumerate() {
            if state == 1 && (undone == kept || !is_clean(&undone.to_string())) {
                continue;
            }
            let odd_symbol = state == 0 && !c.is_ascii() && !bigram::covers(c) && bigram::covers(undone);
            for (was, &(score, after)) in best.iter().enumerate() {
                let (log_p, follows) = bigram::step(after, c);
                let log_p = if odd_symbol { log_p.min(bigram::unseen()) } else { log_p };
                let switch = if state == 0 && was == 1 { PAIR_SWITCH } else { 0.0 };
                let score = score + log_p - switch;
                if score > next_best[state].0 {
                    next_best[state] = (score, follows);
                    from[state] = was;
                }
            }
        }
        back.push(from);
        best = next_best;
    }
    let end = |state: usize| best[state].0 + next.map_or(0.0, |c| bigram::step(best[state].1, c).0);
    let mut state = usize::from(end(1) > end(0));
    let mut undo = vec![false; span.len()];
    for i in (0..span.len()).rev() {
        undo[i] = state == 1;
        state = back[i][state];
    }
    // The clean characters beside a garbled word that the span took in: at
    // each end of an undone stretch, the span's or one beside a stretch the
    // walk kept (`姁粔華興街` undone as `蘆洲地興街`: `華` is given back
    // beside `興`), and then the next one in.
    let mut written: Vec<char> = span.iter().zip(&alt).zip(&undo).map(|((&k, &a), &u)| if u { a } else { k }).collect();
    let mut gave_back = true;
    while gave_back {
        gave_back = false;
        for i in 0..span.len() {
            if !undo[i] {
                continue;
            }
            let before = if i == 0 { prev } else { Some(span[i - 1]).filter(|_| !undo[i - 1]) };
            let after = if i + 1 == span.len() { next } else { Some(span[i + 1]).filter(|_| !undo[i + 1]) };
            let starts = (i == 0 || !undo[i - 1]) && gives_back_end(path[0], &written[i..], span[i], 0, before, next);
            let ends = (i + 1 == span.len() || !undo[i + 1])
                && gives_back_end(path[0], &written[..=i], span[i], i, prev, after);
            if starts || ends {
                undo[i] = false;
                written[i] = span[i];
                gave_back = true;
            }
        }
    }
    let undone = undo.iter().filter(|&&u| u).count();
    (undone > 0).then(|| {
        let text = span.iter().zip(&alt).zip(&undo).map(|((&k, &a), &u)| if u { a } else { k }).collect();
        (text, undone)
    })
}

/// What undoing a span's end character may gain, by the pairs with its
/// neighbours, for the end still to count as correct text when undoing
/// does not make it a rarer character ([`gives_back_end`]): `借` beside
/// Big5 `圖書館` read as GBK gains 0.1 as `質`; the commonest mojibake
/// (GBK `吹开` read as Big5 `斯开`, Big5 `都是` read as GBK `常是`) gains more.
const END_PAIR_GAIN: f64 = 1.0;

/// Whether the character at `end` (the first or the last) of a span that GBK
/// and Big5 read as each other, `kept` as it stands and `text[end]` as the
/// span undoes it (the rest of `text` as it will be written, between `prev`
/// and `next`), is correct text to give back: a common character of the
/// script the span is undone into, between a clean Han character (or an
/// ASCII letter or digit) outside the span and a Han character inside it, that undoing makes part of no
/// pair the model knows with the rest of the span, and that gains less than
/// [`IN_SCRIPT_PAIR_GAIN`] by being undone, and less than [`END_PAIR_GAIN`]
/// unless undoing makes it a rarer character (then only the pair across the
/// span's edge speaks for it). The span search and the short spans of the
/// pair model may take in the correct character beside a garbled word,
/// whose pairs then pay for it: `請把盞絏寄給我` is `請把密碼寄給我`, not
/// `請參密碼` (`請參` is a known pair, and `參` rarer than `把`), and
/// `伺服器寄給` not `伺服器敵給`. Mojibake at the end of a word is still
/// undone: a rare character (`其嘎ㄛ` for `其骨，`, `岫璃汜傖け` for
/// `│件生成器`), one that makes a known pair with the rest (`叫ぃ` for
/// `請不`), one after punctuation (`珗ㄛ器夕` for `夜，竟夕`), or with no
/// clean Han beside it.
fn gives_back_end(
    family: Family,
    text: &[char],
    kept: char,
    end: usize,
    prev: Option<char>,
    next: Option<char>,
) -> bool {
    let undone = text[end];
    let outside = if end == 0 { prev } else { next };
    let inside = if end == 0 { text.get(1) } else { end.checked_sub(1).and_then(|i| text.get(i)) };
    let Some(&inside) = inside.filter(|&&c| bigram::covers(c)) else { return false };
    let clean_han = |c: char| bigram::covers(c) && !is_suspicious(c);
    // An ASCII letter or digit outside says nothing by pairs, and the
    // number after a street's name is one (`淡水街20號`, not `淡水誰20號`).
    let clean_outside = |c: char| clean_han(c) || c.is_ascii_alphanumeric();
    if undone == kept || !outside.is_some_and(clean_outside) || !clean_han(kept) || !reads_in(family, kept) {
        return false;
    }
    if bigram::known_pairs(if end == 0 { [undone, inside] } else { [inside, undone] }).0 == 1 {
        return false;
    }
    let with = |c: char| {
        let chars = text.iter().enumerate().map(|(i, &t)| if i == end { c } else { t });
        bigram::log_likelihood(prev.into_iter().chain(chars).chain(next))
    };
    let gain = with(undone) - with(kept);
    let rarer = bigram::log_likelihood([undone]) < bigram::log_likelihood([kept]);
    // With no pair across the edge, what undoing gains is that the undone
    // character is commoner (`誰` than `街`): no sign of mojibake.
    let across = outside.is_some_and(bigram::covers);
    gain < IN_SCRIPT_PAIR_GAIN && (gain < END_PAIR_GAIN || rarer || !across)
}

/// How many characters beyond each end of an undone piece
/// [`Repairer::undo_edges`] looks at.
const EDGE_REACH: usize = 2;

/// What undoing a character beside an undone piece must gain when it is
/// foreign to the script the line is undone into or suspicious: half what a
/// character alone must ([`ALONE_PAIR_GAIN`]), since the pair it makes with
/// the piece is known (`ま旧更` for `引導載` gains 2.6).
const EDGE_PAIR_GAIN: f64 = 2.5;

/// What the character at `at` of a line, unchanged (`before` and `after`
/// agree there) beside `inner`, a character just undone as `family`, is
/// undone into as part of the same garbled stretch, when that is clearly
/// more likely by the character pairs: the two make a pair the model knows
/// (or `at` becomes common punctuation, as GBK's `，` read as Big5 is `ㄛ`),
/// and undoing it gains [`EDGE_PAIR_GAIN`] ([`ALONE_PAIR_GAIN`] when it is
/// a character of the script the line is undone into, not suspicious),
/// with its neighbours as they are written now.
fn edge_undone(family: Family, before: &[char], after: &[char], at: usize, inner: usize) -> Option<char> {
    let (c, neighbour) = (after[at], after[inner]);
    if c != before[at] || neighbour == before[inner] || !bigram::covers(neighbour) || !in_pair_stretch(c) {
        return None;
    }
    let undone = undone_alone(&[family], c).filter(|&u| u != c && undone_fits(c, u) && !is_suspicious(u))?;
    let known = if at < inner { [undone, neighbour] } else { [neighbour, undone] };
    if bigram::covers(undone) && bigram::known_pairs(known).0 == 0 {
        return None;
    }
    let outer = if at < inner { at.checked_sub(1) } else { Some(at + 1) }.and_then(|i| after.get(i).copied());
    let (prev, next) = if at < inner { (outer, Some(neighbour)) } else { (Some(neighbour), outer) };
    let (_, gain) = pair_gain(&[c], family, prev, next)?;
    let plain = bigram::covers(c) && !is_suspicious(c) && reads_in(family, c);
    (gain >= if plain { ALONE_PAIR_GAIN } else { EDGE_PAIR_GAIN }).then_some(undone)
}

/// The pieces where `after`, a repair of `before` character for
/// character, differs from it.
fn changed_pieces(before: &[char], after: &[char]) -> Vec<Range<usize>> {
    let mut pieces = Vec::new();
    let mut at = 0;
    while at < before.len() {
        if before[at] == after[at] {
            at += 1;
            continue;
        }
        let end = (at..before.len()).find(|&i| before[i] == after[i]).unwrap_or(before.len());
        pieces.push(at..end);
        at = end;
    }
    pieces
}

/// The largest step between code points of characters that
/// [`listed_characters`] takes for a list.
const LIST_STEP: u32 = 16;
/// The fewest characters of a list.
const LIST_LEN: usize = 3;

/// Which characters of `chars` belong to a list of Han characters in
/// code-point order: [`LIST_LEN`] or more, each at most [`LIST_STEP`]
/// code points above the one before, one Han character (or none) left out
/// between them (`茉芧芨芩`, `碗盍盚盝`, `栫 栭 栱 栲`, and those left
/// out with them). Dictionary indexes, charts and font test sheets list
/// characters so; consecutive code points of rare characters are
/// consecutive GBK codes, which Big5 reads as runs of related common
/// characters (`彦焰砚衍` for `栫栭栱栲`). None of the 139,051
/// characters of `corpus/zh-hans.txt` read as Big5 and `corpus/zh-hant.txt`
/// read as GBK (Python's codecs) is so listed.
fn listed_characters(chars: &[char]) -> Vec<bool> {
    let han: Vec<usize> = (0..chars.len()).filter(|&i| bigram::covers(chars[i])).collect();
    let rises =
        |from: usize, to: usize| (1..=LIST_STEP).contains(&u32::from(chars[to]).wrapping_sub(u32::from(chars[from])));
    let mut listed = vec![false; chars.len()];
    let mut start = 0;
    while start < han.len() {
        let (mut last, mut len) = (start, 1);
        while let Some(next) = (last + 1..han.len()).take(2).find(|&n| rises(han[last], han[n])) {
            (last, len) = (next, len + 1);
        }
        if len >= LIST_LEN {
            listed[han[start]..=han[last]].fill(true);
            start = last;
        }
        start += 1;
    }
    listed
}

/// The longest word, in characters, that [`isolated_word_confirmed`] judges.
const ISOLATED_WORD: usize = 3;

/// Whether `after`, what GBK and Big5 read as each other made of `before`,
/// a word with no Han character beside it, is confirmed: alone, a word
/// has only its own pairs to tell, and the commonest characters that a
/// rare word reads as often score higher than the word (`桎梏` as `谚绽`).
/// It takes two characters at least, every pair of the reading known to
/// the model and none of the word's (a dictionary word is a known pair),
/// and a gain as a short span inside clean text must make.
fn isolated_word_confirmed(before: &[char], after: &[char]) -> bool {
    let (known, all) = bigram::known_pairs(after.iter().copied());
    let gain = bigram::log_likelihood(after.iter().copied()) - bigram::log_likelihood(before.iter().copied());
    all >= 1
        && known == all
        && bigram::known_pairs(before.iter().copied()).0 == 0
        && short_span_gains_enough(gain, before.len())
}

/// Whether the pairs confirm `after[piece]`, what GBK and Big5 read as
/// each other made of characters that were no Han (`before[piece]`): it is
/// no Greek or Cyrillic word nor glued to one (a word is never partly
/// mojibake: `Привет`, `ἁμαρτάνειν`, `чини`), no run of one symbol (`㊣㊣`,
/// `★★★`: a pattern of real text), and the Han characters it gives make
/// pairs with each other and its neighbours that the model knows, at least
/// one and three in four (`ㄏノ者` for `使用者`; not `啤脾疲` for `①②③`,
/// nor `每` alone for an en dash).
fn pairs_confirm(before: &[char], after: &[char], piece: std::ops::Range<usize>) -> bool {
    let word_letter = |c: &char| c.is_alphabetic() && matches!(u32::from(*c), 0x370..=0x52F | 0x1F00..=0x1FFF);
    let glued = piece.start.checked_sub(1).and_then(|i| before.get(i)).is_some_and(word_letter)
        || before.get(piece.end).is_some_and(word_letter);
    let text = &before[piece.clone()];
    let word = text.iter().filter(|c| word_letter(c)).count() >= 2;
    let one_symbol = text.len() >= 2 && text.iter().all(|&c| c == text[0]);
    if glued || word || one_symbol {
        return false;
    }
    let with_neighbours = &after[piece.start.saturating_sub(1)..(piece.end + 1).min(after.len())];
    let (known, all) = bigram::known_pairs(with_neighbours.iter().copied());
    known >= 1 && known * 4 >= all * 3
}

/// The vertical rules of a table, light and heavy (`│`, `┃`).
fn is_vertical_rule(c: char) -> bool {
    matches!(c, '\u{2502}' | '\u{2503}')
}

/// The vertical rule that `c`, a Han character, is when `family` is undone
/// (`岫` for `│` and `岱` for `┃` in GBK read as Big5), if it is one. Both
/// are rare characters; the other box drawing reads as common ones (`所`
/// for `┮`), which are left alone.
fn undoes_into_a_rule(family: Family, c: char) -> Option<char> {
    if !bigram::covers(c) {
        return None;
    }
    let undone = family.reverse(c.encode_utf8(&mut [0; 4]))?;
    let mut chars = undone.chars();
    let rule = chars.next().filter(|&rule| is_vertical_rule(rule))?;
    chars.next().is_none().then_some(rule)
}

/// Whether `chars` read as Japanese: every character that GBK and Big5
/// can make of each other's text is one Shift_JIS encodes, and there is a
/// kana or a kanji in a form of Japanese alone (`続`, `継`, `発`, `読`: in
/// neither GB2312 nor Big5). What GBK and Big5 make of each other's Chinese
/// seldom stays within Shift_JIS (`ㄏノ` for `使用` has bopomofo). A
/// character that neither encodes as one pair (an emoji, `•`, `©`, `〜`)
/// is no such reading, and is not weighed: beside Japanese it is not in
/// Shift_JIS either.
fn reads_as_japanese(chars: &[char]) -> bool {
    let japanese_only = |c: char| {
        is_kana(c) || crate::clean::is_han(c) && !reads_in(Family::GbkAsBig5, c) && !reads_in(Family::Big5AsGbk, c)
    };
    let one_pair =
        |c: char| [Codec::Gbk, Codec::Big5].into_iter().any(|codec| matches!(encode_pair(codec, c), Some(Ok(_))));
    chars.iter().any(|&c| japanese_only(c)) && {
        let readable: String = chars.iter().filter(|&&c| one_pair(c)).collect();
        !encoding_rs::SHIFT_JIS.encode(&readable).2
    }
}

/// Bopomofo letters (Zhuyin), with the extended ones of Taiwanese and
/// Hakka.
fn is_bopomofo(c: char) -> bool {
    matches!(u32::from(c), 0x3105..=0x312F | 0x31A0..=0x31BF)
}

/// Zhuyin readings in `chars`: where a run of bopomofo letters carries a
/// tone mark (`ㄌㄧˇ`, `˙ㄉㄜ`), every run of bopomofo letters of the line
/// standing as a word of its own (`ㄍㄠ ㄓㄤˇ`: first tones have no mark) is
/// a reading, with its marks. GBK and Big5 read as each other make
/// bopomofo of common Han (`ㄌㄧ` is Big5 `依函` read as GBK), but hardly
/// ever a tone mark right after it.
fn zhuyin(chars: &[char]) -> Vec<Range<usize>> {
    let is_tone = |c: &char| matches!(c, 'ˊ' | 'ˇ' | 'ˋ' | '˙');
    let standing_alone = |c: Option<&char>| c.is_none_or(|c| !(crate::clean::is_han(*c) || is_kana(*c)));
    let mut syllables = Vec::new();
    let mut marked = false;
    let mut at = 0;
    while at < chars.len() {
        if !is_bopomofo(chars[at]) {
            at += 1;
            continue;
        }
        let mut start = at;
        let letters = chars[at..].iter().take_while(|&&c| is_bopomofo(c)).count();
        let mut end = at + letters;
        let tone_before = start > 0 && chars[start - 1] == '˙';
        let tone_after = chars.get(end).is_some_and(is_tone);
        if tone_before {
            start -= 1;
        }
        if tone_after {
            end += 1;
        }
        if standing_alone(start.checked_sub(1).map(|i| &chars[i])) && standing_alone(chars.get(end)) {
            marked |= tone_before || tone_after;
            syllables.push(start..end);
        }
        at = end;
    }
    if !marked {
        syllables.clear();
    }
    syllables
}

/// The longest kaomoji, in characters, that [`kaomoji`] finds.
const KAOMOJI_LEN: usize = 16;

/// The kaomoji of `chars`: a face in brackets with no Han character in it
/// and something not ASCII (`(ノへ￣、)`, `(゜ロ゜;)`, `(´ー｀)`), with the
/// arms glued to it (`┏(゜ロ゜;)┛`, `ヽ(✿ﾟ▽ﾟ)ノ`): symbols and kana, no Han,
/// no letter or digit of ASCII and no space. Their kana and symbols are
/// drawing, not words.
fn kaomoji(chars: &[char]) -> Vec<Range<usize>> {
    let arm =
        |c: char| !c.is_ascii_alphanumeric() && !c.is_whitespace() && !crate::clean::is_han(c) && !"()（）".contains(c);
    let mut faces = Vec::new();
    let mut at = 0;
    while at < chars.len() {
        if !matches!(chars[at], '(' | '（') {
            at += 1;
            continue;
        }
        let close = chars[at + 1..].iter().take(KAOMOJI_LEN).position(|&c| matches!(c, ')' | '）' | '(' | '（'));
        let Some(close) = close.map(|i| at + 1 + i).filter(|&i| matches!(chars[i], ')' | '）')) else {
            at += 1;
            continue;
        };
        let inside = &chars[at + 1..close];
        if inside.iter().any(|&c| crate::clean::is_han(c)) || inside.iter().all(char::is_ascii) {
            at = close;
            continue;
        }
        let start = at - chars[..at].iter().rev().take_while(|&&c| arm(c)).count();
        let end = close + 1 + chars[close + 1..].iter().take_while(|&&c| arm(c)).count();
        faces.push(start..end);
        at = end;
    }
    faces
}

/// Greek, Cyrillic, kana and bopomofo: what GBK and Big5 read as each other
/// make of common Han characters besides rare ones.
fn is_letter(c: char) -> bool {
    is_foreign_script(c) && !matches!(c, '\u{2500}'..='\u{257F}')
}

/// Whether `c` belongs to a stretch that [`undo_by_pairs`] may undo: Han,
/// letters, and the symbols and private-use characters that GBK and Big5
/// make of each other's punctuation and rarer characters (`［坻華源` for
/// `其他地方`) when one of the two readings undoes them (others would only
/// join clean words around them into a stretch to try).
#[inline]
fn in_pair_stretch(c: char) -> bool {
    !c.is_ascii()
        && (bigram::covers(c) || is_letter(c) || u32::from(c) >= 0x2000 && is_suspicious(c) && is_pair_symbol(c))
}

/// The symbols of [`in_pair_stretch`], apart: few characters get this far.
#[inline(never)]
fn is_pair_symbol(c: char) -> bool {
    !matches!(c, '\u{2500}'..='\u{257F}')
        && [Family::GbkAsBig5, Family::Big5AsGbk].iter().any(|&family| Undo::of(c, family) == Undo::Takes)
}

/// Whether [`undo_by_pairs`] may undo anything in `chars`, a line not found
/// garbled: what each of its repairs needs, checked without allocating and
/// with a few table lookups per odd character, so that the many lines of
/// clean text with a rare character are passed over at once. A stretch
/// must hold an odd character and all the kana of the line, and, in one of
/// the two families, read as a whole without a character the tables refuse
/// (see [`Undo::fails`]), or, where the kana of the line (if any) fit in a
/// short span, have two adjacent characters that the tables do not refuse
/// next to or on an odd one: any short span that touches an odd character
/// and is not refused has two. `kana` is how many kana `chars` has.
fn pairs_may_undo(chars: &[char], kana: usize) -> bool {
    // A short span must hold every kana of the line.
    let kana_fit = kana == 0 || {
        let first = chars.iter().position(|&c| is_kana(c)).unwrap_or(0);
        let last = chars.iter().rposition(|&c| is_kana(c)).unwrap_or(0);
        last < first + SHORT_SPAN
    };
    // The first and last of the characters of the line that do not read in
    // the script of a family, and how many: a short span must hold them all.
    let misfits = [(); 2].map(|_| std::cell::OnceCell::new());
    let misfits = |i: usize, family: Family| {
        *misfits[i].get_or_init(|| {
            let mut at = (0..chars.len()).filter(|&at| !reads_in(family, chars[at]));
            let first = at.next();
            let last = at.next_back();
            let n = at.count() + usize::from(first.is_some()) + usize::from(last.is_some());
            (first, last.or(first), n)
        })
    };
    let mut start = 0;
    while start < chars.len() {
        if !in_pair_stretch(chars[start]) {
            start += 1;
            continue;
        }
        // The stretch, its kana, letters and whether it has an odd
        // character, in one pass: most stretches have none.
        let (mut len, mut kana_in, mut letters, mut any_odd) = (0, 0, 0, false);
        for &c in chars[start..].iter().take_while(|&&c| in_pair_stretch(c)) {
            len += 1;
            kana_in += usize::from(is_kana(c));
            let letter = is_letter(c);
            letters += usize::from(letter);
            any_odd |= letter || is_suspicious(c);
        }
        let stretch = &chars[start..start + len];
        let offset = start;
        start += len;
        if kana_in < kana || !any_odd {
            continue;
        }
        let odd = || (0..len).filter(|&i| is_suspicious(stretch[i]) || is_letter(stretch[i]));
        for (i, family) in [Family::GbkAsBig5, Family::Big5AsGbk].into_iter().enumerate() {
            // Stretch characters are each one pair or none
            // (`stretch_characters_are_one_pair_or_none`), so one refused
            // character fails every span that holds it.
            let takes = |c: char| !matches!(Undo::of(c, family), Undo::Unencodable | Undo::Refuses);
            let pair_takes = |i: usize| takes(stretch[i]);
            if stretch.iter().all(|&c| takes(c)) && letters_against_whole(stretch, letters) * 4 <= len {
                return true;
            }
            let short =
                |p: usize| (p.saturating_sub(2)..=p + 1).any(|q| q + 1 < len && pair_takes(q) && pair_takes(q + 1));
            // A short span that touches the odd character at `p` lies within
            // SHORT_SPAN characters of it.
            let fits_near = |p: usize| match misfits(i, family) {
                (Some(first), Some(last), n) => {
                    n <= SHORT_SPAN && first + SHORT_SPAN >= offset + p && last <= offset + p + SHORT_SPAN
                }
                _ => true,
            };
            if kana_fit && odd().any(|p| short(p) && fits_near(p)) {
                return true;
            }
        }
    }
    false
}

/// Whether some stretch of `text` that [`undo_by_pairs`] looks at
/// ([`in_pair_stretch`]) may hold an odd character, a suspicious one or a
/// letter, as every repair of a line not found garbled needs: what
/// [`pairs_may_undo`] asks first, found without collecting the characters
/// of the line, so that lines whose only rare characters are box drawing
/// or other symbols outside the stretches are passed over at once. Every
/// letter but kana is suspicious (`letters_but_kana_are_suspicious`), so
/// the byte scan finds them; kana are looked for by their bytes (U+3041 to
/// U+30FF are `E3 81 81` to `E3 83 BF`).
fn odd_in_stretch(text: &str) -> bool {
    let bytes = text.as_bytes();
    if memchr::memchr_iter(0xE3, bytes).any(|at| matches!(bytes.get(at + 1), Some(0x81..=0x83))) {
        return true;
    }
    let mut from = 0;
    while let Some(at) = first_suspicious(&text[from..]).map(|at| from + at) {
        let Some(c) = text[at..].chars().next() else { break };
        if in_pair_stretch(c) {
            return true;
        }
        from = at + c.len_utf8();
    }
    false
}

/// How many of the `letters` of `stretch` speak against undoing it whole
/// as GBK and Big5 read as each other: Greek, Cyrillic and bopomofo always,
/// kana only when the stretch reads as Japanese ([`reads_as_japanese`]).
/// GBK reads Big5's commonest characters as kana (`叫ぃ璶笆も` for
/// `請不要動手`), so a stretch of Chinese garbled so is kana in two
/// characters of five; a character Shift_JIS lacks (`璶`) says it is no
/// Japanese.
fn letters_against_whole(stretch: &[char], letters: usize) -> usize {
    if letters * 4 <= stretch.len() || reads_as_japanese(stretch) {
        return letters;
    }
    letters - stretch.iter().filter(|&&c| is_kana(c)).count()
}

/// What undoing `family` makes of one character, as far as [`pair_gain`]
/// cares, from the generated tables alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Undo {
    /// One pair of the wrong charset, read by the right one as a
    /// character the pair model takes...
    Takes,
    /// ...or as one it does not (uncovered, suspicious, or no character).
    Refuses,
    /// One pair the table cannot settle.
    Unknown,
    /// Not one pair: the pairs after it fall elsewhere.
    Unaligned,
    /// Not in the wrong charset at all.
    Unencodable,
}

impl Undo {
    fn of(c: char, family: Family) -> Undo {
        match family {
            Family::GbkAsBig5 if bigram::covers(c) => HAN_UNDO[0][c as usize - bigram::START as usize],
            Family::Big5AsGbk if bigram::covers(c) => HAN_UNDO[1][c as usize - bigram::START as usize],
            _ => Undo::worked_out(c, family),
        }
    }

    /// [`Undo::of`] from the tables of the two charsets.
    fn worked_out(c: char, family: Family) -> Undo {
        let (wrong, right) = family.codecs();
        let pair = match encode_pair(wrong, c) {
            Some(Ok(pair)) => pair,
            Some(Err(())) => return Undo::Unaligned,
            None => return Undo::Unencodable,
        };
        match decode_pair(right, &pair) {
            Some(r) if undone_fits(c, r) => Undo::Takes,
            Some(_) => Undo::Refuses,
            None => Undo::Unknown,
        }
    }

    /// Whether [`pair_gain`] certainly refuses a span of characters that
    /// undo so: one cannot be encoded, or, all being pairs (so each is
    /// read on its own), one reads as a character it does not take.
    fn fails(span: &[Undo]) -> bool {
        span.contains(&Undo::Unencodable) || (!span.contains(&Undo::Unaligned) && span.contains(&Undo::Refuses))
    }
}

/// [`Undo::of`] each Han character ([`bigram::covers`]) in GBK read as Big5
/// and in Big5 read as GBK, worked out when the crate is compiled: the pair
/// model asks for it for each character of every stretch of Han in a line
/// with a rare character, and working it out takes dozens of instructions
/// (the unit test `han_undo_is_worked_out` compares the two). A Han
/// character is encoded as one pair or not at all, and may be undone into
/// an uncommon Han character only ([`undone_fits`]).
static HAN_UNDO: [[Undo; (bigram::END - bigram::START) as usize]; 2] =
    [han_undo(Family::GbkAsBig5), han_undo(Family::Big5AsGbk)];

const fn han_undo(family: Family) -> [Undo; (bigram::END - bigram::START) as usize] {
    let (wrong, right) = family.codecs();
    let table = &DOUBLE_BYTE_TABLES[matches!(wrong, Codec::Big5) as usize];
    let mut undo = [Undo::Unencodable; (bigram::END - bigram::START) as usize];
    let mut i = 0;
    while i < undo.len() {
        let pair = table[bigram::START as usize + i];
        if pair != 0 {
            undo[i] = match decode_pair(right, &pair.to_be_bytes()) {
                Some(r) if bigram::covers(r) && plausible_bmp(r as usize) => Undo::Takes,
                Some(_) => Undo::Refuses,
                None => Undo::Unknown,
            };
        }
        i += 1;
    }
    undo
}

/// Whether `c`, a character of GBK read as Big5 or back, may be undone
/// into `undone`: a Han character the pair model takes, or common
/// punctuation in place of a symbol or letter (`ㄛ` for `，`).
fn undone_fits(c: char, undone: char) -> bool {
    if bigram::covers(undone) {
        return !is_suspicious(undone);
    }
    !bigram::covers(c) && !undone.is_ascii() && char_score(undone, ' ', ' ') >= 2.0
}

/// `span` undone as `family` (GBK or Big5 read as the other), when that
/// gives as many characters, each fitting ([`undone_fits`]), with the
/// log-likelihood it gains between `prev` and `next`.
fn pair_gain(span: &[char], family: Family, prev: Option<char>, next: Option<char>) -> Option<(String, f64)> {
    let text: String = span.iter().collect();
    let repaired = family.reverse(&text)?;
    if repaired.chars().count() != span.len() || !span.iter().zip(repaired.chars()).all(|(&c, r)| undone_fits(c, r)) {
        return None;
    }
    let in_context = |text: &str| bigram::log_likelihood(prev.into_iter().chain(text.chars()).chain(next));
    let gain = in_context(&repaired) - in_context(&text);
    Some((repaired, gain))
}

/// Whether a Han character `c` fits the text that undoing `family` gives:
/// GB2312 (the Simplified characters) for a GBK reading of Big5 undone,
/// Big5 for a Big5 one. Anything but Han fits.
fn reads_in(family: Family, c: char) -> bool {
    if !bigram::covers(c) {
        return true;
    }
    let cp = u32::from(c) as usize;
    match family.codecs().1 {
        Codec::Gbk => {
            let [lead, trail] = double_byte_table(Codec::Gbk)[cp].to_be_bytes();
            (0xA1..=0xF7).contains(&lead) && trail >= 0xA1
        }
        _ => double_byte_table(Codec::Big5)[cp] != 0,
    }
}

/// The first character of `right` in `bytes` when they start with a whole
/// multi-byte sequence of it, with the sequence's length.
fn sequence(bytes: impl Iterator<Item = u8>, right: Codec) -> Option<(usize, String)> {
    let bytes: Vec<u8> = bytes.collect();
    let &lead = bytes.first()?;
    let len = match (right, lead) {
        (Codec::Utf8, 0xC2..=0xDF) | (Codec::Gbk | Codec::Big5, 0x81..=0xFE) => 2,
        (Codec::Utf8, 0xE0..=0xEF) => 3,
        (Codec::Utf8, 0xF0..=0xF4) => 4,
        _ => return None,
    };
    let len = if right == Codec::Gbk && bytes.get(1).is_some_and(u8::is_ascii_digit) { 4 } else { len };
    let decoded = decode(right, bytes.get(..len)?)?;
    (!decoded.contains(|c: char| c.is_ascii())).then_some((len, decoded))
}

/// Whether `span` can be `family`'s mojibake at all, and `repaired` a
/// repair worth making. A GBK or Big5 reading never yields ASCII (trail
/// bytes in the ASCII range are read into the character), so such mojibake
/// is all non-ASCII; and it is mostly Han, while Greek, Cyrillic, kana and
/// box drawing, which GBK also encodes, are text of their own (Japanese and
/// Russian read as Big5 would turn into common Han). Three characters of
/// GBK read as Big5 or back are too little evidence: correct rare
/// characters (`忡忡`, `旂淠淠`) read so can look more common. A Latin-1 reading shows
/// those trail bytes as ASCII, but only right after a non-ASCII lead (`¦b`
/// is Big5 `在`), never two in a row, and it takes three non-ASCII
/// characters at least (`créé` is French, not mojibake); and GBK's trail
/// bytes in the ASCII range belong to characters outside GB2312, which
/// Simplified text hardly has (`MÄ£ÄM` is not GBK). Glued to a Latin word
/// on its left (`prev`), a Latin-1 reading takes a fourth. One character of
/// output is too little evidence, except for one UTF-8 character of three
/// bytes read as Latin-1 (`ä¸\u{AD}` for `中`): correct text does not put
/// a letter and two symbols of 0x80..=0xBF together.
fn is_shaped_like(family: Family, span: &str, prev: Option<char>, next: Option<char>, repaired: &str) -> bool {
    let non_ascii = |text: &str| text.chars().filter(|c| !c.is_ascii()).count();
    let len = span.chars().count();
    let in_chinese = read_inside_chinese(family, span, prev, next, repaired);
    let shaped = match family.codecs().0 {
        Codec::Latin1 => {
            // GB2312, where the characters of Simplified text are, has no
            // trail byte in the ASCII range.
            let ascii_trails = family != Family::GbkAsLatin1 || non_ascii(span) == len;
            // Glued to a Latin word, it takes one more.
            let least = if in_chinese {
                2
            } else if prev.is_some_and(|c| c.is_ascii_alphanumeric()) {
                4
            } else {
                3
            };
            let mut before = ' ';
            ascii_trails
                && non_ascii(span) >= least
                && (family == Family::Utf8AsLatin1 || !lists_letters(span) && !reads_as_utf8_letters(span))
                && span.chars().all(|c| {
                    let trail_like = !c.is_ascii() || !before.is_ascii();
                    before = c;
                    trail_like
                })
        }
        _ => {
            let foreign = span.chars().filter(|&c| is_foreign_script(c)).count();
            // Valid UTF-8 does not happen by chance; a GBK or Big5 reading
            // of another CJK charset does.
            // A letter of another script may lie inside a character's bytes
            // (`鐢ㄦ埛` for `用户`: GBK reads the last byte of `用` and the
            // first of `户` as bopomofo).
            let (least, foreign_share) = if family.codecs().1 == Codec::Utf8 { (3, 3) } else { (4, 4) };
            non_ascii(span) == len && len >= least && foreign * foreign_share <= len
        }
    };
    let one_utf8_char = family == Family::Utf8AsLatin1
        && len == 3
        && repaired.chars().count() == 1
        && repaired.chars().all(|c| char_score(c, ' ', ' ') >= 2.0);
    shaped
        && (non_ascii(repaired) >= 2 || one_utf8_char || in_chinese)
        && !symbols_by_chance(family, span, repaired)
        && (in_chinese || !one_han_by_chance(family, repaired))
        && !kana_by_chance(family, span, repaired)
}

/// Whether `repaired`, what `family`, GBK or Big5 read as Latin-1, makes of
/// a span between `prev` and `next`, is a word or two cut from the Chinese
/// around it (`突£¬Çë确` for `突，请确`, `"µÄ主` for `"的主`): a Latin-1
/// letter in `span` (symbols alone are symbols: `乘除号×÷是`, `««上一页`),
/// a clean Han character beside it, no ASCII letter or digit (Latin-1
/// letters glued to them are a word of their own: `Björk`, `Zoë`), only frequent Han
/// characters and Chinese punctuation, and a pair with a neighbour that the
/// model knows. Two Latin-1 characters then are evidence enough, and one
/// Han character with a punctuation mark, where alone they are not
/// ([`one_han_by_chance`]).
fn read_inside_chinese(family: Family, span: &str, prev: Option<char>, next: Option<char>, repaired: &str) -> bool {
    let neighbours = || prev.into_iter().chain(next);
    reads_double_byte_as_latin1(family)
        && span.chars().any(|c| !c.is_ascii() && c.is_alphabetic())
        && neighbours().any(|c| bigram::covers(c) && !is_suspicious(c))
        && !neighbours().any(|c| c.is_ascii_alphanumeric())
        && repaired.chars().any(bigram::covers)
        && all_frequent(repaired)
        && bigram::known_pairs(prev.into_iter().chain(repaired.chars()).chain(next)).0 > 0
}

/// Whether `family`, Big5 read as Latin-1, undoes `text` into `repaired`
/// only by chance: bytes that GBK reads as kana all through are EUC-JP's
/// kana read as Latin-1 (GBK has them in the same rows: `¥ì¥¹¥­¥å` is
/// `レスキュ`), not a family the repair undoes, and Big5 reads them as Han
/// that make no pair the model knows (`伊旦平亙`). Big5's commonest
/// characters lie in those rows too (GBK reads `使用` as `ㄏノ`), but its
/// words make known pairs.
fn kana_by_chance(family: Family, text: &str, repaired: &str) -> bool {
    let Some(bytes) = text.chars().map(latin1_byte).collect::<Option<Vec<u8>>>() else { return false };
    let all_kana = |gbk: String| {
        gbk.chars().filter(|&c| is_kana(c)).nth(1).is_some() && gbk.chars().all(|c| c.is_ascii() || is_kana(c))
    };
    family == Family::Big5AsLatin1
        && decode(Codec::Gbk, &bytes).is_some_and(all_kana)
        && bigram::known_pairs(repaired.chars()).0 == 0
}

/// Whether `family`, GBK or Big5 read as Latin-1, gives `repaired` only by
/// chance: it has fewer than two Han characters. Four Latin-1 characters
/// read as one character and a punctuation mark are too little evidence
/// (`£©µÀ`, a piece of Markus Kuhn's list of Latin-1 letters, reads as
/// `）道`); a garbled Chinese word has two characters at least.
fn one_han_by_chance(family: Family, repaired: &str) -> bool {
    reads_double_byte_as_latin1(family) && repaired.chars().filter(|&c| bigram::covers(c)).nth(1).is_none()
}

/// Whether `family`, GBK or Big5 read as Latin-1, undoes `text`, Latin-1
/// symbols alone (`©®±½¼¾`, `«»¿¡`: no letter among them), into `repaired`
/// only by chance: GBK and Big5 read most pairs of such symbols as Han
/// characters (`帑掃撫`, `姣縑`), and symbols beside Chinese are usually
/// symbols. A garbled Chinese word made only of them reads as frequent
/// characters and Chinese punctuation (`°²×°` for `安装`, `¡£` for `。`).
fn symbols_by_chance(family: Family, text: &str, repaired: &str) -> bool {
    reads_double_byte_as_latin1(family)
        && text.chars().all(|c| c.is_ascii() || !c.is_alphabetic())
        && !all_frequent(repaired)
}

/// Whether `path`, GBK or Big5 read as Latin-1, undoes a span of `text`
/// into `repaired` only by chance (`漏 茅`), as [`symbols_by_chance`] says
/// for symbols, because `text` is Latin-1 of its own: UTF-8 of Latin-1
/// characters read as Latin-1 (`Â© Ã©` for `© é`), which are not GBK or
/// Big5 read as Latin-1 in turn (two plausible characters at least), as
/// under a layer of UTF-8 of cp1252 they are. `text` is the whole stretch
/// the span is cut from: a span found garbled by its first layer and cut
/// inside a character may read so, though the line it is cut from is GBK
/// read twice (and undone along that path afterwards).
fn utf8_by_chance(path: &[Family], text: &str, repaired: &str) -> bool {
    let &[family] = path else { return false };
    let of_its_own = || {
        Family::Utf8AsLatin1.reverse(text).is_some_and(|utf8| {
            let mut deeper = [Family::GbkAsLatin1, Family::Big5AsLatin1].into_iter().filter_map(|f| f.reverse(&utf8));
            utf8 != text
                && utf8.chars().all(|c| latin1_byte(c).is_some())
                && deeper.all(|chinese| {
                    chinese.chars().filter(|c| !c.is_ascii()).count() < 2 || plausibility(&chinese) < MIN_REPAIRED_SCORE
                })
        })
    };
    reads_double_byte_as_latin1(family) && !all_frequent(repaired) && of_its_own()
}

/// Whether `path`, GBK or Big5 read as Latin-1, undid a span cut from
/// `stretch`, Latin-1 that lists letters ([`lists_letters`]): a piece of the
/// list need not rise far enough to show what it is (`£©µÀ` of
/// `abcdefghijklmnopqrstuvwxyz £©µÀÆÖÞßéöÿ`, Markus Kuhn's UTF-8-demo.txt).
fn cut_from_a_list(path: &[Family], stretch: &str) -> bool {
    path.first().is_some_and(|&family| reads_double_byte_as_latin1(family)) && lists_letters(stretch)
}

fn reads_double_byte_as_latin1(family: Family) -> bool {
    matches!(family, Family::GbkAsLatin1 | Family::Big5AsLatin1)
}

/// Whether the non-ASCII characters of `text` are all frequent Han
/// characters or Chinese punctuation.
fn all_frequent(text: &str) -> bool {
    text.chars().all(|c| {
        let score = char_score(c, ' ', ' ');
        c.is_ascii() || score >= MAX_PLAUSIBILITY || score >= 2.0 && !bigram::covers(c)
    })
}

/// Whether `repaired`, GBK or Big5 read as Latin-1 undone in `line`,
/// reads a list of letters as Chinese. `line` has no Han character and
/// either lists letters ([`lists_letters`]: `°±²³´µ¶·¸¹º»¼½¾¿`) or has no
/// non-ASCII character but Latin-1 letters (`ÀÂÇÉÈÊËÎÏÔÙÛÜŸ`,
/// `Sonderzeichen: äöüÄÖÜß`): text about letters writes them so, while
/// GBK and Big5 read as Latin-1 give symbols for the lead bytes of most
/// common characters and for Chinese punctuation (`°²×°` for `安装`,
/// `£¬` for `，`). Such a line is Chinese only when the repair undid three
/// in four of its non-ASCII characters into common characters of which one
/// pair in four at least is known to the model: a list of letters makes
/// common characters in pairs the model hardly knows (`缆巧仁宋显` for
/// `ÀÂÇÉÈÊËÎÏÔ`), while a title of classical poetry read as Latin-1 has
/// a known pair in four at the least (`周因于殷礼`).
fn letters_read_as_han(line: &str, repaired: &str) -> bool {
    if line.chars().any(bigram::covers) {
        return false;
    }
    let letters_only = line.chars().all(|c| c.is_ascii() || c.is_alphabetic() && latin1_byte(c).is_some());
    if !letters_only && !lists_letters(line) {
        return false;
    }
    let non_ascii = line.chars().filter(|c| !c.is_ascii()).count();
    let left = repaired.chars().filter(|&c| !c.is_ascii() && latin1_byte(c).is_some()).count();
    let common = repaired.chars().filter(|&c| bigram::covers(c)).all(|c| char_score(c, ' ', ' ') >= 2.0);
    let (known, all) = bigram::known_pairs(repaired.chars());
    !(common && known >= 1 && known * 4 >= all && left * 4 <= non_ascii)
}

/// Whether the Latin-1 letters of `text`, taken run by run, all list the
/// accented forms of one letter (`ÈÉÊË`, `ÀÂ`), run through the alphabet
/// (`ÐÑÒÓÔ`) or four vowels or more in order (`ÁÉÍÓÚ`, `ÀÉÎÕÜ`), or its
/// five Latin-1 characters or more rise in the order of the charset
/// (`ÁÉÍÓÚ áéíóú`, `ÐÑÒÓÔÕÖ×ØÙÚÛÜÝÞß`): how text about letters
/// writes them. GBK or Big5 read as Latin-1 makes such a run by chance
/// about once in a million characters, and rising bytes once in 120 for
/// five, so text made of them is not taken for that.
fn lists_letters(text: &str) -> bool {
    let latin1: Vec<char> = text.chars().filter(|&c| matches!(u32::from(c), 0x80..=0xFF)).collect();
    if latin1.len() >= 5 && latin1.windows(2).all(|pair| pair[0] < pair[1]) {
        return true;
    }
    let is_letter = |c: char| matches!(u32::from(c), 0xC0..=0xFF) && c.is_alphabetic();
    let mut runs = text.split(|c: char| !is_letter(c)).filter(|run| !run.is_empty()).peekable();
    runs.peek().is_some()
        && runs.all(|run| {
            let letters: Vec<char> = run.chars().collect();
            let same_letter =
                letters.iter().all(|&c| base_letter(c).is_some() && base_letter(c) == base_letter(letters[0]));
            let alphabet = letters.windows(2).all(|pair| u32::from(pair[1]) == u32::from(pair[0]) + 1);
            let vowel = |c: char| base_letter(c).filter(|b| "aeiou".contains(*b));
            let vowels = letters.len() >= 4
                && letters.iter().all(|&c| vowel(c).is_some())
                && letters.windows(2).all(|pair| vowel(pair[0]) < vowel(pair[1]));
            letters.len() >= 2 && (same_letter || alphabet) || vowels
        })
}

/// Whether `text` is UTF-8 of accented Latin letters read as Latin-1
/// (`Ã©tÃ©` for `été`): then it is that, not GBK or Big5, whose Chinese
/// words read so only a few times in a thousand.
fn reads_as_utf8_letters(text: &str) -> bool {
    Family::Utf8AsLatin1.reverse(text).is_some_and(|utf8| {
        let mut letters = utf8.chars().filter(|c| !c.is_ascii()).peekable();
        letters.peek().is_some() && letters.all(|c| matches!(u32::from(c), 0xC0..=0x24F) && c.is_alphabetic())
    })
}

/// The letter a Latin-1 letter is an accented form of (`É` → `e`).
fn base_letter(c: char) -> Option<char> {
    Some(match c.to_lowercase().next()? {
        'à'..='å' => 'a',
        'ç' => 'c',
        'è'..='ë' => 'e',
        'ì'..='ï' => 'i',
        'ñ' => 'n',
        'ò'..='ö' | 'ø' => 'o',
        'ù'..='ü' => 'u',
        'ý' | 'ÿ' => 'y',
        _ => return None,
    })
}

/// Whether a quarter or more of the non-ASCII characters of `line` are
/// suspicious (see [`Shape::mostly_suspicious`]).
fn mostly_suspicious(line: &str) -> bool {
    Shape::of(line).mostly_suspicious()
}

/// What the span search asks of a run before anything else, found in one
/// pass over it: most runs it is given are clean text with a rare
/// character or a symbol, which these settle.
struct Shape {
    chars: usize,
    non_ascii: usize,
    suspicious: usize,
    /// Whether two suspicious characters lie within [`SPAN_WINDOW`] of each
    /// other: the span search starts only at such a cluster.
    clustered: bool,
}

impl Shape {
    fn of(text: &str) -> Shape {
        let mut shape = Shape { chars: 0, non_ascii: 0, suspicious: 0, clustered: false };
        let mut last_suspicious = None;
        for (i, c) in text.chars().enumerate() {
            shape.chars += 1;
            if c.is_ascii() {
                continue;
            }
            shape.non_ascii += 1;
            if is_suspicious(c) {
                shape.suspicious += 1;
                shape.clustered |= last_suspicious.is_some_and(|last| i - last < SPAN_WINDOW);
                last_suspicious = Some(i);
            }
        }
        shape
    }

    /// Whether a quarter or more of the non-ASCII characters are
    /// suspicious: mojibake all through is, clean text with a rare character
    /// or a symbol is not, and is spared the cost of whole reversals.
    fn mostly_suspicious(&self) -> bool {
        self.suspicious * 4 >= self.non_ascii
    }
}

/// Whether the non-ASCII characters of `text` come in runs, as GBK and
/// Big5 read as Latin-1 make them (two bytes of 0x80 and up for most
/// characters), rather than one by one between ASCII letters, as accented
/// letters in French or German do, or two letters glued to a Latin word
/// (`mäßig`, `gemäß`): at most a quarter stand so.
fn paired(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    let non_ascii = chars.iter().filter(|c| !c.is_ascii()).count();
    let alone: usize =
        non_ascii_runs(&chars).filter(|run| stands_alone(&chars, run.clone())).map(|run| run.len()).sum();
    alone * 4 <= non_ascii
}

/// The runs of non-ASCII characters of `chars`.
fn non_ascii_runs(chars: &[char]) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut at = 0;
    std::iter::from_fn(move || {
        let start = at + chars.get(at..)?.iter().position(|c| !c.is_ascii())?;
        let end = chars[start..].iter().position(char::is_ascii).map_or(chars.len(), |n| start + n);
        at = end;
        Some(start..end)
    })
}

/// Whether the run of non-ASCII characters `chars[run]` stands as Latin-1
/// text does, not as GBK or Big5 read as Latin-1 (two bytes of 0x80 and up
/// for most characters): one character alone, or two letters glued to a
/// Latin word (`mäßig`, `gemäß`).
fn stands_alone(chars: &[char], run: Range<usize>) -> bool {
    run.len() == 1
        || run.len() == 2 && glued_to_a_word(chars, run.clone()) && chars[run].iter().all(|c| c.is_alphabetic())
}

/// Whether `chars[piece]` has a Latin letter right before or after it: it
/// is part of a longer Latin word (`ße` of `Größe`).
fn glued_to_a_word(chars: &[char], piece: Range<usize>) -> bool {
    let latin_letter = |c: &char| c.is_alphabetic() && latin1_byte(*c).is_some();
    piece.start.checked_sub(1).is_some_and(|i| latin_letter(&chars[i]))
        || chars.get(piece.end).is_some_and(latin_letter)
}

/// Letters of scripts that GBK and Big5 encode besides Chinese (Greek,
/// Cyrillic, kana, bopomofo), and box drawing: a run of them is text (or art) of its own.
fn is_foreign_script(c: char) -> bool {
    // Han, asked about most, lies above them all: one comparison.
    let cp = u32::from(c);
    cp <= 0x312F && matches!(cp, 0x370..=0x4FF | 0x2500..=0x257F | 0x3041..=0x30FF | 0x3105..=0x312F)
}

/// No control, private-use or replacement characters: what a repair must
/// never produce.
fn is_clean(text: &str) -> bool {
    text.chars().all(|c| !(c.is_control() && c != '\t' || matches!(u32::from(c), 0xE000..=0xF8FF | 0xFFFD | 0xF0000..)))
}

/// A character that correct Chinese text rarely has and mojibake has a lot
/// of: anything non-ASCII that does not score as common CJK.
fn is_suspicious(c: char) -> bool {
    match u32::from(c) {
        cp @ 0..=0xFFFF => !plausible_bmp(cp as usize),
        _ => scores_low(c),
    }
}

/// What [`is_suspicious`] means; [`PLAUSIBLE`] is generated from it.
fn scores_low(c: char) -> bool {
    !c.is_ascii() && c != '\u{FFFD}' && char_score(c, ' ', ' ') <= 0.0
}

/// One bit per BMP character, set where [`scores_low`] is false: clean text
/// (the common case) costs one lookup per character, and nothing to build
/// first. Generated (see the unit test `plausible_bin_is_current`), and
/// read as 64-bit words, so that the word of a three-byte UTF-8 character
/// is indexed by its first two bytes and the bit by the third.
static PLAUSIBLE: [u64; 0x10000 / 64] = words(include_bytes!("plausible.bin"));

const fn words(bytes: &[u8; 0x10000 / 8]) -> [u64; 0x10000 / 64] {
    let mut words = [0; 0x10000 / 64];
    let mut i = 0;
    while i < bytes.len() {
        words[i / 8] |= (bytes[i] as u64) << (i % 8 * 8);
        i += 1;
    }
    words
}

/// Whether `text` has a suspicious character.
fn has_suspicious(text: &str) -> bool {
    first_suspicious(text).is_some()
}

/// The byte offset of the first suspicious character of `text`.
///
/// Every block of input goes through here, and clean text (the common case)
/// goes through all of it, so this works on the bytes: ASCII eight bytes at
/// a time, a BMP character by its [`PLAUSIBLE`] bit straight from its
/// UTF-8 bytes, and Chinese (three-byte characters) eight, then four at a
/// time: per character a table word found by its first two bytes read as
/// one `u16` ([`PLAUSIBLE_BY_BYTES`], whose words are 0 unless those bytes
/// start a three-byte character, so that no other test of the lead bytes is
/// needed) and shifted by its third, with no branch.
fn first_suspicious(text: &str) -> Option<usize> {
    const HIGH_BITS: u64 = 0x8080_8080_8080_8080;
    let bytes = text.as_bytes();
    let mut i = 0;
    loop {
        // The last character's lead byte first: a shorter run (Chinese
        // between ASCII words, a line's end) is passed on at once.
        while let Some(chars) = bytes.get(i..i + 24).filter(|chars| chars[21] & 0xF0 == 0xE0) {
            if !all_plausible::<8>(chars) {
                break;
            }
            i += 24;
        }
        while let Some(chars) = bytes.get(i..i + 12).filter(|chars| chars[9] & 0xF0 == 0xE0) {
            if !all_plausible::<4>(chars) {
                break;
            }
            i += 12;
        }
        // The rest of the run (fewer than four characters, or up to a
        // suspicious one) one by one, without trying the longer reads again
        // after each: Chinese between ASCII words comes in short runs.
        while let [lead @ 0xE0..=0xEF, b1, b2, ..] = bytes[i..] {
            if plausible_word(u16::from_le_bytes([lead, b1])) >> (b2 & 0x3F) & 1 == 0 {
                return Some(i);
            }
            i += 3;
        }
        match bytes[i..] {
            [] => return None,
            [0x00..=0x7F, ..] => {
                i += 1;
                while let Some(word) = bytes.get(i..i + 8) {
                    let high = u64::from_le_bytes(word.try_into().expect("8 bytes")) & HIGH_BITS;
                    if high != 0 {
                        // On to the first byte that is not ASCII, where a
                        // run of Chinese may be read eight at a time.
                        i += high.trailing_zeros() as usize / 8;
                        break;
                    }
                    i += 8;
                }
            }
            [lead @ 0xC0..=0xDF, b1, ..] => {
                if !plausible_bmp(usize::from(lead & 0x1F) << 6 | usize::from(b1 & 0x3F)) {
                    return Some(i);
                }
                i += 2;
            }
            _ => {
                // Beyond the BMP (`text` is UTF-8, so this starts a
                // four-byte character).
                let c = text[i..].chars().next()?;
                if scores_low(c) {
                    return Some(i);
                }
                i += c.len_utf8();
            }
        }
    }
}

/// Whether `chars` starts with `N` plausible three-byte characters: their
/// [`plausible_word`]s, each shifted by its character's third byte, and-ed
/// together, with no branch.
#[inline(always)]
fn all_plausible<const N: usize>(chars: &[u8]) -> bool {
    let bits = (0..N).fold(u64::MAX, |all, n| {
        let at = 3 * n;
        let pair = u16::from_le_bytes(chars[at..at + 2].try_into().expect("2 bytes"));
        all & plausible_word(pair) >> (chars[at + 2] & 0x3F)
    });
    bits & 1 != 0
}

/// The [`PLAUSIBLE`] bit of the BMP code point `cp`.
#[inline(always)]
const fn plausible_bmp(cp: usize) -> bool {
    PLAUSIBLE[cp / 64] & (1 << (cp % 64)) != 0
}

/// The [`PLAUSIBLE`] word of the three-byte UTF-8 character whose first
/// two bytes read as the little-endian `pair` (0 when they do not start
/// one); its bit for the character is the third byte's low six bits (x86
/// shifts by those alone, so masking them costs nothing).
#[inline(always)]
fn plausible_word(pair: u16) -> u64 {
    PLAUSIBLE_BY_BYTES[usize::from(pair & 0x3FFF)]
}

/// [`PLAUSIBLE`] indexed by the first two bytes of a three-byte UTF-8
/// character read as a little-endian `u16` and masked to the lead byte and
/// the second byte's low six bits (the top two of a continuation byte are
/// always `10`), which saves the instructions of moving the bits of the
/// code point together; the entries of other lead bytes are 0.
static PLAUSIBLE_BY_BYTES: [u64; 0x4000] = by_bytes(&PLAUSIBLE);

const fn by_bytes(words: &[u64; 0x10000 / 64]) -> [u64; 0x4000] {
    let mut table = [0; 0x4000];
    // `block` is the code point's top ten bits: the lead byte's low four
    // and the second byte's low six.
    let mut block = 0;
    while block < 0x400 {
        table[(block & 0x3F) << 8 | 0xE0 | block >> 6] = words[block];
        block += 1;
    }
    table
}

/// Whether anything in `line` may be repaired: it has two suspicious
/// characters, or one in a run of four non-ASCII characters at most or in
/// what may be a word of UTF-8 ([`utf8_word_around`]). One
/// suspicious character makes no cluster for the span search, so only a
/// run that is mostly suspicious could be repaired (and a line that is
/// mostly suspicious has such a run). Most clean lines with a rare
/// character are passed over here.
fn may_change(line: &str) -> bool {
    let Some(first) = first_suspicious(line) else { return false };
    let next = first + line[first..].chars().next().map_or(1, char::len_utf8);
    if has_suspicious(&line[next..]) {
        return true;
    }
    let non_ascii = |chars: &mut dyn Iterator<Item = char>| {
        chars.take_while(|&c| in_run(c)).filter(|c| !c.is_ascii()).take(4).count()
    };
    non_ascii(&mut line[..first].chars().rev()) + non_ascii(&mut line[next..].chars()) < 4
        || utf8_word_around(line, first)
}

/// The sentences of `line`, one after another (see [`sentence_end`]).
fn sentences(line: &str) -> impl Iterator<Item = &str> {
    let mut rest = line;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let (sentence, after) = rest.split_at(sentence_end(rest));
        rest = after;
        Some(sentence)
    })
}

/// Where the first sentence of `text` ends: after a full stop, exclamation
/// or question mark, full-width (`。！？`) or ASCII followed by ASCII
/// whitespace (with the whitespace); a piece of [`MAX_SENTENCE`] bytes
/// with none ends at the next ASCII whitespace; the end of `text` if none
/// comes.
///
/// No mojibake span is cut there, as the conversion's cuts cut no phrase:
/// undoing a span on both sides of the cut gives what undoing each side
/// gives, because the cut lies between two characters in both the wrong
/// and the right reading of every family. ASCII whitespace and `.!?` are
/// a character of their own in every charset repaired, through every
/// layer: no GBK or Big5 trail byte is below 0x40, and the second and
/// fourth bytes of GB18030's four-byte sequences are digits. The full-width marks:
/// Latin-1 cannot encode them, so no span of its families holds them;
/// GBK read as Big5 and back map pair to pair; Big5 encodes them as
/// `A1 43`, `A1 49`, `A1 48`, whose ASCII second byte is a character of
/// its own in UTF-8; GBK as `A1 A3`, `A3 A1`, `A3 BF`, two UTF-8
/// continuation bytes whose lead byte is the last byte of the character
/// before: they end a three-byte character, and a four-byte one (lead
/// byte 0xF0–0xF4) unless its fourth byte follows, the first byte
/// (0x80–0xBF) of the character read next, where the cut is not made. (A span under several layers is cut
/// apart only at ASCII.)
///
/// A sentence also ends where two characters are [`read_apart`]: GBK read
/// as Latin-1 (`¸øÒ»¸ö`) right after a clean sentence, which no line end
/// sets apart from it here, is repaired as the line of its own it was.
fn sentence_end(text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(found) = bytes[from..].iter().position(|&b| SENTENCE_STOPS[usize::from(b)]) {
        let at = from + found;
        let end_of_run = !bytes.get(at + 1).is_some_and(u8::is_ascii_whitespace);
        if bytes[at].is_ascii() {
            // Whitespace: a sentence ends after the last of a run.
            if end_of_run && (at + 1 >= MAX_SENTENCE || text[..at].trim_end().ends_with(['.', '!', '?'])) {
                return at + 1;
            }
            from = at + 1;
            continue;
        }
        let Some(c) = text[at..].chars().next() else { break };
        let end = at + c.len_utf8();
        let next = text[end..].chars().next();
        let before = text[..at].chars().next_back();
        let cut = match c {
            '。' | '！' | '？' => {
                !(before.is_some_and(ends_in_a_four_byte_lead) && next.is_some_and(continues_a_utf8_character))
            }
            _ if before.is_some_and(|before| read_apart(before, c)) => return at,
            _ => next.is_some_and(|next| read_apart(c, next)),
        };
        if cut {
            return end;
        }
        from = end;
    }
    text.len()
}

/// The bytes [`sentence_end`] looks at: ASCII whitespace, and the first
/// bytes of `。！？` and of the characters beyond ASCII that Latin-1
/// (windows-1252) has. Every other byte is passed over, most text at a
/// comparison a byte.
static SENTENCE_STOPS: [bool; 256] = {
    let mut stops = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        stops[byte] = matches!(byte, 0x09 | 0x0A | 0x0C | 0x0D | 0x20 | 0xC2..=0xC6 | 0xCB | 0xE2 | 0xE3 | 0xEF);
        byte += 1;
    }
    stops
};

/// Whether `c` read as GBK may end in the lead byte of a four-byte UTF-8
/// character (0xF0–0xF4; a four-byte GB18030 sequence is taken to).
fn ends_in_a_four_byte_lead(c: char) -> bool {
    !c.is_ascii() && encode_pair(Codec::Gbk, c).is_some_and(|pair| pair.map_or(true, |[_, last]| last >= 0xF0))
}

/// Whether no charset that mojibake is read in encodes both `a` and `b`,
/// so that no span holds both: one is a Latin-1 character that GBK and
/// Big5 do not have (`Ê`, `»`), the other one that Latin-1 does not have.
fn read_apart(a: char, b: char) -> bool {
    let latin1_alone = |c: char| {
        !c.is_ascii()
            && latin1_byte(c).is_some()
            && encode_pair(Codec::Gbk, c).is_none()
            && encode_pair(Codec::Big5, c).is_none()
    };
    let beyond_latin1 = |c: char| latin1_byte(c).is_none();
    latin1_alone(a) && beyond_latin1(b) || latin1_alone(b) && beyond_latin1(a)
}

/// Whether `c` read as GBK may have a UTF-8 continuation byte (0x80–0xBF)
/// for its first byte (`€` is 0x80 alone; a four-byte GB18030 sequence
/// is taken to).
fn continues_a_utf8_character(c: char) -> bool {
    !c.is_ascii() && encode_pair(Codec::Gbk, c).is_some_and(|pair| pair.map_or(true, |[first, _]| first <= 0xBF))
}

/// Splits `text` into runs of characters other than ASCII whitespace
/// (`true`) and the whitespace between them (`false`), each with its byte
/// offset. Other whitespace belongs to runs: a Latin-1 reading of UTF-8
/// shows the bytes 0x85 and 0xA0 as NEL and no-break space. Runs include ASCII, because GBK and Big5 trail
/// bytes can be ASCII (`¦b` is Big5 `在` read as Latin-1). U+FFFD ends a
/// run: it is a hole, not mojibake.
fn runs(text: &str) -> impl Iterator<Item = (usize, &str, bool)> {
    let mut offset = 0;
    std::iter::from_fn(move || {
        let rest = &text[offset..];
        let first = rest.chars().next()?;
        let kind = in_run(first);
        let len = rest.find(|c: char| in_run(c) != kind).unwrap_or(rest.len());
        let start = offset;
        offset += len;
        Some((start, &rest[..len], kind))
    })
}

/// Whether `c` belongs to a run (see [`runs`]).
fn in_run(c: char) -> bool {
    !c.is_ascii_whitespace() && c != '\u{FFFD}'
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repair(text: &str) -> String {
        Repairer::default().repair(text).into_owned()
    }

    /// Garbles `text` the way `family` does.
    fn garble(family: Family, text: &str) -> String {
        let (wrong, right) = family.codecs();
        decode(wrong, &encode(right, text).unwrap()).unwrap()
    }

    #[test]
    fn sloppy_latin1_table_agrees_with_encoding_rs() {
        for byte in 0..=255u8 {
            let bytes = [byte];
            let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(&bytes);
            assert_eq!(text.chars().next(), Some(latin1_char(byte)), "{byte:#x}");
            assert_eq!(latin1_byte(latin1_char(byte)), Some(byte));
        }
        assert_eq!(latin1_byte('\u{80}'), Some(0x80), "ISO-8859-1's C1 controls go straight through");
        let encoded = (0..0x11000u32).filter_map(char::from_u32).filter_map(latin1_byte);
        assert_eq!(encoded.count(), 256 + WINDOWS_1252_HIGH.iter().filter(|&&c| u32::from(c) > 0xFF).count());
    }

    #[test]
    fn double_byte_bin_is_current() {
        let mut bytes = Vec::new();
        for codec in [Codec::Gbk, Codec::Big5] {
            let (leads, offset) = double_byte_leads(codec);
            assert_eq!(bytes.len(), offset);
            let encoding = if codec == Codec::Gbk { GBK } else { BIG5 };
            for lead in leads {
                for trail in (0x40..=0xFEu8).filter(|&t| t != 0x7F) {
                    let pair = [lead, trail];
                    let text = encoding.decode_without_bom_handling_and_without_replacement(&pair);
                    let mut chars = text.as_deref().unwrap_or_default().chars();
                    let cp = match (chars.next(), chars.next()) {
                        (Some(c), None) => u16::try_from(u32::from(c)).unwrap_or(0),
                        _ => 0,
                    };
                    bytes.extend(cp.to_le_bytes());
                }
            }
        }
        crate::generated::assert_current("src/repair/double_byte.bin", &bytes);
    }

    #[test]
    fn spans_the_tables_refuse_are_refused_by_pair_gain() {
        // Garbled text and clean rare characters, both ways.
        let texts = [
            garble(Family::GbkAsBig5, "在两个窗口间复制"),
            garble(Family::Big5AsGbk, "目錄編輯器"),
            "其旂淠淠，鸞聲嘒嘒".into(),
            "犇羴鱻猋喓喓草虫".into(),
            "婓奻扴例子中".into(),
        ];
        let mut refused = 0;
        for family in [Family::GbkAsBig5, Family::Big5AsGbk] {
            for text in &texts {
                let chars: Vec<char> = text.chars().filter(|&c| bigram::covers(c)).collect();
                let undo: Vec<Undo> = chars.iter().map(|&c| Undo::of(c, family)).collect();
                for len in 1..=chars.len() {
                    for at in 0..=chars.len() - len {
                        if Undo::fails(&undo[at..at + len]) {
                            refused += 1;
                            assert_eq!(pair_gain(&chars[at..at + len], family, None, None), None, "{family:?} {text}");
                        }
                    }
                }
            }
        }
        assert!(refused > 0);
    }

    #[test]
    fn decode_pair_agrees_with_encoding_rs() {
        for codec in [Codec::Gbk, Codec::Big5] {
            for pair in (0x8000..=0xFFFFu16).map(u16::to_be_bytes) {
                if let Some(c) = decode_pair(codec, &pair) {
                    assert_eq!(decode(codec, &pair), Some(c.to_string()), "{codec:?} {pair:02x?}");
                }
            }
            assert_eq!(decode_pair(codec, "中".as_bytes()), None);
        }
        assert_eq!(decode_pair(Codec::Gbk, &[0xD6, 0xD0]), Some('中'));
        assert_eq!(decode_pair(Codec::Big5, &[0xA4, 0xA4]), Some('中'));
    }

    #[test]
    fn a_character_no_family_reads_stops_no_repair_beside_it() {
        // `🔎` and the variation selector are in none of Latin-1, GBK and
        // Big5: spans with them are passed over at once, the mojibake
        // beside them in the same run is still found.
        assert!(read_in_no_family('🔎') && read_in_no_family('\u{FE0E}'));
        assert!(!read_in_no_family('中') && !read_in_no_family('é') && !read_in_no_family('€'));
        assert_eq!(repair("Index 🔎\u{FE0E}\n"), "Index 🔎\u{FE0E}\n");
        let garbled = garble(Family::Utf8AsGbk, "打开文件");
        assert_eq!(repair(&format!("{garbled}🔎\u{FE0E}\n")), "打开文件🔎\u{FE0E}\n");
        assert_eq!(repair(&format!("🔎\u{FE0E}{garbled}\n")), "🔎\u{FE0E}打开文件\n");
    }

    #[test]
    fn double_byte_tables_encode_as_encoding_rs_does() {
        // Every character, beyond the BMP too (which `encode_char` answers
        // for GBK and for most of Big5 without the encoder).
        for (codec, encoding) in [(Codec::Gbk, GBK), (Codec::Big5, BIG5)] {
            for c in (0x80..=0x10FFFFu32).filter_map(char::from_u32) {
                let text = c.to_string();
                let mut bytes = Vec::with_capacity(8);
                let (result, _) =
                    encoding.new_encoder().encode_from_utf8_to_vec_without_replacement(&text, &mut bytes, true);
                let expected = (result == encoding_rs::EncoderResult::InputEmpty).then_some(bytes);
                assert_eq!(encode(codec, &text), expected, "{codec:?} {c:?}");
            }
        }
    }

    #[test]
    fn plausible_bin_is_current() {
        let mut bits = vec![0u8; 0x10000 / 8];
        for c in (0..0x10000u32).filter_map(char::from_u32).filter(|&c| !scores_low(c)) {
            bits[c as usize / 8] |= 1 << (c as usize % 8);
        }
        crate::generated::assert_current("src/repair/plausible.bin", &bits);
    }

    #[test]
    fn the_byte_scan_agrees_with_is_suspicious() {
        // Each character at places of a clean text with words of ASCII
        // longer and shorter than the eight bytes read at a time, and runs
        // of Chinese shorter and longer than the four characters read at a
        // time.
        let clean = "中文 a plain ASCII text,\u{FFFD}，。中文字样 一二三四五六七 中文文本处理是一项常见的任务，我们需要把它做好";
        assert!(!has_suspicious(clean));
        let places: Vec<usize> = (0..=clean.len()).filter(|&at| clean.is_char_boundary(at)).collect();
        for c in (0..0x11000u32).filter_map(char::from_u32) {
            for (n, &at) in places.iter().enumerate() {
                if n % 5 != usize::from(u32::from(c) as u8 % 5) && at != 0 && at != clean.len() {
                    continue;
                }
                let text = format!("{}{c}{}", &clean[..at], &clean[at..]);
                assert_eq!(has_suspicious(&text), is_suspicious(c), "{c:?} at {at}");
            }
        }
    }

    /// The byte scan on random text: runs of Chinese of every length
    /// (common and rare characters), ASCII, two- and four-byte characters,
    /// against [`is_suspicious`] character by character.
    mod random_text {
        use super::super::{first_suspicious, is_suspicious};
        use proptest::prelude::*;

        fn any_text() -> impl Strategy<Value = String> {
            let c = prop_oneof![
                4 => proptest::char::range('\u{4E00}', '\u{9FFF}'),
                2 => proptest::char::range(' ', '~'),
                1 => proptest::char::range('\u{80}', '\u{7FF}'),
                1 => any::<char>(),
            ];
            proptest::collection::vec(c, 0..40).prop_map(|chars| chars.into_iter().collect())
        }

        /// Mostly common Chinese, with long runs of it, as most input is.
        fn chinese_text() -> impl Strategy<Value = String> {
            let common: Vec<char> = ('\u{4E00}'..='\u{9FFF}').filter(|&c| !is_suspicious(c)).collect();
            let c = prop_oneof![
                40 => proptest::sample::select(common),
                2 => proptest::char::range('\u{4E00}', '\u{9FFF}'),
                1 => proptest::char::range('\u{3000}', '\u{FFFF}'),
                1 => any::<char>(),
            ];
            proptest::collection::vec(c, 0..80).prop_map(|chars| chars.into_iter().collect())
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 4096, ..ProptestConfig::default() })]
            #[test]
            fn the_byte_scan_finds_the_first_suspicious_character(text in any_text()) {
                let expected = text.char_indices().find(|&(_, c)| is_suspicious(c)).map(|(at, _)| at);
                prop_assert_eq!(first_suspicious(&text), expected);
            }

            #[test]
            fn the_byte_scan_finds_the_first_suspicious_character_in_chinese(text in chinese_text()) {
                let expected = text.char_indices().find(|&(_, c)| is_suspicious(c)).map(|(at, _)| at);
                prop_assert_eq!(first_suspicious(&text), expected);
            }
        }
    }

    #[test]
    fn a_line_with_one_suspicious_character_is_looked_at_only_in_a_short_run() {
        assert!(!may_change("中文文本，完全正确。"));
        assert!(!may_change("秋风萧瑟天气凉，草木摇落露为霜。鬓发如霜"), "one rare character in a long run");
        assert!(may_change("标题 鬓发如霜"), "one rare character in a run of four");
        assert!(may_change("鬓 and 鬟"), "two rare characters");
        assert!(may_change("鍙戝竷"));
    }

    /// `Reach` of the spans of `text` from its start.
    fn reach_from_start(text: &str) -> (usize, Vec<usize>) {
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        let (latin, cjk, latin_non_ascii) = Stretches::new(&chars).at(0);
        let pairs = PairGains::new(&chars);
        let reach = Reach::new(&chars, 0, (latin, latin_non_ascii), cjk, &pairs);
        (chars.len(), (2..=chars.len()).filter(|&end| reach.allows(end)).collect())
    }

    #[test]
    fn reach_allows_mojibake_of_every_family_and_no_span_of_clean_rare_characters() {
        for family in FAMILIES {
            for text in ["我们在图书馆见面，然后一起去吃午饭。", "我們在圖書館見面，然後一起去吃午飯。"]
            {
                let Some(garbled) = garble_if_possible(family, text) else { continue };
                let (len, allowed) = reach_from_start(&garbled);
                assert!(allowed.contains(&len), "{family:?}: {garbled}");
            }
        }
        for clean in ["犇羴鱻猋", "喓喓草虫，趯趯阜螽", "旂淠淠", "忡忡"] {
            assert_eq!(reach_from_start(clean).1, Vec::<usize>::new(), "{clean}");
        }
    }

    #[test]
    fn a_garbled_word_in_a_long_line_of_rare_characters_is_repaired_without_quadratic_work() {
        // 200,000 CJK Extension A characters, every one suspicious, and no
        // space nor line end: a span search that walked to the end of the
        // line from every place took minutes on this. (Glued to such
        // characters, a garbled word is not repaired even in a short line:
        // commas set it apart.)
        let rare = |from: usize| -> String {
            (from..from + 100_000).filter_map(|i| char::from_u32(0x3400 + (i * 7919 % 6582) as u32)).collect()
        };
        let (left, right) = (rare(0), rare(100_000));
        let garbled = format!("{left}，{}，{right}", garble(Family::Utf8AsGbk, "发布"));
        assert_eq!(repair(&garbled), format!("{left}，发布，{right}"));
    }

    #[test]
    fn a_word_of_utf8_read_as_gbk_inside_a_clean_sentence_is_repaired() {
        // Review 12 #6: `鏂囦欢` (文件) with common characters on both sides,
        // which diluted its gain; `璁剧疆` (设置), one odd character only;
        // `鐢ㄦ埛` (用户), a bopomofo letter inside `用`'s bytes.
        for (garbled, right) in [
            ("这个鏂囦欢不能打开", "这个文件不能打开"),
            ("我的鏂囦欢。", "我的文件。"),
            ("今天我们讨论一下鏂囦欢的问题，大家有什么意见吗？", "今天我们讨论一下文件的问题，大家有什么意见吗？"),
            ("这个鍙戝竷不能打开", "这个发布不能打开"),
            ("请检查瀵嗙爜的设置，然后重试。", "请检查密码的设置，然后重试。"),
            ("这个绯荤粺不能打开", "这个系统不能打开"),
            ("璁剧疆已经更新了。", "设置已经更新了。"),
            ("今天我们讨论一下璁剧疆的问题。", "今天我们讨论一下设置的问题。"),
            ("我的璁剧疆。", "我的设置。"),
            ("鐢ㄦ埛", "用户"),
            ("请检查鐢ㄦ埛的设置，然后重试。", "请检查用户的设置，然后重试。"),
            ("這個鏂囦欢不能打開", "這個文件不能打開"),
            ("我的鐧煎竷。", "我的發布。"),
            ("請檢查鐢ㄦ埗，然後重試。", "請檢查用戶，然後重試。"),
            ("瀵嗙⒓已經更新了。", "密碼已經更新了。"),
        ] {
            assert_eq!(repair(garbled), right, "{garbled}");
        }
    }

    #[test]
    fn literal_examples() {
        assert_eq!(repair("鍙戝竷"), "发布");
        assert_eq!(repair("ä¸\u{AD}æ–‡"), "中文");
        assert_eq!(repair("ÖÐÎÄ"), "中文");
        assert_eq!(repair("新闻 鍙戝竷 today"), "新闻 发布 today");
        // UTF-8 of accented letters, not GBK (`茅t茅`).
        assert_eq!(repair("Ã©tÃ©"), "été");
    }

    #[test]
    fn every_family_round_trips_on_a_sentence() {
        let simplified = "我们在图书馆见面，然后一起去吃午饭。";
        let traditional = "我們在圖書館見面，然後一起去吃午飯。";
        for family in FAMILIES {
            let text = if matches!(family, Family::Big5AsLatin1 | Family::Big5AsGbk | Family::Utf8AsBig5) {
                traditional
            } else {
                simplified
            };
            let Some(garbled) = garble_if_possible(family, text) else { continue };
            assert_eq!(repair(&garbled), text, "{family:?}: {garbled}");
        }
    }

    #[test]
    fn a_long_line_is_repaired_as_its_sentences_are_on_lines_of_their_own() {
        let simplified = ["我们在图书馆见面，然后一起去吃午饭。", "这个软件可以把文件转换成简体中文！"];
        let traditional = ["我們在圖書館見面，然後一起去吃午飯。", "這個軟體可以把檔案轉換成繁體中文！"];
        let clean = ["今天的天气很好。", "Read the manual first. ", "他问：你准备好了吗？", "新闻 发布 today "];
        let mut sentences = Vec::new();
        while sentences.iter().map(String::len).sum::<usize>() <= 2 * LONG_LINE {
            for family in FAMILIES {
                let big5 = matches!(family, Family::Big5AsLatin1 | Family::Big5AsGbk | Family::Utf8AsBig5);
                for text in if big5 { traditional } else { simplified } {
                    sentences.extend(garble_if_possible(family, text));
                    sentences.push(clean[sentences.len() % clean.len()].to_owned());
                }
            }
        }
        let one_line = sentences.concat();
        let on_lines: String = sentences.iter().map(|sentence| format!("{sentence}\n")).collect();
        let repaired_lines = repair(&on_lines).replace('\n', "");
        assert!(repaired_lines.contains("我們在圖書館見面") && repaired_lines.contains("转换成简体中文"));
        assert_eq!(repair(&one_line), repaired_lines);
    }

    #[test]
    fn a_sentence_ends_after_its_mark_where_no_span_can_go_on() {
        let ends = |text: &str| sentences(text).map(str::to_owned).collect::<Vec<_>>();
        assert_eq!(ends("一。三！四？五"), ["一。", "三！", "四？", "五"]);
        // `二` is `B6 FE` in GBK, a UTF-8 continuation byte first, but `一`
        // (`D2 BB`) ends in no lead byte of a four-byte character.
        assert_eq!(ends("一。二"), ["一。", "二"]);
        assert_eq!(ends("One. Two!  Three?\tfour e.g.x"), ["One. ", "Two!  ", "Three?\t", "four e.g.x"]);
        // `。` before the GBK reading of a UTF-8 continuation byte may be
        // the middle of a four-byte character read as GBK.
        assert_eq!(ends("\u{E169}。€二。"), ["\u{E169}。€二。"]);
        let four_byte = garble(Family::Utf8AsGbk, "中\u{218E5}中");
        assert_eq!(four_byte, "涓\u{E169}。ヤ腑");
        assert_eq!(ends(&four_byte), [four_byte.as_str()]);
        // GBK read as Latin-1 between clean sentences; `é` is GBK's too.
        assert_eq!(ends("好ÖÐÎÄ好"), ["好", "ÖÐÎÄ", "好"]);
        assert_eq!(ends("好é好"), ["好é好"]);
        let long = "x ".repeat(MAX_SENTENCE);
        assert_eq!(ends(&long)[0].len(), MAX_SENTENCE);
    }

    fn garble_if_possible(family: Family, text: &str) -> Option<String> {
        let (wrong, right) = family.codecs();
        decode(wrong, &encode(right, text)?)
    }

    #[test]
    fn double_encoding_is_undone() {
        let once = garble(Family::Utf8AsLatin1, "中文测试");
        let twice = garble(Family::Utf8AsLatin1, &once);
        assert_eq!(repair(&twice), "中文测试");
    }

    #[test]
    fn a_mojibake_word_inside_a_clean_sentence() {
        let garbled = format!("今天{}大家都来了。", garble(Family::Utf8AsGbk, "发布会，"));
        assert_eq!(repair(&garbled), "今天发布会，大家都来了。");
        let garbled = format!("标题：{}", garble(Family::GbkAsLatin1, "中文测试"));
        assert_eq!(repair(&garbled), "标题：中文测试");
    }

    #[test]
    fn short_pieces_of_a_garbled_line_are_undone_along_its_path() {
        // `的` alone between ASCII words and the box drawing `│` are too
        // little to undo on their own; the rest of the line says how.
        let text = "参见 第 5 章 网络设置，通过设置他们的阈值水平来配置。│ SP 的 sm";
        let garbled = garble(Family::GbkAsLatin1, text);
        assert_eq!(repair(&garbled), text, "{garbled}");
        let garbled = garble(Family::Utf8AsLatin1, &garble(Family::GbkAsLatin1, text));
        assert_eq!(repair(&garbled), text, "{garbled}");
    }

    #[test]
    fn accented_letters_of_latin_words_are_not_undone_along_the_line() {
        // `ég` of `église` and `ße` of `straße` are whole GBK pairs (`間`,
        // `遝`); the line is GBK read as Latin-1 only in its name.
        let line = "ÕÅÈý·á,Rue de l'église, Bahnhofstraße, Protégez votre vie privée";
        assert_eq!(repair(line), "张三丰,Rue de l'église, Bahnhofstraße, Protégez votre vie privée");
        let line = format!("{} Mon\u{AD}day, \"déf\"", garble(Family::Big5AsLatin1, "中國人民"));
        assert_eq!(repair(&line), "中國人民 Mon\u{AD}day, \"déf\"");
    }

    #[test]
    fn euc_jp_kana_read_as_latin1_are_not_read_as_big5() {
        // `レスキュ` in EUC-JP read as Latin-1, from LibreOffice's help.
        let line = "Print StrConv(\"ABCDEVB¥ì¥¹¥\u{AD}¥å©\", vbWide) ' = \"ＡＢＣＤＥＶＢ￥ì￥¹￥\u{AD}￥å©\"";
        assert_eq!(repair(line), line);
    }

    #[test]
    fn box_drawing_of_a_doubly_garbled_table_is_not_read_as_words() {
        // `Â©Â¦`, the box drawing `│` in GBK twice garbled, reads as the
        // common words `漏娄` when undone as one layer.
        let text = "│apt         │aptitude    │apt-get     │安装已安装的软件包的候选│";
        let garbled = garble(Family::Utf8AsLatin1, &garble(Family::GbkAsLatin1, text));
        assert_eq!(repair(&garbled), text, "{garbled}");
    }

    #[test]
    fn kana_left_in_a_big5_line_read_as_gbk_are_undone() {
        // GBK reads Big5's most common characters (`使用`, `由`) as kana and
        // bopomofo, which the span search does not take for mojibake.
        let text = "額外的使用者帳號由root使用者用 adduser(8)";
        let garbled = garble(Family::Big5AsGbk, text);
        assert_eq!(repair(&garbled), text, "{garbled}");
    }

    #[test]
    fn gbk_and_big5_read_as_each_other_are_undone_by_character_pairs() {
        // A title garbled all through: common characters both ways, so only
        // pairs tell.
        for (family, text) in [(Family::GbkAsBig5, "在两个窗口间复制"), (Family::Big5AsGbk, "目錄編輯器")]
        {
            let garbled = garble(family, text);
            assert_eq!(repair(&garbled), text, "{garbled}");
        }
        // Three characters of GBK read as Big5 inside a clean sentence.
        let text = "在上述例子中，命令的输出被重定向到文件。";
        let garbled = format!("{}{}", garble(Family::GbkAsBig5, "在上述"), &text[9..]);
        assert_eq!(garbled, "婓奻扴例子中，命令的输出被重定向到文件。");
        assert_eq!(repair(&garbled), text);
    }

    #[test]
    fn a_span_found_garbled_is_not_undone_into_the_clean_words_beside_it() {
        // Big5 `例如大小` read as GBK (kana and private use), then clean
        // words whose GBK bytes read as Big5 would be common characters too.
        let garbled = format!("{}和修改時間", garble(Family::Big5AsGbk, "例如大小"));
        assert_eq!(repair(&garbled), "例如大小和修改時間");
    }

    #[test]
    fn punctuation_in_gbk_read_as_big5_is_undone_with_its_words() {
        // GBK `行，` read as Big5 is `俴ㄛ`: a rare character and a letter.
        let garbled = format!("七十二{}庄稼为王。", garble(Family::GbkAsBig5, "行，"));
        assert_eq!(garbled, "七十二俴ㄛ庄稼为王。");
        assert_eq!(repair(&garbled), "七十二行，庄稼为王。");
        // GBK `口（` read as Big5.
        let garbled = format!("SMTP 端{}25）连接", garble(Family::GbkAsBig5, "口（"));
        assert_eq!(garbled, "SMTP 端諳ㄗ25）连接");
        assert_eq!(repair(&garbled), "SMTP 端口（25）连接");
    }

    #[test]
    fn vertical_rules_of_a_table_garbled_as_gbk_read_as_big5_are_undone_with_it() {
        // GBK `│` read as Big5 is `岫`: undone in a row garbled all through,
        // beside a real rule, and not where it makes a known pair (`出岫`).
        let cases = [
            (
                "│pwd      │显示当前/工作目录的名称      ││rmdir <foo>  │",
                "岫pwd      岫珆尨絞ゴ/馱釬醴翹腔靡備      岫岫rmdir <foo>  岫",
            ),
            (
                "ables(8)│    │I:0   │    │件生成器 (精简版)    │进行访问。，可以",
                "ables(8)岫    岫I:0   岫    岫璃汜傖け (儕潠唳)    岫輛俴溼恀﹝ㄛ褫眕",
            ),
            (
                "iptables(8)│    │I:0   │    │件生成器 (精简版)    │",
                "iptables(8)│    │I:0   │    岫璃汜傖け (精简版)    │",
            ),
            ("显示当前工作目录，云无心以出岫│", "珆尨絞ゴ馱釬醴翹，云无心以出岫│"),
        ];
        for (text, garbled) in cases {
            assert_eq!(repair(garbled), text, "{garbled}");
        }
        // Not in a line that is not found garbled.
        for clean in ["岫pwd 岫 mkdir 岫", "云无心以出岫，岫"] {
            assert_eq!(repair(clean), clean);
        }
    }

    #[test]
    fn a_character_left_alone_in_a_line_garbled_as_gbk_or_big5_is_undone_too() {
        // The span search leaves one garbled character beside clean ones:
        // `韜` of `命令` (GBK read as Big5), `币` of `啟` (Big5 read as
        // GBK), foreign to the script of the rest of the line.
        let cases = [
            ("普通的 shell 命令行提示下的一些常见的环境变量，可能在你的脚本的执行环境中不存在。", GBK, BIG5),
            ("不要透過簡單的設定 \"xhost +\"來啟用它們。", BIG5, GBK),
        ];
        for (text, right, wrong) in cases {
            let (bytes, _, _) = right.encode(text);
            let garbled = wrong.decode_without_bom_handling_and_without_replacement(&bytes).unwrap();
            assert_eq!(repair(&garbled), text);
        }
    }

    #[test]
    fn a_character_of_the_script_left_in_a_garbled_line_is_undone_where_the_pairs_clearly_say_so() {
        // Big5 read as GBK: `陪示` for `顯示` after `用於` is left by the
        // span search, and `陪` is a character GBK has too.
        let text = "在這裏，一個目錄的可執行權限意味着不僅允許讀目錄裏的文件，還允許顯示他們的屬性，\
                    例如大小和修改時間。ls(1)用於顯示文件和目錄的權限資訊（更多）。當運行時帶有“-l”選項，\
                    它將按給定順序顯示下列資訊。文件的存取權限（9個字元，三個字元組成一組按照使用者、組、其他的順序表示）\
                    chown(1)用於 root 帳號修改文件的所有者。chgrp(1)用於文件的所有者或 root 帳號修改文件所屬的組。\
                    chmod(1)用於文件的所有者或root帳號修改文件和文件夾的存取權限。操作一個foo文件的基本語法如下 。";
        let (bytes, _, _) = BIG5.encode(text);
        let garbled = GBK.decode_without_bom_handling_and_without_replacement(&bytes).unwrap();
        assert_eq!(repair(&garbled), text);
    }

    #[test]
    fn a_clean_character_beside_a_garbled_word_is_given_back() {
        // Big5 `伺服器` read as GBK, between `把` (GBK B0 D1, Big5 `參`) and
        // `寄` (Big5 `敵`): the span took both in (review 12 #3).
        let garbled = format!("請把{}寄給我，謝謝。", garble(Family::Big5AsGbk, "伺服器"));
        assert_eq!(repair(&garbled), "請把伺服器寄給我，謝謝。");
        // Big5 `密碼` read as GBK is `盞絏`: with `把`, the pairs gained
        // enough (`請參` is a known pair); without it, too little to be
        // undone, and the line is left as it is.
        assert_eq!(repair("請把盞絏寄給我，謝謝。"), "請把盞絏寄給我，謝謝。");
        // GBK `文件` read as Big5 in Simplified.
        assert_eq!(repair("请把恅璃寄给我，谢谢。"), "请把文件寄给我，谢谢。");
    }

    #[test]
    fn clean_neighbours_of_a_garbled_word_in_an_address_are_kept() {
        // Review 13 #4 (encoding_rs's mojibake of one word of a generated
        // address): the street's `路`, `街` and `樓` beside the word stay.
        for (garbled, repaired) in [
            // UTF-8 read as GBK: `路` is GBK `C2 B7`, UTF-8's `·`.
            ("广西壮族自治区济南市高港鎷夎惃路X座 534730", "广西壮族自治区济南市高港拉萨路X座 534730"),
            ("28358 朴子澹\u{E0A3}灄路84號之8", "28358 朴子士林路84號之8"),
            // Big5 read as GBK: `街` before a number is no `誰`.
            ("929 大里睭\u{E772}街20號7樓", "929 大里淡水街20號7樓"),
            ("46098 太保\u{E110}攫狶街1號6樓", "46098 太保紅樹林街1號6樓"),
            // Traditional written in GBK, read as Big5: `樓` alone after a
            // number is no `加`.
            ("72104 汐止庈昹嬡街7號1樓", "72104 汐止市西門街7號1樓"),
            ("70421 姁罣燊渡路882號8樓", "70421 蘆竹關渡路882號8樓"),
        ] {
            assert_eq!(repair(garbled), repaired, "{garbled}");
        }
    }

    #[test]
    fn a_comma_that_big5_made_bopomofo_of_is_undone_with_its_neighbour() {
        // GBK `骨，` read as Big5 is `嘎ㄛ`; the pair `其骨` is not in the
        // model, but a bopomofo letter that reads as a comma is evidence.
        assert_eq!(repair("犬彘咋其嘎ㄛ乌鸢啄其皮。"), "犬彘咋其骨，乌鸢啄其皮。");
    }

    #[test]
    fn a_rare_character_under_a_layer_of_utf8_is_no_sign_of_chance() {
        // GBK read as Latin-1, then as cp1252; `媕娿` is rare, but the
        // layer of UTF-8 above it does not decode by chance.
        let text = "观经鸿都尚填咽，坐见举国来奔波。中朝大官老于事，讵肯感激徒媕娿。日销月铄就埋没，六年西顾空吟哦。";
        let (gbk, _, _) = GBK.encode(text);
        let latin1: String = gbk.iter().map(|&b| latin1_char(b)).collect();
        let garbled: String = latin1.as_bytes().iter().map(|&b| latin1_char(b)).collect();
        assert_eq!(repair(&garbled), text);
    }

    #[test]
    fn kana_that_gbk_made_of_big5_are_undone_by_character_pairs() {
        // Big5 `使用下` read as GBK is a bopomofo letter, a kana and a
        // private-use character: kana, but no Japanese.
        let garbled = format!("{}面的方法", garble(Family::Big5AsGbk, "使用下"));
        assert_eq!(garbled, "ㄏノ\u{E5FB}面的方法");
        assert_eq!(repair(&garbled), "使用下面的方法");
    }

    #[test]
    fn a_big5_line_read_as_gbk_with_two_kana_in_five_is_undone_from_its_first_character() {
        // Big5 `請不要動手` read as GBK: `請` (BD D0) reads as the common
        // `叫`, and two of the five characters are kana; the stretch is
        // undone whole, not from its first kana on (review 7 #6).
        let bytes = b"\xbd\xd0\xa4\xa3\xad\x6e\xb0\xca\xa4\xe2\n";
        let garbled = decode(Codec::Gbk, bytes).unwrap();
        assert_eq!(garbled, "叫ぃ璶笆も\n");
        assert_eq!(repair(&garbled), "請不要動手\n");
        let after_clean_line = format!("這是正常的繁體中文文字，沒有任何問題。\n{garbled}");
        assert_eq!(repair(&after_clean_line), "這是正常的繁體中文文字，沒有任何問題。\n請不要動手\n");
    }

    #[test]
    fn japanese_with_kana_between_kanji_is_not_undone_whole() {
        // Shift_JIS has every character: Japanese, whose kana are not counted
        // out of the stretch.
        for text in ["取り扱い説明書を読む\n", "見も知らぬ人\n", "大手も中手も参加\n", "他说这个叫すごい的词很常用\n"]
        {
            let chars: Vec<char> = text.chars().collect();
            assert_eq!(undo_by_pairs(text, false, None, &mut Vec::new()), None, "{text}");
            assert_eq!(repair(text), text);
            assert!(chars.iter().any(|&c| is_kana(c)));
        }
    }

    #[test]
    fn a_clean_character_beside_utf8_read_as_gbk_is_left_out_of_the_span() {
        // With `目` (GBK C4 BF) the span reads as UTF-8 too: `Ŀ錄可以分`.
        let garbled = format!("這些文件和目{}散在多個設備中。", garble(Family::Utf8AsGbk, "錄可以分"));
        assert_eq!(garbled, "這些文件和目閷勫彲浠ュ垎散在多個設備中。");
        assert_eq!(repair(&garbled), "這些文件和目錄可以分散在多個設備中。");
        // And after it: `的` ends in a byte that `原` (GBK D4 AD) completes.
        let garbled = format!("這裡僅敘述{}原始碼包格式。", garble(Family::Utf8AsGbk, "了基本的"));
        assert_eq!(repair(&garbled), "這裡僅敘述了基本的原始碼包格式。");
    }

    #[test]
    fn letters_but_kana_are_suspicious() {
        let letters: Vec<char> = (0..0x10000u32).filter_map(char::from_u32).filter(|&c| is_letter(c)).collect();
        assert!(letters.len() > 500);
        for c in letters.into_iter().filter(|&c| !is_kana(c)) {
            assert!(is_suspicious(c), "{c:?}");
        }
    }

    #[test]
    fn han_undo_is_worked_out() {
        for family in [Family::GbkAsBig5, Family::Big5AsGbk] {
            for c in (bigram::START..bigram::END).filter_map(char::from_u32) {
                assert_eq!(Undo::of(c, family), Undo::worked_out(c, family), "{family:?} {c:?}");
            }
        }
    }

    #[test]
    fn stretch_characters_are_one_pair_or_none() {
        for family in [Family::GbkAsBig5, Family::Big5AsGbk] {
            for c in (0..0x10000u32).filter_map(char::from_u32).filter(|&c| in_pair_stretch(c)) {
                assert_ne!(Undo::of(c, family), Undo::Unaligned, "{family:?} {c:?}");
            }
        }
    }

    #[test]
    fn lines_the_pair_model_may_undo_are_told_from_clean_lines_with_rare_characters() {
        for text in [
            garble(Family::GbkAsBig5, "在两个窗口间复制"),
            garble(Family::Big5AsGbk, "目錄編輯器"),
            "婓奻扴例子中，命令的输出被重定向到文件。".into(),
        ] {
            let chars: Vec<char> = text.chars().collect();
            let kana = chars.iter().filter(|&&c| is_kana(c)).count();
            assert!(pairs_may_undo(&chars, kana), "{text}");
        }
        // Rare characters none of whose neighbours reads as a character in
        // the other charset.
        for text in ["秋风萧瑟天气凉，草木摇落露为霜。鬓发如霜", "王孙去，萋萋满别情。"] {
            let chars: Vec<char> = text.chars().collect();
            let kana = chars.iter().filter(|&&c| is_kana(c)).count();
            assert!(!pairs_may_undo(&chars, kana), "{text}");
        }
    }

    #[test]
    fn rare_pairs_of_correct_text_are_not_undone_by_character_pairs() {
        // Classical poetry pairs rare characters; Japanese pairs kanji
        // differently; a reading in the other script does not fit the line.
        for text in
            ["其旂淠淠，鸞聲嘒嘒。載驂載駟，君子所屆。", "王孙去，萋萋满别情。", "接続は 以我覃耜 鞫人忮忒，譖始竟背。"]
        {
            assert_eq!(undo_by_pairs(text, false, None, &mut Vec::new()), None, "{text}");
            assert_eq!(repair(text), text);
        }
    }

    #[test]
    fn words_alone_on_a_line_are_not_read_as_gbk_and_big5_of_each_other() {
        for text in [
            "忐忑\n",
            "癲癇\n",
            "桎梏\n",
            "汩汩\n",
            "偅 假\n",
            "忐忑 3 a\n",
            "- 忐忑\n",
            "[忐忑]\n",
            "| 忐忑 | 不安 |\n",
        ] {
            assert_eq!(repair(text), text);
        }
        // Common words garbled so are still undone alone.
        for (family, word) in [(Family::GbkAsBig5, "中文"), (Family::GbkAsBig5, "使用"), (Family::Big5AsGbk, "設置")]
        {
            assert_eq!(repair(&format!("{}\n", garble(family, word))), format!("{word}\n"));
        }
    }

    #[test]
    fn lists_of_latin1_letters_are_not_read_as_gbk_or_big5() {
        for text in [
            "ÀÂÇÉÈÊËÎÏÔÙÛÜŸ",
            "Accents: ÀÂÄÉÈÊËÎÏÔÖÙÛÜ",
            "°±²³´µ¶·¸¹º»¼½¾¿",
            "ÁÉÍÓÚÑÜ áéíóúñü",
            "Sonderzeichen: äöüÄÖÜß",
            "ÄÖÜäöüß ÆØÅæøå ÉÈÊË",
            "abcdefghijklmnopqrstuvwxyz £©µÀÆÖÞßéöÿ",
        ] {
            assert_eq!(repair(text), text);
        }
    }

    #[test]
    fn latin1_symbols_beside_chinese_are_not_read_as_gbk_or_big5() {
        for text in [
            "常用符号：©®±½¼¾×÷§¶",
            "引号«»与¿¡",
            "«»¿¡",
            "符号：±½¼¾",
            "符号：×÷§¶",
            "标记§¶©®",
            "价格±5%",
            "½杯水",
            "第§3条",
            "©2024 公司",
            "温度25°C",
            "×2倍",
            "Â© Ã©",
            "中文Â©Ã©",
            "版权 Â© Ã© 中文",
        ] {
            assert_eq!(repair(text), text);
        }
    }

    #[test]
    fn gbk_read_as_latin1_symbols_is_undone_into_frequent_characters() {
        assert_eq!(repair("说明：°²×°³ÌÐò"), "说明：安装程序");
        assert_eq!(repair("°²×°"), "安装");
        assert_eq!(repair("他说：¡°ÄãºÃ¡±"), "他说：“你好”");
    }

    #[test]
    fn japanese_is_not_read_as_big5_read_as_gbk() {
        for text in ["へ接続中\n", "継続中\n", "障害の発生\n", "手続き言語\n", "'%s' へ接続中…\n"]
        {
            assert_eq!(repair(text), text);
        }
        assert!(reads_as_japanese(&"手続き言語".chars().collect::<Vec<_>>()));
        // Bopomofo is not Japanese: what GBK makes of Big5 `使用`.
        assert!(!reads_as_japanese(&"ㄏノ者".chars().collect::<Vec<_>>()));
    }

    #[test]
    fn japanese_beside_a_symbol_that_shift_jis_lacks_is_still_japanese() {
        // `くみ` is Big5 `仁心` read as GBK; the emoji, `•` and `〜` (WHATWG's
        // Shift_JIS has only `～`) once took the line out of Japanese.
        for text in ["😀 くみ子\n", "• は高い電話。\n", "田中 くみ子〜\n", "© 2024 山田 くみ子\n"]
        {
            assert_eq!(repair(text), text);
        }
    }

    #[test]
    fn zhuyin_readings_are_not_undone() {
        // `ㄌㄧ` is Big5 `依函` read as GBK, `ㄍㄠ` is `侍兒`.
        for text in ["ㄌㄧˇ\n", "這裡 ㄓㄜˋ ㄌㄧˇ\n", "ㄍㄠ ㄓㄤˇ\n", "立地成佛：ㄌㄧˋ ㄉㄧˋ ㄔㄥˊ ㄈㄛˊ\n"]
        {
            assert_eq!(repair(text), text);
        }
        let syllables = |text: &str| {
            let chars: Vec<char> = text.chars().collect();
            zhuyin(&chars).into_iter().map(|s| chars[s].iter().collect()).collect::<Vec<String>>()
        };
        assert_eq!(syllables("的 ˙ㄉㄜ，高 ㄍㄠ 興 ㄒㄧㄥˋ"), ["˙ㄉㄜ", "ㄍㄠ", "ㄒㄧㄥˋ"]);
        // Without a tone mark anywhere, or glued to Han, it is no reading.
        assert!(syllables("ㄍㄠ ㄓㄤ").is_empty());
        assert!(syllables("好ㄉˋ").is_empty());
        // What Big5 read as GBK makes of `使用` is still undone.
        assert_eq!(repair("ㄏノ\n"), "使用\n");
    }

    #[test]
    fn kaomoji_are_not_read_as_gbk_and_big5_of_each_other() {
        for text in ["(ノへ￣、)\n", "我跑了ε=ε=ε=┏(゜ロ゜;)┛\n", "好累(ノへ￣、)\n"] {
            assert_eq!(repair(text), text);
        }
        let chars: Vec<char> = "好累(ノへ￣、) 我┏(゜ロ゜;)┛ (中文) (ok)".chars().collect();
        let faces: Vec<String> = kaomoji(&chars).into_iter().map(|face| chars[face].iter().collect()).collect();
        assert_eq!(faces, ["(ノへ￣、)", "┏(゜ロ゜;)┛"]);
    }

    #[test]
    fn a_piece_of_a_list_of_latin1_letters_is_not_read_as_one_han_character() {
        assert_eq!(repair("£©µÀ\n"), "£©µÀ\n");
        // Two Han characters are: GBK `安装` read as Latin-1.
        assert_eq!(repair("°²×°\n"), "安装\n");
    }

    #[test]
    fn correct_text_is_never_changed() {
        for text in [
            // Symbols alone, which GBK and Big5 read as characters of the
            // other.
            "∕ division slash",
            "白色的 \"●\" 表示一个 \"不活动\"的状态。",
            "epoll – Notifications d'événements",
            "中文文本，完全正确。",
            "國家互聯網信息辦公室",
            "Größe, café, crème brûlée, naïve, Ærøskøbing",
            "日本語のテキストです。",
            "한국어 텍스트입니다.",
            "∑ x² ≤ π · r² — “quotes” and ‘more’ …",
            "emoji 😀👍🏽 and 中文",
            "犇羴鱻猋 are rare but correct",
            "// 计算校验和\nfn checksum() {}",
            "北京(Běijīng)第(1)項，推M(jìn)",
            "中華網(wǎng)訊，國(guó)家互聯(lián)網(wǎng)",
            "Zhōngguó rénmín yínháng, lǜsè, nǚ'ér",
            "Œuvres complètes — « Les Misérables » (1862), ½ €",
            "ÈÉÊË",
            "ÉÈÊË ÀÂ",
            "ÀÁÂÃÄÅ 是拉丁字母。",
            "ÐÑÒÓÔÕÖ",
        ] {
            assert_eq!(repair(text), text);
        }
    }

    #[test]
    fn correct_rare_words_are_not_read_as_gbk_and_big5_of_each_other() {
        // Review round 5, issue 4, F5: each was read so, alone on a line or
        // in a sentence.
        for text in ["他住在山旮旯儿里。", "硫唑嘌呤", "我们讨论了芫荽的问题。", "心怀忐忑", "蚍蜉撼樹", "窀穸"]
        {
            assert_eq!(repair(text), text);
        }
        // Mojibake of words is still undone: what it gives are words.
        assert_eq!(repair("婓奻扴例子中"), "在上述例子中");
    }

    #[test]
    fn symbols_around_a_nickname_do_not_carry_its_han_characters_into_big5() {
        // `﹏﹏嘿嘿` in GBK: the small wavy low line U+FE4F (a96e) twice,
        // then 嘿 (bad9) twice; the same bytes read as Big5 are `姊姊稱稱`.
        let bytes = [0xA9, 0x6E, 0xA9, 0x6E, 0xBA, 0xD9, 0xBA, 0xD9];
        let nickname = decode(Codec::Gbk, &bytes).unwrap();
        assert_eq!(nickname, "﹏﹏嘿嘿");
        assert_eq!(decode(Codec::Big5, &bytes).unwrap(), "姊姊稱稱");
        for line in [nickname.as_str(), "﹏﹏ 嘿嘿", "落花流水﹏﹏籧篨戚施", "︷︷猫猫︷︷", "°晨晨°", "◇◆楠楠◆◇"]
        {
            assert_eq!(repair(line), line);
        }
        // Big5 read as GBK that gives the same symbol is undone: its
        // common characters read as many different symbols, letters and
        // private-use characters, more than the Han characters it gives.
        let sentence = "我姊姊說她們明天回來";
        let garbled = garble(Family::Big5AsGbk, sentence);
        assert!(garbled.contains('﹏'), "{garbled}");
        assert_eq!(repair(&garbled), sentence);
    }

    #[test]
    fn symbol_runs_and_foreign_words_that_gbk_and_big5_encode_are_not_read_as_each_other() {
        for text in [
            "①②③",
            "A. ①②    B. ②③    C. ①③    D. ①②③",
            "罗马数字：ⅠⅡⅢⅣⅤ",
            "★★★★★ 五星好评",
            "拼音：āáǎàōóǒò",
            "ㄅㄆㄇㄈ ㄉㄊㄋㄌ ㄍㄎㄏ ㄐㄑㄒ",
            "单位：㎡㎏㎎㎜",
            "The years 1990–2000 and 2000–2010.",
            "Temperature 20 °C to 30 °C",
            "€5 or €10",
            "see § 3 and § 4",
            "Привет, мир! Как дела?",
            "Москва — столица России.",
            "Владимир Владимирович Путин",
            "Мирослав Николић",
            "Ова опција чини да „man“ освежи оставе његове базе података",
            "ἁμαρτάνειν",
            "㊣㊣",
            "西班牙语的重音字母：ÁÉÍÓÚ",
            "ÁÉÍÓÚ áéíóú",
            "ÀÉÎÕÜ",
            "mäßig und gemäß",
            "ÐÑÒÓÔÕÖ×ØÙÚÛÜÝÞß",
            "╚══╩══╝  └──┴──┘  ╰──┴──╯  ╰──┴──╯  ┗━━┻━━┛",
            "∫∫∫",
            "I = ∫∫ f(x,y) dx dy",
            "(0x222C, \"M\", \"∫∫\"),",
        ] {
            assert_eq!(repair(text), text);
        }
    }

    #[test]
    fn utf8_read_as_latin1_is_undone_as_utf8_though_gbk_reads_it_as_more_common_characters() {
        // Review 13 #5: each was once undone as GBK read as Latin-1.
        assert_eq!(repair("èµµäº®\n"), "赵亮\n");
        assert_eq!(repair("山东省潮州县å±±äº\u{AD}福州街b座\n"), "山东省潮州县山亭福州街b座\n");
        assert_eq!(repair("河南省ä¸½ä¸½县沙湾李路\n"), "河南省丽丽县沙湾李路\n");
        assert_eq!(repair(&format!("{}\n", garble(Family::Utf8AsLatin1, "孙浩"))), "孙浩\n");
        // Rare characters too: `瞿鑫` scores below the thresholds.
        assert_eq!(repair("çž¿é‘«\n"), "瞿鑫\n");
    }

    #[test]
    fn a_layer_of_utf8_is_undone_before_gbk_read_as_latin1() {
        // `杨颖` in GBK read as Latin-1 (`Ñîó±`), that in UTF-8 read as
        // windows-1252; GBK reads the outer bytes as `脩卯脫卤`.
        assert_eq!(repair("Ã‘Ã®Ã“Â±\n"), "杨颖\n");
    }

    #[test]
    fn lists_of_characters_in_code_point_order_are_not_read_as_gbk_or_big5() {
        // Review 13 #7: each was once read as GBK read as Big5 or back.
        for text in ["茉芧芨芩\n", "栫 栭 栱 栲\n", "部首：栫栭栱栲\n", "碗盍盚盝\n"] {
            assert_eq!(repair(text), text);
        }
        let listed = |text: &str| listed_characters(&text.chars().collect::<Vec<_>>());
        assert_eq!(listed("碗盍盚盝"), [false, true, true, true]);
        // One character out of order inside a list is part of it.
        assert_eq!(listed("婥婦溪婧"), [true; 4]);
        assert_eq!(listed("中文测试"), [false; 4]);
    }

    #[test]
    fn a_short_name_read_as_latin1_is_undone_in_the_charset_whose_reading_is_likelier() {
        // Review 13 #6: each was once undone in the other charset (Big5
        // reads GBK `陈丽华` as `麻璨貌`, `陈峰` as `麻瑕`; GBK reads Big5
        // `黃仁傑` as `独く城`, `陳國華` as `朝瓣地`).
        assert_eq!(repair("³ÂÀö»ª\n"), "陈丽华\n");
        assert_eq!(repair(&format!("{}\n", garble(Family::GbkAsLatin1, "陈峰"))), "陈峰\n");
        assert_eq!(repair(&format!("{}\n", garble(Family::Big5AsLatin1, "黃仁傑"))), "黃仁傑\n");
        assert_eq!(repair(&format!("{}\n", garble(Family::Big5AsLatin1, "陳國華"))), "陳國華\n");
        // In a row of a table, between ASCII.
        assert_eq!(repair(&format!("12,{},陈丽华\n", garble(Family::GbkAsLatin1, "陈丽华"))), "12,陈丽华,陈丽华\n");
        // Both readings about as likely (`陈超`, Big5 `麻閉`): left.
        assert_eq!(repair("³Â³¬\n"), "³Â³¬\n");
        // Nor a piece of it (Big5 `廖鈺婷`, whose first four bytes are GBK `郭啾`).
        assert_eq!(repair("¹ùà±´@\n"), "¹ùà±´@\n");
    }

    #[test]
    fn a_doubled_rare_character_is_not_read_as_gbk_or_big5() {
        // Review 13 #3: each was once undone into another doubled character
        // (`水振振`, `他看起来访振振的。`, `韦韦娘惹文化`, `零露鬧鬧`, `軟軟之愚`,
        // `• 傭中顺顺`).
        // Review 16 #2: rare doublings whose misreading is a word were
        // still undone (`淥淥` → `振振`, `四牡佶佶` → `四牡烁烁`, `伈伈` → `沙沙`).
        for text in [
            "水淥淥\n",
            "他看起来溼淥淥的。\n",
            "峇峇娘惹文化\n",
            "零露瀼瀼\n",
            "硁硁之愚\n",
            "• 傭中佼佼\n",
            "淥淥\n",
            "• 淥淥\n",
            "他看起来淥淥的。\n",
            "四牡佶佶\n",
            "伈伈\n",
            "他看起来伬伬的。\n",
        ] {
            assert_eq!(repair(text), text);
        }
        // The price (a known problem): a common doubled word garbled alone
        // in a clean line is left as it is, since it reads as a doubling too.
        for garbled in ["我们毞毞地走了进来。\n", "我們繰繰地走了進來。\n", "我們盽盽地走了進來。\n"]
        {
            assert_eq!(repair(garbled), garbled);
        }
        // Review 17 #2: a garbled word with a doubled character in it is
        // undone when the doubling undone is a word.
        for (garbled, repaired) in [
            ("你还是应该检查 ABI 的兼容性问枙脹脹。\n", "你还是应该检查 ABI 的兼容性问题等等。\n"),
            ("这是一段荎恅恅本。\n", "这是一段英文文本。\n"),
            ("我說德粂粂ē環境\n", "我說德語語言環境\n"),
        ] {
            assert_eq!(repair(garbled), repaired);
        }
    }

    #[test]
    fn characters_beside_an_undone_piece_are_undone_with_it() {
        // GBK read as Big5 (Debian Reference lines): the span search left
        // `腔` before ASCII and `粒` between two undone pieces as they were.
        for (garbled, repaired) in [
            (
                "ぱ籵腔 shell 韜鍔俴枑尨狟腔珨虳都獗腔遠噫曹講ㄛ褫夔婓斕腔褐掛腔硒俴遠噫笢祥湔婓﹝\n",
                "普通的 shell 命令行提示下的一些常见的环境变量，可能在你的脚本的执行环境中不存在。\n",
            ),
            (
                "悵厥斕腔掘爺炵苀潠賞甜й冪都掘爺斕腔炵苀ㄛ衄掘爺杅擂掀斕粒蚚腔掘爺源楊腔撮扲珂輛猁笭猁腔嗣﹝\n",
                "保持你的备份系统简洁并且经常备份你的系统，有备份数据比你采用的备份方法的技术先进要重要的多。\n",
            ),
        ] {
            assert_eq!(repair(garbled), repaired);
        }
    }

    #[test]
    fn cells_of_a_row_are_judged_each_as_it_would_be_alone() {
        // Review 14 #2: two cells of one rare word (an OpenCC dictionary's
        // line, a CC-CEDICT entry, a CSV row) were undone where one alone
        // was not (`顺顺	顺顺`, `ゃ失	蚕失`, `瘦瘦,瘦瘦,1`, `綸画	綸画`).
        for text in
            ["佼佼\t佼佼\n", "扎囮\t紮囮\n", "忡忡,忡忡,1\n", "胡渰\t胡渰\n", "佼佼 佼佼 [jiao3 jiao3] /outstanding/\n"]
        {
            assert_eq!(repair(text), text);
        }
        // Cells of common words garbled are undone each.
        for (word, family) in [("头发", Family::GbkAsBig5), ("頭髮", Family::Big5AsGbk)] {
            let garbled = garble(family, word);
            assert_eq!(repair(&format!("{garbled}\t{garbled}\n")), format!("{word}\t{word}\n"), "{garbled}");
        }
    }

    #[test]
    fn gbk_read_as_big5_by_python_is_undone_with_the_pairs_of_its_table() {
        // Review 13 #12: `区` is GBK C7F8, which Python's big5 reads as `⑹`
        // and WHATWG's Big5 encodes as C6B0, GBK `瓢`.
        assert_eq!(repair("西藏赻笥⑹\n"), "西藏自治区\n");
        assert_eq!(eten_pair('⑹'), Some([0xC7, 0xF8]));
        assert_eq!(eten_pair('ヾ'), Some([0xC6, 0xA1]));
        assert_eq!(eten_pair('⑽'), Some([0xC7, 0xFC]));
        assert_eq!(eten_pair('中'), None);
        // Every one of them is at another pair in WHATWG's table.
        assert_eq!(ETEN_C6A1.chars().count(), 249);
        let whatwg_pair_differs =
            |c| encode_pair(Codec::Big5, c).is_some_and(|pair| Some(pair) != eten_pair(c).map(Ok));
        assert!(ETEN_C6A1.chars().all(whatwg_pair_differs));
        // The same text read by WHATWG's Big5 is undone as it was.
        assert_eq!(repair(&format!("西藏{}\n", garble(Family::GbkAsBig5, "自治区"))), "西藏自治区\n");
    }

    #[test]
    fn a_word_of_gbk_read_as_latin1_inside_chinese_is_undone() {
        for (before, word, after) in [("名冲突", "，请", "确保没有"), ("r0\"", "的", "主设备")] {
            let garbled = format!("{before}{}{after}", garble(Family::GbkAsLatin1, word));
            assert_eq!(repair(&garbled), format!("{before}{word}{after}"), "{garbled}");
        }
        // Latin-1 letters glued to ASCII ones are a word; symbols beside
        // Chinese are symbols.
        for clean in [
            "听Björk的歌",
            "Zoë和我",
            "价格±5%",
            "温度°C，湿度",
            "常用符号：©®±",
            // Last look 15: symbols in pairs, which GBK reads as Han.
            "乘除号×÷是运算符号",
            "««上一页 下一页»»",
            "正负±×号",
        ] {
            assert_eq!(repair(clean), clean);
        }
    }

    /// The repair stage as the pipeline runs it (hole recovery, then
    /// mojibake repair) on generated Chinese-like text with garbled pieces
    /// of every family.
    mod generated_text {
        use super::super::{has_suspicious, Repairer};
        use crate::repair::Recoverer;
        use proptest::prelude::*;
        use std::borrow::Cow;

        fn repaired(text: &str) -> String {
            let recovered = Recoverer::default().recover(text);
            Repairer::default().repair(&recovered).into_owned()
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

            #[test]
            fn repairing_repaired_text_changes_nothing_more(text in crate::chinese_like::text(30)) {
                let once = repaired(&text);
                prop_assert_eq!(repaired(&once), once.clone(), "{:?}", text);
                prop_assert_eq!(once.matches('\n').count(), text.matches('\n').count(), "{:?}", text);
            }

            #[test]
            fn text_without_a_suspicious_character_is_not_repaired(text in crate::chinese_like::text(30)) {
                let unchanged = matches!(Repairer::default().repair(&text), Cow::Borrowed(_));
                prop_assert!(unchanged || has_suspicious(&text), "{:?}", text);
            }
        }
    }
}
