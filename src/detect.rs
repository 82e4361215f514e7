//! Charset detection: which encoding produced these bytes?
//!
//! `chardetng` is the strongest general detector for Chinese, but it does no
//! BOM handling, knows nothing of UTF-16, and on a title of a few characters
//! it can only guess. So the order is: BOM, then UTF-16 by its NUL pattern,
//! then binary (NUL bytes close together; a few far apart, or padding, are
//! damage in text), then valid UTF-8 (pure ASCII included), then
//! `chardetng`. When the input is short, or `chardetng` lands on a neighbour
//! of the Chinese charsets, every candidate decoding is scored for how
//! plausible it is as Chinese text, and a clearly better Chinese reading wins;
//! a reading that decodes cleanly and plausibly wins over one with malformed
//! sequences, which is how a short text with a bad byte stays text.
//!
//! GBK is always reported and decoded as GB18030, its superset: a GB18030
//! file then loses nothing, and a GBK file decodes identically.

use crate::repair::bigram;
use encoding_rs::{
    Encoding, BIG5, EUC_JP, EUC_KR, GB18030, GBK, ISO_2022_JP, ISO_8859_2, SHIFT_JIS, UTF_16BE, UTF_16LE, UTF_8,
    WINDOWS_1250, WINDOWS_1252,
};

pub mod declared;

/// How many bytes detection looks at.
pub const PREFIX_LEN: usize = 64 * 1024;

/// Inputs with fewer non-ASCII bytes than this are too short for
/// `chardetng`'s statistics alone.
const SHORT_NON_ASCII: usize = 256;

/// From this many non-ASCII bytes on, a Japanese or Korean guess of
/// `chardetng` that decodes cleanly is trusted: on the accuracy test's
/// corpus `chardetng` no longer takes Chinese for them at this length,
/// while the plausibility scoring (which prefers Chinese on a near-tie) reads
/// most short EUC-KR and EUC-JP texts as GBK.
const NEIGHBOUR_NON_ASCII: usize = 48;

/// What detection concluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detection {
    /// Text in this charset.
    Text(Charset),
    /// NUL bytes close together with no UTF-16 pattern, control bytes that
    /// text does not have, or bytes that every candidate reads as mostly malformed
    /// sequences: not text, never rewritten.
    Binary,
}

/// A detected (or forced) charset and how it was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Charset {
    /// The encoding to decode with.
    pub encoding: &'static Encoding,
    /// Length of the byte-order mark at the start of the input, 0 if none.
    pub bom_len: usize,
    /// How the decision was made, which says how sure it is.
    pub method: Method,
    /// The charset of the other lines of an input that mixes lines of
    /// UTF-8 and lines of another charset ([`Method::Mixed`]); `encoding`
    /// is then UTF-8, whose decoding refuses the first of them.
    pub mixed_with: Option<&'static Encoding>,
}

/// How a charset was determined, from surest to least sure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Method {
    /// Named by the user with `--from`.
    Forced,
    /// A byte-order mark.
    Bom,
    /// A charset the text declares for itself (see [`declared`]), whose
    /// decoding of it has no malformed sequence.
    Declared,
    /// The bytes are valid UTF-8 (or pure ASCII).
    ValidUtf8,
    /// NUL bytes in the positions that UTF-16 puts them.
    NulPattern,
    /// 7-bit text with the escape sequences of ISO-2022-JP.
    EscapeSequences,
    /// `chardetng` on a long enough input.
    Statistics,
    /// A short or doubtful input, settled by scoring each candidate decoding
    /// as Chinese text.
    Plausibility,
    /// UTF-8 with a few malformed sequences, which decoding refuses.
    NearlyUtf8,
    /// Lines of UTF-8 and lines of another charset, which decoding refuses.
    Mixed,
}

impl Method {
    /// How sure the detector is, from 0 to 1, for people and scripts.
    pub fn confidence(self) -> f64 {
        match self {
            Method::Forced | Method::Bom => 1.0,
            Method::Declared => 0.95,
            Method::ValidUtf8 => 0.99,
            Method::NulPattern | Method::EscapeSequences => 0.95,
            Method::Statistics => 0.9,
            Method::Plausibility => 0.7,
            Method::NearlyUtf8 => 0.9,
            Method::Mixed => 0.5,
        }
    }
}

/// Detects the charset of `prefix`, the start of an input; `complete` says
/// whether `prefix` is the whole input (a truncated trailing UTF-8 sequence
/// is then an error rather than the cut of the prefix).
pub fn detect(prefix: &[u8], complete: bool) -> Detection {
    // UTF-32, which the WHATWG Encoding Standard (and so encoding_rs) leaves
    // out; its BOM would otherwise read as UTF-16's followed by a NUL.
    if prefix.starts_with(b"\xff\xfe\x00\x00") || prefix.starts_with(b"\x00\x00\xfe\xff") {
        return Detection::Binary;
    }
    if let Some((encoding, bom_len)) = Encoding::for_bom(prefix) {
        return text(encoding, bom_len, Method::Bom);
    }
    if let Some(encoding) = utf16_by_nul_pattern(prefix) {
        return text(encoding, 0, Method::NulPattern);
    }
    if prefix.contains(&0) {
        return match with_stray_nuls_blanked(prefix, complete) {
            Some(blanked) => detect_without_nuls(&blanked, complete),
            None => Detection::Binary,
        };
    }
    detect_without_nuls(prefix, complete)
}

/// The fewest bytes of text before a run of NUL bytes in a text file: from
/// the previous run, or from the start (unless the run starts the input).
/// Binary formats put NUL bytes within their first few bytes (PNG, ELF,
/// zip, tar, SQLite, JPEG, PE all before byte 16) and then every few
/// bytes (random data has one in 256); text has them only as damage, far
/// apart.
const NUL_RUN_GAP: usize = 256;

/// `prefix`, which has NUL bytes but not UTF-16's pattern of them, as text
/// for the rest of detection when those NUL bytes are damage in a text
/// file rather than the sign of a binary one: a trailing run (padding, as
/// left by a crash or a fixed-size buffer) is dropped, a leading run (a log
/// truncated while its writer went on) and runs at least [`NUL_RUN_GAP`]
/// bytes of text apart are turned into spaces, which no charset reads as
/// part of a character. `None` when they are too close, or there is no
/// text. The NUL bytes stay in the decoded text, where the damage scan
/// reports them.
fn with_stray_nuls_blanked(prefix: &[u8], complete: bool) -> Option<Vec<u8>> {
    let last_text = prefix.iter().rposition(|&b| b != 0)?;
    let mut blanked = prefix[..if complete { last_text + 1 } else { prefix.len() }].to_vec();
    let mut i = 0;
    while let Some(text_before) = memchr::memchr(0, &blanked[i..]) {
        let start = i + text_before;
        if start > 0 && text_before < NUL_RUN_GAP {
            return None;
        }
        let run = blanked[start..].iter().take_while(|&&b| b == 0).count();
        blanked[start..start + run].fill(b' ');
        i = start + run;
    }
    Some(blanked)
}

/// [`detect`] after the BOM, UTF-16 and NUL bytes.
fn detect_without_nuls(prefix: &[u8], complete: bool) -> Detection {
    if is_utf8(prefix, complete) || (complete && is_cut_utf8(prefix)) {
        if is_iso_2022_jp(prefix, complete) {
            return text(ISO_2022_JP, 0, Method::EscapeSequences);
        }
        if let Some(encoding) = chinese_not_utf8(prefix, complete) {
            return text(widen_gbk(encoding), 0, Method::Plausibility);
        }
        return text(UTF_8, 0, Method::ValidUtf8);
    }
    if has_binary_controls(prefix) {
        return Detection::Binary;
    }
    if let Some(other) = utf8_mixed_with(prefix, complete) {
        return Detection::Text(Charset {
            encoding: UTF_8,
            bom_len: 0,
            method: Method::Mixed,
            mixed_with: Some(other),
        });
    }
    // A few malformed sequences in UTF-8 are damage to refuse, not the sign
    // of another charset: windows-1252 or GBK would read every character
    // around them as mojibake, and `--write` would keep it.
    if Utf8Tally::of(prefix, complete).is_nearly_utf8() {
        return text(UTF_8, 0, Method::NearlyUtf8);
    }
    if let Some(encoding) = declared_and_clean(prefix, complete) {
        return text(widen_gbk(encoding), 0, Method::Declared);
    }
    legacy(prefix, complete)
}

/// Whether `prefix` is ISO-2022-JP: 7-bit, with an escape sequence that
/// switches to JIS X 0208 (`ESC $ B`, or `ESC $ @` of its 1978 edition),
/// and no fault when decoded (the colours of a terminal, `ESC [`, are one).
/// `chardetng` leaves it out, and UTF-8 would pass it through as escapes
/// and letters.
fn is_iso_2022_jp(prefix: &[u8], complete: bool) -> bool {
    // An incomplete prefix may stop inside an escape sequence: whole lines.
    let body = match complete {
        true => prefix,
        false => prefix.iter().rposition(|&b| b == b'\n').map_or(prefix, |end| &prefix[..=end]),
    };
    body.is_ascii()
        && (memchr::memmem::find(body, b"\x1b$B").is_some() || memchr::memmem::find(body, b"\x1b$@").is_some())
        && decodes_cleanly(ISO_2022_JP, body, true)
}

/// The charset `prefix` declares for itself, if its bytes (not UTF-8)
/// decode in it without a fault. Every byte decodes in a single-byte
/// charset, so a declaration of one (a GBK page that says `iso-8859-1`)
/// only says which of them when detection finds a single-byte charset too.
/// GBK and Big5 often decode each other's text without a fault, and a page
/// that kept its template's declaration says one over the other's text: a
/// reading in the other clearly more plausible (by [`DECLARED_MARGIN`])
/// wins over the declaration.
fn declared_and_clean(prefix: &[u8], complete: bool) -> Option<&'static Encoding> {
    let encoding = declared::declared(prefix).filter(|e| e.is_ascii_compatible())?;
    let single_byte_detected =
        || matches!(legacy(prefix, complete), Detection::Text(found) if found.encoding.is_single_byte());
    let score = |encoding: &'static Encoding| match decode_prefix(encoding, prefix, complete) {
        (text, false) => plausibility_as(&text, Script::of(encoding)),
        (_, true) => f64::NEG_INFINITY,
    };
    let other_chinese_wins = || match encoding {
        e if e == GBK || e == GB18030 => score(BIG5) > score(GBK) + DECLARED_MARGIN,
        e if e == BIG5 => score(GBK) > score(BIG5) + DECLARED_MARGIN,
        _ => false,
    };
    (encoding != UTF_8
        && decodes_cleanly(encoding, prefix, complete)
        && (!encoding.is_single_byte() || single_byte_detected())
        && !other_chinese_wins())
    .then_some(encoding)
}

/// How much more plausible the Big5 reading of a text declared GBK must be
/// (or the GBK reading of one declared Big5) to win over the declaration:
/// two characters of `區域網` in Big5 read as common Simplified ones in
/// GBK (`办呼`), but GBK text read as Big5 is a jumble of rare characters.
const DECLARED_MARGIN: f64 = 0.5;

/// The charset `prefix` declares for itself when its bytes do not decode
/// in it, which detection then passes over.
pub fn unclean_declaration(prefix: &[u8], complete: bool) -> Option<&'static Encoding> {
    declared::declared(prefix)
        .filter(|&encoding| encoding.is_ascii_compatible() && !decodes_cleanly(encoding, prefix, complete))
}

/// The charset of `prefix`, neither UTF-8 nor binary by its bytes:
/// `chardetng`'s guess, or the most plausible candidate reading.
fn legacy(prefix: &[u8], complete: bool) -> Detection {
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(prefix, complete);
    let guess = detector.guess(None, chardetng::Utf8Detection::Allow);
    let non_ascii = prefix.iter().filter(|b| !b.is_ascii()).count();
    let chinese = guess == GBK || guess == BIG5;
    let neighbour = guess == EUC_KR || guess == EUC_JP || guess == SHIFT_JIS;
    let trusted = non_ascii >= SHORT_NON_ASCII || (neighbour && non_ascii >= NEIGHBOUR_NON_ASCII);
    if trusted && (chinese || decodes_cleanly(guess, prefix, complete)) {
        if guess == EUC_JP && is_korean_not_japanese(prefix, complete) {
            return text(EUC_KR, 0, Method::Plausibility);
        }
        if guess == EUC_JP && non_ascii < SHORT_NON_ASCII && is_chinese_not_japanese(prefix, complete) {
            return text(GB18030, 0, Method::Plausibility);
        }
        // Enough text for chardetng's statistics: trust them. (Rescoring a
        // long EUC-KR text as Chinese would win, as Hangul in EUC-KR is
        // GB2312's common Han in GBK.)
        return text(widen_gbk(guess), 0, Method::Statistics);
    }
    if has_four_byte_han(prefix, complete) {
        return text(GB18030, 0, Method::Plausibility);
    }
    if is_pinyin_in_gbk(prefix, complete) {
        return text(GB18030, 0, Method::Plausibility);
    }
    if let Some(encoding) = latin_charset_not_chinese(prefix, complete, guess) {
        return text(encoding, 0, Method::Plausibility);
    }
    if is_alphabet_not_chinese(prefix, complete, guess) {
        return text(guess, 0, Method::Plausibility);
    }
    if let Some(encoding) = chinese_charset_of_latin_text(prefix, complete) {
        return text(widen_gbk(encoding), 0, Method::Plausibility);
    }
    match most_plausible(prefix, complete, guess) {
        Some(encoding) => text(widen_gbk(encoding), 0, Method::Plausibility),
        None => Detection::Binary,
    }
}

/// Whether `prefix` decodes cleanly in GB18030 and its only characters
/// beyond ASCII are Han characters that GB18030 writes in four bytes (lead
/// byte, digit, lead byte, digit: `𠮷` is `\x95\x34\xb2\x35`), the
/// extensions of CJK beyond GBK. No other
/// charset zhnorm detects puts a digit after a lead byte, and a single-byte
/// reading of them is a sign or letter glued to a digit twice over
/// (windows-1252 `•4²5`), which Latin text next to never has; but it
/// passes for Latin text with units (`21°C`), and the plausibility scoring
/// counts these rare characters as little as Latin-1 signs. The two-byte
/// characters of GB18030's last row (`䶮` is `\xfe\x9f`) are left to the
/// scoring: they are also `þ` before a letter, as Icelandic writes it.
fn has_four_byte_han(prefix: &[u8], complete: bool) -> bool {
    let body = if complete { prefix } else { trim_partial_tail(prefix) };
    if !decodes_cleanly(GB18030, body, true) {
        return false;
    }
    let is_lead = |b: u8| (0x81..=0xFE).contains(&b);
    let mut found = false;
    let mut i = 0;
    while i < body.len() {
        match body[i..] {
            [a, b, c, d, ..] if is_lead(a) && b.is_ascii_digit() && is_lead(c) && d.is_ascii_digit() => {
                let (character, _) = GB18030.decode_without_bom_handling(&body[i..i + 4]);
                if !character.chars().any(|c| is_han(c) || is_supplementary_han(c)) {
                    return false;
                }
                found = true;
                i += 4;
            }
            // Any other character beyond ASCII: Latin-1 text with a sign
            // before a digit (`Größe 2–3×4 m`) is left to the rules below.
            [a, ..] if !a.is_ascii() => return false,
            _ => i += 1,
        }
    }
    found
}

