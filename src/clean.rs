//! Clean: remove artefacts that scraping leaves in Chinese text.
//!
//! Content farms and "Traditional edition" mirrors flatten ruby annotations
//! into the text: `國(guó)家`, `血(xue)压(ya)`, and even `。(。)` or
//! `((()W(W)H(H)O(O))())` for `(WHO)`. A gloss is removed only when its
//! content is a reading of the character right before it (any of its
//! readings, toned with marks or digits, or toneless) or is that character
//! itself, and, in the default `auto` mode, only once glossing is evidently a
//! pattern of the text. Legitimate parentheses (`國際電信聯盟(ITU)`,
//! `北京(Běijīng)`, `第(1)項`) never match those rules, nor does anything in
//! Markdown code or an ASCII character glossed by itself alone (`f(f)`).
//! `auto` also leaves what teaching material and names look like: capitalised
//! romanizations (`王(Wang)`), word lists (`爱(ài) to love`) and lessons on a
//! character's several readings (`行(xíng) 行(háng)`). Full-width
//! parentheses hold readings as ASCII ones do (`我（wǒ）`).
//!
//! Readings come from the `pinyin` crate (MIT), which carries pinyin-data's
//! readings for all CJK Unified Ideographs and their extensions.
//!
//! The stage also offers, each behind its own option: CJK Compatibility
//! Ideographs to their unified characters, removal of invisible zero-width
//! characters, and full-width ASCII letters and digits to half-width.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet, VecDeque};
use std::ops::Range;

use pinyin::ToPinyinMulti;
use serde::Serialize;

use crate::markdown::in_spans;
use crate::repair::{Damage, DamageKind, Position};
use crate::write::nfc;

/// Longest gloss content considered, in characters (`zhuang4` is 7).
const MAX_GLOSS: usize = 8;

/// In `auto` mode, glossing is a pattern of the text once this many readings
/// lie within [`PATTERN_WINDOW_HAN`] Han characters...
const PATTERN_MIN_GLOSSES: usize = 5;
const PATTERN_WINDOW_HAN: u64 = 65_536;
/// ...or once there are at least two, at more than one per this many Han
/// characters of the text so far.
const PATTERN_HAN_PER_GLOSS: u64 = 100;

/// When to remove pinyin glosses.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "kebab-case")]
pub enum GlossMode {
    /// Remove them once glossing is evidently a pattern of the text.
    #[default]
    Auto,
    /// Remove every valid gloss.
    Strip,
    /// Leave them.
    Keep,
}

/// What the clean stage does.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CleanOptions {
    /// When to remove pinyin glosses.
    pub glosses: GlossMode,
    /// Map CJK Compatibility Ideographs to their unified characters.
    pub compat_ideographs: bool,
    /// Remove zero-width spaces, word joiners and stray BOMs inside the text.
    pub zero_width: bool,
    /// Fold full-width ASCII letters and digits to half-width.
    pub fullwidth_ascii: bool,
}

/// Counts of what the stage found.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct CleanCounts {
    /// Glosses removed.
    pub glosses_removed: u64,
    /// Valid glosses left in place (`keep`, or `auto` with no pattern).
    pub glosses_kept: u64,
    /// Other characters changed (compatibility ideographs, zero-width, full-width).
    pub characters_changed: u64,
}

/// The clean stage over a stream of text windows.
#[derive(Debug, Default)]
pub struct Cleaner {
    options: CleanOptions,
    pattern: PatternWatch,
    position: Position,
    counts: CleanCounts,
}

impl Cleaner {
    /// A cleaner with these options.
    pub fn new(options: CleanOptions) -> Cleaner {
        Cleaner { options, ..Cleaner::default() }
    }

    /// Whether this cleaner can change anything at all.
    pub fn is_active(&self) -> bool {
        let o = self.options;
        o.glosses != GlossMode::Keep || o.compat_ideographs || o.zero_width || o.fullwidth_ascii
    }

    /// What the stage found so far.
    pub fn counts(&self) -> CleanCounts {
        self.counts
    }

    /// Moves over text it is not to clean (shielded by `--protect` or
    /// markers), so that the damage after it is reported where it is.
    pub fn pass(&mut self, text: &str) {
        self.position.advance(text);
    }

    /// Cleans one window of text (whole lines) but for the byte ranges
    /// `code` (the pipeline gives its Markdown code, found in a whole block
    /// before `--protect` and the markers split it), appending damaged
    /// glosses to `damage` with their position in the input.
    pub fn clean<'a>(&mut self, text: &'a str, code: &[Range<usize>], damage: &mut Vec<Damage>) -> Cow<'a, str> {
        // The characters are mapped first, so that the glosses the maps
        // reveal (`血(ｘｕｅ)`, `血(\u{200B}xue)`) go in this pass, not the next.
        let mapped = self.map_chars(text);
        match self.clean_glosses(&mapped, code, damage) {
            Some(cleaned) => Cow::Owned(cleaned),
            None => mapped.text,
        }
    }

    fn map_char(&self, c: char) -> Option<char> {
        let o = self.options;
        match u32::from(c) {
            0x200B | 0x2060 | 0xFEFF if o.zero_width => None,
            0xFF10..=0xFF19 | 0xFF21..=0xFF3A | 0xFF41..=0xFF5A if o.fullwidth_ascii => {
                char::from_u32(u32::from(c) - 0xFEE0)
            }
            0xF900..=0xFAFF | 0x2F800..=0x2FA1F if o.compat_ideographs => Some(unified(c)),
            _ => Some(c),
        }
    }

    /// `text` with the optional character maps applied, and where its
    /// offsets lie in `text`.
    fn map_chars<'a>(&mut self, text: &'a str) -> Mapped<'a> {
        let o = self.options;
        let mut mapped = Mapped { original: text, text: Cow::Borrowed(text), shifts: Vec::new() };
        if !(o.compat_ideographs || o.zero_width || o.fullwidth_ascii) {
            return mapped;
        }
        let mut out = String::with_capacity(text.len());
        let mut changed = 0;
        for (at, c) in text.char_indices() {
            let new = self.map_char(c);
            out.extend(new);
            if new != Some(c) {
                changed += 1;
                let original_end = at + c.len_utf8();
                if out.len() != original_end - mapped.shifts.last().map_or(0, |&(m, o)| o - m) {
                    mapped.shifts.push((out.len(), original_end));
                }
            }
        }
        self.counts.characters_changed += changed;
        if changed > 0 {
            mapped.text = Cow::Owned(out);
        }
        mapped
    }

    /// The text of `mapped` without the glosses to go, or `None` if none go.
    fn clean_glosses(
        &mut self,
        mapped: &Mapped<'_>,
        code: &[Range<usize>],
        damage: &mut Vec<Damage>,
    ) -> Option<String> {
        let text = &*mapped.text;
        if self.options.glosses == GlossMode::Keep {
            self.position.advance(mapped.original);
            return None;
        }
        if memchr::memchr(b'(', text.as_bytes()).is_none()
            && memchr::memmem::find(text.as_bytes(), FULL_OPEN.as_bytes()).is_none()
        {
            if self.options.glosses == GlossMode::Auto {
                self.pattern.pass(text);
            }
            self.position.advance(mapped.original);
            return None;
        }
        let mut glosses = find_glosses(text);
        // Nothing in Markdown code is a gloss: `print(f(f))` in a fence.
        glosses.retain(|g| !in_spans(code, mapped.original_offset(g.start)));
        let auto = self.options.glosses == GlossMode::Auto;
        let taught_polyphones = if auto { keep_teaching_material(text, &mut glosses) } else { HashSet::new() };
        let strip_from = if auto { self.pattern.watch(text, &glosses) } else { 0 };
        for gloss in glosses.iter_mut().filter(|g| g.kind == GlossKind::Reading) {
            gloss.kept |= taught_polyphones.contains(&gloss.glossed);
        }
        if strip_from == text.len() {
            self.counts.glosses_kept += glosses.iter().filter(|g| g.kind != GlossKind::Damaged).count() as u64;
            self.position.advance(mapped.original);
            return None;
        }
        let mut out = String::with_capacity(text.len());
        let mut done = 0;
        // Where `position` is, in `mapped.original`: offset 0 of `text` stands
        // for the end of any zero-width characters removed at its start.
        let mut passed = 0;
        let mut advance_to = |position: &mut Position, at: usize| {
            let to = mapped.original_offset(at);
            position.advance(&mapped.original[passed..to]);
            passed = to;
        };
        for gloss in &glosses {
            advance_to(&mut self.position, gloss.start);
            out.push_str(&text[done..gloss.start]);
            done = gloss.start;
            match gloss.kind {
                // Before the pattern shows, damage is not told from a note.
                GlossKind::Damaged if gloss.start < strip_from => {}
                _ if gloss.kept || gloss.start < strip_from => self.counts.glosses_kept += 1,
                GlossKind::Reading | GlossKind::Echo => {
                    self.counts.glosses_removed += 1;
                    advance_to(&mut self.position, gloss.end);
                    done = gloss.end;
                }
                GlossKind::Damaged => {
                    // Reported at the stand-in character before the `(`, past
                    // any zero-width character the maps removed between them.
                    let (line, column) = self.position.line_column();
                    let between = mapped.original_offset(gloss.glossed_at)..mapped.original_offset(gloss.start);
                    let back = mapped.original[between].chars().count() as u64;
                    damage.push(Damage { line, column: column - back, kind: DamageKind::LostGlossedCharacter });
                }
            }
        }
        advance_to(&mut self.position, text.len());
        out.push_str(&text[done..]);
        Some(out)
    }
}

/// A window of text after the character maps, which glosses are found in,
/// and the text given to [`Cleaner::clean`], which code spans and damage
/// positions count in: folding full-width ASCII and removing zero-width
/// characters shift offsets.
struct Mapped<'a> {
    original: &'a str,
    text: Cow<'a, str>,
    /// Where the shift between the two changes: an offset in `text` and the
    /// offset in `original` it stands for (after the characters removed
    /// there), in order.
    shifts: Vec<(usize, usize)>,
}

impl Mapped<'_> {
    /// The offset in `original` of the (character boundary) offset `at` in
    /// `text`, past the characters removed there.
    fn original_offset(&self, at: usize) -> usize {
        match self.shifts.partition_point(|&(mapped, _)| mapped <= at).checked_sub(1) {
            Some(last) => self.shifts[last].1 + (at - self.shifts[last].0),
            None => at,
        }
    }
}

