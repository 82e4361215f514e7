//! Damage that cannot be undone, reported with its position so that a person
//! can go back to a better source: U+FFFD (and U+FFFD at a line end, a
//! character cut in half), `锟斤拷` (U+FFFD written as UTF-8 and read as
//! GBK), `烫烫烫`/`屯屯屯` (uninitialised memory from MSVC debug builds),
//! NUL bytes (padding, zeroed bytes), and a `?` or lone Latin letter
//! standing where a Chinese character was lost.
//! The text itself is left as it is: a guess would be invention.
//!
//! A `?` or a single letter between two Han characters is also ordinary
//! text (`是什么意思?该`, `C函数`, `X轴`, `A股`, and among rare characters
//! `氘氚X射线`, `吲哚啉C环`), so it is reported only among rare Han
//! characters and when the line has two such holes at least: an encoder
//! that could not map characters writes `?` for each, and a GBK byte stream
//! read one byte off (a lost lead byte) shows letters and `?` among the rare
//! characters its misaligned byte pairs make (`第二?龆丝诤糯笥诘谝桓觯?敲此?腔`,
//! from Debian's manpages-zh), though not when every hole is a capital
//! (`用氘氚X射线和铱钯铑X荧光分析`); a `?` alone counts among four rare
//! characters. Written Cantonese characters (`咗`, `哋`, `嘢`) are not rare. Three `烫` or `屯` are a word as often
//! (`汤烫烫烫的`): a run is reported from four, or from three in a line
//! with `锟斤拷`.
//! Each is also found in its Traditional form, `錕斤拷` and `燙燙燙`, as
//! conversion to Traditional writes them (OpenCC's s2t converts them as it
//! converts any text): a file converted once must not pass `--check` that
//! failed on its damage before.
//! On the 21 MB differential corpus and the clean control set the rule
//! reported exactly the two damaged lines of manpages-zh and nothing else
//! before it asked for two holes; now it reports one of them (README,
//! *Damage report*).

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use serde::Serialize;

/// One spot of irreparable damage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Damage {
    /// 1-based line.
    pub line: u64,
    /// 1-based column, in characters.
    pub column: u64,
    /// What was found.
    pub kind: DamageKind,
}

/// The kinds of damage the scan recognises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DamageKind {
    /// U+FFFD, the replacement character: a byte sequence was lost.
    ReplacementCharacter,
    /// `锟斤拷`: U+FFFD encoded as UTF-8, then read as GBK.
    Kunjinkao,
    /// `烫烫烫` or `屯屯屯`: uninitialised stack or heap memory printed as GBK.
    UninitialisedMemory,
    /// A pinyin gloss after a Latin letter or `?` (`M(jìn)`): the character
    /// it glossed was lost (found by the clean stage).
    LostGlossedCharacter,
    /// A `?` or a lone Latin letter between Han characters, among rare
    /// ones: a character was lost (see the module docs).
    LostCharacter,
    /// U+FFFD at the end of a line or of the text: half of a multi-byte
    /// character, cut (decoded with `--lossy`).
    CutCharacter,
    /// NUL bytes (U+0000) in text: padding, or zeroed bytes; a run is one.
    NulCharacter,
}

impl DamageKind {
    /// A short description for people.
    pub fn describe(self) -> &'static str {
        match self {
            DamageKind::ReplacementCharacter => "U+FFFD replacement character (bytes were lost)",
            DamageKind::Kunjinkao => "锟斤拷 (U+FFFD written as UTF-8 and read as GBK)",
            DamageKind::UninitialisedMemory => "烫烫烫/屯屯屯 (uninitialised memory read as GBK)",
            DamageKind::LostGlossedCharacter => "pinyin gloss after a stand-in: the glossed character was lost",
            DamageKind::LostCharacter => "? or a lone letter among rare Han characters: a character was lost",
            DamageKind::CutCharacter => "U+FFFD at a line end: a multi-byte character was cut in half",
            DamageKind::NulCharacter => "NUL bytes (U+0000) in text: padding or zeroed bytes",
        }
    }
}

/// Where the scan is in the text: the 1-based line and column of the next
/// character it will see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    line: u64,
    column: u64,
}

impl Position {
    /// The 1-based line and column.
    pub fn line_column(&self) -> (u64, u64) {
        (self.line, self.column)
    }