/// Whether `c` is a Han character of the supplementary planes (extensions
/// B to H of CJK Unified Ideographs).
fn is_supplementary_han(c: char) -> bool {
    matches!(u32::from(c), 0x20000..=0x2EBEF | 0x30000..=0x323AF)
}

/// The letters of Hanyu Pinyin that GBK has (bytes A8A1 to A8BA): the
/// vowels with their tone marks, `ü` and `ê`.
const GBK_PINYIN_LETTERS: &str = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüê";

/// Whether `prefix` is pinyin with tone marks in GBK (`xìn yòng`, `挤压 jǐ
/// yā`): its GBK reading is clean, a pinyin letter stands beside an ASCII
/// letter, every pinyin letter stands among ASCII and other pinyin letters
/// (`lüè`), and its other characters beyond ASCII are Han or the
/// punctuation of Chinese text. Big5 reads the same bytes as common Han
/// characters glued to Latin letters (`x足n y辰ng`), which the plausibility
/// scoring prefers to letters with tone marks; Chinese text is not written
/// that way, nor does Big5 text read as GBK come out as pinyin letters
/// between Latin ones: the lead bytes of its commonest characters, A4 to
/// A7, are kana, Greek and Cyrillic in GBK.
fn is_pinyin_in_gbk(prefix: &[u8], complete: bool) -> bool {
    let (text, had_errors) = decode_prefix(GBK, prefix, complete);
    if had_errors {
        return false;
    }
    let is_pinyin = |c: char| GBK_PINYIN_LETTERS.contains(c);
    let chars: Vec<char> = text.chars().collect();
    let mut beside_latin = false;
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii() {
            continue;
        }
        if !is_pinyin(c) {
            if is_han(c) || is_common_punctuation(c) || "·…—".contains(c) {
                continue;
            }
            return false;
        }
        let neighbours = [i.checked_sub(1).and_then(|j| chars.get(j)), chars.get(i + 1)];
        if neighbours.iter().flatten().any(|&&n| !n.is_ascii() && !is_pinyin(n)) {
            return false;
        }
        beside_latin |= neighbours.iter().flatten().any(|n| n.is_ascii_alphabetic());
    }
    beside_latin
}

/// The Latin-alphabet charset of `prefix` when it is Latin text that GBK and
/// Big5 would destroy: its reading in the charset [`is_latin_text`], and GBK
/// and Big5 read it with malformed sequences or as single Han characters
/// glued to ASCII words (`Stra遝` for `Straße`, `21蚓` for `21°C`), never
/// two side by side, where Chinese text has words of two and more. The
/// plausibility scoring alone prefers those Han characters, all common
/// ones, to Latin-1 signs, which it scores as garbage; and a malformed Big5
/// reading of a windows-1250 name (`Masłoń`) would be refused.
/// windows-1252 is tried first: on so little text the Central European
/// charsets read most western text as Latin too (`fenętres`), while
/// windows-1252 makes signs of their commonest letters (`Bia³a`, `Wa³brzych`
/// for `ł`, `¹` for `ą`, `¿` for `ż`). Of windows-1250 and ISO-8859-2, which
/// differ in a few letters (`ą` in one is `š` in the other), the one
/// `chardetng` names goes first, and before windows-1252 when `chardetng`
/// names it and windows-1252 reads a Czech letter inside a word as a
/// western one that western words seldom hold there (`ě` `ř` `ů` `ň` as `ì`
/// `ø` `ù` `ò`: `při` reads `pøi`, `děti` `dìti`), which no sign gives
/// away; `chardetng` alone also names windows-1250 for French
/// (`fenêtres` is `fenętres` there).
fn latin_charset_not_chinese(prefix: &[u8], complete: bool, guess: &'static Encoding) -> Option<&'static Encoding> {
    let body = if complete { prefix } else { trim_partial_tail(prefix) };
    let chinese_readings: Vec<String> = [GBK, BIG5]
        .into_iter()
        .filter_map(|encoding| match encoding.decode_without_bom_handling(body) {
            (text, false) => Some(text.into_owned()),
            (_, true) => None,
        })
        .collect();
    let measurements = is_measurements(body);
    if !chinese_readings.iter().all(|text| is_glued_into_latin_words(text, measurements)) {
        return None;
    }
    let inside_words = chinese_readings.iter().all(|text| is_inside_latin_words(text));
    let central = match guess {
        g if g == ISO_8859_2 => [ISO_8859_2, WINDOWS_1250],
        _ => [WINDOWS_1250, ISO_8859_2],
    };
    let named_central = (central[0] == guess && has_czech_letters_as_western(body)).then_some(guess);
    let others = std::iter::once(WINDOWS_1252).chain(central.into_iter().filter(|&e| Some(e) != named_central));
    let mut order = named_central.into_iter().chain(others).filter(|&e| e == WINDOWS_1252 || inside_words);
    order.find(|&encoding| {
        let (latin, _) = encoding.decode_without_bom_handling(body);
        is_latin_text(&latin) && (encoding != WINDOWS_1252 || !has_central_european_letters_as_western(&latin))
    })
}

/// Whether every character beyond ASCII of `text` follows an ASCII letter,
/// as the Han characters of a GBK or Big5 reading of a word with a Polish
/// or Czech letter do (`Bieg造` for `Biegły`). The Central European
/// charsets read most bytes from A1 on as letters, so that a Han character
/// standing as a word of its own in Big5 (`untu 和 Debian`, `NSS 的libpam`)
/// reads as a word of Latin letters there (`ŠM`, `Şşlibpam`), which
/// windows-1252 makes signs of (`©M`).
fn is_inside_latin_words(text: &str) -> bool {
    text.chars()
        .zip(std::iter::once(' ').chain(text.chars()))
        .all(|(c, before)| c.is_ascii() || before.is_ascii_alphabetic())
}

/// Whether the windows-1252 reading of `body` has `ì`, `ø`, `ù` or `ò`
/// between two letters of a word: Czech `ě`, `ř`, `ů`, `ň` in windows-1250
/// (ISO-8859-2 puts `ř` and `ů` there too); Italian and French put those
/// letters at a word's end (`così`, `où`), Danish and Norwegian `ø` inside
/// words, which `chardetng` names windows-1252.
fn has_czech_letters_as_western(body: &[u8]) -> bool {
    let (latin, _) = WINDOWS_1252.decode_without_bom_handling(body);
    let chars: Vec<char> = latin.chars().collect();
    chars.windows(3).any(|w| w[0].is_alphabetic() && matches!(w[1], 'ì' | 'ø' | 'ù' | 'ò') && w[2].is_alphabetic())
}

/// Whether a windows-1252 reading has letters where western languages do
/// not put them but windows-1250 has Polish ones: `ñ` before no vowel
/// (Spanish puts one after it; `Gdañsk` is `Gdańsk`), `æ` ending a word
/// after a vowel (`robiæ` is `robić`), `³` ending a word after a vowel
/// (`by³` is `był`; units take it after a consonant, `m³`).
fn has_central_european_letters_as_western(latin: &str) -> bool {
    let chars: Vec<char> = latin.chars().collect();
    let is_vowel = |c: Option<&char>| c.is_some_and(|c| "aeiouyáéíóú".contains(*c));
    (0..chars.len()).any(|i| {
        let (prev, next) = (i.checked_sub(1).and_then(|j| chars.get(j)), chars.get(i + 1));
        let ends_word = !next.is_some_and(|c| c.is_alphabetic());
        match chars[i] {
            'ñ' => !is_vowel(next),
            'æ' | '³' => is_vowel(prev) && ends_word,
            _ => false,
        }
    })
}

/// Whether `text`, a GBK or Big5 reading of what may be Latin text, reads
/// as Han characters glued to ASCII words: never two side by side, where
/// Chinese text has words of two and more, and with an ASCII letter left
/// (a line of one character, `乎` in Big5, reads `ĄG` in windows-1250, its
/// trail byte a letter) unless the bytes are [`is_measurements`], whose
/// unit letters GBK and Big5 take as trail bytes.
fn is_glued_into_latin_words(text: &str, measurements: bool) -> bool {
    let adjacent = text.chars().zip(text.chars().skip(1)).any(|(a, b)| !a.is_ascii() && !b.is_ascii());
    !adjacent && (measurements || text.chars().any(|c| c.is_ascii_alphabetic()))
}

/// Whether every byte beyond ASCII of `body` is a degree or micro sign of
/// windows-1252 (and ISO-8859-1, windows-1250, ISO-8859-2) after a number
/// and before a unit's letter: measurements, `21°C`, `5µl`, `2 µm`. Big5
/// and GBK read each sign with its unit's letter as one Han character
/// (`21蚓`, `5痞`), leaving a data file of measurements no ASCII letter.
/// Only units' letters: Big5 text whose only characters each follow a
/// number is then one of those characters, all rare but `無` (`µL`), where
/// other letters would take in common ones (`訊` is `°T`, `發` is `µo`,
/// `然` is `µM`, so micromolar is left out).
fn is_measurements(body: &[u8]) -> bool {
    let mut any = false;
    for (i, &byte) in body.iter().enumerate() {
        if byte.is_ascii() {
            continue;
        }
        let before = match i.checked_sub(1).map(|j| body[j]) {
            Some(b' ') => i.checked_sub(2).map(|j| body[j]),
            before => before,
        };
        let units: &[u8] = match byte {
            0xB0 => b"CFK",
            0xB5 => b"mlLgsAVWFH",
            _ => b"",
        };
        let unit = before.is_some_and(|b| b.is_ascii_digit()) && body.get(i + 1).is_some_and(|b| units.contains(b));
        if !unit {
            return false;
        }
        any = true;
    }
    any
}

/// Whether `text` (with some non-ASCII) reads as a Latin-alphabet language:
/// its non-ASCII characters are alone between ASCII ones (`café`, `21°C`,
/// `5µl`, `±10%`; no other sign before a letter) or two letters in a word
/// with ASCII letters (`Größe`),
/// and no capital follows a small letter (`aÖÐb` is `a中b` in GBK). A
/// windows-1252 reading of GBK or Big5 has pairs of non-ASCII characters,
/// signs among them, outside words.
fn is_latin_text(text: &str) -> bool {
    // Not `œ`, `Œ`, `Ÿ`, `ƒ`: in windows-1252 they are the bytes of the
    // Polish `ś`, `Ś`, `ź` of windows-1250, and rare in western text.
    let is_letter = |c: char| matches!(u32::from(c), 0xC0..=0x24F) && c.is_alphabetic() && !"œŒŸƒ".contains(c);
    let is_sign = |c: char| "°µ±²³¹¼½¾§«»·\u{A0}£€¢¥©®™–—‘’“”„…•¿¡ªº".contains(c);
    let chars: Vec<char> = text.chars().collect();
    let mut any = false;
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii() {
            i += 1;
            continue;
        }
        any = true;
        let start = i;
        while i < chars.len() && !chars[i].is_ascii() {
            i += 1;
        }
        let run = &chars[start..i];
        let before = start.checked_sub(1).map_or(' ', |b| chars[b]);
        let after = chars.get(i).copied().unwrap_or(' ');
        let plausible = match run {
            // A sign right before a letter is a common Big5 character in
            // Latin-1 (`©M` is `和`, `¡B` is `、`), but for degrees and micro.
            [c] => is_letter(*c) || is_sign(*c) && (!after.is_ascii_alphabetic() || matches!(c, '°' | 'µ')),
            [a, b] => is_letter(*a) && is_letter(*b) && (before.is_ascii_alphabetic() || after.is_ascii_alphabetic()),
            _ => false,
        };
        let mut prev = before;
        let capital_after_small = run.iter().any(|&c| {
            let odd = c.is_uppercase() && prev.is_lowercase();
            prev = c;
            odd
        });
        if !plausible || capital_after_small {
            return false;
        }
    }
    any
}

/// Whether `prefix`, which `chardetng` takes for `guess`, a single-byte
/// charset of another cased alphabet (Cyrillic, Greek, Central European: a
/// Russian subtitle beside Chinese ones), is text in it. The plausibility
/// scoring below knows only CJK text and scores every other letter as
/// garbage, so the Han characters that GBK makes of `Привет` in
/// windows-1251 would win. Text in a cased alphabet is words of its small
/// letters, a capital at their start or all capitals: no sign among them
/// but dashes, quotes and the like, one alphabet to a word, no capital
/// after a small letter. A single-byte reading of GBK or Big5 breaks that
/// at once (`ДгєГ` is GBK's `你好` in windows-1251, `ÖĐÎÄ` its `中文` in
/// windows-1250, with no small letter). And if the GBK or Big5 reading
/// makes Chinese words (three in four pairs of Han characters side by side
/// known to the repair stage's pair counts, or a lone pair that is known: a
/// word of two characters alone, `右派` rather than the KOI8 `среи`), it is
/// Chinese. Uncased
/// alphabets (Thai, Hebrew, Arabic) have no capitals to tell words by, but
/// rules of their own ([`is_uncased_alphabet_text`]). [`latin_charset_not_chinese`]
/// goes first, so Latin-1 text with units (`5µl, ±10%`) stays windows-1252
/// when `chardetng` guesses ISO-8859-2 (`5ľl, ą10%`); Slovak in ISO-8859-2
/// with `ľ` and no other letter beyond ASCII is read as windows-1252 `µ`.
fn is_alphabet_not_chinese(prefix: &[u8], complete: bool, guess: &'static Encoding) -> bool {
    if !guess.is_single_byte() || guess == WINDOWS_1252 {
        return false;
    }
    let (text, had_errors) = decode_prefix(guess, prefix, complete);
    let cased = is_cased_alphabet_text(&text);
    if had_errors || !(cased || is_uncased_alphabet_text(&text)) {
        return false;
    }
    ![GBK, BIG5].into_iter().any(|encoding| {
        let (chinese, _) = decode_prefix(encoding, prefix, complete);
        let (known, pairs) = bigram::known_pairs(chinese.chars());
        // The rules of uncased words are weaker: one known pair is enough
        // (`让我们` in GBK is windows-874 `ศรฮาร` too).
        if cased {
            makes_chinese_words((known, pairs), MIN_HAN_PAIRS_BESIDE_LETTERS) || known == 1 && pairs == 1
        } else {
            known > 0
        }
    })
}