/// Whether glossing is a pattern of the stream so far, for `auto`. It is
/// judged from the readings and Han characters of the text up to each
/// reading, never from how reads cut the stream, so the same text gives the
/// same output whether it comes whole or a line at a time.
#[derive(Debug, Default)]
struct PatternWatch {
    /// The pattern has shown: from now on every gloss goes.
    seen: bool,
    /// Han characters counted so far; counting pauses while no rule can use
    /// them (no reading within [`PATTERN_WINDOW_HAN`], and past the start).
    han: u64,
    /// Readings seen so far.
    readings: u64,
    /// Where (in `han`) the last few readings were, within the window.
    recent: VecDeque<u64>,
}

impl PatternWatch {
    /// Where in `text` glosses start to go: at the start of the line where
    /// the pattern shows, or `text.len()` if it does not show yet. Readings
    /// that `auto` keeps as teaching material or names do not count.
    fn watch(&mut self, text: &str, glosses: &[Gloss]) -> usize {
        if self.seen {
            return 0;
        }
        let mut counted = 0;
        for gloss in glosses.iter().filter(|g| g.kind == GlossKind::Reading && !g.kept) {
            self.count_han(&text[counted..gloss.start]);
            counted = gloss.start;
            if self.shows_with_one_more_reading() {
                self.seen = true;
                return memchr::memrchr(b'\n', &text.as_bytes()[..gloss.start]).map_or(0, |at| at + 1);
            }
        }
        self.count_han(&text[counted..]);
        text.len()
    }

    /// Text without parentheses: only its Han characters count.
    fn pass(&mut self, text: &str) {
        if !self.seen {
            self.count_han(text);
        }
    }

    /// Counts the Han characters of `text` as far as a rule may use them:
    /// the first few hundred of the stream, and those within the window of
    /// the last readings.
    fn count_han(&mut self, text: &str) {
        let mut han = text.chars().filter(|&c| is_han(c));
        loop {
            let at_start = (PATTERN_MIN_GLOSSES as u64 * PATTERN_HAN_PER_GLOSS).saturating_sub(self.han);
            let in_window = self.recent.front().map_or(0, |&at| PATTERN_WINDOW_HAN.saturating_sub(self.han - at));
            let useful = at_start.max(in_window);
            if useful == 0 {
                return;
            }
            let counted = han.by_ref().take(useful as usize).count() as u64;
            self.han += counted;
            if counted < useful {
                return;
            }
            // The oldest reading at least is out of the window now; the
            // newer ones may not be.
            self.forget_readings_out_of_window();
        }
    }

    fn forget_readings_out_of_window(&mut self) {
        while self.recent.front().is_some_and(|&at| self.han - at >= PATTERN_WINDOW_HAN) {
            self.recent.pop_front();
        }
    }

    /// Takes a reading in and says whether the pattern shows with it: the
    /// readings within the window are enough, or, at the start, they are
    /// dense enough. Past the first few hundred Han characters, density
    /// enough for the second rule means enough readings within the window.
    fn shows_with_one_more_reading(&mut self) -> bool {
        self.readings += 1;
        self.forget_readings_out_of_window();
        self.recent.push_back(self.han);
        if self.recent.len() > PATTERN_MIN_GLOSSES {
            self.recent.pop_front();
        }
        let at_start = self.han < PATTERN_MIN_GLOSSES as u64 * PATTERN_HAN_PER_GLOSS;
        self.recent.len() >= PATTERN_MIN_GLOSSES
            || (at_start && self.readings >= 2 && self.han < self.readings * PATTERN_HAN_PER_GLOSS)
    }
}

/// The unified ideograph a CJK Compatibility Ideograph stands for: its
/// canonical (singleton) decomposition. A few compatibility ideographs in
/// U+FA0E..U+FA29 are unified ideographs themselves and map to themselves.
fn unified(c: char) -> char {
    let mut decomposed = None;
    unicode_normalization::char::decompose_canonical(c, |d| {
        decomposed.get_or_insert(d);
    });
    decomposed.unwrap_or(c)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum GlossKind {
    /// A reading of the Han character before it (`國(guó)`): to be removed.
    Reading,
    /// The character before it again (`。(。)`, `W(W)`): to be removed, but
    /// no sign by itself that the text is glossed.
    Echo,
    /// A toned syllable after a Latin letter, digit or `?` (`M(jìn)`): the
    /// glossed character was lost to encoding damage.
    Damaged,
}

/// A parenthesised gloss at `start..end` (byte offsets of `(` and after
/// `)`), of the character at `glossed_at`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Gloss {
    start: usize,
    end: usize,
    glossed_at: usize,
    glossed: char,
    kind: GlossKind,
    /// Left in place by `auto`: a name, a word list's entry or a lesson on
    /// a character's several readings.
    kept: bool,
}

impl Gloss {
    /// What the parentheses hold.
    fn content<'a>(&self, text: &'a str) -> &'a str {
        let inner = &text[self.start..self.end];
        let open = inner.chars().next().map_or(0, char::len_utf8);
        let close = inner.chars().next_back().map_or(0, char::len_utf8);
        &inner[open..inner.len() - close]
    }
}

/// Full-width parentheses, which hold readings as the ASCII ones do.
const FULL_OPEN: &str = "\u{FF08}";
const FULL_CLOSE: char = '\u{FF09}';

/// The glosses of `text`, in order. Only the `(` and `（` are visited, so
/// text with few parentheses costs a `memchr` pass and a `memmem` one.
fn find_glosses(text: &str) -> Vec<Gloss> {
    let mut found = Vec::new();
    let mut taken = 0;
    for open in memchr::memchr_iter(b'(', text.as_bytes()) {
        if open < taken {
            continue;
        }
        let Some(glossed) = text[taken..open].chars().next_back() else { continue };
        let after_open = &text[open + 1..];
        // A character that glosses itself, even `(` or `)`: `((()`, `)())`;
        // but `( )` after a space is just parentheses.
        let gloss =
            if !glossed.is_whitespace() && after_open.strip_prefix(glossed).is_some_and(|rest| rest.starts_with(')')) {
                Some((open + 1 + glossed.len_utf8() + 1, GlossKind::Echo))
            } else if !(is_han(glossed) || glossed.is_ascii_alphanumeric() || glossed == '?') {
                // Neither a reading nor a lost character's: no `)` to look
                // for (most `(` of prose and code follow a space or a sign).
                None
            } else {
                closing_parenthesis(after_open).and_then(|len| {
                    let content = &after_open[..len];
                    let end = open + 1 + len + 1;
                    if is_han(glossed) && is_reading_of(content, glossed) {
                        Some((end, GlossKind::Reading))
                    } else if (glossed.is_ascii_alphanumeric() || glossed == '?') && is_toned_syllable(content) {
                        Some((end, GlossKind::Damaged))
                    } else {
                        None
                    }
                })
            };
        if let Some((end, kind)) = gloss {
            let glossed_at = open - glossed.len_utf8();
            found.push(Gloss { start: open, end, glossed_at, glossed, kind, kept: false });
            if kind != GlossKind::Damaged {
                taken = end;
            }
        }
    }
    let ascii = found.len();
    // Readings only: `（` after anything but a Han character, or holding
    // anything but a reading of it, is prose.
    for open in memchr::memmem::find_iter(text.as_bytes(), FULL_OPEN.as_bytes()) {
        let Some(glossed) = text[..open].chars().next_back().filter(|&c| is_han(c)) else { continue };
        let after_open = &text[open + FULL_OPEN.len()..];
        let Some((len, _)) = after_open.char_indices().take(MAX_GLOSS + 1).find(|&(_, c)| c == FULL_CLOSE) else {
            continue;
        };
        if is_reading_of(&after_open[..len], glossed) {
            let end = open + FULL_OPEN.len() + len + FULL_CLOSE.len_utf8();
            let glossed_at = open - glossed.len_utf8();
            found.push(Gloss { start: open, end, glossed_at, glossed, kind: GlossKind::Reading, kept: false });
        }
    }
    if found.len() > ascii && ascii > 0 {
        found.sort_unstable_by_key(|g| g.start);
    }
    drop_lone_ascii_echoes(&mut found);
    found
}

/// Where the `)` that closes a gloss is in `after_open`, the text after its
/// `(`: the first `)` among the first [`MAX_GLOSS`] + 1 characters, found
/// in their bytes without decoding them (a `)` byte is never part of
/// another character; the others are counted by their first bytes).
fn closing_parenthesis(after_open: &str) -> Option<usize> {
    let mut chars = 0;
    for (at, &byte) in after_open.as_bytes().iter().enumerate() {
        if byte == b')' {
            return Some(at);
        }
        if byte & 0xC0 != 0x80 {
            chars += 1;
            if chars > MAX_GLOSS {
                return None;
            }
        }
    }
    None
}

/// An ASCII character glossed by itself alone (`print(f(f))`, `int a(a)`,
/// `第2(2)條`) is code or a list, not glossing: scraped text echoes whole
/// words and numbers, each character after the last gloss (`W(W)H(H)O(O)`,
/// `組(zǔ)織(zhī)((()W(W)`).
fn drop_lone_ascii_echoes(glosses: &mut Vec<Gloss>) {
    let joins =
        |a: &Gloss, b: &Gloss| a.kind != GlossKind::Damaged && b.kind != GlossKind::Damaged && a.end == b.glossed_at;
    let lone: Vec<bool> = (0..glosses.len())
        .map(|i| {
            let g = &glosses[i];
            g.kind == GlossKind::Echo
                && g.glossed.is_ascii()
                && !(i > 0 && joins(&glosses[i - 1], g))
                && !glosses.get(i + 1).is_some_and(|next| joins(g, next))
        })
        .collect();
    let mut lone = lone.into_iter();
    glosses.retain(|_| !lone.next().unwrap_or(false));
}

