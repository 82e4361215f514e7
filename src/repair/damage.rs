//! Damage that cannot be undone, reported with its position so that a person
//! can go back to a better source: U+FFFD, `锟斤拷` (U+FFFD written as UTF-8
//! and read as GBK), and `烫烫烫`/`屯屯屯` (uninitialised memory from MSVC
//! debug builds). The text itself is left as it is: a guess would be
//! invention.

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
}

impl DamageKind {
    /// A short description for people.
    pub fn describe(self) -> &'static str {
        match self {
            DamageKind::ReplacementCharacter => "U+FFFD replacement character (bytes were lost)",
            DamageKind::Kunjinkao => "锟斤拷 (U+FFFD written as UTF-8 and read as GBK)",
            DamageKind::UninitialisedMemory => "烫烫烫/屯屯屯 (uninitialised memory read as GBK)",
            DamageKind::LostGlossedCharacter => "pinyin gloss after a stand-in: the glossed character was lost",
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
const PATTERNS: [(&str, &str, DamageKind); 4] = [
    ("\u{FFFD}", "\u{FFFD}", DamageKind::ReplacementCharacter),
    ("锟斤拷", "锟斤拷", DamageKind::Kunjinkao),
    ("烫烫烫", "烫", DamageKind::UninitialisedMemory),
    ("屯屯屯", "屯", DamageKind::UninitialisedMemory),
];

/// Scans `text`, which follows the text already scanned up to `position`,
/// and appends the damage found; `position` moves to the end of `text`.
///
/// Clean text is the common case, so the scan is a few `memmem` passes over
/// the bytes; lines and columns are counted only up to each find.
/// A pattern cut by the end of `text` is not seen: callers pass whole lines.
pub fn scan_damage(text: &str, position: &mut Position, found: &mut Vec<Damage>) {
    let bytes = text.as_bytes();
    let mut hits: Vec<(usize, usize, DamageKind)> = Vec::new();
    for (pattern, unit, kind) in PATTERNS {
        let mut run_end = 0;
        for start in memchr::memmem::find_iter(bytes, pattern.as_bytes()) {
            // A run of the same damage (`锟斤拷锟斤拷`, `烫烫烫烫`) is one report.
            if start < run_end {
                continue;
            }
            let rest = &text[start..];
            run_end = start + rest.len() - rest.trim_start_matches(unit).len();
            hits.push((start, run_end, kind));
        }
    }
    hits.sort_unstable_by_key(|&(start, _, _)| start);
    let mut scanned = 0;
    for (start, _, kind) in hits {
        position.advance(&text[scanned..start]);
        scanned = start;
        found.push(Damage { line: position.line, column: position.column, kind });
    }
    position.advance(&text[scanned..]);
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
        assert_eq!(scan("x烫烫烫烫烫烫\n屯屯屯"), vec![(1, 2, UninitialisedMemory), (2, 1, UninitialisedMemory)]);
        assert_eq!(scan("热烫烫的"), vec![]);
        assert_eq!(scan("\u{FFFD}\u{FFFD}a\u{FFFD}"), vec![(1, 1, ReplacementCharacter), (1, 4, ReplacementCharacter)]);
    }

    #[test]
    fn position_carries_across_calls() {
        let mut position = Position::default();
        let mut found = Vec::new();
        scan_damage("第一行\n第二", &mut position, &mut found);
        scan_damage("行\u{FFFD}\n", &mut position, &mut found);
        assert_eq!(found, vec![Damage { line: 2, column: 4, kind: DamageKind::ReplacementCharacter }]);
    }
}