/// The fewest small letters beyond ASCII that [`is_cased_alphabet_text`]
/// judges on.
const MIN_SMALL_LETTERS: usize = 3;

/// Whether `text` is words in a cased alphabet beyond ASCII, as
/// [`is_alphabet_not_chinese`] describes them.
fn is_cased_alphabet_text(text: &str) -> bool {
    let mut small = 0;
    let mut word_alphabet = None;
    let mut prev = ' ';
    for c in text.chars() {
        let alphabet = alphabet(c).filter(|_| c.is_uppercase() || c.is_lowercase());
        if c.is_uppercase() && prev.is_lowercase() {
            return false;
        }
        match alphabet {
            Some(alphabet) if word_alphabet.is_some_and(|a| a != alphabet) => return false,
            Some(alphabet) => {
                word_alphabet = Some(alphabet);
                small += usize::from(c.is_lowercase());
            }
            None if c.is_ascii_alphabetic() => {}
            None if c.is_ascii() || is_word_sign(c) => word_alphabet = None,
            None => return false,
        }
        prev = c;
    }
    small >= MIN_SMALL_LETTERS
}

/// Signs that stand between the words of an alphabet beyond ASCII.
fn is_word_sign(c: char) -> bool {
    "«»–—…°№„“”‘’·\u{A0}".contains(c)
}

/// An alphabet without capitals that a single-byte charset of `chardetng`
/// writes: windows-874 (Thai), windows-1255 and ISO-8859-8 (Hebrew),
/// windows-1256 and ISO-8859-6 (Arabic, Persian).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Uncased {
    Hebrew,
    Arabic,
    Thai,
}

/// What a character of an [`Uncased`] alphabet may stand beside.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// A letter (a Thai consonant).
    Letter,
    /// A letter that only ends a word: the final forms of Hebrew (`ך ם ן ף
    /// ץ`), Arabic teh marbuta and alef maksura (`ة ى`); marks may follow it.
    Final,
    /// A combining mark, or a Thai vowel written after its consonant, or
    /// the Arabic tatweel: only after a letter of its alphabet.
    Follower,
    /// A Thai vowel written before its consonant: only before a letter.
    Leading,
    /// Punctuation and digits of the alphabet: anywhere.
    Sign,
}

fn uncased_role(c: char) -> Option<(Uncased, Role)> {
    use Role::*;
    use Uncased::*;
    Some(match u32::from(c) {
        0x591..=0x5BD | 0x5BF | 0x5C1 | 0x5C2 | 0x5C4 | 0x5C5 | 0x5C7 => (Hebrew, Follower),
        0x5BE | 0x5C0 | 0x5C3 | 0x5C6 | 0x5F3 | 0x5F4 => (Hebrew, Sign),
        0x5DA | 0x5DD | 0x5DF | 0x5E3 | 0x5E5 => (Hebrew, Final),
        0x5D0..=0x5EA | 0x5F0..=0x5F2 => (Hebrew, Letter),
        0x60C | 0x61B | 0x61F | 0x660..=0x66D | 0x6D4 | 0x6F0..=0x6F9 => (Arabic, Sign),
        0x629 | 0x649 => (Arabic, Final),
        0x621..=0x63A | 0x641..=0x64A | 0x66E | 0x66F | 0x671..=0x6D3 | 0x6D5 => (Arabic, Letter),
        0x640 | 0x64B..=0x65F | 0x670 | 0x6D6..=0x6ED => (Arabic, Follower),
        // ฃ and ฅ have been out of use for decades.
        0xE03 | 0xE05 => return None,
        0xE01..=0xE2E => (Thai, Letter),
        0xE30..=0xE3A | 0xE45 | 0xE47..=0xE4E => (Thai, Follower),
        0xE40..=0xE44 => (Thai, Leading),
        0xE2F | 0xE3F | 0xE46 | 0xE4F..=0xE5B => (Thai, Sign),
        _ => return None,
    })
}

/// The fewest letters that [`is_uncased_alphabet_text`] judges on.
const MIN_UNCASED_LETTERS: usize = 4;

/// Whether `text` is words in one [`Uncased`] alphabet: its letters glued
/// to no ASCII letter or digit, every mark and Thai following vowel after a
/// letter, every Thai leading vowel before one, no letter after a final
/// letter in its word, and nothing beyond ASCII
/// but those, their signs and [`is_word_sign`] (and the joiners and
/// direction marks that windows-1255 and windows-1256 write). GBK or Big5
/// read in these charsets breaks the rules at once: their bytes are signs,
/// marks and Latin letters there as often as letters, and a trail byte in
/// ASCII glues a letter to a Latin one (`ùì` is Hebrew for no byte pair of
/// Chinese text; `ึะฮฤ` is `中文` in windows-874, a mark with no letter).
fn is_uncased_alphabet_text(text: &str) -> bool {
    let mut alphabet = None;
    let mut letters = 0;
    let mut prev: Option<Role> = None;
    let mut word_ended = false;
    // Each character with the one before it (a space before the first).
    for (c, before) in text.chars().zip(std::iter::once(' ').chain(text.chars())) {
        let Some((of, role)) = uncased_role(c) else {
            let glued = c.is_ascii_alphanumeric() && matches!(prev, Some(Role::Letter | Role::Final | Role::Follower));
            let between = c.is_ascii() || is_word_sign(c) || ('\u{200C}'..='\u{200F}').contains(&c);
            if glued || !between || prev == Some(Role::Leading) {
                return false;
            }
            (prev, word_ended) = (None, false);
            continue;
        };
        let fits = match role {
            Role::Letter | Role::Final => !before.is_ascii_alphanumeric() && !word_ended,
            Role::Follower => matches!(prev, Some(Role::Letter | Role::Final | Role::Follower)),
            Role::Leading | Role::Sign => prev != Some(Role::Leading),
        };
        if !fits || alphabet.is_some_and(|a| a != of) {
            return false;
        }
        alphabet = Some(of);
        letters += usize::from(matches!(role, Role::Letter | Role::Final));
        word_ended = match role {
            Role::Final => true,
            Role::Sign => false,
            _ => word_ended,
        };
        prev = Some(role);
    }
    prev != Some(Role::Leading) && letters >= MIN_UNCASED_LETTERS
}

/// Japanese text has at least one kana in this many non-ASCII characters
/// (a third or more in the Japanese manual pages of the control set).
const JAPANESE_KANA_SHARE: usize = 5;

/// The least [`plausibility_as`] Korean of an EUC-KR reading that beats an
/// EUC-JP reading without enough kana. Japanese read as EUC-KR scores near
/// zero: its kana turn into jamo and its kanji into Hangul and Hanja side by
/// side.
const KOREAN_PLAUSIBILITY: f64 = 0.8;

/// Whether `prefix`, which `chardetng` takes for EUC-JP, is Korean: EUC-KR
/// puts Hangul where EUC-JP puts kanji, so Korean reads as a text of kanji
/// in EUC-JP, its kana only from the jamo row (CPython's
/// `test/cjkencodings/euc_kr.txt`). Japanese is not written that way.
fn is_korean_not_japanese(prefix: &[u8], complete: bool) -> bool {
    let (korean, had_errors) = decode_prefix(EUC_KR, prefix, complete);
    if had_errors {
        return false;
    }
    let (japanese, _) = decode_prefix(EUC_JP, prefix, complete);
    let non_ascii = japanese.chars().filter(|c| !c.is_ascii()).count();
    let kana = japanese.chars().filter(|&c| is_kana(c)).count();
    kana * JAPANESE_KANA_SHARE < non_ascii && plausibility_as(&korean, Script::Korean) >= KOREAN_PLAUSIBILITY
}

/// Whether `prefix`, which `chardetng` takes for EUC-JP on too little text
/// for its statistics ([`SHORT_NON_ASCII`]), is GBK: Chinese with some
/// Japanese, as in bilingual subtitles. GB2312 puts kana where EUC-JP does,
/// so only the Han characters tell them apart, and not one by one (the GBK
/// reading of Japanese is GB2312's common characters, and many JIS kanji
/// are common Chinese ones), but by how they follow each other: the GBK
/// reading of the Chinese lines makes Chinese words, their EUC-JP reading
/// none (`我一直在寻找` is `厘匯岷壓儖孀`), and the GBK reading of Japanese
/// makes none either.
fn is_chinese_not_japanese(prefix: &[u8], complete: bool) -> bool {
    let (chinese, had_errors) = decode_prefix(GBK, prefix, complete);
    if had_errors {
        return false;
    }
    let (japanese, _) = decode_prefix(EUC_JP, prefix, complete);
    let (known, pairs) = bigram::known_pairs(chinese.chars());
    let (known_in_japanese, _) = bigram::known_pairs(japanese.chars());
    makes_chinese_words((known, pairs), MIN_HAN_PAIRS) && known >= 2 * known_in_japanese + 2
}

/// The fewest pairs of Han characters side by side that
/// [`is_chinese_not_japanese`] judges on.
const MIN_HAN_PAIRS: usize = 4;
/// The same for [`is_alphabet_not_chinese`], where fewer are enough: the
/// single-byte reading has passed the tests of words in an alphabet.
const MIN_HAN_PAIRS_BESIDE_LETTERS: usize = 2;

/// Whether Han characters follow each other as Chinese words do: of their
/// pairs side by side (`(known, pairs)`, [`bigram::known_pairs`]), at least
/// `min_pairs`, three in four known to the repair stage's pair counts.
fn makes_chinese_words((known, pairs): (usize, usize), min_pairs: usize) -> bool {
    pairs >= min_pairs && known * 4 >= pairs * 3
}

/// For text with no letter beyond ASCII in GBK or Big5 (English with a few
/// signs, saved as "ANSI" on a Chinese Windows), the one of them that reads
/// its signs as Latin text has them: `…` and `°` in GBK are `＃` and `～` in
/// Big5 (`Wait＃ what?`, `30～C`), which Chinese text has too, so that the
/// plausibility scoring alone cannot tell. `None` when a reading has a
/// letter (Han, kana, Hangul, a full-width letter), is malformed, or the
/// signs do not tell.
fn chinese_charset_of_latin_text(prefix: &[u8], complete: bool) -> Option<&'static Encoding> {
    let latin_signs = |encoding| {
        let (text, had_errors) = decode_prefix(encoding, prefix, complete);
        let has_letter = text.chars().any(|c| !c.is_ascii() && c.is_alphanumeric());
        (!had_errors && !has_letter).then(|| {
            let chars: Vec<char> = text.chars().collect();
            let beside_latin = |i: usize| {
                let alphanumeric = |j: Option<&char>| j.is_some_and(|c| c.is_ascii_alphanumeric());
                alphanumeric(i.checked_sub(1).and_then(|j| chars.get(j))) || alphanumeric(chars.get(i + 1))
            };
            (0..chars.len())
                .map(|i| match chars[i] {
                    '…' | '°' | '·' | '—' | '–' | '‘' | '’' | '“' | '”' => 1,
                    '\u{FF01}'..='\u{FF5E}' if beside_latin(i) => -1,
                    _ => 0,
                })
                .sum::<i32>()
        })
    };
    match (latin_signs(GBK)?, latin_signs(BIG5)?) {
        (gbk, big5) if gbk > big5 => Some(GBK),
        (gbk, big5) if big5 > gbk => Some(BIG5),
        _ => None,
    }
}

/// Multi-byte characters that UTF-8 reads in some bytes, and the
/// malformed sequences between them.
#[derive(Debug, Clone, Copy, Default)]
struct Utf8Tally {
    chars: usize,
    faults: usize,
}

/// Of every 5 non-ASCII characters of a UTF-8 reading, at most one may be
/// malformed for the input to be taken for damaged UTF-8. Another charset
/// is far from it: GBK and Big5 text has a character with a lead byte and a
/// trail byte that happen to make a UTF-8 sequence about once in six, and
/// windows-1252 text a letter followed by ASCII, which is malformed.
const NEARLY_UTF8_FAULT_SHARE: usize = 5;

/// The fewest UTF-8 characters for [`NEARLY_UTF8_FAULT_SHARE`] to apply.
const NEARLY_UTF8_CHARS: usize = 8;

impl Utf8Tally {
    /// Counts `bytes`; a sequence cut by the end of an incomplete prefix is
    /// not a fault.
    fn of(bytes: &[u8], complete: bool) -> Utf8Tally {
        let mut tally = Utf8Tally::default();
        let mut rest = bytes;
        loop {
            let (valid, error_len) = match std::str::from_utf8(rest) {
                Ok(valid) => (valid, None),
                Err(e) => (std::str::from_utf8(&rest[..e.valid_up_to()]).unwrap_or_default(), Some(e.error_len())),
            };
            tally.chars += valid.chars().filter(|c| !c.is_ascii()).count();
            match error_len {
                None => return tally,
                Some(None) => {
                    tally.faults += usize::from(complete);
                    return tally;
                }
                Some(Some(len)) => {
                    tally.faults += 1;
                    rest = &rest[valid.len() + len..];
                }
            }
        }
    }

    /// Whether the bytes are UTF-8 but for a few malformed sequences, with
    /// enough characters that the share means something (a short GBK text
    /// of four characters has a chance in a few hundred to be three UTF-8
    /// characters and a fault).
    fn is_nearly_utf8(self) -> bool {
        self.faults > 0
            && self.chars >= NEARLY_UTF8_CHARS
            && self.faults * NEARLY_UTF8_FAULT_SHARE <= self.chars + self.faults
    }
}

/// How many multi-byte UTF-8 characters whole lines of valid UTF-8 must
/// hold, beside lines of another charset, for an input to be taken for a
/// mixture.
const MIXED_UTF8_CHARS: usize = 4;