/// Marks the readings that `auto` leaves, since real scraped glosses are
/// lower-case readings of running text:
/// - capitalised ones: names and symbols (`王(Wang)`, `锂(Li)`);
/// - those of the word that opens a word list's row, followed by a
///   definition in Latin letters (`爱(ài) to love`);
/// - those of a character standing alone as a list's entry
///   (`春(chūn) 夏(xià)`, `- 春(chūn)`), or named as the one of a word
///   (`银行的行(háng)`);
/// - every gloss of a line that speaks of readings (`多音字`, `读作`), or,
///   unless the line is flattened ruby, that holds two readings of a
///   character (`行(xíng)走 银(yín)行(háng)`, `得(dé)：得到。得(de)：跑得快。`).
///
/// Returns the characters whose readings are kept wherever `text` glosses
/// them, as a line can't tell: those glossed with different readings in
/// `text` and taught as a lesson's entry somewhere in it (`行(xíng)：行走`);
/// a story that reads `地(de)` and `地(dì)` teaches nothing.
fn keep_teaching_material(text: &str, glosses: &mut [Gloss]) -> HashSet<char> {
    let in_ruby: Vec<bool> = (0..glosses.len()).map(|i| touches_a_lowercase_reading(text, glosses, i)).collect();
    let defined = defined_in_word_lists(text, glosses);
    for ((gloss, in_ruby), defined) in glosses.iter_mut().zip(in_ruby).zip(defined) {
        if gloss.kind == GlossKind::Reading {
            gloss.kept = (gloss.content(text).starts_with(char::is_uppercase) && !in_ruby)
                || defined
                || is_named_from_a_word(text, gloss);
        }
    }
    let read_two_ways = polyphones(text, glosses.iter().map(|g| (g, false)));
    let mut taught = HashSet::new();
    let mut alone = Vec::new();
    let mut first = 0;
    while let Some(gloss) = glosses.get(first) {
        let line_start = memchr::memrchr(b'\n', &text.as_bytes()[..gloss.start]).map_or(0, |at| at + 1);
        let line_end = memchr::memchr(b'\n', &text.as_bytes()[gloss.start..]).map_or(text.len(), |at| gloss.start + at);
        let count = glosses[first..].iter().take_while(|g| g.start < line_end).count();
        let line = &mut glosses[first..first + count];
        // After a list's marker (`- `, `1. `, `（一）`), an entry stands
        // alone as at the line's start.
        let entries_start = line_start + list_marker_len(&text[line_start..line_end]);
        alone.clear();
        alone.extend(line.iter().map(|g| g.kind == GlossKind::Reading && stands_alone(text, g, entries_start)));
        let row_head = count == 1
            && line[0].kind == GlossKind::Reading
            && heads_a_row(&text[entries_start..line[0].glossed_at], &text[line[0].end..line_end]);
        alone[0] |= row_head;
        let entries = alone.iter().filter(|&&entry| entry).count();
        let speaks = talks_about_readings(&text[line_start..line_end]);
        let ruby = is_flattened_ruby(line);
        let lesson = speaks
            || (!ruby && !polyphones(text, line.iter().zip(alone.iter().copied())).is_empty())
            || is_a_reading_series(text, line, entries_start, line_end);
        // Outside a labelled list (`生字：妈(mā)、麻(má)。马(mǎ)`), a
        // character between sentence ends is a one-word sentence or an
        // enumeration of glossed prose (`对(duì)，走(zǒu)。`).
        let labelled = is_list_label(&text[entries_start..line[0].glossed_at]);
        let list = row_head || (!ruby && (labelled || !sentence_ends_between_glosses(text, line)) && entries >= 2);
        for (gloss, &entry) in line.iter_mut().zip(&alone).filter(|(g, _)| g.kind == GlossKind::Reading) {
            gloss.kept |= list && entry;
            if speaks || (entry && !ruby) {
                taught.insert(gloss.glossed);
            }
        }
        for gloss in line.iter_mut().filter(|g| g.kind != GlossKind::Damaged) {
            gloss.kept |= lesson;
        }
        first += count;
    }
    read_two_ways.intersection(&taught).copied().collect()
}

/// Whether glosses of one line are flattened ruby, which glosses every
/// character of a sentence: three or more glossed characters touch each
/// other. A lesson glosses single characters and words
/// (`行(xíng)走 银(yín)行(háng)`).
fn is_flattened_ruby(line: &[Gloss]) -> bool {
    let touching = |pair: &[Gloss]| {
        pair[0].kind != GlossKind::Damaged && pair[1].kind != GlossKind::Damaged && pair[0].end == pair[1].glossed_at
    };
    line.windows(3).any(|three| touching(&three[..2]) && touching(&three[1..]))
}

/// Whether the gloss at `i` touches a reading in lower case on either side,
/// as flattened ruby glosses a sentence that opens with a capital or a
/// name inside it (`北(Běi)京(jīng)`, `叫(jiào)王(Wáng)`): then its capital
/// is the ruby's, not a name's kept apart (`王(Wang)、李(Li)`).
fn touches_a_lowercase_reading(text: &str, glosses: &[Gloss], i: usize) -> bool {
    let lowercase_reading =
        |g: &Gloss| g.kind == GlossKind::Reading && g.content(text).starts_with(|c: char| !c.is_uppercase());
    let glossed = &glosses[i];
    (i > 0 && glosses[i - 1].end == glossed.glossed_at && lowercase_reading(&glosses[i - 1]))
        || glosses.get(i + 1).is_some_and(|next| glossed.end == next.glossed_at && lowercase_reading(next))
}

/// Whether a line is nothing but characters of one syllable glossed side
/// by side, three or more of them, all different (`清(qīng)请(qǐng)情(qíng)晴(qíng)`,
/// maybe after a list's marker or label): a lesson on a phonetic series.
/// Flattened ruby glosses sentences, which do not run on one syllable alone.
fn is_a_reading_series(text: &str, line: &[Gloss], entries_start: usize, line_end: usize) -> bool {
    let (Some(first), Some(last)) = (line.first(), line.last()) else { return false };
    let before = &text[entries_start..first.glossed_at];
    let syllable_of = |g: &Gloss| Syllable::parse(&nfc(g.content(text)));
    let syllable = syllable_of(first);
    let mut characters = HashSet::new();
    line.len() >= 3
        && syllable.is_some()
        && (before.trim().is_empty() || is_list_label(before))
        && text[last.end..line_end].trim().is_empty()
        && line.windows(2).all(|pair| pair[0].end == pair[1].glossed_at)
        && line
            .iter()
            .all(|g| g.kind == GlossKind::Reading && characters.insert(g.glossed) && syllable_of(g) == syllable)
}

/// Whether a sentence ends between two glosses of `line`
/// (`你(nǐ)好(hǎo)！对(duì)，走(zǒu)。`): then characters standing alone
/// between punctuation are glossed prose's one-word sentences, not a
/// list's entries, as a list ends with its full stop if with any
/// (`生字：春(chūn)、夏(xià)。`).
fn sentence_ends_between_glosses(text: &str, line: &[Gloss]) -> bool {
    line.windows(2)
        .any(|pair| text.get(pair[0].end..pair[1].glossed_at).is_some_and(|between| between.contains(SENTENCE_ENDS)))
}

const SENTENCE_ENDS: [char; 5] = ['。', '！', '？', '!', '?'];

/// Longest label, in characters, that opens a list before its colon (`生字表：`).
const LIST_LABEL_MAX: usize = 8;

/// `before`, the text of a line before its first gloss, is a list's label
/// and its colon (`生字：`, `一类字：`), not the end of a sentence.
fn is_list_label(before: &str) -> bool {
    before.trim_end().strip_suffix('：').is_some_and(|label| {
        let label = label.trim();
        !label.is_empty() && label.chars().count() <= LIST_LABEL_MAX && !label.contains(SENTENCE_ENDS)
    })
}

/// The length of the list marker a line opens with, with the spaces around
/// it (`- `, `* `, `+ `, `1. `, `1) `, `1、`, `一、`, `（一）`, `(1) `); 0
/// when there is none.
fn list_marker_len(line: &str) -> usize {
    let body = line.trim_start();
    let is_numeral = |c: char| c.is_ascii_digit() || "一二三四五六七八九十".contains(c);
    let after = if let Some(rest) = body.strip_prefix(['-', '*', '+', '•', '·']) {
        rest.starts_with(char::is_whitespace).then_some(rest)
    } else if let Some(rest) = body.strip_prefix(['(', '（']) {
        let inner = rest.trim_start_matches(is_numeral);
        if inner.len() < rest.len() {
            inner.strip_prefix([')', '）'])
        } else {
            None
        }
    } else {
        let rest = body.trim_start_matches(is_numeral);
        if rest.len() < body.len() {
            rest.strip_prefix(['.', ')', '、', '．', '）'])
        } else {
            None
        }
    };
    after.map_or(0, |rest| line.len() - rest.trim_start().len())
}

/// The characters that `glosses` (those not kept yet) give different
/// readings. Where a gloss's flag says so, an unmarked reading is the
/// neutral tone, a reading of its own (`得(dé)：得到。得(de)：跑得快。`), as
/// a lesson's entries write it; elsewhere it agrees with any tone, as ruby
/// writes `桌(zhuō)子(zi)` beside `君(jūn)子(zǐ)`.
fn polyphones<'a>(text: &str, glosses: impl Iterator<Item = (&'a Gloss, bool)>) -> HashSet<char> {
    let mut readings: HashMap<char, Vec<Toned>> = HashMap::new();
    let mut polyphones = HashSet::new();
    for (gloss, neutral_apart) in glosses.filter(|(g, _)| g.kind == GlossKind::Reading && !g.kept) {
        let Some(mut reading) = Toned::parse(gloss.content(text)) else { continue };
        if neutral_apart {
            reading.tone = reading.tone.or(Some(NEUTRAL_TONE));
        }
        // 一 and 不 change tone with the next syllable (`一(yí)个`,
        // `一(yì)起`, `不(bú)去`): one reading, glossed as spoken.
        if TONE_SANDHI.contains(&gloss.glossed) {
            reading.tone = None;
        }
        let seen = readings.entry(gloss.glossed).or_default();
        if seen.iter().any(|r| !r.agrees(reading)) {
            polyphones.insert(gloss.glossed);
        }
        if !seen.contains(&reading) {
            seen.push(reading);
        }
    }
    polyphones
}

/// The neutral tone, as a lesson's entry written without a tone reads.
const NEUTRAL_TONE: u8 = 5;

/// Characters whose tone follows the next syllable's.
const TONE_SANDHI: [char; 2] = ['一', '不'];

/// The glossed character may be an entry of a list, not a character of
/// running text: nothing but a list's separator (a space, `、`, `，`, `;`),
/// the colon that opens it, the full stop that closes it, or a line's end
/// on either side (`春(chūn) 夏(xià)`, `生字：妈(mā)、麻(má)。`). Flattened
/// ruby glosses characters of words and sentences, which touch each other;
/// a list has two such entries on a line, or one alone on it. The line's
/// entries start at `entries_start`, after its list marker if any.
fn stands_alone(text: &str, gloss: &Gloss, entries_start: usize) -> bool {
    let is_gap = |c: Option<char>| {
        c.is_none_or(|c| {
            matches!(
                c,
                '\n' | '\r'
                    | ' '
                    | '\t'
                    | '\u{3000}'
                    | '、'
                    | '，'
                    | ','
                    | ';'
                    | '；'
                    | '：'
                    | ':'
                    | '。'
                    | '.'
                    | '！'
                    | '!'
                    | '？'
                    | '?'
            )
        })
    };
    let after_marker = gloss.glossed_at == entries_start;
    (after_marker || is_gap(text[..gloss.glossed_at].chars().next_back())) && is_gap(text[gloss.end..].chars().next())
}