    /// Moves over `text`.
    pub fn advance(&mut self, text: &str) {
        let newlines = memchr::memchr_iter(b'\n', text.as_bytes()).count() as u64;
        let last_line = match memchr::memrchr(b'\n', text.as_bytes()) {
            Some(newline) => {
                self.line += newlines;
                self.column = 1;
                &text[newline + 1..]
            }
            None => text,
        };
        self.column += last_line.chars().count() as u64;
    }
}

impl Default for Position {
    fn default() -> Self {
        Position { line: 1, column: 1 }
    }
}

/// The patterns of damage, each with the unit that repeats in a run of it.
const PATTERNS: [(&str, &str, DamageKind); 7] = [
    ("\0", "\0", DamageKind::NulCharacter),
    ("\u{FFFD}", "\u{FFFD}", DamageKind::ReplacementCharacter),
    (KUNJINKAO[0], KUNJINKAO[0], DamageKind::Kunjinkao),
    (KUNJINKAO[1], KUNJINKAO[1], DamageKind::Kunjinkao),
    ("烫烫烫", "烫", DamageKind::UninitialisedMemory),
    ("燙燙燙", "燙", DamageKind::UninitialisedMemory),
    ("屯屯屯", "屯", DamageKind::UninitialisedMemory),
];

/// The patterns after NUL (`PATTERNS[1..]`), all of three-byte
/// characters, searched for in one pass: `aho-corasick`'s vectorised search
/// takes them together where a `memmem` pass each cost clean text 2.7
/// instructions a byte. NUL is searched for apart, with `memchr`: a
/// one-byte pattern among them would make the multi-pattern search stop at
/// the first byte of every common character. No pattern can start inside a
/// match of another (they share no character but `斤拷`, which starts none),
/// so the leftmost matches of all are those of each alone. The automaton
/// is a plain NFA: in clean text the vectorised prefilter does the search,
/// and the DFA that the builder picks by default for so few patterns cost
/// 0.37 M instructions to build, a quarter of a run on a 1 KB file.
static MULTI_BYTE_PATTERNS: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostFirst)
        .kind(Some(AhoCorasickKind::NoncontiguousNFA))
        .build(PATTERNS[1..].iter().map(|(pattern, _, _)| pattern))
        .expect("the damage patterns are few and short")
});

/// `锟斤拷`, and as conversion to Traditional writes it.
const KUNJINKAO: [&str; 2] = ["锟斤拷", "錕斤拷"];

/// Scans `text`, which follows the text already scanned up to `position`,
/// and appends the damage found; `position` moves to the end of `text`.
///
/// Clean text is the common case, so the scan is two vectorised passes over
/// the bytes (`MULTI_BYTE_PATTERNS`, and `memchr` for NUL); lines and
/// columns are counted only up to each find.
/// A pattern cut by the end of `text` is not seen: callers pass whole lines.
pub fn scan_damage(text: &str, position: &mut Position, found: &mut Vec<Damage>) {
    let bytes = text.as_bytes();
    let mut hits: Vec<(usize, usize, DamageKind)> = Vec::new();
    let nul = memchr::memchr_iter(0, bytes).map(|start| (start, 0));
    let multi_byte = MULTI_BYTE_PATTERNS.find_iter(bytes).map(|found| (found.start(), found.pattern().as_usize() + 1));
    let mut run_ends = [0; PATTERNS.len()];
    for (start, pattern) in nul.chain(multi_byte) {
        let (_, unit, kind) = PATTERNS[pattern];
        let run_end = &mut run_ends[pattern];
        // A run of the same damage (`锟斤拷锟斤拷`, `烫烫烫烫`) is one report.
        if start < *run_end {
            continue;
        }
        let rest = &text[start..];
        *run_end = start + rest.len() - rest.trim_start_matches(unit).len();
        let run_end = *run_end;
        if kind == DamageKind::UninitialisedMemory && !is_uninitialised_memory(text, start, run_end) {
            continue;
        }
        let at_line_end = matches!(text.as_bytes().get(run_end), None | Some(b'\n' | b'\r'));
        let kind =
            if kind == DamageKind::ReplacementCharacter && at_line_end { DamageKind::CutCharacter } else { kind };
        hits.push((start, run_end, kind));
    }
    hits.extend(lost_characters(text).into_iter().map(|at| (at, at + 1, DamageKind::LostCharacter)));
    hits.sort_unstable_by_key(|&(start, _, _)| start);
    let mut scanned = 0;
    for (start, _, kind) in hits {
        position.advance(&text[scanned..start]);
        scanned = start;
        found.push(Damage { line: position.line, column: position.column, kind });
    }
    position.advance(&text[scanned..]);
}