/// The other charset of an input made of lines of UTF-8 and lines of one
/// other charset (a GBK file with a UTF-8 line appended). `None` unless the
/// UTF-8 lines hold at least [`MIXED_UTF8_CHARS`] multi-byte characters
/// that read as text (a GBK or Big5 line can be valid UTF-8 by chance, as
/// [`chinese_not_utf8`] says, but then as a jumble of letters and symbols),
/// and the other lines, read together, have more malformed UTF-8 sequences
/// than they have UTF-8 characters (UTF-8 lines with a stray byte are
/// damage), and either have at least [`MIXED_UTF8_CHARS`] of them and
/// decode cleanly in the charset they are detected to be in, or are a
/// short GBK or Big5 text ([`short_chinese_lines`]) in an input that would
/// otherwise be refused, as nearly UTF-8 or malformed in that charset: a
/// log line with `失败` in GBK has too few bytes for statistics. Either
/// charset alone would turn the other's lines into mojibake.
fn utf8_mixed_with(prefix: &[u8], complete: bool) -> Option<&'static Encoding> {
    let body = if complete { prefix } else { trim_partial_tail(prefix) };
    let mut utf8 = String::new();
    let mut others = Vec::new();
    for line in body.split_inclusive(|&b| b == b'\n') {
        match std::str::from_utf8(line) {
            Ok(_) if line.is_ascii() => {}
            Ok(valid) if chinese_not_utf8(line, true).is_none() => utf8.push_str(valid),
            _ => others.extend_from_slice(line),
        }
    }
    let utf8_chars = utf8.chars().filter(|c| !c.is_ascii()).count();
    let others_tally = Utf8Tally::of(&others, true);
    if utf8_chars < MIXED_UTF8_CHARS
        || text_share(&utf8) < 0.9
        || others_tally.faults == 0
        || others_tally.faults < others_tally.chars
    {
        return None;
    }
    let detected = match legacy(&others, true) {
        Detection::Text(charset)
            if others_tally.faults >= MIXED_UTF8_CHARS && decodes_cleanly(charset.encoding, &others, true) =>
        {
            Some(charset.encoding)
        }
        _ => None,
    };
    // A short input that reads cleanly as a whole in the other charset is
    // read in it: the repair then undoes its UTF-8 lines.
    let refused_otherwise =
        |other| Utf8Tally::of(prefix, complete).is_nearly_utf8() || !decodes_cleanly(other, prefix, complete);
    detected.or_else(|| short_chinese_lines(&others).filter(|&other| refused_otherwise(other)))
}

/// The charset of `others`, lines that are not UTF-8 beside UTF-8 ones, when
/// GBK or Big5 reads them cleanly and plausibly as Chinese, the likelier of
/// the two: a short line of a Chinese charset, too short for statistics
/// (`失败` in GBK, four bytes that UTF-8 reads as `ʧ` and two faults). A
/// UTF-8 line damaged by a stray or cut byte reads in GBK as rare
/// characters, its own cut in two or glued to ASCII.
fn short_chinese_lines(others: &[u8]) -> Option<&'static Encoding> {
    let plausibility = |encoding: &'static Encoding| {
        let (text, had_errors) = encoding.decode_without_bom_handling(others);
        (!had_errors).then(|| plausibility_as(&text, Script::of(encoding))).filter(|&score| score > 0.0)
    };
    match (plausibility(GBK), plausibility(BIG5)) {
        (Some(gbk), Some(big5)) if big5 > gbk => Some(BIG5),
        (Some(_), _) => Some(GB18030),
        (None, Some(_)) => Some(BIG5),
        (None, None) => None,
    }
}

/// Whether `bytes`, not UTF-8, hold control bytes that text does not: more
/// than one in a hundred, and at least four. Compressed or random data
/// without NUL bytes has about one in eleven; every legacy charset zhnorm
/// reads puts its multi-byte characters above 0x3F, so its text has none
/// beyond tab, line breaks, form feed, backspace (overstrike in formatted
/// manual pages), escape (terminal colours) and DOS's end-of-file mark.
/// Below [`TINY_INPUT`] bytes, one is enough.
fn has_binary_controls(bytes: &[u8]) -> bool {
    let controls = bytes.iter().filter(|&&b| matches!(b, 0x00..=0x07 | 0x0E..=0x19 | 0x1C..=0x1F | 0x7F)).count();
    (controls >= 4 || bytes.len() < TINY_INPUT) && controls * 100 > bytes.len()
}

/// Inputs shorter than this with a single control byte of
/// [`has_binary_controls`] are binary: random bytes this short often hold
/// fewer than four (about one in eleven bytes is one), and were then read as
/// windows-1252 garbage, or as GBK or Big5 cut inside a last character and
/// refused, failing a whole batch on a scrap of junk. A short text with
/// such damage is skipped with a note instead, which changes nothing.
const TINY_INPUT: usize = 64;

/// Whether `encoding` decodes `prefix` without malformed sequences (a cut
/// character at the end of an incomplete prefix excepted).
fn decodes_cleanly(encoding: &'static Encoding, prefix: &[u8], complete: bool) -> bool {
    !decode_prefix(encoding, prefix, complete).1
}

/// `prefix` decoded in `encoding`, and whether it has malformed sequences.
/// The end of an incomplete prefix can cut a character anywhere in a run of
/// double-byte ones, where only the charset knows which byte starts one: its
/// decoder holds such a cut back instead of calling it malformed.
fn decode_prefix(encoding: &'static Encoding, prefix: &[u8], complete: bool) -> (String, bool) {
    let mut decoder = crate::decode::Decoder::new(encoding, 0, true);
    let mut text = String::new();
    // Lossy decoding replaces malformed sequences rather than failing on one.
    let decoded = decoder.feed(prefix, complete, &mut text).is_ok();
    let malformed = !decoded || decoder.malformed().count > 0;
    (text, malformed)
}

/// Reports GBK as GB18030, which decodes every GBK file identically and
/// also the four-byte sequences GBK lacks.
fn widen_gbk(encoding: &'static Encoding) -> &'static Encoding {
    if encoding == GBK {
        GB18030
    } else {
        encoding
    }
}

fn text(encoding: &'static Encoding, bom_len: usize, method: Method) -> Detection {
    Detection::Text(Charset { encoding, bom_len, method, mixed_with: None })
}

fn is_utf8(bytes: &[u8], complete: bool) -> bool {
    match std::str::from_utf8(bytes) {
        Ok(_) => true,
        // error_len() is None when the input ends inside a sequence: fine
        // when `bytes` is only the prefix of a longer input.
        Err(e) => !complete && e.error_len().is_none() && bytes.len() - e.valid_up_to() < 4,
    }
}

/// Whether `bytes`, a whole input, is UTF-8 cut inside its last character
/// (a download or copy that stopped, or a last line cut to a length before
/// its line end): valid UTF-8 with at least one multi-byte character, up to
/// a sequence cut by the end or by trailing whitespace. Decoding then
/// reports the cut, where another charset's reading would be garbage. The
/// text before the cut must not be one of the short GBK or Big5 texts that
/// happen to be valid UTF-8, nor, when it has only two-byte characters
/// (which GBK and Big5 text makes by chance: `丧喽` in GBK is UTF-8 `ɥ` and a
/// cut character), read cleanly and plausibly in GBK or Big5 as a whole: a
/// clean reading is not to be refused for one that is malformed.
fn is_cut_utf8(bytes: &[u8]) -> bool {
    let bytes = bytes.trim_ascii_end();
    let reads_as_chinese = || {
        [GBK, BIG5].into_iter().any(|encoding| {
            let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
            !had_errors && plausibility_as(&text, Script::of(encoding)) > 0.0
        })
    };
    match std::str::from_utf8(bytes) {
        Ok(_) => false,
        Err(e) => {
            let valid = &bytes[..e.valid_up_to()];
            is_utf8(bytes, false)
                && !valid.is_ascii()
                && chinese_not_utf8(valid, true).is_none()
                && !(valid.iter().all(|&b| b < 0xE0) && reads_as_chinese())
        }
    }
}

/// A short GBK or Big5 text can happen to be valid UTF-8, when each of
/// its characters has a lead byte in 0xC2..=0xDF and a trail byte in
/// 0x80..=0xBF: UTF-8 then reads it as a jumble of letters from unrelated
/// alphabets. Returns the Chinese charset when `prefix` is short, its UTF-8
/// reading has only two-byte characters, two of which stand side by side
/// from different alphabets (as in "ͳһ", 统一 in GBK) or a letter and a
/// Latin-1 sign (as in "Ŀ¼", 目录), or one of which is an archaic letter
/// (as in "ϵͳ", 系统), and GBK or Big5 reads it as common Han without a
/// fault.
fn chinese_not_utf8(prefix: &[u8], complete: bool) -> Option<&'static Encoding> {
    let non_ascii = prefix.iter().filter(|b| !b.is_ascii()).count();
    if non_ascii == 0 || non_ascii >= SHORT_NON_ASCII {
        return None;
    }
    let body = if complete { prefix } else { trim_partial_tail(prefix) };
    let utf8 = std::str::from_utf8(body).ok()?;
    if utf8.chars().any(|c| u32::from(c) >= 0x800) {
        return None;
    }
    let jumbled = utf8.chars().zip(utf8.chars().skip(1)).any(|(a, b)| match (alphabet(a), alphabet(b)) {
        (Some(x), Some(y)) => x != y,
        // A Latin-1 sign right after or before a letter, as in "Ŀ¼" (目录).
        (Some(_), None) => is_latin1_sign(b),
        (None, Some(_)) => is_latin1_sign(a),
        (None, None) => false,
    });
    if !jumbled && !utf8.chars().any(is_archaic_letter) {
        return None;
    }
    [GBK, BIG5]
        .into_iter()
        .filter_map(|encoding| {
            let (text, had_errors) = encoding.decode_without_bom_handling(body);
            (!had_errors).then(|| (encoding, plausibility_as(&text, Script::of(encoding))))
        })
        .filter(|&(_, score)| score >= 2.0)
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(encoding, _)| encoding)
}

/// Letters that UTF-8 writes in two bytes and that text of today does not
/// use: archaic Greek letters and Coptic, historic Cyrillic and the
/// letters of minority languages added after it. Left out: the variant
/// Greek letters of mathematics (`ϵ > 0`, `ϕ`, `ϑ`), and Ukrainian, Kazakh
/// and the other Cyrillic alphabets of today (U+048A..=U+04FF).
fn is_archaic_letter(c: char) -> bool {
    let math = matches!(c, 'ϐ' | 'ϑ' | 'ϒ' | 'ϕ' | 'ϖ' | 'ϰ' | 'ϱ' | 'ϴ' | 'ϵ' | '϶');
    !math && matches!(u32::from(c), 0x370..=0x377 | 0x37B..=0x37D | 0x3CF..=0x3FF | 0x460..=0x489 | 0x500..=0x52F)
}

/// Latin-1 signs that do not stand next to letters in real text (no-break
/// space, micro sign and middle dot do).
fn is_latin1_sign(c: char) -> bool {
    matches!(u32::from(c), 0xA1..=0xBF) && !matches!(c, '\u{B5}' | '\u{B7}')
}

/// The alphabet of a letter that UTF-8 writes in two bytes, `None` for
/// ASCII, Latin-1 symbols, combining marks and the rest.
fn alphabet(c: char) -> Option<u32> {
    match u32::from(c) {
        0xC0..=0x24F => Some(0),
        0x250..=0x2FF => Some(1),
        0x370..=0x3FF => Some(2),
        0x400..=0x52F => Some(3),
        0x530..=0x58F => Some(4),
        0x590..=0x5FF => Some(5),
        0x600..=0x6FF => Some(6),
        0x700..=0x7FF => Some(7),
        _ => None,
    }
}

/// UTF-16 text without a BOM. NUL bytes mean UTF-16 or binary; UTF-16 is
/// the byte order whose strict decoding reads as text: ASCII code units
/// (newlines, spaces, digits) and common CJK, almost nothing else.
fn utf16_by_nul_pattern(prefix: &[u8]) -> Option<&'static Encoding> {
    if !prefix.contains(&0) {
        return None;
    }
    let sample = &prefix[..prefix.len() & !1];
    [UTF_16LE, UTF_16BE]
        .into_iter()
        .filter_map(|encoding| {
            // The end of the prefix (or a cut input) may fall between the
            // two halves of a surrogate pair (an emoji).
            let last_unit = match sample {
                [.., a, b] if encoding == UTF_16LE => u16::from_le_bytes([*a, *b]),
                [.., a, b] => u16::from_be_bytes([*a, *b]),
                _ => 0,
            };
            let whole = if (0xD800..0xDC00).contains(&last_unit) { &sample[..sample.len() - 2] } else { sample };
            let (text, had_errors) = encoding.decode_without_bom_handling(whole);
            (!had_errors).then(|| (encoding, text_share(&text)))
        })
        .filter(|&(_, share)| share >= 0.9)
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(encoding, _)| encoding)
}

/// The share of characters of `text` that are plausible in a text file:
/// printable ASCII and whitespace, and plausible CJK.
fn text_share(text: &str) -> f64 {
    let mut good = 0usize;
    let mut all = 0usize;
    let mut prev = ' ';
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let next = chars.peek().copied().unwrap_or(' ');
        all += 1;
        let plausible = if c.is_ascii() {
            c.is_ascii_graphic() || c.is_ascii_whitespace()
        } else if is_emoji(c) {
            true
        } else {
            char_score(c, prev, next) > 0.0
        };
        good += usize::from(plausible);
        prev = c;
    }
    if all == 0 {
        0.0
    } else {
        good as f64 / all as f64
    }
}

/// Whether `c` is an emoji or a part of one: pictographs (most of them
/// outside the Basic Multilingual Plane, where UTF-16 writes them as a
/// surrogate pair), the older symbols and dingbats, the variation selector
/// that asks for an emoji's colour form (or its text form), and the joiner
/// of emoji sequences.
/// Chats and comments are full of them; the plausibility of Chinese text
/// does not count them, but a text file has them.
fn is_emoji(c: char) -> bool {
    matches!(u32::from(c), 0x1F000..=0x1FAFF | 0x2600..=0x27BF | 0x2B50 | 0x2B55 | 0xFE0E | 0xFE0F | 0x200D)
}

/// The charsets a short Chinese input is confused with, in the order that
/// wins a tie after `chardetng`'s own guess.
const CANDIDATES: [&Encoding; 5] = [GBK, BIG5, SHIFT_JIS, EUC_JP, EUC_KR];

/// Head start of `chardetng`'s guess over the other candidates.
const GUESS_BONUS: f64 = 0.05;

/// Head start of the Chinese charsets: a short input that reads as well in
/// GBK or Big5 as in a neighbour is taken for Chinese, which is what a
/// Chinese-text tool should do. Larger than [`GUESS_BONUS`], so that it also
/// overrules a non-Chinese guess on a tie.
const CHINESE_BONUS: f64 = 0.1;