/// A line's one gloss reads the character that opens the row, set off by a
/// field's separator or the line's end: a vocabulary list's entry, whatever
/// the rest of the row holds (`八(bā)：八个 十八`, `| 八(bā) | eight |`,
/// `"八(bā)","eight"`, `八(bā)\t八个`, `八(bā) 表示满意`, `八(bā)`). `before`
/// is the row's text before the character (after its list marker), `after`
/// the rest of the line after the gloss. Running text goes on after a
/// gloss, or with its own punctuation (`好(hǎo)，我们走吧。`), and a
/// sentence or a quote after the separator is prose (`说(shuō)：“你好。”`,
/// `在(zài) /etc 里面。`). A definition in Chinese after a space is not told
/// from a sentence going on (`好(hǎo) 我们走吧` keeps its gloss): the row
/// is kept.
fn heads_a_row(before: &str, after: &str) -> bool {
    let is_cell_edge = |c: char| c == '|' || c == '"' || c.is_whitespace();
    let after = after.strip_prefix('"').unwrap_or(after);
    before.chars().all(is_cell_edge)
        && (after.trim().is_empty()
            || (after.starts_with([' ', '\t', '\u{3000}', '|', ',', ':', '：'])
                && !after.contains(SENTENCE_ENDS)
                && !after.contains(['“', '”', '「', '」', '『', '』'])))
}

/// The glossed character is named as the one of a word just before it
/// (`银行的行(háng)`, `重新之重(chóng)`): a note on how it reads there.
fn is_named_from_a_word(text: &str, gloss: &Gloss) -> bool {
    let mut before = text[..gloss.glossed_at].chars().rev();
    matches!(before.next(), Some('的' | '之')) && before.take(4).any(|c| c == gloss.glossed)
}

/// Words with which a line speaks of readings (`多音字`, `读作`, `拼音`):
/// its glosses are what it teaches.
const READING_WORDS: [&str; 16] = [
    "多音字",
    "读音",
    "讀音",
    "读作",
    "讀作",
    "念作",
    "读成",
    "讀成",
    "拼音",
    "注音",
    "发音",
    "發音",
    "同音",
    "音同",
    "轻声",
    "輕聲",
];

fn talks_about_readings(line: &str) -> bool {
    READING_WORDS.iter().any(|word| line.contains(word))
}

/// Longest word, in glossed characters, that a word list defines
/// (`学(xué)习(xí) to study`).
const DEFINED_WORD_MAX: usize = 4;

/// For each of `glosses`, whether it is in a word that a word list's row
/// defines: a run of touching glosses of up to [`DEFINED_WORD_MAX`]
/// characters, followed by a definition in Latin letters, with nothing
/// Chinese before it on its line and nothing glossed after it there
/// (`爱(ài) to love`, `- 学(xué)习(xí): to study`, `[1] 朋(péng)友(you)
/// friend — 好朋友`). Glossed prose names commands and products after a
/// space (`使(shǐ)用(yòng) chmod 或(huò) chown 命(mìng)令(lìng)`,
/// `提供的(de) NTP 服务`): there the glossed characters go on a sentence
/// that opened before them, or glossed text follows. Each run is looked at
/// once, and each look reaches no further than the glosses beside it, so
/// a megabyte of glosses on one line costs no more than on many.
fn defined_in_word_lists(text: &str, glosses: &[Gloss]) -> Vec<bool> {
    let mut defined = vec![false; glosses.len()];
    let mut first = 0;
    while first < glosses.len() {
        let mut last = first;
        while last + 1 < glosses.len() && glosses[last].end == glosses[last + 1].glossed_at {
            last += 1;
        }
        let word_end = glosses[last].end;
        let glossed_after_on_its_line = glosses
            .get(last + 1)
            .and_then(|next| text.as_bytes().get(word_end..next.glossed_at))
            .is_some_and(|between| memchr::memchr(b'\n', between).is_none());
        let chinese_before_on_its_line =
            || text[..glosses[first].glossed_at].chars().rev().take_while(|&c| c != '\n').any(is_han);
        if last - first < DEFINED_WORD_MAX
            && is_followed_by_definition(&text[word_end..])
            && !glossed_after_on_its_line
            && !chinese_before_on_its_line()
        {
            defined[first..=last].fill(true);
        }
        first = last + 1;
    }
    defined
}

/// `rest`, after a gloss, opens with a definition in Latin letters set off
/// by a space (and maybe a colon or a dash), as word lists write it
/// (`爱(ài) to love`, `爸(bà): dad`); `英偉達(dá)H20` and `民(mín)：WHO` run on.
fn is_followed_by_definition(rest: &str) -> bool {
    let word = rest.trim_start_matches([' ', '\t', ':', '\u{FF1A}', '-', '\u{2013}', '\u{2014}', '=']);
    rest[..rest.len() - word.len()].contains([' ', '\t']) && word.starts_with(|c: char| c.is_ascii_alphabetic())
}

/// A reading as a gloss writes it: its letters and its tone (1 to 4, or 5
/// for a lesson's neutral tone), or none: unmarked, or the neutral tone
/// written `0` or `5`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Toned {
    syllable: Syllable,
    tone: Option<u8>,
}

impl Toned {
    fn parse(content: &str) -> Option<Toned> {
        let content = &*nfc(content);
        let syllable = Syllable::parse(content)?;
        let tone = match content.chars().next_back() {
            Some(d @ '1'..='4') => d.to_digit(10).map(|d| d as u8),
            // A syllable read lightly (`桌(zhuō)子(zi5)`) is the same
            // reading as its toned one (`君(jūn)子(zi3)`), as unmarked `zi` is.
            Some('0' | '5') => None,
            _ => content.chars().find_map(|c| toned_vowel(c).and_then(|(_, tone)| tone)),
        };
        Some(Toned { syllable, tone })
    }

    /// Whether the two can be the same reading: a gloss without a tone
    /// agrees with any tone.
    fn agrees(self, other: Toned) -> bool {
        self.syllable == other.syllable && (self.tone.is_none() || other.tone.is_none() || self.tone == other.tone)
    }
}

/// A Han character: the unified ideographs with Extensions A to H, and the
/// compatibility ideographs.
pub(crate) fn is_han(c: char) -> bool {
    matches!(u32::from(c), 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x323AF)
}

/// `content` spells one of `c`'s readings: toned with marks (`guó`, or
/// `guo` and a combining acute: a reading is a reading in any Unicode
/// normalization form, `--nfc` or not), with a digit (`guo2`), or toneless
/// (`guo`), with `ü`, `v` or `u:`.
fn is_reading_of(content: &str, c: char) -> bool {
    let Some(wanted) = Syllable::parse(&nfc(content)) else { return false };
    let Some(readings) = c.to_pinyin_multi() else { return false };
    readings.into_iter().any(|reading| wanted.spells(reading.plain()))
}

/// A pinyin syllable that carries a tone mark or digit (`jìn`, `jin4`), not
/// just any word that ends in a digit (`UCS4`).
fn is_toned_syllable(content: &str) -> bool {
    let content = &*nfc(content);
    let toned =
        content.chars().any(|c| toned_vowel(c).is_some()) || content.ends_with(|c: char| matches!(c, '1'..='4'));
    toned && Syllable::parse(content).is_some_and(|s| s.is_pinyin())
}

/// Every toneless syllable of Mandarin that the `pinyin` crate gives a
/// reading for, spelled as [`Syllable`] spells it: `ü` as `v` (and as `u`,
/// as scraped text writes it), `ê` as `e`. Sorted; a unit test checks that
/// it covers the crate's readings.
#[rustfmt::skip]
const SYLLABLES: &[&str] = &[
    "a", "ai", "an", "ang", "ao", "ba", "bai", "ban", "bang", "bao", "bei", "ben", "beng", "bi", "bian", "biang",
    "biao", "bie", "bin", "bing", "bo", "bong", "bu", "ca", "cai", "can", "cang", "cao", "ce", "cei", "cen", "ceng",
    "cha", "chai", "chan", "chang", "chao", "che", "chen", "cheng", "chi", "chong", "chou", "chu", "chua", "chuai",
    "chuan", "chuang", "chui", "chun", "chuo", "ci", "cong", "cou", "cu", "cuan", "cui", "cun", "cuo", "da", "dai",
    "dan", "dang", "dao", "de", "dei", "den", "deng", "di", "dia", "dian", "diao", "die", "din", "ding", "diu",
    "dong", "dou", "du", "duan", "dui", "dun", "duo", "e", "ei", "en", "eng", "er", "fa", "fan", "fang", "fei", "fen",
    "feng", "fiao", "fo", "fou", "fu", "ga", "gai", "gan", "gang", "gao", "ge", "gei", "gen", "geng", "gong", "gou",
    "gu", "gua", "guai", "guan", "guang", "gui", "gun", "guo", "ha", "hai", "han", "hang", "hao", "he", "hei", "hen",
    "heng", "hm", "hng", "hong", "hou", "hu", "hua", "huai", "huan", "huang", "hui", "hun", "huo", "ji", "jia",
    "jian", "jiang", "jiao", "jie", "jin", "jing", "jiong", "jiu", "ju", "juan", "jue", "jun", "ka", "kai", "kan",
    "kang", "kao", "ke", "kei", "ken", "keng", "kong", "kou", "ku", "kua", "kuai", "kuan", "kuang", "kui", "kun",
    "kuo", "la", "lai", "lan", "lang", "lao", "le", "lei", "len", "leng", "li", "lia", "lian", "liang", "liao", "lie",
    "lin", "ling", "liu", "lo", "long", "lou", "lu", "luan", "lue", "lun", "luo", "lv", "lve", "m", "ma", "mai",
    "man", "mang", "mao", "me", "mei", "men", "meng", "mi", "mian", "miao", "mie", "min", "ming", "miu", "mo", "mou",
    "mu", "n", "na", "nai", "nan", "nang", "nao", "ne", "nei", "nen", "neng", "ng", "ni", "nia", "nian", "niang",
    "niao", "nie", "nin", "ning", "niu", "nong", "nou", "nu", "nuan", "nue", "nun", "nuo", "nv", "nve", "o", "ou",
    "pa", "pai", "pan", "pang", "pao", "pei", "pen", "peng", "pi", "pian", "piao", "pie", "pin", "ping", "po", "pou",
    "pu", "qi", "qia", "qian", "qiang", "qiao", "qie", "qin", "qing", "qiong", "qiu", "qu", "quan", "que", "qun",
    "ran", "rang", "rao", "re", "ren", "reng", "ri", "rong", "rou", "ru", "rua", "ruan", "rui", "run", "ruo", "sa",
    "sai", "san", "sang", "sao", "se", "sen", "seng", "sha", "shai", "shan", "shang", "shao", "she", "shei", "shen",
    "sheng", "shi", "shou", "shu", "shua", "shuai", "shuan", "shuang", "shui", "shun", "shuo", "si", "song", "sou",
    "su", "suan", "sui", "sun", "suo", "ta", "tai", "tan", "tang", "tao", "te", "tei", "teng", "ti", "tian", "tiao",
    "tie", "ting", "tong", "tou", "tu", "tuan", "tui", "tun", "tuo", "wa", "wai", "wan", "wang", "wei", "wen", "weng",
    "wo", "wong", "wu", "xi", "xia", "xian", "xiang", "xiao", "xie", "xin", "xing", "xiong", "xiu", "xu", "xuan",
    "xue", "xun", "ya", "yan", "yang", "yao", "ye", "yi", "yin", "ying", "yo", "yong", "you", "yu", "yuan", "yue",
    "yun", "za", "zai", "zan", "zang", "zao", "ze", "zei", "zen", "zeng", "zha", "zhai", "zhan", "zhang", "zhao",
    "zhe", "zhei", "zhen", "zheng", "zhi", "zhong", "zhou", "zhu", "zhua", "zhuai", "zhuan", "zhuang", "zhui", "zhun",
    "zhuo", "zi", "zong", "zou", "zu", "zuan", "zui", "zun", "zuo",
];