/// How many characters make a run of `烫` or `屯` uninitialised memory on
/// their own: a buffer of 0xCC or 0xCD bytes is rarely shorter, while three
/// is a word of ordinary text (`汤烫烫烫的`, scalding hot).
const MEMORY_MIN_RUN: usize = 4;

/// Whether the run of `烫` or `屯` at `text[start..end]` is uninitialised
/// memory: [`MEMORY_MIN_RUN`] characters at least, or three in a line that
/// has `锟斤拷` too (garbage printed by the same kind of program).
fn is_uninitialised_memory(text: &str, start: usize, end: usize) -> bool {
    let line_start = text[..start].rfind('\n').map_or(0, |newline| newline + 1);
    let line_end = text[end..].find('\n').map_or(text.len(), |newline| end + newline);
    let line = &text[line_start..line_end];
    text[start..end].chars().count() >= MEMORY_MIN_RUN || KUNJINKAO.iter().any(|kunjinkao| line.contains(kunjinkao))
}

/// How many characters on each side of a `?` or letter are looked at, and
/// how many of them must be rare Han for it to count as a lost character.
const LOST_WINDOW: usize = 6;
const LOST_MIN_RARE: usize = 2;
/// How many such holes a line must have: one alone is ordinary text among
/// rare characters as often as not (`氘氚X射线`, `吲哚啉C环`, `囧?槑`), while an
/// encoder that could not map characters, or a GBK stream read one byte off,
/// leaves several...
const LOST_MIN_PER_LINE: usize = 2;
/// ...unless it is a `?` among this many rare Han characters at least.
const LOST_MIN_RARE_ALONE: usize = 4;

/// Byte offsets of `?`s and lone ASCII letters that stand between two Han
/// characters among at least [`LOST_MIN_RARE`] rare ones, in lines with
/// [`LOST_MIN_PER_LINE`] of them at least, or `?`s among
/// [`LOST_MIN_RARE_ALONE`].
fn lost_characters(text: &str) -> Vec<usize> {
    let found = hole_candidates(text);
    // The holes of one line, `found[first..end]`, are kept or dropped together.
    let mut kept = Vec::with_capacity(found.len());
    let mut first = 0;
    while first < found.len() {
        let line_end = text[found[first].0..].find('\n').map_or(text.len(), |newline| found[first].0 + newline);
        let end = first + found[first..].iter().take_while(|&&(at, _)| at < line_end).count();
        let holes = &found[first..end];
        let alone_enough = |&(at, rare): &(usize, usize)| text.as_bytes()[at] == b'?' && rare >= LOST_MIN_RARE_ALONE;
        // Capitals between Han are how Chinese writes X射线 and C环, however
        // many a line holds; an unmappable character is written `?`.
        let not_a_capital = |&(at, _): &(usize, usize)| !text.as_bytes()[at].is_ascii_uppercase();
        if holes.len() >= LOST_MIN_PER_LINE && holes.iter().any(not_a_capital) || holes.iter().any(alone_enough) {
            kept.extend(holes.iter().map(|&(at, _)| at));
        }
        first = end;
    }
    kept
}