/// Decodes `prefix` with `chardetng`'s guess and each candidate, and returns
/// the one whose text scores best as Chinese (or as the CJK text its charset
/// is for); on a near-tie a Chinese charset wins, then `chardetng`'s guess.
///
/// A reading that decodes without a fault and scores above zero beats every
/// reading with malformed sequences, and every Japanese reading without kana
/// (Japanese is not written that way): a clean GBK line of rare name
/// characters is not an EUC-KR line with a bad byte. A reading clean but for
/// a character cut by the end of a whole input is damaged text, and loses to
/// a whole clean CJK reading however rare its characters. Only when no reading is
/// both clean and plausible do the faulty ones compete, so that a GBK file
/// with one bad byte is still read as GBK (and then refused as malformed)
/// instead of as windows-1252 mojibake; but a reading with many malformed
/// sequences loses to a clean CJK reading of rare characters. `None` when
/// even the best reading is mostly replacement characters: not text.
fn most_plausible(prefix: &[u8], complete: bool, guess: &'static Encoding) -> Option<&'static Encoding> {
    let readings: Vec<Reading> = std::iter::once(guess)
        .chain(CANDIDATES.into_iter().filter(|&c| c != guess))
        .map(|encoding| Reading::new(encoding, prefix, complete, guess))
        .collect();
    let best_of = |eligible: &dyn Fn(&Reading) -> bool| {
        // The first of equal scores wins: `chardetng`'s guess, then the
        // order of CANDIDATES.
        readings.iter().filter(|r| eligible(r)).fold(None, |best: Option<&Reading>, r| match best {
            Some(b) if b.score >= r.score => Some(b),
            _ => Some(r),
        })
    };
    let clean = |r: &Reading| r.replaced == 0 && !r.japanese_without_kana;
    let whole_cjk = |r: &Reading| clean(r) && !r.cut && CANDIDATES.contains(&r.encoding);
    if let Some(plausible) = best_of(&|r| clean(r) && r.score > 0.0) {
        return match plausible.cut {
            true => best_of(&whole_cjk).or(Some(plausible)).map(|r| r.encoding),
            false => Some(likelier_chinese(&readings, plausible).encoding),
        };
    }
    let best = best_of(&|_| true)?;
    if let Some(whole) = best_of(&whole_cjk).filter(|_| best.cut) {
        return Some(whole.encoding);
    }
    if best.replaced * FAULTY_READING_SHARE > best.non_ascii {
        if let Some(rare) = best_of(&|r| clean(r) && CANDIDATES.contains(&r.encoding)) {
            return Some(rare.encoding);
        }
    }
    (best.replaced * 2 <= best.non_ascii).then_some(best.encoding)
}

/// `best`, or the other of GBK and Big5 when `best` is one of them, both
/// read the input cleanly and about as plausibly (within
/// [`LIKELIHOOD_TIE`]) as two Han characters or more, and the other's
/// characters follow each other more as Chinese text does
/// ([`bigram::log_likelihood`], the repair stage's character and pair
/// counts). A name of two or three characters reads as common characters in
/// both (`陈娜` in GBK is Big5 `麻饑`), where the scoring of characters one by
/// one cannot tell, but the counts can: `饑` is rare in text. On one
/// character alone the counts guess no better than the scoring. Only for
/// readings of Han characters and punctuation (the counts take kana, which
/// GBK makes of a Japanese line, for characters never seen), and not for
/// Big5 readings with the characters of written Cantonese, which the counts
/// barely know.
fn likelier_chinese<'a>(readings: &'a [Reading], best: &'a Reading) -> &'a Reading {
    let plausible =
        |encoding| readings.iter().find(|r| r.encoding == encoding && r.replaced == 0 && !r.cut && r.score > 0.0);
    let (Some(gbk), Some(big5)) = (plausible(GBK), plausible(BIG5)) else { return best };
    let han = |r: &Reading| r.text.chars().filter(|&c| is_han(c)).count();
    let han_only = |r: &Reading| r.text.chars().all(|c| c.is_ascii() || is_han(c) || is_common_punctuation(c));
    if (gbk.score - big5.score).abs() > LIKELIHOOD_TIE
        || han(gbk) < 2
        || han(big5) < 2
        || !han_only(gbk)
        || !han_only(big5)
        || big5.text.chars().any(|c| CANTONESE.contains(c))
    {
        return best;
    }
    let likelihood = |r: &Reading| bigram::log_likelihood(r.text.chars());
    match best.encoding {
        e if e == GBK && likelihood(big5) > likelihood(gbk) => big5,
        e if e == BIG5 && likelihood(gbk) > likelihood(big5) => gbk,
        _ => best,
    }
}

/// How close the plausibility of a GBK and a Big5 reading must be for
/// [`likelier_chinese`] to decide between them: `才` (GBK) against `符`
/// (Big5), one frequent and one common, is settled by the scoring.
const LIKELIHOOD_TIE: f64 = 1.0;

/// A reading with more than one malformed sequence in this many non-ASCII
/// characters is beaten by a clean CJK reading however rare its characters
/// (CPython's `big5hkscs.txt`, HKSCS characters only, in Big5 against a
/// Shift_JIS reading with a malformed sequence in three characters).
const FAULTY_READING_SHARE: usize = 10;

/// One candidate decoding of an input, as [`most_plausible`] weighs it.
struct Reading {
    encoding: &'static Encoding,
    /// Plausibility, with the head starts of the guess and of Chinese.
    score: f64,
    /// Replacement characters: malformed sequences.
    replaced: usize,
    non_ascii: usize,
    japanese_without_kana: bool,
    /// Clean only because a character cut by the end of a whole input is
    /// held back.
    cut: bool,
    text: String,
}

impl Reading {
    fn new(encoding: &'static Encoding, body: &[u8], complete: bool, guess: &'static Encoding) -> Reading {
        // A character cut by the end (of the prefix, or of the input), or
        // by the blank space that ends it, is held back, not read as a
        // malformed sequence: a short GBK text cut inside its last
        // character (a download that stopped, or a last line cut before its
        // line end) is still read as GBK, whose decoding then refuses the
        // cut, rather than as a single-byte charset that reads every byte
        // and would have `--write` keep the mojibake. Blank space is ASCII,
        // which the scoring passes over.
        let mut decoder = crate::decode::Decoder::new(encoding, 0, true);
        let mut text = String::new();
        let fed = decoder.feed(body.trim_ascii_end(), false, &mut text).is_ok();
        let replaced = text.chars().filter(|&c| c == '\u{FFFD}').count();
        // Ending the input flushes what the decoder held back: a cut
        // character is malformed there.
        let cut = complete
            && replaced == 0
            && fed
            && (decoder.feed(&[], true, &mut String::new()).is_err() || decoder.malformed().count > 0);
        let mut score = plausibility_as(&text, Script::of(encoding));
        if encoding == guess {
            score += GUESS_BONUS;
        }
        if encoding == GBK || encoding == BIG5 {
            score += CHINESE_BONUS;
        }
        Reading {
            encoding,
            score,
            replaced,
            non_ascii: text.chars().filter(|c| !c.is_ascii()).count(),
            japanese_without_kana: is_japanese(encoding) && !has_kana(&text),
            cut,
            text,
        }
    }
}

fn is_japanese(encoding: &'static Encoding) -> bool {
    encoding == EUC_JP || encoding == SHIFT_JIS
}

/// Whether `text` has hiragana or (full-width) katakana.
fn has_kana(text: &str) -> bool {
    text.chars().any(is_kana)
}

/// The Hiragana and Katakana blocks whole, marks included: what Japanese
/// text is made of and what GBK and Big5 read as each other make of Han.
pub(crate) fn is_kana(c: char) -> bool {
    matches!(u32::from(c), 0x3041..=0x30FF)
}

fn is_han(c: char) -> bool {
    matches!(u32::from(c), 0x4E00..=0x9FFF | 0x3400..=0x4DBF)
}

fn is_hangul(c: char) -> bool {
    matches!(u32::from(c), 0xAC00..=0xD7A3)
}

/// Whether `c` is one of the 2,350 Hangul syllables of KS X 1001, the ones
/// Korean is written with (EUC-KR proper). The other 8,822 are the
/// additions of Microsoft's code page 949, in its bytes that EUC-KR leaves
/// free: syllables next to never used (똠 is the known exception), and
/// what Big5 and GBK text read as EUC-KR turns into, as every trail byte
/// below 0xA1 and every lead byte below 0xB0 gives one (`你嘅嘢` in Big5
/// reads `쬋앾앃`).
fn is_ks_x_1001_hangul(c: char) -> bool {
    let mut utf8 = [0u8; 4];
    let mut euc_kr = [0u8; 2];
    let mut encoder = EUC_KR.new_encoder();
    let (result, _, written) =
        encoder.encode_from_utf8_without_replacement(c.encode_utf8(&mut utf8), &mut euc_kr, true);
    result == encoding_rs::EncoderResult::InputEmpty
        && written == 2
        && (0xB0..=0xC8).contains(&euc_kr[0])
        && euc_kr[1] >= 0xA1
}

/// Drops up to 3 trailing bytes that start a multi-byte character cut by
/// the prefix length.
fn trim_partial_tail(prefix: &[u8]) -> &[u8] {
    let keep = prefix.len().saturating_sub(3);
    let cut = prefix[keep..].iter().rposition(|b| b.is_ascii()).map_or(keep, |i| keep + i + 1);
    &prefix[..cut]
}

/// The highest [`plausibility`] there is: text of frequent Chinese
/// characters only. Text that scores near it cannot be made much more
/// plausible, which lets the repair stage pass over it without trying.
pub const MAX_PLAUSIBILITY: f64 = 2.5;

/// Mean plausibility of the non-ASCII characters of `text` as CJK text,
/// between -5 (garbage) and [`MAX_PLAUSIBILITY`]. ASCII is neutral.
pub fn plausibility(text: &str) -> f64 {
    plausibility_as(text, Script::Any)
}

/// What text a reading is expected to be, which decides the frequent Han
/// characters: a GBK reading Simplified text, a Big5 reading Traditional, and
/// the reading of a neighbouring charset (EUC-JP, Shift_JIS, EUC-KR) none, as
/// the frequencies are Chinese ones: otherwise the kanji that EUC-JP makes of
/// a short GBK line (`仍仍低` for `谢谢你`) outscore the Chinese. An EUC-KR
/// reading is Korean, written in Hangul words, so that Hangul and Han side by
/// side (Chinese read as EUC-KR) score as garbage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Script {
    Simplified,
    Traditional,
    Korean,
    Any,
    Neighbour,
}

impl Script {
    fn of(encoding: &'static Encoding) -> Script {
        if encoding == GBK {
            Script::Simplified
        } else if encoding == BIG5 {
            Script::Traditional
        } else if encoding == EUC_KR {
            Script::Korean
        } else {
            Script::Neighbour
        }
    }
}

/// [`plausibility`], with the frequent characters of `script`.
fn plausibility_as(text: &str, script: Script) -> f64 {
    plausibility_within(' ', text, ' ', script)
}

/// The [`plausibility`] of the characters of `text` alone, each scored
/// between its neighbours (`prev` and `next` at the ends: the text a span
/// of it sits in).
pub(crate) fn plausibility_between(prev: Option<char>, text: &str, next: Option<char>) -> f64 {
    plausibility_within(prev.unwrap_or(' '), text, next.unwrap_or(' '), Script::Any)
}

fn plausibility_within(mut prev: char, text: &str, last_next: char, script: Script) -> f64 {
    let mut total = 0.0;
    let mut count = 0u32;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let next = chars.peek().copied().unwrap_or(last_next);
        if !c.is_ascii() {
            total += char_score_as(c, prev, next, script);
            count += 1;
        }
        prev = c;
    }
    if count == 0 {
        0.0
    } else {
        total / f64::from(count)
    }
}

/// The characters of written Cantonese that Big5 level 1 lacks (most
/// are HKSCS's, decoded by `encoding_rs`'s Big5): common in a Big5 reading,
/// so that `咁算啦` in Big5 is not `溯衡罢` in GBK, nor `你嘅嘢` the rare
/// Hangul `쬋앾앃` in EUC-KR.
pub(crate) const CANTONESE: &str =
    "嘅嘢喺咗啲睇吓攞嚟冇佢哋咁嘞啱搵揾嗰噉乜㗎喎啩嘥瞓嚿餸靚諗攰揸氹冚孭噃啫掂嬲揼㩒嗱嗌嚡喐";

/// Punctuation common in Chinese text, as GBK and Big5 encode it.
const COMMON_PUNCTUATION: &str =
    "\u{3000}、。〈〉《》「」『』【】〔〕“”‘’，．：；！？（）［］｛｝～％＃＆＊＋－／＜＝＞＠｜＂＇";

/// Whether `c` is one of [`COMMON_PUNCTUATION`]. Every character the
/// repair scores that is not Han (symbols, letters, emoji) is asked about,
/// and a search of the string for it cost more than the rest of the score:
/// the blocks it draws from come first, one comparison for most.
fn is_common_punctuation(c: char) -> bool {
    matches!(u32::from(c), 0x2018..=0x201D | 0x3000..=0x3015 | 0xFF01..=0xFF5E) && COMMON_PUNCTUATION.contains(c)
}

pub(crate) fn char_score(c: char, prev: char, next: char) -> f64 {
    char_score_as(c, prev, next, Script::Any)
}

fn char_score_as(c: char, prev: char, next: char, script: Script) -> f64 {
    let beside = |is: fn(char) -> bool| is(prev) || is(next);
    if script == Script::Korean
        && (is_hangul(c) && (beside(is_han) || !is_ks_x_1001_hangul(c)) || is_han(c) && beside(is_hangul))
    {
        return -1.0;
    }
    let cp = u32::from(c);
    match cp {
        0x4E00..=0x9FFF if common_han::is_frequent(c, script) => MAX_PLAUSIBILITY,
        0x4E00..=0x9FFF | 0x3400..=0x4DBF if common_han::is_common(c) => 2.0,
        _ if script == Script::Traditional && CANTONESE.contains(c) => 2.0,
        0x4E00..=0x9FFF | 0x3400..=0x4DBF => -1.0,
        // The punctuation of Chinese text; the other CJK symbols and
        // fullwidth forms are rare in it (and are what Chinese punctuation
        // read in a neighbouring charset often looks like).
        _ if is_common_punctuation(c) => 2.0,
        0xFF10..=0xFF19 | 0xFF21..=0xFF3A | 0xFF41..=0xFF5A => 1.0,
        0x3000..=0x303F | 0xFF01..=0xFF5E => 0.0,
        // Hiragana, katakana, Hangul syllables.
        0x3041..=0x309F | 0x30A0..=0x30FF | 0xAC00..=0xD7A3 => 1.5,
        // Latin-1 letters make sense inside Latin words, not in runs of
        // their own (that is what GBK read as Latin-1 looks like).
        0xC0..=0xFF if prev.is_ascii_alphabetic() || next.is_ascii_alphabetic() => 1.0,
        // Ellipsis, middle dot, dash; arrows (menu paths: 首選項 → 網路).
        0x2026 | 0x00B7 | 0x2014 | 0x2190..=0x2193 => 1.0,
        0xFF61..=0xFF9F => -2.0,
        0x80..=0x9F | 0xE000..=0xF8FF | 0xFFFD => -5.0,
        _ => -1.0,
    }
}

