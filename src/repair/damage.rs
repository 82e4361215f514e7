//! Damage that cannot be undone, reported with its position so that a person
//! can go back to a better source: U+FFFD (and half a character cut at a
//! line end), `锟斤拷` (U+FFFD written as UTF-8 and read as GBK),
//! `烫烫烫`/`屯屯屯` (uninitialised memory from MSVC debug builds), and a `?`
//! or a lone Latin letter standing for a Chinese character that was lost. The text itself is left as it is: a guess would be
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
    /// U+FFFD right before a line end or the end of the text: the first
    /// bytes of a multi-byte character whose rest was cut off (a truncated
    /// UTF-8 sequence, a dangling GBK lead byte).
    CutCharacter,
    /// A `?` or a lone Latin letter between two Chinese characters (`中?文`,
    /// `星P偶`): a character an encoder could not write, or half of one.
    /// Words written so (`A股`, `X光`, `T恤`) are not reported.
    LostCharacter,
}

impl DamageKind {
    /// A short description for people.
    pub fn describe(self) -> &'static str {
        match self {
            DamageKind::ReplacementCharacter => "U+FFFD replacement character (bytes were lost)",
            DamageKind::Kunjinkao => "锟斤拷 (U+FFFD written as UTF-8 and read as GBK)",
            DamageKind::UninitialisedMemory => "烫烫烫/屯屯屯 (uninitialised memory read as GBK)",
            DamageKind::LostGlossedCharacter => "pinyin gloss after a stand-in: the glossed character was lost",
            DamageKind::CutCharacter => "half a character cut off at a line end (bytes were lost)",
            DamageKind::LostCharacter => "'?' or a lone Latin letter inside Chinese text: a character was lost",
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
    for hit in &mut hits {
        if hit.2 == DamageKind::ReplacementCharacter && matches!(bytes.get(hit.1), None | Some(b'\n' | b'\r')) {
            hit.2 = DamageKind::CutCharacter;
        }
    }
    hits.extend(lost_characters(text).map(|at| (at, at + 1, DamageKind::LostCharacter)));
    hits.sort_unstable_by_key(|&(start, _, _)| start);
    let mut scanned = 0;
    for (start, _, kind) in hits {
        position.advance(&text[scanned..start]);
        scanned = start;
        found.push(Damage { line: position.line, column: position.column, kind });
    }
    position.advance(&text[scanned..]);
}

/// Words of Chinese that put a lone Latin letter next to a Han character.
const LETTER_WORDS: [&str; 20] = [
    "A股",
    "B股",
    "H股",
    "N股",
    "X光",
    "Q版",
    "T恤",
    "B超",
    "K线",
    "K線",
    "U盘",
    "U盤",
    "T台",
    "A型",
    "B型",
    "O型",
    "维生素C",
    "維生素C",
    "维生素E",
    "維生素E",
];

/// Byte offsets of each `?` or lone ASCII letter with a Han character right
/// before and right after it, outside [`LETTER_WORDS`]. `x`, `X` and `n`
/// stand alone in correct technical text (`X螢幕` for the X Window System's
/// screen, `x終端模擬器`, `第n個`) and are not reported. Clean text costs a
/// byte scan: only an ASCII byte between two non-ASCII ones is looked at.
fn lost_characters(text: &str) -> impl Iterator<Item = usize> + '_ {
    let bytes = text.as_bytes();
    let is_han = |c: Option<char>| c.is_some_and(|c| matches!(u32::from(c), 0x3400..=0x4DBF | 0x4E00..=0x9FFF));
    (1..bytes.len().saturating_sub(1)).filter(move |&i| {
        let b = bytes[i];
        (b == b'?' || b.is_ascii_alphabetic() && !matches!(b, b'x' | b'X' | b'n'))
            && bytes[i - 1] >= 0x80
            && bytes[i + 1] >= 0x80
            && is_han(text[..i].chars().next_back())
            && is_han(text[i + 1..].chars().next())
            && !LETTER_WORDS.iter().any(|word| text[i..].starts_with(word) || text[..=i].ends_with(word))
    })
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
        assert_eq!(
            scan("\u{FFFD}\u{FFFD}a\u{FFFD}b"),
            vec![(1, 1, ReplacementCharacter), (1, 4, ReplacementCharacter)]
        );
    }

    #[test]
    fn half_a_character_at_a_cut() {
        use DamageKind::*;
        let decode = |bytes: &[u8], encoding: &'static encoding_rs::Encoding| {
            encoding.decode_without_bom_handling(bytes).0.into_owned()
        };
        // "中文" in UTF-8 with its last byte cut off, at the end of a file.
        assert_eq!(scan(&decode(b"\xe4\xb8\xad\xe6\x96", encoding_rs::UTF_8)), vec![(1, 2, CutCharacter)]);
        // A GBK lead byte left dangling before a line end: "中\xce\n文".
        assert_eq!(scan(&decode(b"\xd6\xd0\xce\r\n\xce\xc4", encoding_rs::GBK)), vec![(1, 2, CutCharacter)]);
        assert_eq!(scan("中\u{FFFD}文"), vec![(1, 2, ReplacementCharacter)]);
    }

    #[test]
    fn lost_character_inside_chinese_text() {
        use DamageKind::*;
        // GBK encoders write "?" for what they cannot encode: "中?文".
        assert_eq!(
            scan(&encoding_rs::GBK.decode_without_bom_handling(b"\xd6\xd0?\xce\xc4").0),
            vec![(1, 2, LostCharacter)]
        );
        assert_eq!(scan("星P偶译"), vec![(1, 2, LostCharacter)]);
        assert_eq!(scan("第一行\n海信家电发l布"), vec![(2, 6, LostCharacter)]);
        for clean in [
            "买入A股和H股",
            "拍X光片",
            "一件T恤衫",
            "唱卡拉OK去",
            "补充维生素C片",
            "Debian系统",
            "中文? 是",
            "的X螢幕",
            "第n個",
            "你好?",
            "什么？是",
        ] {
            assert_eq!(scan(clean), vec![], "{clean}");
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