/// Byte offsets of `?`s and lone ASCII letters that stand between two Han
/// characters among at least [`LOST_MIN_RARE`] rare ones, with how many
/// rare ones.
fn hole_candidates(text: &str) -> Vec<(usize, usize)> {
    const BLOCK: usize = 64;
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut look_closely = |start: usize, end: usize| {
        found.extend((start..end).filter_map(|at| {
            let candidate = is_lone_candidate(bytes[at - 1], bytes[at], bytes[at + 1]) != 0;
            candidate.then(|| rare_around(text, at)).flatten().map(|rare| (at, rare))
        }));
    };
    // Candidates are rare in clean text: each block is first tested as a
    // whole, in a loop without early exit over fixed-size arrays, which the
    // compiler turns into vector instructions.
    let mut start = 1;
    while start + BLOCK < bytes.len() {
        let window = |from: usize| -> &[u8; BLOCK] { bytes[from..from + BLOCK].try_into().expect("BLOCK bytes") };
        let (prev, cur, next) = (window(start - 1), window(start), window(start + 1));
        let mut any = 0;
        for i in 0..BLOCK {
            any |= is_lone_candidate(prev[i], cur[i], next[i]);
        }
        if any != 0 {
            look_closely(start, start + BLOCK);
        }
        start += BLOCK;
    }
    if start + 1 < bytes.len() {
        look_closely(start, bytes.len() - 1);
    }
    found
}

/// Non-zero when `c` is `?` or an ASCII letter and `p` and `x`, the bytes on
/// either side, are not ASCII. Branch-free, for vectorized loops.
#[inline(always)]
fn is_lone_candidate(p: u8, c: u8, x: u8) -> u8 {
    let letter = (c | 0x20).wrapping_sub(b'a') < 26;
    let candidate = u8::from(letter | (c == b'?')) << 7;
    p & x & candidate
}