mod common_han {
    //! The common Han characters: GB2312 level 1 (the 3,755 most used
    //! Simplified characters) and Big5 level 1 (the 5,401 common Traditional
    //! characters), as `encoding_rs` decodes them; and the frequent ones, the
    //! 1,000 most used Simplified and the 1,000 most used Traditional
    //! characters of Chinese technical prose (counted in the manual pages of
    //! Debian's manpages-zh by `scripts/make-frequent-han.py`), which break
    //! ties between a GBK and a Big5 reading that are both common Han.
    //!
    //! Every character of every input may be looked up here, and a run that
    //! built the sets first spent more on that than on a small file, so they
    //! are bitmaps generated into `han_classes.bin` (checked in; a unit test
    //! regenerates them from `encoding_rs` and `frequent_han.txt` and fails
    //! when they differ).

    use super::Script;

    const HAN_START: u32 = 0x3400;
    const HAN_END: u32 = 0xA000;
    /// Bytes of one bitmap: a bit per code point of `HAN_START..HAN_END`.
    const BITMAP_LEN: usize = (HAN_END - HAN_START) as usize / 8;

    /// Which bitmap of `han_classes.bin`, in file order.
    #[derive(Debug, Clone, Copy)]
    enum Class {
        Common = 0,
        FrequentSimplified = 1,
        FrequentTraditional = 2,
    }

    static CLASSES: &[u8; 3 * BITMAP_LEN] = include_bytes!("han_classes.bin");

    fn has(class: Class, c: char) -> bool {
        let cp = u32::from(c);
        if !(HAN_START..HAN_END).contains(&cp) {
            return false;
        }
        let i = (cp - HAN_START) as usize;
        CLASSES[class as usize * BITMAP_LEN + i / 8] & (1 << (i % 8)) != 0
    }

    pub fn is_common(c: char) -> bool {
        has(Class::Common, c)
    }