/// The toneless letters of a pinyin syllable, lower case, `ü` spelled `v`;
/// kept on the stack because every `(` in a text may ask for one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Syllable {
    letters: [u8; 6],
    len: usize,
}

impl Syllable {
    fn parse(content: &str) -> Option<Syllable> {
        let content = content.strip_suffix(|c: char| matches!(c, '0'..='5')).unwrap_or(content);
        let mut syllable = Syllable { letters: [0; 6], len: 0 };
        let mut chars = content.chars().peekable();
        while let Some(c) = chars.next() {
            let letter = match c {
                'u' | 'U' if chars.peek() == Some(&':') => {
                    chars.next();
                    'v'
                }
                'a'..='z' => c,
                'A'..='Z' => c.to_ascii_lowercase(),
                _ => toned_vowel(c)?.0,
            };
            *syllable.letters.get_mut(syllable.len)? = letter as u8;
            syllable.len += 1;
        }
        (syllable.len > 0).then_some(syllable)
    }

    /// Whether this is a syllable of Mandarin at all.
    fn is_pinyin(&self) -> bool {
        let letters = &self.letters[..self.len];
        SYLLABLES.binary_search_by(|s| s.as_bytes().cmp(letters)).is_ok()
    }

    /// Whether this spells `reading` (plain pinyin, which writes `ü`).
    /// Scraped text often writes `ü` as plain `u` (`lu` for 绿): that counts.
    fn spells(&self, reading: &str) -> bool {
        let mut letters = self.letters[..self.len].iter();
        reading.chars().all(|r| {
            letters.next().is_some_and(|&l| {
                let l = char::from(l);
                l == r || (r == 'ü' && (l == 'v' || l == 'u')) || (r == 'v' && l == 'u')
            })
        }) && letters.next().is_none()
    }
}