/// How many rare Han characters are around the character at `at`, when it
/// stands between two Han characters among [`LOST_MIN_RARE`] rare ones at
/// least. `at` is the offset of an ASCII byte, so it and `at + 1` are
/// character boundaries.
fn rare_around(text: &str, at: usize) -> Option<usize> {
    let (before, after) = (&text[..at], &text[at + 1..]);
    let is_han = |c: char| matches!(u32::from(c), 0x3400..=0x4DBF | 0x4E00..=0x9FFF);
    let (mut left, mut right) = (before.chars().rev(), after.chars());
    let (prev, next) = (left.next()?, right.next()?);
    if !is_han(prev) || !is_han(next) {
        return None;
    }
    // Written Cantonese characters are rare in Mandarin text only; in chat
    // they stand next to an ASCII `?` (`你食咗飯未?佢哋話嘢好味?`).
    // The score, a table look-up, first: the list is searched for the few
    // rare characters only.
    let is_rare =
        |c: char| is_han(c) && crate::detect::char_score(c, ' ', ' ') < 0.0 && !crate::detect::CANTONESE.contains(c);
    let window = [prev, next]
        .into_iter()
        .chain(left.take(LOST_WINDOW - 1).take_while(|&c| c != '\n'))
        .chain(right.take(LOST_WINDOW - 1).take_while(|&c| c != '\n'));
    Some(window.filter(|&c| is_rare(c)).count()).filter(|&rare| rare >= LOST_MIN_RARE)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(text: &str) -> Vec<(u64, u64, DamageKind)> {
        let mut found = Vec::new();
        scan_damage(text, &mut Position::default(), &mut found);
        found.into_iter().map(|d| (d.line, d.column, d.kind)).collect()
    }

    #[test]
    fn each_kind_with_its_position() {
        use DamageKind::*;
        assert_eq!(scan("中文"), vec![]);
        assert_eq!(scan("中\u{FFFD}文"), vec![(1, 2, ReplacementCharacter)]);
        assert_eq!(scan("ab\n锟斤拷锟斤拷x"), vec![(2, 1, Kunjinkao)]);
        assert_eq!(scan("x烫烫烫烫烫烫\n屯屯屯屯"), vec![(1, 2, UninitialisedMemory), (2, 1, UninitialisedMemory)]);
        assert_eq!(scan("热烫烫的"), vec![]);
        assert_eq!(scan("中文\0\0\0\n下\0"), vec![(1, 3, NulCharacter), (2, 2, NulCharacter)]);
        assert_eq!(
            scan("\u{FFFD}\u{FFFD}a\u{FFFD}b"),
            vec![(1, 1, ReplacementCharacter), (1, 4, ReplacementCharacter)]
        );
    }

    #[test]
    fn a_replacement_character_at_a_line_end_is_a_cut_character() {
        use DamageKind::*;
        assert_eq!(scan("中文\u{FFFD}"), vec![(1, 3, CutCharacter)]);
        assert_eq!(scan("中文\u{FFFD}\r\n下一行\u{FFFD}\n"), vec![(1, 3, CutCharacter), (2, 4, CutCharacter)]);
        assert_eq!(scan("中\u{FFFD}\u{FFFD}\n"), vec![(1, 2, CutCharacter)]);
        assert_eq!(scan("中\u{FFFD}文\n"), vec![(1, 2, ReplacementCharacter)]);
    }

    #[test]
    fn a_question_mark_or_letter_among_rare_han_is_a_lost_character() {
        use DamageKind::*;
        // A GBK stream read one byte off (Debian's manpages-zh, iptables(8)).
        assert_eq!(scan("如果第二?龆丝诤糯笥诘谝桓觯?敲此"), vec![(1, 5, LostCharacter), (1, 15, LostCharacter)]);
        // One hole alone among few rare characters is no longer enough, though
        // this line of manpages-zh is damaged too: the price of `氘氚X射线`.
        assert_eq!(scan("的ICMP?嘈停?蛘呤悄掣鲇"), vec![]);
        assert_eq!(scan("龆丝X诤糯笥诘?谝"), vec![(1, 3, LostCharacter), (1, 8, LostCharacter)]);
    }

    #[test]
    fn one_hole_among_rare_han_is_ordinary_text() {
        for text in [
            "氘氚X射线",
            "铱钯铑X荧光分析",
            "吲哚啉C环",
            "囧?槑?",
            "龆丝X诤糯\n龆丝?诤糯",
            "用氘氚X射线和铱钯铑X荧光分析样品。",
            "你食咗飯未?佢哋話嘢好味?\n佢喺度?啲嘢呢?",
        ] {
            assert_eq!(scan(text), vec![], "{text}");
        }
    }

    #[test]
    fn three_scalding_characters_are_a_word_unless_beside_kunjinkao() {
        use DamageKind::*;
        assert_eq!(scan("小心！汤烫烫烫的，别喝太快。\n屯屯屯"), vec![]);
        assert_eq!(scan("烫烫烫烫"), vec![(1, 1, UninitialisedMemory)]);
        assert_eq!(scan("锟斤拷烫烫烫"), vec![(1, 1, Kunjinkao), (1, 4, UninitialisedMemory)]);
        assert_eq!(scan("锟斤拷\n烫烫烫"), vec![(1, 1, Kunjinkao)]);
    }

    #[test]
    fn damage_converted_to_traditional_is_still_damage() {
        use DamageKind::*;
        // Review 15 #2: `-c s2t` writes 錕斤拷 and 燙燙燙, which a check of
        // the converted file passed.
        assert_eq!(scan("中文錕斤拷，燙燙燙"), vec![(1, 3, Kunjinkao), (1, 7, UninitialisedMemory)]);
        assert_eq!(scan("燙燙燙燙\n小心！湯燙燙燙的"), vec![(1, 1, UninitialisedMemory)]);
    }

    #[test]
    fn question_marks_and_letters_in_ordinary_text_are_not_damage() {
        for text in [
            "那是什么意思?该如何避免它所带来的问题?",
            "如果单独使用?的话，它会给出一份列表。",
            "是C函数的参数，X轴和Y轴，买A股，拍X光，穿T恤。",
            "唱卡拉OK，做PPT，用U盘。",
            "?开头，结尾?",
            "中?\n龆丝诤糯",
            "ab?cd",
        ] {
            assert_eq!(scan(text), vec![], "{text}");
        }
    }

    #[test]
    fn lost_characters_are_found_across_mask_chunks() {
        // Candidates on both sides of every 64-byte edge.
        for pad in 0..70 {
            let text = format!("{}龆丝?诤糯笥?诘", "a".repeat(pad));
            let (first, second) = (pad as u64 + 3, pad as u64 + 7);
            assert_eq!(
                scan(&text),
                vec![(1, first, DamageKind::LostCharacter), (1, second, DamageKind::LostCharacter)],
                "pad {pad}"
            );
        }
    }

    #[test]
    fn position_carries_across_calls() {
        let mut position = Position::default();
        let mut found = Vec::new();
        scan_damage("第一行\n第二", &mut position, &mut found);
        scan_damage("行\u{FFFD}好\n", &mut position, &mut found);
        assert_eq!(found, vec![Damage { line: 2, column: 4, kind: DamageKind::ReplacementCharacter }]);
    }
}