    pub fn is_frequent(c: char, script: Script) -> bool {
        match script {
            Script::Simplified => has(Class::FrequentSimplified, c),
            Script::Traditional => has(Class::FrequentTraditional, c),
            Script::Any => has(Class::FrequentSimplified, c) || has(Class::FrequentTraditional, c),
            Script::Korean | Script::Neighbour => false,
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        /// `han_classes.bin` as it should be.
        fn generate() -> Vec<u8> {
            let mut bits = vec![0u8; 3 * BITMAP_LEN];
            let mut mark = |class: Class, c: char| {
                let cp = u32::from(c);
                if (HAN_START..HAN_END).contains(&cp) {
                    let i = (cp - HAN_START) as usize;
                    bits[class as usize * BITMAP_LEN + i / 8] |= 1 << (i % 8);
                }
            };
            let levels: [(_, _, &[std::ops::RangeInclusive<u8>]); 2] = [
                (encoding_rs::GBK, 0xB0..=0xD7u8, &[0xA1..=0xFE]),
                (encoding_rs::BIG5, 0xA4..=0xC6, &[0x40..=0x7E, 0xA1..=0xFE]),
            ];
            for (encoding, leads, trails) in levels {
                let mut bytes = Vec::new();
                for lead in leads {
                    for trail in trails.iter().cloned().flatten() {
                        bytes.extend_from_slice(&[lead, trail]);
                    }
                }
                let (text, _) = encoding.decode_without_bom_handling(&bytes);
                text.chars().for_each(|c| mark(Class::Common, c));
            }
            let mut lines = include_str!("frequent_han.txt").lines();
            for class in [Class::FrequentSimplified, Class::FrequentTraditional] {
                lines.next().unwrap_or_default().chars().for_each(|c| mark(class, c));
            }
            bits
        }

        #[test]
        fn han_classes_bin_is_current() {
            crate::generated::assert_current("src/han_classes.bin", &generate());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn charset(bytes: &[u8]) -> &'static str {
        match detect(bytes, true) {
            Detection::Text(c) => c.encoding.name(),
            Detection::Binary => "binary",
        }
    }

    fn encode(encoding: &'static Encoding, text: &str) -> Vec<u8> {
        let (bytes, _, unmappable) = encoding.encode(text);
        assert!(!unmappable);
        bytes.into_owned()
    }

    #[test]
    fn the_punctuation_blocks_hold_all_the_common_punctuation() {
        // The blocks `is_common_punctuation` looks in first are a shortcut
        // only: every character of the list must be in them.
        for c in COMMON_PUNCTUATION.chars() {
            assert!(is_common_punctuation(c), "{c:?} (U+{:04X})", u32::from(c));
        }
        assert!(!is_common_punctuation('\u{3016}') && !is_common_punctuation('🔎') && !is_common_punctuation('a'));
    }

    #[test]
    fn one_line_per_case() {
        assert_eq!(charset(b""), "UTF-8");
        assert_eq!(charset(b"plain ascii\n"), "UTF-8");
        assert_eq!(charset("中文文本".as_bytes()), "UTF-8");
        assert_eq!(charset(b"\xef\xbb\xbfabc"), "UTF-8");
        assert_eq!(charset(b"\xff\xfe-N\x87e"), "UTF-16LE");
        assert_eq!(charset(b"\xfe\xffN-e\x87"), "UTF-16BE");
        assert_eq!(charset(b"\xd6\xd0\xce\xc4"), "gb18030"); // 中文 GBK
        assert_eq!(charset(b"\xa4\xa4\xa4\xe5"), "Big5"); // 中文 Big5
        assert_eq!(charset(b"\x00\x01\x02\x03\xff\x00\x10"), "binary");
        let cut = "天气预报：明天北京晴，最高气温二十五度。\n我们在图书馆见面。".as_bytes();
        assert_eq!(charset(&cut[..cut.len() - 1]), "UTF-8", "UTF-8 cut inside its last character");
        assert_eq!(charset(b"\x81\x30\x81\x30"), "gb18030"); // GB18030 four-byte
        assert_eq!(charset(b"\xff\xfe\x00\x00-N\x00\x00\x87e\x00\x00"), "binary"); // UTF-32LE
        assert_eq!(charset(b"\x00\x00\xfe\xff\x00\x00N-\x00\x00e\x87"), "binary"); // UTF-32BE
        assert_eq!(charset(b"\x1f\x8b\x08\x08\xa3\x91\x03\x1a\x02\x03\xcb\x48\xcd\xc9"), "binary"); // gzip
        assert_eq!(charset(b"\xd6\xd0\xce\xc4\x0c\x1b[1m\xd6\xd0\x1b[0m\x1a"), "gb18030");
        // form feed, colours, EOF
    }

    /// Short text in another alphabet's single-byte charset, as a subtitle
    /// folder holds beside Chinese ones: read in that charset (or one that
    /// reads the same letters), not as the Han characters GBK makes of it.
    /// Sentences written for this test.
    #[test]
    fn short_text_in_another_alphabet_keeps_its_letters() {
        let cases = [
            ("windows-1251", "Привет, как дела? Всё хорошо."),
            ("windows-1251", "Это просто тест"),
            ("koi8-r", "Добро пожаловать в наш магазин"),
            ("iso-8859-5", "Серия 1. Начало"),
            ("windows-1251", "Серия 1. «Начало»"),
            ("windows-1253", "Γειά σου κόσμε, τι κάνεις;"),
            ("iso-8859-7", "Ελλάδα"),
            ("windows-1250", "Zażółć gęślą jaźń, proszę pana"),
            ("iso-8859-2", "Příliš žluťoučký kůň"),
            ("windows-874", "สวัสดีครับ ยินดีที่ได้รู้จัก"),
            ("windows-874", "ภาษาไทยเป็นภาษาที่สวยงาม"),
            ("windows-874", "ขอบคุณมาก"),
            ("windows-1255", "שלום, מה שלומך היום?"),
            ("windows-1255", "ספרים חדשים"),
            ("iso-8859-8", "שלום עולם"),
            ("windows-1256", "مرحبا بكم في موقعنا"),
            ("windows-1256", "السلام عليكم"),
            ("windows-1256", "شكرا جزيلا"),
            ("windows-1250", "Dobrý den"),
        ];
        for (label, text) in cases {
            let encoding = Encoding::for_label(label.as_bytes()).unwrap();
            let bytes = encode(encoding, &format!("{text}\n"));
            let Detection::Text(found) = detect(&bytes, true) else { panic!("{label} {text}: binary") };
            let (read, had_errors) = found.encoding.decode_without_bom_handling(&bytes);
            assert_eq!((read.trim_end(), had_errors), (text, false), "{label} read as {}", found.encoding.name());
        }
        // Their single-byte readings break the rules of words in an alphabet.
        for (gbk, chinese) in [(&b"\xc4\xe3\xba\xc3"[..], "你好 (ДгєГ)"), (b"\xd6\xd0\xce\xc4", "中文 (ЦРОД)")]
        {
            assert_eq!(charset(gbk), "gb18030", "{chinese}");
        }
        // A word of two characters alone is Chinese when it is a known pair,
        // though its bytes are four letters of another alphabet.
        for word in
            ["右派 (KOI8 среи)", "书面 (ISO-8859-6 تىأن)", "陷阱 (windows-1256 دفعه)", "忧虑 (windows-1256 ساآا)"]
        {
            let bytes = encode(GBK, &word[..6]);
            assert_eq!(charset(&[&bytes[..], b"\n"].concat()), "gb18030", "{word}");
        }
        // For an uncased alphabet, whose rules are weaker, any known pair.
        for word in ["让我们 (windows-874)", "我们都熟 (windows-874)", "让你轻 (windows-1256)"] {
            let bytes = encode(GBK, word.split(' ').next().unwrap_or_default());
            assert_eq!(charset(&[&bytes[..], b"\n"].concat()), "gb18030", "{word}");
        }
        // French circumflexes are letters of windows-1250 and windows-1257
        // too (`fenętres`, `tāche`), and Latin-1 units are ISO-8859-2 letters.
        for text in [
            "Effacer toutes les fenêtres sauf une.",
            "Exécuter atd en tâche de fond.",
            "5µl, ±10%",
            "Þetta er íslenska",
            "Góðan daginn",
            "Snø og frø",
            "Die Größe des Tisches beträgt 2–3×4 m.",
        ] {
            assert_eq!(charset(&encode(WINDOWS_1252, &format!("{text}\n"))), "windows-1252", "{text}");
        }
    }

    /// Lines of review 12's batch (`/work/review12/batch/gen.py`: manual
    /// pages and LibreOffice help from the OpenCC corpus, each with a rare
    /// character appended, encoded by Python's gb18030 codec), whose only
    /// non-ASCII is GB18030's four bytes a character, which windows-1252
    /// read as signs between digits (`Control•5Û5`).
    #[test]
    fn four_byte_gb18030_han_beside_ascii_is_gb18030() {
        let cases: [(&[u8], &str); 4] = [
            (b"Control\x955\xdb5\n", "Control𡈽"),
            (b".de VS\x954\xb25\n.if !\"\\\\$2\"\" .br\x962\xc22\n", ".de VS𠮷, .br𣎴"),
            (b".mk ^y\x819\xee9\n.nr ^b 1u\x962\xc22\n", "^y㐀 (extension A), 1u𣎴"),
            (b".LP\x985\xee7\n.nf\x952\x826\n", ".LP𪚥, .nf𠀀"),
        ];
        for (bytes, text) in cases {
            assert_eq!(charset(bytes), "gb18030", "{text}");
        }
        // Four bytes of that form that are no Han character in GB18030 (an
        // unassigned code point of plane 7) leave Latin-1 signs alone.
        assert_eq!(charset(&encode(WINDOWS_1252, "Toleranz ±2°5\n")), "windows-1252");
    }

    /// Review 12's batch: `索引 🔎︎`, the magnifier followed by the selector
    /// of its text form (U+FE0E), in UTF-16 without a BOM, was binary.
    #[test]
    fn utf16_without_bom_with_the_text_form_selector_is_text() {
        let line = "索引 🔎\u{FE0E}\n";
        let le: Vec<u8> = line.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = line.encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(be, b"\x7d\x22\x5f\x15\x00\x20\xd8\x3d\xdd\x0e\xfe\x0e\x00\x0a");
        assert_eq!(charset(&le), "UTF-16LE");
        assert_eq!(charset(&be), "UTF-16BE");
    }

    /// Random 16-byte files of review 12's batch (`os.urandom`), the 9 of
    /// its 12 with one to three control bytes that text does not have:
    /// windows-1252 garbage before, or GBK and Big5 cut inside their last
    /// character, refused with an error that failed the batch. (The other
    /// 3 are still windows-1252: form feed and carriage return are text's.)
    #[test]
    fn tiny_random_bytes_with_a_control_byte_are_binary() {
        let files: [&[u8; 16]; 9] = [
            b"\x92\xac\x71\x89\x31\x89\xde\x04\xf2\x35\xff\x17\xab\xf3\xef\x83",
            b"\xd6\xdc\xd2\xd4\xf5\xa0\x86\x60\x6f\xa6\xc6\x1f\x0e\xce\x6a\xe5", // was GBK, cut
            b"\x80\xb2\xbe\xf2\x3d\x9e\x25\xf7\xb2\xdb\x0e\x71\x4a\x76\x7f\xdb",
            b"\x8a\x19\x40\x1c\x3b\x6e\xde\x9a\xaa\xd6\xb6\xae\x89\xac\xc6\xdc",
            b"\x26\x5c\xb5\x44\x5f\x11\xfd\x59\x22\x5f\xa9\xf6\x3c\xd6\xec\x95", // was Big5, cut
            b"\xd7\x78\x59\x12\x57\xe5\x55\x4d\x29\x16\x48\x71\xf3\x57\x93\x33",
            b"\x30\xcb\x3a\x3f\x43\x0b\x41\x12\x31\xfd\x45\x77\xc8\x4b\xb7\xde",
            b"\x0a\x96\x31\x1b\xf3\xb4\x10\x25\x86\x08\x4c\xff\x0f\x15\xa8\xb0",
            b"\x2e\x10\x09\x09\x43\xc1\xbc\xe2\xce\x82\x6a\x70\xe5\x6a\xd6\x2b",
        ];
        for bytes in files {
            assert_eq!(charset(bytes), "binary", "{bytes:x?}");
        }
        // From 64 bytes on, one such byte is damage in text.
        let long = [&encode(GBK, &"中文".repeat(16))[..], b"\x1f\n"].concat();
        assert_eq!(charset(&long), "gb18030");
    }

    /// The rules of words in an uncased alphabet, one case a line: GBK and
    /// Big5 read in windows-874, windows-1255 or windows-1256 break them.
    #[test]
    fn uncased_alphabet_text_follows_the_rules_of_its_words() {
        let cases = [
            ("สวัสดีครับ", true),
            ("ึะฮฤ", false),   // 中文 in windows-874: a mark before any letter
            ("ฅอค้งึผึ", false), // 生日快樂 (Big5): ฅ is out of use
            ("เ ก", false),   // a leading vowel before a space
            ("שלום עולם", true),
            ("למזוע", true),  // Russian может in windows-1251: Hebrew letters indeed
            ("שםלום", false), // a final mem inside a word
            ("مرحبا بكم", true),
            ("مدرسةكبيرة", false), // teh marbuta inside a word
            ("ضذخؤے", true),       // 中文 + 0xFF: only the GBK reading's words tell
            ("שלוםabc", false),    // glued to ASCII letters
            ("שלום مرحبا", false), // two alphabets
            ("שלו", false),        // too few letters
            ("Привет", false),
        ];
        for (text, expected) in cases {
            assert_eq!(is_uncased_alphabet_text(text), expected, "{text}");
        }
    }

    /// Review 13 #13: short standalone files, one case a line (the texts are
    /// items of the review's sets, encoded by Python's codecs).
    #[test]
    fn short_files_of_review_13_keep_their_charset() {
        let cases: [(&[u8], &str); 15] = [
            (b"x\xa8\xacn y\xa8\xb0ng\n", "gb18030"), // xìn yòng: pinyin in GBK, not Big5 x足n y辰ng
            (b"\xbc\xb7\xd1\xb9 j\xa8\xab y\xa8\xa1\n", "gb18030"), // 挤压 jǐ yā
            (b"\xbc\xc6\xc1\xbf\xa1\xa4Ho\xa8\xa4ng\n", "gb18030"), // 计量·Hoàng
            (b"\xb3\xc2\xc4\xc8\n", "gb18030"),       // 陈娜, not Big5 麻饑
            (b"\xb6\xad\xb4\xba\xc3\xb7\n", "gb18030"), // 董春梅, not Big5 雁景繩
            (b"\xb3\xaf\xb0\xea\xb5\xd8\n", "Big5"),  // 陳國華, not GBK 朝瓣地
            (b"94225 \xbc\xea\xb4\xf2\xbf\xa4\xbf\xb3\xb8\xf4778\xb8\xb99\xbc\xd3\n", "Big5"), // 澎湖縣興路778號9樓
            (b"pan Juliusz Mas\xb3o\xf1\n", "windows-1250"), // was malformed Big5, refused
            (b"Bieg\xb3y rewident\n", "windows-1250"), // not Big5 Bieg造
            (b"Uprawia\xe6 urodziny pi\xea\xe6 Jan.\n", "windows-1250"), // not windows-1252 piêæ
            (b"aleja Hutnicza 11/24 36-595 \xa3\xf3d\xbc\n", "ISO-8859-2"), // Łódź, was malformed GBK
            (b"2\xaa Se\xe7\xe3o\n", "windows-1252"), // 2ª Seção, not windows-1250 2Ş Seçăo
            (b"\xc9\xa5\xe0\xb6\n", "gb18030"),       // 丧喽, not UTF-8 ɥ and a cut character
            (b"\xa5G\n", "Big5"),                     // 乎 alone, not windows-1250 ĄG
            (b"Nanejv\xfd\x9a tuzemsk\xfd z\xfa\xe8astnit p\xf8i m\xf3da nutit.\x0a", "windows-1250"), // Czech, not windows-1252 pøi
        ];
        for (bytes, expected) in cases {
            assert_eq!(charset(bytes), expected, "{bytes:x?}");
        }
    }

    #[test]
    fn a_clean_plausible_reading_beats_malformed_and_kana_less_japanese_ones() {
        let cases: [(&[u8], &str); 11] = [
            (b"\xd6\xd0\xce\xc4\xff\n", "gb18030"), // 中文 + a stray 0xFF: malformed GBK, not binary
            (b"\xe4\xbb\x96\xe8\xb5\xb0\xe8\xbf\x9b\xe4\xba\x86\xe6\x88\xbf\xe9\x97\xb4\xef\xbc", "UTF-8"), // cut
            (b"\xe4\xb8\xad\xe6\x96", "UTF-8"), // 中 and a cut 文
            (b"\xe4\xbb\x96\xe8\xb5\xb0\xe8\xbf\x9b\xe4\xba\x86\xe6\x88\xbf\xe9\x97\xb4\xef\xbc\x8c\xe7\x9c\x8b\xe8\xa7\x81\xe6\xa1\x8c\xe5\xad\x90\xe4\xb8\x8a\xe6\x94\xbe\xe7\x9d", "UTF-8"),
            // 张淼、刘焱、陈垚、赵鑫都来了。 (EUC-KR: 蠟玆、증翊、냈닇…)
            (b"\xd5\xc5\xed\xb5\xa1\xa2\xc1\xf5\xec\xcd\xa1\xa2\xb3\xc2\x88\x90\xa1\xa2\xd5\xd4\xf6\xce\xb6\xbc\xc0\xb4\xc1\xcb\xa1\xa3", "gb18030"),
            // 古文：鬯彧乂乜乩丌亍。 (EUC-KR: 뮴匡：湃룵갫萬蔓笠立。)
            (b"\xb9\xc5\xce\xc4\xa3\xba\xdb\xcb\x8f\xaa\x81V\xd8\xbf\xd8\xc0\xd8\xa2\xd8\xa1\xa1\xa3", "gb18030"),
            // 许淼寻、卢垚是同学。 (EUC-KR: 冀玆璣、짭닇角谿欺。)
            (b"\xd0\xed\xed\xb5\xd1\xb0\xa1\xa2\xc2\xac\x88\x90\xca\xc7\xcd\xac\xd1\xa7\xa1\xa3", "gb18030"),
            // 汤翠、戴丝岚说得对。 (EUC-JP, no kana: 明岩、忌某甍傍誼斤。)
            (b"\xcc\xc0\xb4\xe4\xa1\xa2\xb4\xf7\xcb\xbf\xe1\xb0\xcb\xb5\xb5\xc3\xb6\xd4\xa1\xa3", "gb18030"),
            (b"\xd0\xbb\xd0\xbb\xc4\xe3", "gb18030"), // 谢谢你 (EUC-JP: 仍仍低)
            (b"\xcd\xb7\xb7\xa2", "gb18030"),         // 头发 (EUC-JP: 遊窟)
            (b"caf\xe9 cr\xe8me", "windows-1252"),
        ];
        for (bytes, expected) in cases {
            assert_eq!(charset(bytes), expected, "{bytes:x?}");
        }
    }

    #[test]
    fn latin1_text_is_windows_1252_not_han_glued_to_ascii_words() {
        let lab: Vec<u8> = (1..=200)
            .flat_map(|i| {
                [format!("Sample {i} was heated to {}", i + 20).into_bytes(), b"\xb0C for 10 min.\n".to_vec()]
            })
            .flatten()
            .collect();
        let units: Vec<u8> = (1..=30)
            .flat_map(|i| [format!("{i}").into_bytes(), b"\xb0C, 5\xb5l, \xb110%\n".to_vec()])
            .flatten()
            .collect();
        let latin: [&[u8]; 6] =
            [&lab, &units, b"Stra\xdfe\n", b"Gr\xf6\xdfe: 10 \xb5m\n", b"M\xfcnchen, 21\xb0C\n", b"\xdcber 5 km\xb2"];
        for bytes in latin {
            assert_eq!(charset(bytes), "windows-1252", "{}", WINDOWS_1252.decode_without_bom_handling(bytes).0);
        }
        // Short Chinese with single Han characters beside ASCII stays Chinese.
        let simplified =
            [(GBK, "第1章"), (GBK, "共3个"), (GBK, "Ubuntu 和 Debian"), (GBK, "版本 2.0 中"), (GBK, "a中b")];
        let traditional =
            [(BIG5, "USB 隨身碟"), (BIG5, "Ubuntu 和 Debian"), (BIG5, "CPU microcode、 "), (BIG5, ") 和 less(1) 這")];
        for (encoding, text) in simplified.into_iter().chain(traditional) {
            assert_eq!(charset(&encode(encoding, text)), widen_gbk(encoding).name(), "{text}");
        }
    }

    /// Review 16 #1: Big5 and GBK read a degree or micro sign with its
    /// unit's letter as one Han character (`21蚓`, `5痞`), leaving no ASCII
    /// letter; windows-1252 measurements were read as Big5. Short Chinese
    /// with characters after numbers, and with ASCII trail bytes (`許功蓋`:
    /// `\x5c`; `配`: `\xb0t`) beside other characters, stays Chinese.
    #[test]
    fn windows_1252_measurements_are_not_han_characters() {
        for text in ["21°C", "5µl", "30°C\n22°C\n", "1,21°C\n2,22°C\n3,25°C\n", "21°C,22°C,23°C", "5µl;10µl;20µl"]
        {
            assert_eq!(charset(&encode(WINDOWS_1252, text)), "windows-1252", "{text}");
        }
        for text in ["2µm", "-5°C", "37.5°F", "21 °C", "21°C 5µl\n"] {
            assert_eq!(charset(&encode(WINDOWS_1252, text)), "windows-1252", "{text}");
        }
        for text in [
            "第5集",
            "3個",
            "21度C",
            "許功蓋",
            "3配置",
            "3發",
            "73 訊",
            "92短\n77短\n",
            "74然\n54然\n",
            "第1發",
            "2發射\n3發射\n",
        ] {
            assert_eq!(charset(&encode(BIG5, text)), "Big5", "{text}");
        }
        for text in ["第5集", "3个", "21度C", "共3个", "2号,3号"] {
            assert_eq!(charset(&encode(GBK, text)), "gb18030", "{text}");
        }
    }

    #[test]
    fn a_declared_charset_that_decodes_cleanly_is_taken() {
        let declared = |bytes: &[u8]| {
            let found = detected(bytes);
            (found.encoding.name(), found.method)
        };
        let korean = b"# -*- coding: euc-kr -*-\nprint(\"\xbe\xc8\xb3\xe7\xc7\xcf\xbc\xbc\xbf\xe4\")\n";
        assert_eq!(declared(korean), ("EUC-KR", Method::Declared));
        let big5 = b"<meta charset=\"big5\"><title>\xb0\xec\xba\xf4</title>\n";
        assert_eq!(declared(big5), ("Big5", Method::Declared));
        let po = b"msgid \"\"\nmsgstr \"\"\n\"Content-Type: text/plain; charset=EUC-KR\\n\"\n\nmsgid \"Hello\"\nmsgstr \"\xbe\xc8\xb3\xe7\"\n";
        assert_eq!(declared(po), ("EUC-KR", Method::Declared));
        assert_eq!(declared(b"<meta charset=gbk>\xd6\xd0"), ("gb18030", Method::Declared));
        // Not followed: bytes malformed in the charset declared, valid UTF-8,
        // a single-byte charset over a Chinese reading.
        let malformed = b"# coding: euc-kr\n\xd6\xd0\xce\xc4\xff\n";
        assert_ne!(detected(malformed).method, Method::Declared);
        assert_eq!(unclean_declaration(malformed, true), Some(EUC_KR));
        assert_eq!(declared("<meta charset=gbk>中文".as_bytes()), ("UTF-8", Method::ValidUtf8));
        let latin1_gbk = b"<meta charset=\"iso-8859-1\"><title>\xd6\xd0\xce\xc4\xce\xc4\xb1\xbe</title>";
        assert_eq!(declared(latin1_gbk).0, "gb18030");
        assert_eq!(unclean_declaration(latin1_gbk, true), None);
        let simplified = "天气预报：明天北京晴，最高气温二十五度。我们在图书馆见面，然后一起去吃午饭。";
        let big5_over_gbk = [b"<meta charset=\"big5\">".to_vec(), encode(GBK, simplified)].concat();
        assert_eq!(declared(&big5_over_gbk).0, "gb18030", "GBK read as Big5 is rare characters");
    }

    #[test]
    fn iso_2022_jp_by_its_escape_sequences() {
        let japanese = b"\x1b$BF|K\\8l$N%F%-%9%H\x1b(B\n"; // 日本語のテキスト
        assert_eq!((detected(japanese).encoding, detected(japanese).method), (ISO_2022_JP, Method::EscapeSequences));
        assert_eq!(charset(b"\x1b[1mbold\x1b[0m \x1b$Bnot closed\n"), "UTF-8");
        assert_eq!(charset(b"\x1b(Bplain\n"), "UTF-8");
    }

    #[test]
    fn nul_bytes_far_apart_or_padding_are_damage_in_text_close_ones_binary() {
        let gbk = encode(GBK, &"天气预报：明天北京晴，最高气温二十五度。\n".repeat(20));
        let utf8 = "這是一個測試句子，裡面有中文。\n".repeat(20).into_bytes();
        let nuls = |n| vec![0u8; n];
        assert_eq!(charset(&[&gbk[..], b"\0"].concat()), "gb18030");
        assert_eq!(charset(&[&gbk[..], &nuls(5000)].concat()), "gb18030"); // padding
        assert_eq!(charset(&[&nuls(5000), &gbk[..]].concat()), "gb18030"); // a truncated log written on
        assert_eq!(charset(&[&gbk[..328], b"\0", &gbk[328..], b"\0\0", &gbk[..]].concat()), "gb18030");
        assert_eq!(charset(&[&utf8[..], b"\0", &utf8[..]].concat()), "UTF-8");
        assert_eq!(charset(&[&utf8[..], &nuls(5000)].concat()), "UTF-8");
        assert!(matches!(detect(&[&utf8[..], &nuls(PREFIX_LEN)].concat(), false), Detection::Text(_)));

        assert_eq!(charset(&nuls(5000)), "binary");
        assert_eq!(charset(&[&gbk[..100], b"\0", &gbk[..]].concat()), "binary"); // NUL near the start
        assert_eq!(charset(&[&gbk[..], b"\0", &gbk[..100], b"\0", &gbk[..]].concat()), "binary");
        assert_eq!(charset(&[&gbk[..], b"\0x\0y\0z\0"].concat()), "binary"); // NUL-separated records
        assert!(matches!(detect(&nuls(PREFIX_LEN), false), Detection::Binary));
        // Headers of binary formats, each before a text they could hold.
        let headers: [&[u8]; 5] = [
            include_bytes!("../samples/binary.bin"),                                    // PNG
            b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x3e\x00", // ELF
            b"PK\x03\x04\x0a\x00\x00\x00\x00\x00\x5a\x7b\x81\x59\x12\x34\x56\x78\x40\x06\x00\x00", // zip, stored
            b"SQLite format 3\x00\x10\x00\x01\x01\x00\x40\x20\x20",                     // SQLite
            &[b"notes.txt".as_slice(), &nuls(91), b"0000644\x000001750\x00"].concat(),  // tar
        ];
        for header in headers {
            assert_eq!(charset(&[header, &utf8[..]].concat()), "binary", "{header:x?}");
        }
    }

    #[test]
    fn random_bytes_without_nul_are_binary() {
        // A fixed xorshift stream, NUL bytes taken out as compressed data
        // sometimes has none in its first kilobytes.
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let bytes: Vec<u8> = std::iter::from_fn(|| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            Some((state >> 32) as u8)
        })
        .filter(|&b| b != 0)
        .take(64 * 1024)
        .collect();
        for len in [64, 1024, 64 * 1024] {
            assert_eq!(charset(&bytes[..len]), "binary", "{len} bytes");
        }
    }

    #[test]
    fn utf16_without_bom_by_nul_pattern() {
        let le: Vec<u8> = "中文 text, 一行\n".encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = "中文 text, 一行\n".encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(charset(&le), "UTF-16LE");
        assert_eq!(charset(&be), "UTF-16BE");
    }

    #[test]
    fn utf16_without_bom_with_emoji_is_text() {
        let chat = " hi 😀\n好的👍🏻 ❤️ 👨‍👩‍👧\n".repeat(20);
        let le: Vec<u8> = chat.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = chat.encode_utf16().flat_map(u16::to_be_bytes).collect();
        for (bytes, expected) in [(&le, "UTF-16LE"), (&be, "UTF-16BE")] {
            assert_eq!(charset(bytes), expected);
            // A prefix that ends between the two halves of a surrogate pair.
            let cut = bytes.len() - 2 * "👨‍👩‍👧\n".encode_utf16().count() + 2;
            let cut_charset = match detect(&bytes[..cut], false) {
                Detection::Text(c) => c.encoding.name(),
                Detection::Binary => "binary",
            };
            assert_eq!(cut_charset, expected, "cut inside a surrogate pair");
        }
    }

    #[test]
    fn short_chinese_titles_are_read_as_chinese() {
        for title in ["中华人民共和国", "发布会", "天气预报", "我们的时代", "第一章 开始"] {
            assert_eq!(charset(&encode(GBK, title)), "gb18030", "{title}");
        }
        for title in ["中華民國", "發佈會", "天氣預報", "我們的時代", "第一章 開始"] {
            assert_eq!(charset(&encode(BIG5, title)), "Big5", "{title}");
        }
    }

    #[test]
    fn a_short_text_cut_inside_its_last_character_keeps_its_charset() {
        // A download that stopped: 中 and half of 文 in GBK, 中 and half of 中 in Big5.
        assert_eq!(charset(b"\xd6\xd0\xce"), "gb18030");
        assert_eq!(charset(b"\xa4\xa4\xa4"), "Big5");
        assert_eq!(charset(&[&encode(GBK, "第一章 开始")[..], b"\xce"].concat()), "gb18030");
    }

    #[test]
    fn a_short_text_cut_before_its_trailing_blank_space_keeps_its_charset() {
        // A last line cut before its line end: the cut character is held
        // back as at the very end, not read as a single-byte charset.
        let cut: [(&[u8], &str); 6] = [
            (b"\xd6\xd0\xce\n", "gb18030"), // 中 and half of 文
            (b"\xd6\xd0\xce\r\n", "gb18030"),
            (b"\xd6\xd0\xce ", "gb18030"),
            (b"\xd6\xd0\xce \t\n\n", "gb18030"),
            (b"\xa4\xa4\xa4\n", "Big5"), // 中 and half of 中
            (b"\xa7\x41\xa6\n", "Big5"), // 你 and half of a character
        ];
        for (bytes, expected) in cut {
            assert_eq!(charset(bytes), expected, "{bytes:x?}");
        }
        // Single-byte text whose last character is a high byte before the
        // line end is not a cut: short Latin-1, and Thai long enough for
        // `chardetng`'s statistics.
        let thai = "ประเทศไทยมีเมืองหลวงคือกรุงเทพมหานคร ซึ่งเป็นเมืองที่ใหญ่ที่สุดในประเทศ\n".repeat(4);
        let single_byte: [(&[u8], &str); 4] = [
            (b"caf\xe9\n", "windows-1252"),
            (b"Caf\xe9 au lait, d\xe9j\xe0\r\n", "windows-1252"),
            (b"21\xb0 ", "windows-1252"),
            (&encode(encoding_rs::WINDOWS_874, &thai), "windows-874"),
        ];
        for (bytes, expected) in single_byte {
            assert_eq!(charset(bytes), expected, "{bytes:x?}");
        }
    }

    #[test]
    fn short_gbk_that_is_valid_utf8_is_gbk() {
        assert_eq!(charset(&encode(GBK, "e Firmware Interface (UEFI) 统一")), "gb18030"); // "ͳһ" in UTF-8
        assert_eq!(charset(&encode(GBK, "$HOME/Desktop 目录")), "gb18030"); // "Ŀ¼" in UTF-8
        assert_eq!(charset(&encode(GBK, "// 系统")), "gb18030"); // "ϵͳ" in UTF-8, ͳ an archaic letter
    }

    #[test]
    fn real_utf8_latin_greek_cyrillic_stays_utf8() {
        for text in [
            "café crème",
            "10 µΩ",
            "the α particle",
            "«\u{a0}Élise\u{a0}»",
            "Привет, мир",
            "Ωμέγα",
            "ϵ > 0",
            "ϕ = 2π",
            "δ ∈ ϵ",
            "Ґанок і ґудзик",
            "Қазақстан",
        ] {
            assert_eq!(charset(text.as_bytes()), "UTF-8", "{text}");
        }
    }

    fn detected(bytes: &[u8]) -> Charset {
        match detect(bytes, true) {
            Detection::Text(c) => c,
            Detection::Binary => panic!("binary: {bytes:x?}"),
        }
    }

    /// `text` with the byte 0xA0, which UTF-8 has only inside a sequence,
    /// put in at byte 30 (between two Chinese characters).
    fn with_a_stray_byte(text: &str) -> Vec<u8> {
        [&text.as_bytes()[..30], b"\xa0", &text.as_bytes()[30..]].concat()
    }

    #[test]
    fn utf8_with_a_stray_byte_is_malformed_utf8_not_windows_1252() {
        let line = "这是一个测试句子，里面有中文。\n";
        let rest = "αβγ ΔΩ\n①②③\nПривет\n";
        for text in [line.repeat(10) + rest, format!("{line}{rest}")] {
            let found = detected(&with_a_stray_byte(&text));
            assert_eq!((found.encoding, found.method), (UTF_8, Method::NearlyUtf8), "{text}");
        }
        // A malformed byte in every line is still damaged UTF-8.
        let damaged: Vec<u8> = (0..10).flat_map(|_| [line.as_bytes(), b"\xff"].concat()).collect();
        assert_eq!(detected(&damaged).method, Method::NearlyUtf8);
    }

    #[test]
    fn utf8_lines_beside_gbk_or_big5_lines_are_a_mixture() {
        let simplified = "这是一个测试句子，里面有中文。\n".repeat(5);
        let traditional = "這是一個測試句子，裡面有中文。\n".repeat(5);
        let cases = [
            ([encode(GBK, &simplified), "这一行是UTF-8的中文。\n".into()].concat(), GB18030),
            ([encode(BIG5, &traditional), "這一行是UTF-8。\n".into()].concat(), BIG5),
            ([simplified.clone().into_bytes(), encode(GBK, "这一行是GBK的中文。\n")].concat(), GB18030),
        ];
        for (bytes, other) in cases {
            let found = detected(&bytes);
            assert_eq!((found.encoding, found.method, found.mixed_with), (UTF_8, Method::Mixed, Some(other)));
        }
        // A UTF-8 log with one short line of GBK or Big5: too few bytes for
        // statistics, but a clean and plausible Chinese reading (gloss15).
        let log = "2024-01-01 12:00:00 INFO 服务启动成功，监听端口 8080\n2024-01-01 12:00:01 INFO 用户登录：张三\n";
        for (line, encoding, other) in [
            ("12:00:02 ERROR 错误 connection refused\n", GBK, GB18030),
            ("12:00:02 ERROR 中文 connection refused\n", GBK, GB18030),
            ("12:00:02 ERROR 超时\n", GBK, GB18030),
            ("12:00:02 ERROR 失败\n", GBK, GB18030),
            ("12:00:02 ERROR 錯誤 connection refused\n", BIG5, BIG5),
        ] {
            let bytes = [log.as_bytes(), &encode(encoding, line), log.as_bytes()].concat();
            let found = detected(&bytes);
            assert_eq!((found.encoding, found.method, found.mixed_with), (UTF_8, Method::Mixed, Some(other)), "{line}");
        }
        // Too few UTF-8 characters to be nearly UTF-8, and malformed in GBK
        // as a whole: was refused as malformed GB18030.
        let few = ["INFO 完成了\n".as_bytes(), &encode(GBK, "ERROR 失败\n"), "INFO 好\n".as_bytes()].concat();
        assert_eq!(detected(&few).mixed_with, Some(GB18030));
        // Short enough to read cleanly in GBK as a whole: read so, and the
        // repair undoes the UTF-8 lines.
        let short = ["启动\n".as_bytes(), &encode(GBK, "ERROR 失败\n"), "成功\n".as_bytes()].concat();
        assert_eq!(detected(&short).encoding, GB18030);
        // A GBK line of two characters that UTF-8 reads as letters is not UTF-8.
        let jumbled_line = [encode(GBK, &simplified), encode(GBK, "统一\n")].concat();
        assert_eq!(detected(&jumbled_line).mixed_with, None);
    }

    #[test]
    fn cantonese_in_big5_is_not_rare_hangul_in_euc_kr() {
        // 你嘅嘢喺我度。 (EUC-KR: 쬋앾앃얈㏀プ좧)
        assert_eq!(charset(b"\xa7\x41\x9d\xef\x9d\xcf\x9d\xf6\xa7\xda\xab\xd7\xa1\x43\n"), "Big5");
        // CPython's test/cjkencodings/big5hkscs.txt: 𠄌Ě鵮罓洆 / ÊÊ̄ê êê̄, HKSCS
        // characters only, which Shift_JIS reads with a malformed sequence in three.
        let hkscs = b"\x88\x45\x88\x5c\x8a\x73\x8b\xda\x8d\xd8\n\x88\x66\x88\x62\x88\xa7 \x88\xa7\x88\xa3\n";
        assert_eq!(charset(hkscs), "Big5");
        assert!(is_ks_x_1001_hangul('가') && is_ks_x_1001_hangul('힝'));
        assert!(!is_ks_x_1001_hangul('똠') && !is_ks_x_1001_hangul('쬋') && !is_ks_x_1001_hangul('中'));
    }

    #[test]
    fn long_korean_and_japanese_keep_their_charset() {
        let korean = "우리는 항상 창가 자리에 앉아서 요즘 일이나 여행 이야기를 합니다. ".repeat(8);
        assert_eq!(charset(&encode(EUC_KR, &korean)), "EUC-KR");
        let japanese = "私たちはいつも窓際の席に座って、最近の仕事や旅行の話をします。".repeat(8);
        assert_eq!(charset(&encode(SHIFT_JIS, &japanese)), "Shift_JIS");
        assert_eq!(charset(&encode(EUC_JP, &japanese)), "EUC-JP");
    }

    #[test]
    fn a_prefix_cut_inside_a_double_byte_character_keeps_its_charset() {
        let cut = |encoding: &'static Encoding, text: &str, skew: usize| {
            // A space shifts the bytes and leaves a page starting with markup.
            let bytes = [&b" "[..skew], &encode(encoding, &text.repeat(4000))].concat();
            match detect(&bytes[..PREFIX_LEN], false) {
                Detection::Text(c) => (c.encoding.name(), c.method),
                Detection::Binary => ("binary", Method::Statistics),
            }
        };
        // Runs of four non-ASCII bytes and more, cut after an odd or an even number of them.
        for skew in [0, 1] {
            let korean = "안녕하세요. 오늘은 날씨가 아주 좋네요. 우리는 공원에 갔습니다.\n";
            assert_eq!(cut(EUC_KR, korean, skew).0, "EUC-KR", "skew {skew}");
            let japanese = "日本語のテキストです。これはテストの文章になります。\n";
            assert_eq!(cut(EUC_JP, japanese, skew).0, "EUC-JP", "skew {skew}");
            let declared = format!("<meta charset=\"gb2312\">\n{}", "我们今天去公园散步，天气很好。\n".repeat(9));
            assert_eq!(cut(GBK, &declared, skew), ("gb18030", Method::Declared), "skew {skew}");
        }
    }