/// The base letter of a pinyin vowel with a tone mark or diaeresis (`ü`
/// forms give `v`), and its tone if it has a mark.
fn toned_vowel(c: char) -> Option<(char, Option<u8>)> {
    let base = match c {
        'ā' | 'á' | 'ǎ' | 'à' | 'Ā' | 'Á' | 'Ǎ' | 'À' => 'a',
        'ē' | 'é' | 'ě' | 'è' | 'Ē' | 'É' | 'Ě' | 'È' => 'e',
        'ī' | 'í' | 'ǐ' | 'ì' | 'Ī' | 'Í' | 'Ǐ' | 'Ì' => 'i',
        'ō' | 'ó' | 'ǒ' | 'ò' | 'Ō' | 'Ó' | 'Ǒ' | 'Ò' => 'o',
        'ū' | 'ú' | 'ǔ' | 'ù' | 'Ū' | 'Ú' | 'Ǔ' | 'Ù' => 'u',
        'ü' | 'ǖ' | 'ǘ' | 'ǚ' | 'ǜ' | 'Ü' | 'Ǖ' | 'Ǘ' | 'Ǚ' | 'Ǜ' => 'v',
        'ń' | 'ň' | 'ǹ' => 'n',
        'ḿ' => 'm',
        'ê' => 'e',
        _ => return None,
    };
    let tone = match c {
        'ā' | 'Ā' | 'ē' | 'Ē' | 'ī' | 'Ī' | 'ō' | 'Ō' | 'ū' | 'Ū' | 'ǖ' | 'Ǖ' => Some(1),
        'á' | 'Á' | 'é' | 'É' | 'í' | 'Í' | 'ó' | 'Ó' | 'ú' | 'Ú' | 'ǘ' | 'Ǘ' | 'ń' | 'ḿ' => Some(2),
        'ǎ' | 'Ǎ' | 'ě' | 'Ě' | 'ǐ' | 'Ǐ' | 'ǒ' | 'Ǒ' | 'ǔ' | 'Ǔ' | 'ǚ' | 'Ǚ' | 'ň' => Some(3),
        'à' | 'À' | 'è' | 'È' | 'ì' | 'Ì' | 'ò' | 'Ò' | 'ù' | 'Ù' | 'ǜ' | 'Ǜ' | 'ǹ' => Some(4),
        _ => None,
    };
    Some((base, tone))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::CodeTracker;

    /// A cleaner fed windows of text as the pipeline feeds it: with their
    /// Markdown code.
    struct Fed {
        cleaner: Cleaner,
        code: CodeTracker,
    }

    impl Fed {
        fn new(glosses: GlossMode) -> Fed {
            Fed::with(CleanOptions { glosses, ..Default::default() })
        }

        fn with(options: CleanOptions) -> Fed {
            Fed { cleaner: Cleaner::new(options), code: CodeTracker::default() }
        }

        fn clean(&mut self, text: &str, damage: &mut Vec<Damage>) -> String {
            let code = self.code.spans(text);
            self.cleaner.clean(text, &code, damage).into_owned()
        }
    }

    fn strip(text: &str) -> String {
        Fed::new(GlossMode::Strip).clean(text, &mut Vec::new())
    }

    fn auto(text: &str) -> (String, CleanCounts, Vec<Damage>) {
        let mut fed = Fed::new(GlossMode::Auto);
        let mut damage = Vec::new();
        let out = fed.clean(text, &mut damage);
        (out, fed.cleaner.counts(), damage)
    }

    #[test]
    fn the_issue_examples_literally() {
        assert_eq!(strip("中華網(wǎng)"), "中華網");
        assert_eq!(strip("英偉達(dá)H20對(duì)華銷售"), "英偉達H20對華銷售");
        assert_eq!(strip("國(guó)家互聯(lián)網(wǎng)信息辦公室"), "國家互聯網信息辦公室");
        assert_eq!(strip("血(xue)压(ya)正(zheng)常(chang)值(zhi)"), "血压正常值");
        assert_eq!(strip("。(。)"), "。");
        assert_eq!(strip("1(1)2(2)0/(/)8(8)0m(m)m(m)H(H)g(g)"), "120/80mmHg");
        assert_eq!(strip("((()W(W)H(H)O(O))())"), "(WHO)");
    }

    #[test]
    fn legitimate_parentheses_stay() {
        for text in [
            "國際電信聯盟(ITU)",
            "《出口管制條例》(EAR)",
            "芯片(如高性能計算芯片)",
            "北京(Běijīng)",
            "第(1)項",
            "f(x) = (a)",
        ] {
            assert_eq!(strip(text), text);
        }
    }

    #[test]
    fn reading_spellings() {
        assert!(is_reading_of("guo2", '國'));
        assert!(is_reading_of("GUÓ", '國'));
        assert!(is_reading_of("lv", '绿'));
        assert!(is_reading_of("lü4", '绿'));
        assert!(is_reading_of("lu:", '绿'));
        assert!(is_reading_of("lu", '绿'));
        assert!(is_reading_of("hai", '还') && is_reading_of("huan2", '还'));
        assert!(!is_reading_of("guo", '家'));
        assert!(!is_reading_of("Beijing", '京'));
    }

    #[test]
    fn the_syllable_table_covers_every_reading() {
        assert!(SYLLABLES.windows(2).all(|w| w[0] < w[1]), "sorted, no duplicates");
        for c in ('\u{3400}'..='\u{9FFF}').chain('\u{20000}'..='\u{323AF}') {
            for reading in c.to_pinyin_multi().into_iter().flatten() {
                let syllable = Syllable::parse(reading.plain()).unwrap();
                assert!(syllable.is_pinyin(), "{c}: {}", reading.plain());
            }
        }
    }

    #[test]
    fn the_closing_parenthesis_is_found_within_a_gloss_length() {
        // What a scan of the first MAX_GLOSS + 1 characters finds.
        let by_chars = |after_open: &str| {
            after_open.char_indices().take(MAX_GLOSS + 1).find(|&(_, c)| c == ')').map(|(len, _)| len)
        };
        for after_open in [
            "guó)家",
            "一二三四五六七八)",
            "一二三四五六七八九)",
            "🔎🔎🔎🔎🔎🔎🔎🔎)",
            "🔎🔎🔎🔎🔎🔎🔎🔎🔎)",
            "abc",
            ")",
            "",
        ] {
            assert_eq!(closing_parenthesis(after_open), by_chars(after_open), "{after_open}");
        }
        assert_eq!(closing_parenthesis("一二三四五六七八)"), Some(24));
        assert_eq!(closing_parenthesis("一二三四五六七八九)"), None);
    }

    #[test]
    fn words_and_spaces_in_parentheses_are_not_glosses() {
        assert_eq!(strip("特殊字符: { } ( ) [ ]"), "特殊字符: { } ( ) [ ]");
        let (out, _, damage) = auto("内部使用 UTF-32(UCS4) 来支持 Unicode");
        assert_eq!(out, "内部使用 UTF-32(UCS4) 来支持 Unicode");
        assert_eq!(damage, []);
        assert!(is_toned_syllable("jìn") && is_toned_syllable("lve4") && is_toned_syllable("nüè"));
        assert!(!is_toned_syllable("UCS4") && !is_toned_syllable("x86") && !is_toned_syllable("IPv4"));
    }

    #[test]
    fn auto_strips_only_a_pattern() {
        let (out, counts, _) = auto("这是一个生僻字：犇(bēn)，意思是牛奔跑。\n");
        assert_eq!(out, "这是一个生僻字：犇(bēn)，意思是牛奔跑。\n");
        assert_eq!(counts.glosses_kept, 1);
        // From the line where the pattern shows; a line before it keeps its gloss.
        let glossed = "標題(tí)\n中華網(wǎng)報道，國(guó)家互聯(lián)網(wǎng)信息辦公室發(fā)布通知。\n";
        let (out, counts, _) = auto(glossed);
        assert_eq!(out, "標題(tí)\n中華網報道，國家互聯網信息辦公室發布通知。\n");
        assert_eq!((counts.glosses_removed, counts.glosses_kept), (5, 1));
    }

    /// Cleans `text` in `auto` mode handed over `lines` lines at a time, as
    /// a pipe's reads may bring it.
    fn auto_in_pieces(text: &str, lines_per_piece: usize) -> String {
        let mut fed = Fed::new(GlossMode::Auto);
        let lines: Vec<&str> = text.split_inclusive('\n').collect();
        lines.chunks(lines_per_piece).map(|piece| fed.clean(&piece.concat(), &mut Vec::new())).collect()
    }

    #[test]
    fn auto_decides_the_same_however_reads_cut_the_text() {
        let plain = "这是一段很长的普通中文文本，用来填充文件的内容，没有任何注音。\n".repeat(20);
        let note = "他的名字叫王小明，小(xiǎo)明(míng)很喜欢看书。\n";
        let one_note = "他叫小(xiǎo)明。\n";
        let far_apart = format!("{plain}{}", one_note.repeat(4)) + &plain.repeat(120) + one_note;
        let texts = [
            // Two readings after 580 Han characters are a note, not a pattern (review 9 A).
            (format!("{plain}{note}{plain}"), format!("{plain}{note}{plain}")),
            // At the start they are dense enough.
            (format!("{note}{plain}"), format!("他的名字叫王小明，小明很喜欢看书。\n{plain}")),
            // Five readings within the window: from the fifth's line on.
            (
                format!("{plain}{}{note}", one_note.repeat(5)),
                format!("{plain}{}他叫小明。\n他的名字叫王小明，小明很喜欢看书。\n", one_note.repeat(4)),
            ),
            // Five readings farther apart than the window are notes.
            (far_apart.clone(), far_apart),
            // The first reading leaving the window leaves the four after it
            // counted: with the sixth, five are within it.
            (
                format!(
                    "{plain}{one_note}{}{}{}{one_note}{one_note}",
                    plain.repeat(107),
                    one_note.repeat(3),
                    plain.repeat(10)
                ),
                format!(
                    "{plain}{one_note}{}{}{}{one_note}他叫小明。\n",
                    plain.repeat(107),
                    one_note.repeat(3),
                    plain.repeat(10)
                ),
            ),
            (format!("{GLOSSED}{plain}{note}"), format!("國家的人民\n{plain}他的名字叫王小明，小明很喜欢看书。\n")),
        ];
        for (text, cleaned) in texts {
            assert_eq!(auto(&text).0, cleaned);
            for lines in [1, 2, 3, 7, 20] {
                assert_eq!(auto_in_pieces(&text, lines), cleaned, "{lines} lines at a time");
            }
        }
    }

    #[test]
    fn characters_glossed_by_themselves_alone_are_not_a_pattern() {
        for text in [
            "int main(void) { return id(d) + x(x) + y(y) + f(f) + g(g) + h(h); }\n",
            "(define x ((())))\n",
            "第2(2)條及第5(5)條、第7(7)條、第8(8)條和第9(9)條\n",
        ] {
            assert_eq!(auto(text).0, text);
        }
        // Beside readings they go with them.
        let glossed = "國(guó)家(jiā)的(de)人(rén)民(mín)：W(W)H(H)O(O)\n";
        assert_eq!(auto(glossed).0, "國家的人民：WHO\n");
    }

    #[test]
    fn damaged_glosses_stay_and_are_reported() {
        let text = "中華網(wǎng)報道(dào)，國(guó)家互聯(lián)網(wǎng)\n進一步推M(jìn)";
        let (out, _, damage) = auto(text);
        assert_eq!(out, "中華網報道，國家互聯網\n進一步推M(jìn)");
        assert_eq!(damage, vec![Damage { line: 2, column: 5, kind: DamageKind::LostGlossedCharacter }]);
    }

    /// Enough readings to turn `auto` on, ahead of what a test looks at.
    const GLOSSED: &str = "國(guó)家(jiā)的(de)人(rén)民(mín)\n";

    #[test]
    fn capitalised_romanizations_are_names_not_readings() {
        for text in ["锂(Li)和钠(Na)都是碱金属。\n", "作者：王(Wang)、李(Li)\n", "马(Ma)和胡(Hu)\n"] {
            let (out, counts, _) = auto(text);
            assert_eq!(out, text);
            assert_eq!(counts.glosses_removed, 0);
        }
        // Nor are they taken once the text is glossed.
        assert_eq!(auto(&format!("{GLOSSED}作者：王(Wang)、李(Li)\n")).0, "國家的人民\n作者：王(Wang)、李(Li)\n");
        assert_eq!(strip("锂(Li)"), "锂", "strip takes every reading");
        // Flattened ruby capitalises a sentence's first reading and names
        // inside it: those are ruby's (review 14 #8).
        for (glossed, cleaned) in [
            ("北(Běi)京(jīng)是(shì)首(shǒu)都(dū)。\n", "北京是首都。\n"),
            ("我(wǒ)叫(jiào)王(Wáng)小(xiǎo)明(míng)。\n", "我叫王小明。\n"),
            ("王(Wáng)小(xiǎo)明(míng)\n", "王小明\n"),
        ] {
            assert_eq!(auto(glossed).0, cleaned, "{glossed}");
        }
        assert_eq!(auto(&format!("{GLOSSED}锂(Li)和钠(Na)\n")).0, "國家的人民\n锂(Li)和钠(Na)\n");
    }

    #[test]
    fn a_lesson_on_a_phonetic_series_keeps_its_readings() {
        for lesson in [
            "清(qīng)请(qǐng)情(qíng)晴(qíng)\n",
            "形声字：清(qīng)请(qǐng)情(qíng)晴(qíng)\n",
            "- 清(qīng)请(qǐng)情(qíng)\n",
        ] {
            assert_kept_after_glossed_text(lesson);
        }
        for (glossed, cleaned) in [
            // Two of a syllable, a repeated character, more than the series
            // on the line, or two syllables: ruby.
            ("是(shì)事(shì)\n", "是事\n"),
            ("试(shì)试(shì)试(shì)\n", "试试试\n"),
            ("清(qīng)请(qǐng)情(qíng)晴(qíng)天\n", "清请情晴天\n"),
            ("清(qīng)请(qǐng)睛(jīng)\n", "清请睛\n"),
            ("这(zhè)是(shì)实(shí)事(shì)。\n", "这是实事。\n"),
            // Every occurrence glossed, as scraped text glosses it.
            ("謝(xiè)謝(xiè)你(nǐ)\n", "謝謝你\n"),
            // A glossed character before its word in glossed prose is
            // ruby's (last look 15: `已(yǐ)已经` was once kept as a lesson,
            // and with it `妈(mā)妈在家里做饭。`).
            ("妈(mā)妈在家里做饭。\n", "妈妈在家里做饭。\n"),
        ] {
            assert_eq!(auto(&format!("{GLOSSED}{glossed}")).0, format!("國家的人民\n{cleaned}"), "{glossed}");
        }
    }

    #[test]
    fn ascii_characters_glossed_by_themselves_alone_are_code() {
        let code = "print(f(f))\nassert g(g) is None\nint a(a);\n(define x ((())))\n";
        assert_eq!(auto(&format!("{GLOSSED}{code}")).0, format!("國家的人民\n{code}"));
        assert_eq!(strip(code), code);
        // Scraped text echoes whole words; a letter alone stays, even in `strip`.
        assert_eq!(strip("A(A)股和B(B)股"), "A(A)股和B(B)股");
        assert_eq!(strip("指数：M(M)S(S)C(C)I(I)"), "指数：MSCI");
    }

    #[test]
    fn markdown_code_is_never_cleaned() {
        let fenced = "```python\nprint(f(f))\nx = \"國(guó)家(jiā)的(de)人(rén)民(mín)\"\n```\n";
        let inline = "用 `中(zhōng)` 或 ``a`(b)`` 而非 文(wén)\n";
        let (out, counts, _) = auto(&format!("{GLOSSED}{fenced}{inline}"));
        assert_eq!(out, format!("國家的人民\n{fenced}用 `中(zhōng)` 或 ``a`(b)`` 而非 文\n"));
        assert_eq!(counts.glosses_removed, 6);
        // Readings in code do not turn `auto` on.
        let (out, _, _) = auto(&format!("{fenced}文(wén)\n"));
        assert_eq!(out, format!("{fenced}文(wén)\n"));
        // `~~~` fences too; one left open hides nothing (the pipeline holds
        // the text of an open fence back until it closes).
        let mut fed = Fed::new(GlossMode::Strip);
        let windows = ["文(wén)\n~~~~text\n中(zhōng)\n~~~~\n", "文(wén)\n```\n中(zhōng)\n"];
        let out: Vec<String> = windows.iter().map(|w| fed.clean(w, &mut Vec::new())).collect();
        assert_eq!(out, ["文\n~~~~text\n中(zhōng)\n~~~~\n", "文\n```\n中\n"]);
        // A fence opens only at a line's start, and an unclosed backtick is a backtick.
        let mut fed = Fed::new(GlossMode::Strip);
        let windows = ["文(wén) ", "```\n文(wén) ` 中(zhōng)\n"];
        let out: Vec<String> = windows.iter().map(|w| fed.clean(w, &mut Vec::new())).collect();
        assert_eq!(out, ["文 ", "```\n文 ` 中\n"]);
    }

    #[test]
    fn polyphone_lessons_keep_their_readings() {
        for lesson in [
            "多音字：行(xíng) 行(háng)，长(cháng) 长(zhǎng)。\n",
            "行(xíng)走 银(yín)行(háng) 还(hái)有 还(huan2)钱 好(hǎo)人 好(hào)学\n",
            "行(xíng)：行走\n行(háng)：银行\n",
        ] {
            let (out, counts, _) = auto(lesson);
            assert_eq!(out, lesson);
            assert_eq!(counts.glosses_removed, 0);
        }
        // In glossed text, a character read two ways keeps its glosses when
        // the text teaches it as an entry, and on lines that hold both
        // readings outside running text; the lesson's examples keep it too.
        let text = format!("{GLOSSED}长(cháng)：长城\n成(chéng)长(zhǎng)\n长(cháng)短 长(zhǎng)大\n");
        assert_eq!(auto(&text).0, "國家的人民\n长(cháng)：长城\n成长(zhǎng)\n长(cháng)短 长(zhǎng)大\n");
        let lesson = "多音字：觉(jiào) 觉(jué)\n我(wǒ)要(yào)睡(shuì)觉(jiào)了(le)。\n";
        assert_eq!(auto(lesson).0, "多音字：觉(jiào) 觉(jué)\n我要睡觉(jiào)了。\n");
        // A toneless reading agrees with the toned one, and so does the
        // neutral tone written as a digit.
        for (glossed, cleaned) in [
            ("长(chang)城 长(cháng)江\n", "长城 长江\n"),
            ("桌(zhuō)子(zi5)上 君(jūn)子(zǐ)\n", "桌子上 君子\n"),
            ("桌(zhuo1)子(zi0)上 君(jun1)子(zi3)\n", "桌子上 君子\n"),
            // The row keeps its head's reading; the ruby's 子 is not taught by it.
            ("桌(zhuō)子(zi)\n子(zǐ)：孔子\n", "桌子\n子(zǐ)：孔子\n"),
        ] {
            assert_eq!(auto(&format!("{GLOSSED}{glossed}")).0, format!("國家的人民\n{cleaned}"), "{glossed}");
        }
    }

    #[test]
    fn running_glossed_text_that_reads_a_character_two_ways_is_cleaned() {
        let story = "小(xiǎo)明(míng)高(gāo)兴(xìng)地(de)跑(pǎo)回(huí)家(jiā)。\n\
                     他(tā)看(kàn)见(jiàn)地(dì)上(shang)有(yǒu)一(yì)本(běn)书(shū)。\n\
                     他(tā)把(bǎ)书(shū)放(fàng)到(dào)桌(zhuō)子(zi)上(shang)，去(qù)睡(shuì)觉(jiào)了(le)。\n\
                     第(dì)二(èr)天(tiān)，他(tā)觉(jué)得(de)很(hěn)开(kāi)心(xīn)。\n";
        for (glossed, cleaned) in [
            (story, "小明高兴地跑回家。\n他看见地上有一本书。\n他把书放到桌子上，去睡觉了。\n第二天，他觉得很开心。\n"),
            (
                "我(wǒ)有(yǒu)一(yí)个(gè)好(hǎo)朋(péng)友(you)，我(wǒ)们(men)一(yì)起(qǐ)上(shàng)学(xué)，他(tā)是(shì)第(dì)一(yī)名(míng)。\n",
                "我有一个好朋友，我们一起上学，他是第一名。\n",
            ),
            ("我(wǒ)不(bú)去(qù)，他(tā)也(yě)不(bù)来(lái)。\n", "我不去，他也不来。\n"),
            ("他(tā)觉(jué)得(de)睡(shuì)觉(jiào)很(hěn)好(hǎo)。\n", "他觉得睡觉很好。\n"),
            // 一 and 不 changing tone are one reading, even beside a list that
            // teaches 一 and outside running text.
            (
                "國(guó)家(jiā)的(de)人(rén)民(mín)\n一(yī)、二(èr)、三(sān)\n一(yí)个 一(yì)起 不(bú)去 不(bù)来\n",
                "國家的人民\n一(yī)、二(èr)、三(sān)\n一个 一起 不去 不来\n",
            ),
        ] {
            assert_eq!(auto(glossed).0, cleaned, "{glossed}");
        }
    }

    /// Asserts that `auto` keeps every reading of `lesson`, after a line
    /// of glossed text that has shown the pattern.
    fn assert_kept_after_glossed_text(lesson: &str) {
        let (out, counts, _) = auto(&format!("{GLOSSED}{lesson}"));
        assert_eq!(out, format!("國家的人民\n{lesson}"), "{lesson}");
        let glosses = lesson.split(['(', '（']).filter(|after| after.starts_with(|c: char| c.is_ascii_lowercase()));
        assert_eq!(counts.glosses_kept, glosses.count() as u64, "{lesson}");
    }

    #[test]
    fn readings_that_are_the_lesson_stay() {
        for lesson in [
            "注意：银行的行(háng)和重新的重(chóng)都是多音字。\n",
            "生字表：\n春(chūn) 夏(xià) 秋(qiū) 冬(dōng)\n",
            "妈(mā) 麻(má) 马(mǎ) 骂(mà)\n",
            "妈(mā)、麻(má)、马(mǎ)、骂(mà)\n",
            "这两个字读音相同：油(yóu)游(yóu)\n",
            "看看银行的行(háng)\n重新之重(chóng)\n",
            "春(chūn)\n夏(xià)\n",
            "生字：春(chūn)、夏(xià)、秋(qiū)、冬(dōng)。\n",
            "生字：春（chūn）、夏（xià）、秋（qiū）、冬（dōng）。\n",
            "妈(mā)、麻(má)、马(mǎ)、骂(mà)。\n",
            "生字：春(chūn)、夏(xià)。\n",
            "梅(méi)、兰(lán)、竹(zhú)、菊(jú)\n",
        ] {
            assert_kept_after_glossed_text(lesson);
        }
        // Flattened ruby glosses characters that touch each other, and
        // sentence punctuation is not a list's separator.
        let (out, _, _) = auto("你(nǐ)好(hǎo)，世(shì)界(jiè)。我(wǒ)的(de)家(jiā)\n");
        assert_eq!(out, "你好，世界。我的家\n");
        let running = "今天我(wǒ)们(men)去(qù)公(gōng)园(yuán)玩(wán)，天(tiān)气(qì)很(hěn)好(hǎo)。\n";
        assert_eq!(auto(running).0, "今天我们去公园玩，天气很好。\n");
        // Nor are one-word sentences and enumerations in running glossed text.
        for (glossed, cleaned) in [
            (
                "小(xiǎo)明(míng)说(shuō)：“好(hǎo)！”我(wǒ)们(men)走(zǒu)吧(ba)。对(duì)，走(zǒu)。\n",
                "小明说：“好！”我们走吧。对，走。\n",
            ),
            ("今(jīn)天(tiān)很(hěn)好(hǎo)。嗯(ńg)，好(hǎo)！走(zǒu)！\n", "今天很好。嗯，好！走！\n"),
            ("你(nǐ)好(hǎo)！对(duì)，走(zǒu)。\n", "你好！对，走。\n"),
            ("好(hǎo)吗(ma)？好(hǎo)。走(zǒu)，走(zǒu)！\n", "好吗？好。走，走！\n"),
            (
                "春(chūn)天(tiān)来(lái)了(le)。\n梅(méi)、兰(lán)、竹(zhú)、菊(jú)是(shì)四(sì)君(jūn)子(zǐ)。\n",
                "春天来了。\n梅、兰、竹、菊是四君子。\n",
            ),
        ] {
            assert_eq!(auto(glossed).0, cleaned, "{glossed}");
        }
    }

    #[test]
    fn list_entries_after_a_marker_or_a_label_keep_their_readings() {
        for lesson in [
            "- 春(chūn)\n- 夏(xià)\n- 秋(qiū)\n",
            "* 春(chūn)\n+ 夏(xià)\n",
            "1. 春(chūn)\n2. 夏(xià)\n",
            "1) 春(chūn)\n2)夏(xià)\n",
            "（一）春(chūn)\n（二）夏(xià)\n",
            "一、春(chūn)\n二、夏(xià)\n",
            "1、春(chūn) 夏(xià)\n",
            "生字：妈(mā)、麻(má)。马(mǎ)、骂(mà)。\n",
            "本课生字：春（chūn）。夏（xià）！\n",
        ] {
            assert_kept_after_glossed_text(lesson);
        }
        // A marker is not a gloss's neighbour in glossed prose, nor is a
        // sentence before the colon a label.
        for (glossed, cleaned) in [
            ("- 春(chūn)天(tiān)来(lái)了(le)\n", "- 春天来了\n"),
            ("1. 我(wǒ)们(men)走(zǒu)\n", "1. 我们走\n"),
            ("天很好。他说：好(hǎo)！走(zǒu)！\n", "天很好。他说：好！走！\n"),
            ("他(tā)说(shuō)：好(hǎo)！走(zǒu)！\n", "他说：好！走！\n"),
        ] {
            assert_eq!(auto(&format!("{GLOSSED}{glossed}")).0, format!("國家的人民\n{cleaned}"), "{glossed}");
        }
    }

    #[test]
    fn a_lesson_on_the_neutral_tone_keeps_its_readings() {
        for lesson in [
            "得(dé)：得到。得(de)：跑得快。\n",
            "得(de2)：得到。得(de5)：跑得快。\n",
            "得(de2)：得到。得(de0)：跑得快。\n",
            "轻声：东西(xi)是物品，东西(xī)是方向。\n",
            "輕聲：東西(xi)是物品，東西(xī)是方向。\n",
        ] {
            let (out, counts, _) = auto(&format!("{GLOSSED}{lesson}"));
            assert_eq!(out, format!("國家的人民\n{lesson}"), "{lesson}");
            assert_eq!(counts.glosses_kept, lesson.matches('(').count() as u64, "{lesson}");
        }
        // Ruby writes the neutral tone unmarked beside toned readings: that
        // teaches nothing.
        for (glossed, cleaned) in [
            ("我(wǒ)的(de)书(shū)。的(dí)确(què)。\n", "我的书。的确。\n"),
            ("跑(pǎo)得(de)快\n得(dé)到\n", "跑得快\n得到\n"),
            ("得(dé)到 跑(pǎo)得(de)快\n", "得到 跑得快\n"),
        ] {
            assert_eq!(auto(&format!("{GLOSSED}{glossed}")).0, format!("國家的人民\n{cleaned}"), "{glossed}");
        }
    }

    #[test]
    fn word_lists_keep_their_readings() {
        let list = "爱(ài) to love\n八(bā) eight\n爸(bà): dad\n杯(bēi) - cup\n北(běi)：\tnorth\n不(bù) no, not\n";
        let (out, counts, _) = auto(list);
        assert_eq!(out, list);
        assert_eq!(counts.glosses_kept, 6);
        assert_eq!(auto(&format!("{GLOSSED}英偉達(dá)H20\n")).0, "國家的人民\n英偉達H20\n");
        // Review 17 #1: rows with an example after the definition, or
        // behind a marker the list finder does not know, lost their glosses.
        for row in [
            "学(xué)习(xí) to study\n",
            "- 学(xué)习(xí): to study\n",
            "| 爱(ài) to love |\n",
            "1. 爸(bà) - dad\n",
            "学(xué)习(xí) to study — 我学习中文\n",
            "[1] 朋(péng)友(you) friend — 好朋友\n",
            "a) 爸(bà) dad\n",
            "> 喜(xǐ)欢(huan) to like\n",
            "1\t学(xué)习(xí)\tto study\n",
        ] {
            assert_eq!(auto(&format!("{GLOSSED}{row}")).0, format!("國家的人民\n{row}"), "{row}");
        }
        let examples = "学(xué)习(xí) to study — 我学习中文\n工(gōng)作(zuò) to work — 我在工作\n朋(péng)友(you) friend — 好朋友\n";
        assert_eq!(auto(examples).0, examples);
    }

    #[test]
    fn glossed_prose_before_a_latin_word_is_cleaned() {
        for (glossed, cleaned) in [
            ("使(shǐ)用(yòng) chmod 或(huò) chown 命(mìng)令(lìng)\n", "使用 chmod 或 chown 命令\n"),
            ("考(kǎo)虑(lǜ)提(tí)供(gōng)的(de) NTP 服(fú)务(wù)\n", "考虑提供的 NTP 服务\n"),
            ("典(diǎn)型(xíng)的(de) non-free 软(ruǎn)件(jiàn)\n", "典型的 non-free 软件\n"),
            ("Vim - 文(wén)本(běn)编(biān)辑(jí)器(qì) -- Vim\n", "Vim - 文本编辑器 -- Vim\n"),
            ("套接字 和(hé) UNIX域套接字\n", "套接字 和 UNIX域套接字\n"),
            ("我(wǒ)们(men)的(de)学(xué)习(xí) plan\n", "我们的学习 plan\n"),
        ] {
            assert_eq!(auto(&format!("{GLOSSED}{glossed}")).0, format!("國家的人民\n{cleaned}"), "{glossed}");
        }
    }

    #[test]
    fn vocabulary_rows_keep_the_reading_of_their_head_character() {
        for rows in [
            "八(bā)：八个 十八\n白(bái)：白色 白天\n",
            "八(bā): 八个\n白(bái): 白色\n",
            "| 八(bā) | eight |\n| 白(bái) | white |\n",
            "| 八(bā) | 八个、十八 |\n| 白(bái) | 白色、白天 |\n",
            "八(bā),eight\n白(bái),white\n",
            "\"八(bā)\",\"八个、十八\"\n\"白(bái)\",\"白色、白天\"\n",
            "八(bā)\t八个 十八\n白(bái)\t白色 白天\n",
            "1. 八(bā) 八个 十八\n2. 白(bái) 白色 白天\n",
            "八(bā) 八个 十八\n白(bái) 白色 白天\n",
            "八(bā) | 八个\n白(bái) : 白色\n",
            // Definitions in Chinese after a space (last look 15).
            "好(hǎo) 表示满意\n坏(huài) 不好\n",
            "- 八(bā)：八个、十八\n- 白(bái)：白色、白天\n",
        ] {
            assert_kept_after_glossed_text(rows);
        }
        // A row's head glossed in running text, or with the words it opens.
        for (glossed, cleaned) in [
            ("好(hǎo)，我们走吧。\n", "好，我们走吧。\n"),
            ("國(guó)家很大\n", "國家很大\n"),
            ("| 國(guó)家 | 很大 |\n", "| 國家 | 很大 |\n"),
            ("八(bā)个(gè)：八个\n", "八个：八个\n"),
            ("说(shuō)：“你好。”\n", "说：“你好。”\n"),
            ("在(zài) /etc/fstab 里面，将它删除。\n", "在 /etc/fstab 里面，将它删除。\n"),
        ] {
            assert_eq!(auto(&format!("{GLOSSED}{glossed}")).0, format!("國家的人民\n{cleaned}"), "{glossed}");
        }
    }

    #[test]
    fn full_width_parentheses_hold_glosses_too() {
        let (out, counts, _) = auto("我（wǒ）们（men）的（de）学（xué）校（xiào）很（hěn）大（dà）。\n");
        assert_eq!(out, "我们的学校很大。\n");
        assert_eq!(counts.glosses_removed, 7);
        assert_eq!(
            strip("國（guó）家(jiā)（注）北京（Běijīng）第（1）項，。（。）"),
            "國家（注）北京（Běijīng）第（1）項，。（。）"
        );
        // The same rules as for `(`: a lone one is not a pattern.
        let lone = "这是一个生僻字：犇（bēn），意思是牛奔跑。\n";
        assert_eq!(auto(lone).0, lone);
    }

    #[test]
    fn optional_character_maps() {
        let mut cleaner = Cleaner::new(CleanOptions {
            glosses: GlossMode::Keep,
            compat_ideographs: true,
            zero_width: true,
            fullwidth_ascii: true,
        });
        let out = cleaner.clean("ＡＢＣ１２３\u{200B}\u{F900}\u{2F800}，好", &[], &mut Vec::new());
        assert_eq!(out, "ABC123\u{8C48}\u{4E3D}，好");
        assert_eq!(cleaner.counts().characters_changed, 9);
    }

    /// `strip` with full-width ASCII folded (`fold`) or zero-width characters
    /// removed (`remove`): the output and the damage found.
    fn strip_mapped(fold: bool, remove: bool, text: &str) -> (String, Vec<Damage>) {
        let options =
            CleanOptions { glosses: GlossMode::Strip, fullwidth_ascii: fold, zero_width: remove, ..Default::default() };
        let mut damage = Vec::new();
        (Fed::with(options).clean(text, &mut damage), damage)
    }

    #[test]
    fn glosses_that_the_character_options_reveal_go_in_the_same_pass() {
        assert_eq!(strip_mapped(true, false, "血(ｘｕｅ)压(ｙａ)正(ｚｈｅｎｇ４)").0, "血压正");
        assert_eq!(strip_mapped(false, true, "血(\u{200B}xue)压\u{2060}(ya)正(zhe\u{FEFF}ng)").0, "血压正");
        assert_eq!(strip_mapped(true, true, "Ｗ(Ｗ)\u{200B}Ｈ(Ｈ)\u{200B}Ｏ(Ｏ)").0, "WHO");
        // Without the option the characters stay, and so do the glosses.
        assert_eq!(strip_mapped(false, false, "血(ｘｕｅ)压(\u{200B}ya)").0, "血(ｘｕｅ)压(\u{200B}ya)");
    }

    #[test]
    fn readings_with_decomposed_tone_marks_are_readings() {
        assert_eq!(strip("血(xue\u{300})压(ya\u{304})常(cha\u{301}ng)绿(lu\u{308}\u{300})"), "血压常绿");
        assert_eq!(strip("行(xi\u{301}ng) 行(ha\u{301}ng)"), "行 行");
        let (_, _, damage) = auto(&format!("{GLOSSED}推M(ji\u{300}n)"));
        assert_eq!(damage, vec![Damage { line: 2, column: 2, kind: DamageKind::LostGlossedCharacter }]);
    }

    #[test]
    fn damage_is_placed_by_the_characters_of_the_input() {
        let lost = |column| vec![Damage { line: 1, column, kind: DamageKind::LostGlossedCharacter }];
        assert_eq!(strip_mapped(false, true, "\u{200B}\u{200B}推M(jìn)").1, lost(4));
        assert_eq!(strip_mapped(false, true, "推M\u{200B}(jìn)").1, lost(2));
        assert_eq!(strip_mapped(false, true, "文(\u{200B}wén)\u{200B}推M(jìn)").1, lost(10));
        assert_eq!(strip_mapped(true, false, "ＡＢ文(ｗéｎ)推M(jìn)").1, lost(10));
    }

    #[test]
    fn code_after_mapped_characters_is_still_code() {
        let text = "ＡＢＣ\u{200B}文(wén) `中(zhōng)` 国(ｇｕó)\n```\nＸ\u{200B}(x)中(zhōng)\n```\n";
        let out = "ABC文 `中(zhōng)` 国\n```\nX(x)中(zhōng)\n```\n";
        assert_eq!(strip_mapped(true, true, text).0, out);
    }

    #[test]
    fn a_second_pass_changes_nothing() {
        for text in [
            "血(ｘｕｅ)压(ｙａ)正(ｚｈｅｎｇ)常(ｃｈａｎｇ)值(ｚｈｉ)\n",
            "血(\u{200B}xue)压(ya)正(zheng)常(chang)值(zhi)世(shi)\n",
            "Ｗ(\u{200B}Ｗ)Ｈ(Ｈ)Ｏ(Ｏ)和ＡＢ文(ｗéｎ)\n",
        ] {
            let once = strip_mapped(true, true, text).0;
            assert_eq!(strip_mapped(true, true, &once).0, once, "{text}");
        }
        let decomposed =
            format!("{GLOSSED}血(xue\u{300})压(ya\u{304})正(zhe\u{300}ng)常(cha\u{301}ng)值(zhi\u{301})\n");
        let once = auto(&decomposed).0;
        assert_eq!(once, "國家的人民\n血压正常值\n");
        assert_eq!(auto(&once).0, once);
    }

    /// Whether the characters of `short` stand in `long` in the same order.
    fn is_taken_out_of(short: &str, long: &str) -> bool {
        let mut long = long.chars();
        short.chars().all(|c| long.any(|d| d == c))
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 256, ..Default::default() })]

        /// Removing glosses takes pieces out and nothing else, looks only
        /// at text with a parenthesis, and gives the same line by line as
        /// whole (in `strip`, which does not watch for a pattern).
        #[test]
        fn gloss_removal_only_takes_out_and_does_not_depend_on_the_windows(text in crate::chinese_like::text(30)) {
            let whole = strip(&text);
            proptest::prop_assert!(is_taken_out_of(&whole, &text), "{:?} -> {:?}", text, whole);
            if !text.contains(['(', '（']) {
                proptest::prop_assert_eq!(&whole, &text);
            }
            let mut fed = Fed::new(GlossMode::Strip);
            let by_lines: String = text.split_inclusive('\n').map(|line| fed.clean(line, &mut Vec::new())).collect();
            proptest::prop_assert_eq!(by_lines, whole);
        }
    }
}