    #[test]
    fn korean_that_chardetng_takes_for_euc_jp_is_euc_kr() {
        // CPython's test/cjkencodings/euc_kr.txt: kanji in EUC-JP, with kana
        // only in its last line, from the jamo row.
        assert_eq!(charset(include_bytes!("../samples/cpython-euc_kr.txt")), "EUC-KR");
        // Japanese headings of kanji only, clean in EUC-KR too, where they are
        // Hangul and Hanja side by side.
        let headings =
            "第一章 総則 第一条 目的 第二条 定義 第三条 適用範囲 第四条 基本理念 第五条 国及地方公共団体責務";
        assert!(!EUC_KR.decode_without_bom_handling(&encode(EUC_JP, headings)).1);
        assert_eq!(charset(&encode(EUC_JP, headings)), "EUC-JP");
    }

    #[test]
    fn chinese_punctuation_beats_its_euc_jp_reading() {
        assert_eq!(charset(&encode(GBK, "第 2.7.10 节 “")), "gb18030");
        assert_eq!(charset(&encode(BIG5, "槽 “/dev/sdb1”")), "Big5");
        assert_eq!(charset(&encode(BIG5, "→ 首選項 → 正")), "Big5");
    }

    #[test]
    fn truncated_utf8_prefix_is_still_utf8() {
        let text = "中文".as_bytes();
        assert!(matches!(detect(&text[..4], false), Detection::Text(c) if c.encoding == UTF_8));
        // A whole input cut inside its last character is UTF-8 too (decoding
        // reports the cut), if a multi-byte character came before the cut.
        assert!(matches!(detect(&text[..4], true), Detection::Text(c) if c.encoding == UTF_8));
        assert!(!matches!(detect(&text[..2], true), Detection::Text(c) if c.encoding == UTF_8));
        // Cut before the line end of the last line, or trailing spaces.
        assert_eq!(charset(b"\xe4\xb8\xad\xe6\x96\x87\xe4\xb8\n"), "UTF-8"); // 中文 and a cut 中
        assert_eq!(charset(b"\xe4\xb8\xad\xe6\x96\x87\xe4\xb8\r\n \n"), "UTF-8");
        assert_ne!(charset(b"\xe4\xb8\xad\xe6\x96\x87\xe4\xb8\nx"), "UTF-8"); // text after it: no cut
        assert_eq!(charset(b"\xd6\xd0\xce\xc4\n"), "gb18030"); // 中文 in GBK, no UTF-8 before
    }

    #[test]
    fn common_han_table_has_both_scripts() {
        assert!(common_han::is_common('中'));
        assert!(common_han::is_common('國'));
        assert!(!common_han::is_common('鍙'));
        assert!(plausibility("中文") > plausibility("涓枃"));
    }
}
