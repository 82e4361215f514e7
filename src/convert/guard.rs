//! What the stages may touch.
//!
//! Users normalize whole files, but not everything in a file is theirs to
//! change: a code sample, a product name, a UI label that must match the
//! program, a test fixture of mojibake. And a Chinese configuration run
//! over Japanese text damages it (s2t turns 会社 into 會社 and 学ぶ into 學ぶ).
//! [`Guard`] cuts each block of text into [`Part`]s, the shielded ones
//! left as they are by repair, clean and conversion (the pipeline does not
//! report their damage, which is kept on purpose, and gives the whole file
//! its charset, BOM, line endings and NFC), and sits in front of a
//! [`Converter`]:
//!
//! - **Japanese and Korean text** — kana in at least a tenth of the CJK
//!   characters, counting only kana in words (not those of kaomoji,
//!   `(ノ°▽°)ノ`, nor quoted names, `「ドラえもん」`), or Hangul (not quoted)
//!   in at least a quarter of the Hangul and Han characters — is not converted by the
//!   Chinese configurations, unless forced: s2t turns 会社 into 會社, t2s
//!   turns Korean Hanja, 大韓民國, into 大韩民国. The decision is made once
//!   per input, on its first [`JUDGED`] CJK characters (the pipeline holds
//!   the text back until it has them, or a window of 1 MiB, or the end), so
//!   a stream is not converted in one part and left in another, and the
//!   same text is judged the same however the reads of a pipe cut it. `t2jp` and `jp2t` are
//!   meant for Japanese and always run.
//! - **The Japanese lines of a bilingual text** — a text judged Japanese or
//!   Chinese that is a mix of Chinese lines and Japanese lines (bilingual
//!   subtitles, a Chinese line and a Japanese line per cue) has each line
//!   converted or kept on its own: a line with kana in words is Japanese
//!   and kept; one with a Han character Japanese does not write (outside
//!   Shift_JIS, as 们 这 说; a Traditional form Japanese writes otherwise, as
//!   國 會; a word of Chinese grammar, as 這 很 是) is Chinese and converted;
//!   one with neither (`東京都知事選挙`) goes with the judgement of the
//!   whole text, kept in a Japanese one and converted in a Chinese one.
//!   Whether the text is a mix is judged with its language, once (see
//!   [`Guard::judge`]); each line is then told on its own, so where a
//!   stream's blocks end changes nothing.
//! - **Protected patterns** (`--protect REGEX`): every match of a pattern,
//!   found line by line in the text as decoded (without the line end: `$`
//!   is the end of the line), is shielded.
//! - **Markers**: from a line's `zhnorm: off` to the next `zhnorm: on`, in
//!   this line or a later one, the text is shielded. They are meant for
//!   comments (`// zhnorm: off`), so any text may surround them; the space
//!   after the colon is optional.
//!
//! Each part between shielded ones goes through the stages on its own, so
//! a phrase (or a span of mojibake) that runs into a shielded part is not
//! matched across it.

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::LazyLock;

use memchr::memmem;
use regex::Regex;

use super::source_script::SourceScript;
use super::{advance, Change, Converter};
use crate::clean::is_han;

/// How much kana makes a text Japanese: at least this share of its CJK
/// characters (Han and kana), and at least [`MIN_KANA`] kana. Chinese text
/// borrows a kana now and then (の in titles); Japanese prose is a third
/// kana or more, and even kanji-dense Japanese headlines reach a tenth.
const KANA_SHARE: f64 = 0.1;
const MIN_KANA: usize = 3;
/// How much Hangul makes a text Korean: at least this share of its Hangul
/// and Han characters, and at least [`MIN_HANGUL`] of them. Korean that
/// writes its Sino-Korean words in Hanja, `國會 本會議에서 法案이 通過되었다`,
/// is still a third Hangul or more (the particles and endings); Chinese that
/// gives a Korean name in Hangul, `防弹少年团（방탄소년단）`, has a sentence
/// of Han around it.
const HANGUL_SHARE: f64 = 0.25;
const MIN_HANGUL: usize = 3;
/// How many CJK characters the judgement looks at: plenty to tell, and
/// what the pipeline holds back for it stays small.
pub(crate) const JUDGED: usize = 10_000;

/// How many of the characters of `text` the judgement counts towards
/// [`JUDGED`]: Han, kana and Hangul.
pub(crate) fn judged_chars(text: &str) -> usize {
    text.chars().filter(|&c| is_han(c) || is_kana_letter(c) || is_hangul(c)).count()
}

/// How many lines of each language make a text of Chinese and Japanese
/// lines (see [`Guard::judge`]): at least [`MIN_BILINGUAL_LINES`] lines
/// shown to be Chinese and as many in Japanese, each language at least this
/// share of those lines. A subtitle file with a line of each per cue is
/// half and half; a Japanese file with a kanji-only line that a Chinese
/// character happens to be in now and then (`森鷗外`) is nowhere near.
const BILINGUAL_SHARE: f64 = 0.2;
const MIN_BILINGUAL_LINES: usize = 3;
/// Han characters that Chinese writes as words of its grammar and Japanese
/// hardly ever writes at all, among those Shift_JIS has (the others, such
/// as 你 说 吗 呢 吧, are Chinese by being outside it): 這 們 麼 很 怎 嘛 哦
/// 沒, 是 (Japanese 是正, rare beside the Chinese copula) and 个. Not
/// 的 了 在 他 都 那, which Japanese kanji words are full of (具体的, 終了,
/// 現在, 他社, 東京都, 刹那).
const CHINESE_GRAMMAR_WORDS: &str = "這們麼很怎嘛哦沒是个";

/// A piece of a block of text, as a stage left it, and whether the stages
/// are to leave it as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part<'t> {
    /// The text.
    pub text: Cow<'t, str>,
    /// Protected by a pattern or between markers.
    pub shielded: bool,
}

/// What language a text is in, as far as conversion cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    /// Chinese, or too little of another language to tell.
    Chinese,
    /// Japanese: kana in words.
    Japanese,
    /// Korean: Hangul.
    Korean,
}

impl std::fmt::Display for Language {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Language::Chinese => "Chinese",
            Language::Japanese => "Japanese",
            Language::Korean => "Korean",
        })
    }
}

/// What a line of a text of Chinese and Japanese lines is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LineLanguage {
    /// It has a Han character that Japanese does not write (see
    /// [`not_japanese`]) and no kana in words.
    Chinese,
    /// It has kana in words (see [`counts`]).
    Japanese,
    /// It has CJK characters but neither: `東京都知事選挙`, `株式会社東芝`,
    /// `学会` could be either.
    Unsure,
    /// It has no Han, kana or Hangul.
    NoCjk,
}

/// Keeps protected text away from every stage, and Japanese and Korean
/// text away from a Chinese converter.
#[derive(Debug, Clone, Default)]
pub struct Guard {
    protect: Vec<Regex>,
    force: bool,
    /// The input's language, once known.
    language: Option<Language>,
    /// The input has Chinese lines and Japanese lines: only the Chinese ones
    /// are converted.
    bilingual: bool,
    /// Lines with CJK characters that a bilingual input kept as they were.
    lines_not_converted: u64,
    /// Inside a `zhnorm: off` region.
    off: bool,
}

impl Guard {
    /// A guard for one input. `protect`: patterns whose matches are not
    /// converted; `force`: convert Japanese and Korean text too.
    pub fn new(protect: Vec<Regex>, force: bool) -> Guard {
        Guard { protect, force, ..Guard::default() }
    }

    /// The language (Japanese or Korean) for which conversion was skipped.
    pub fn skipped_language(&self) -> Option<Language> {
        self.language.filter(|&language| language != Language::Chinese && !self.force && !self.bilingual)
    }

    /// For an input of Chinese lines and Japanese lines, of which only the
    /// Chinese ones were converted: how many lines with CJK characters were
    /// kept as they were (so far); `None` for any other input.
    pub fn lines_not_converted(&self) -> Option<u64> {
        self.bilingual.then_some(self.lines_not_converted)
    }

    /// Judges the input's language on `text` (on its first 10,000 CJK
    /// characters), once, if it holds any CJK and `converter` is not for
    /// Japanese: until then, each call judges on its own `text` (text with
    /// no CJK tells nothing). The pipeline shows it the text it holds back
    /// for this ([`Guard::awaits_judgement`]) before it passes any on;
    /// [`Guard::convert`] goes by that judgement.
    ///
    /// Judged Chinese or Japanese, the input may be bilingual, a mix of
    /// Chinese lines and Japanese lines (at least 3 of each, each at least
    /// a fifth of them) as in the subtitles of anime fansubs: then each
    /// line is converted or not on its own. In an input judged Japanese only the
    /// lines shown to be Chinese are converted; in one judged Chinese, all
    /// but the lines shown to be Japanese. Those lines are told on the text
    /// outside protected parts, so that a font named in an ASS style or
    /// override tag (`{\fn微软雅黑}`) does not count.
    pub fn judge(&mut self, converter: &Converter, text: &str) {
        if self.awaits_judgement(converter) {
            let counts = counts(text.chars());
            self.language = language_of(&counts);
            // Without kana in words there is no Japanese line: text
            // without kana is converted as it always was.
            self.bilingual = counts.kana > 0.0
                && self.language.is_some_and(|language| language != Language::Korean)
                && self.is_bilingual(text);
        }
    }

    /// Whether `converter` may not run before the input's language is
    /// judged: it is a Chinese configuration, not forced, and the guard has
    /// seen no CJK yet.
    pub fn awaits_judgement(&self, converter: &Converter) -> bool {
        self.language.is_none() && !self.force && !converter.is_for_japanese()
    }

    /// Whether the first [`JUDGED`] CJK characters' worth of lines of
    /// `text` are a mix of Chinese lines and Japanese lines.
    fn is_bilingual(&self, text: &str) -> bool {
        let (mut chinese, mut japanese, mut cjk) = (0usize, 0usize, 0usize);
        let mut off = self.off;
        for line in text.split_inclusive('\n') {
            // Counted as the pipeline counts what it holds for the
            // judgement, so that no line beyond it is read.
            cjk += judged_chars(line);
            let line = self.unprotected(line, &mut off);
            match line_language(&line) {
                LineLanguage::Chinese => chinese += 1,
                LineLanguage::Japanese => japanese += 1,
                LineLanguage::Unsure | LineLanguage::NoCjk => {}
            }
            if cjk >= JUDGED {
                break;
            }
        }
        let share = |lines: usize| {
            lines >= MIN_BILINGUAL_LINES && lines as f64 >= BILINGUAL_SHARE * (chinese + japanese) as f64
        };
        share(chinese) && share(japanese)
    }

    /// The text of `line` outside what the patterns and the markers
    /// protect (`off`: inside a `zhnorm: off` region, followed over the line).
    fn unprotected<'l>(&self, line: &'l str, off: &mut bool) -> Cow<'l, str> {
        let mut protected = Vec::new();
        self.protected_ranges(line, 0, off, &mut protected);
        if protected.is_empty() {
            return Cow::Borrowed(line);
        }
        Cow::Owned(cut_at(line, protected).iter().filter(|part| !part.shielded).map(|part| &*part.text).collect())
    }

    /// Converts the `parts` (of a block, from [`Guard::parts`]) that may be
    /// converted and copies the rest, appending to `out`; returns the
    /// characters converted (see [`Converter::convert`]). Show the guard
    /// the text first ([`Guard::judge`]), or Japanese text is converted.
    pub fn convert(&mut self, converter: &Converter, parts: &[Part<'_>], out: &mut String) -> u64 {
        let mut changes = 0;
        self.lines_not_converted += self.each_part(parts, |part, convertible| {
            if convertible {
                changes += converter.convert(part, out);
            } else {
                out.push_str(part);
            }
        });
        changes
    }

    /// The changes [`Guard::convert`] would make to `parts` (see
    /// [`Converter::explain`]), with lines and columns counted in their
    /// text, by the same judgement.
    pub fn explain(&mut self, converter: &Converter, parts: &[Part<'_>]) -> Vec<Change> {
        let mut changes = Vec::new();
        let (mut line, mut column) = (1, 1);
        self.lines_not_converted += self.each_part(parts, |part, convertible| {
            if convertible {
                changes.extend(converter.explain(part).into_iter().map(|change| change.shifted((line, column))));
            }
            (line, column) = advance((line, column), part);
        });
        changes
    }

    /// `text` (whole lines, except at the end of the input or where a very
    /// long line had to be cut) cut where shielded parts start and end.
    /// Markers carry over from one call to the next.
    pub fn parts<'t>(&mut self, text: &'t str) -> Vec<Part<'t>> {
        let part = |text, shielded| Part { text: Cow::Borrowed(text), shielded };
        if self.protect.is_empty() && !self.off && memmem::find(text.as_bytes(), MARKER).is_none() {
            return vec![part(text, false)];
        }
        let mut protected = Vec::new();
        let mut off = self.off;
        for line in text.split_inclusive('\n') {
            let start = line.as_ptr() as usize - text.as_ptr() as usize;
            self.protected_ranges(line, start, &mut off, &mut protected);
        }
        self.off = off;
        cut_at(text, protected)
    }

    /// Calls `each` on each of `parts` in order, or on its lines in a
    /// bilingual text, saying whether it may be converted: not when it is
    /// shielded, nor when the text was judged Japanese or Korean, nor when
    /// it is a line a bilingual text keeps (see [`Guard::judge`]). Returns
    /// how many lines with CJK characters a bilingual text keeps.
    fn each_part<'p>(&self, parts: &'p [Part<'_>], mut each: impl FnMut(&'p str, bool)) -> u64 {
        if self.skipped_language().is_some() {
            parts.iter().for_each(|part| each(&part.text, false));
            return 0;
        }
        if !self.bilingual {
            parts.iter().for_each(|part| each(&part.text, !part.shielded));
            return 0;
        }
        let lines = lines_outside_shields(parts);
        let judged_chinese = self.language == Some(Language::Chinese);
        let converted: Vec<bool> = lines
            .iter()
            .map(|line| match line_language(line) {
                LineLanguage::Chinese | LineLanguage::NoCjk => true,
                LineLanguage::Japanese => false,
                LineLanguage::Unsure => judged_chinese,
            })
            .collect();
        let mut line = 0;
        for part in parts {
            for piece in part.text.split_inclusive('\n') {
                each(piece, !part.shielded && converted[line]);
                line += usize::from(piece.ends_with('\n'));
            }
        }
        converted.iter().filter(|&&converted| !converted).count() as u64
    }

    /// Adds the byte ranges of `line` (which starts at `offset` in the
    /// text) that must not be converted, and follows the markers (`off`:
    /// inside a `zhnorm: off` region).
    fn protected_ranges(&self, line: &str, offset: usize, off: &mut bool, ranges: &mut Vec<(usize, usize)>) {
        // Without its line end, so that `$` is the end of the line, as users
        // of grep and sed expect of a pattern matched line by line.
        let content = line.strip_suffix('\n').map_or(line, |l| l.strip_suffix('\r').unwrap_or(l));
        for pattern in &self.protect {
            // An empty match protects nothing, but as a range it would cut
            // the text there and split every phrase it falls in.
            ranges.extend(
                pattern.find_iter(content).filter(|m| !m.is_empty()).map(|m| (offset + m.start(), offset + m.end())),
            );
        }
        let mut off_since = off.then_some(0);
        for (at, end, on) in markers(line) {
            match (off_since, on) {
                (None, false) => off_since = Some(at),
                (Some(from), true) => {
                    ranges.push((offset + from, offset + end));
                    off_since = None;
                }
                _ => {}
            }
        }
        if let Some(from) = off_since {
            ranges.push((offset + from, offset + line.len()));
        }
        *off = off_since.is_some();
    }
}

/// The lines of the text of `parts` (the last one unfinished, maybe
/// empty), each with only its text outside shielded parts.
fn lines_outside_shields(parts: &[Part<'_>]) -> Vec<String> {
    let mut lines = vec![String::new()];
    for part in parts {
        for piece in part.text.split_inclusive('\n') {
            if let Some(line) = lines.last_mut().filter(|_| !part.shielded) {
                line.push_str(piece);
            }
            if piece.ends_with('\n') {
                lines.push(String::new());
            }
        }
    }
    lines
}

/// What `line` is written in (see [`LineLanguage`]): kana in words make
/// it Japanese whatever else it holds (`森鷗外が書いた小説`), unless they are
/// all katakana (names and loanwords, which Chinese writes too) beside a
/// Han character that Japanese does not write (`我喜欢ワンピース和海贼王`):
/// Japanese without a hiragana is headlines of kanji it writes. Such a
/// character makes a line Chinese, though it may hold a kana that is no
/// word (`这是我の世界`, `(ノ°▽°)ノ 发工资了`). Hangul makes it unsure, and
/// Korean is left to the judgement of the whole text.
fn line_language(line: &str) -> LineLanguage {
    let counts = counts(line.chars());
    if counts.kana > 0.0 && (line.chars().any(is_hiragana) || !line.chars().any(not_japanese)) {
        LineLanguage::Japanese
    } else if counts.hangul > 0 {
        LineLanguage::Unsure
    } else if line.chars().any(not_japanese) {
        LineLanguage::Chinese
    } else if counts.han > 0 || line.chars().any(is_kana_letter) {
        LineLanguage::Unsure
    } else {
        LineLanguage::NoCjk
    }
}

/// Whether `c` is a Han character that Japanese does not write: one that
/// Shift_JIS (JIS X 0208 with Microsoft's extensions) lacks, as most
/// Simplified forms (们 这 说 门 发) and some Traditional ones (說 嗎 你);
/// a Traditional form that Japanese writes otherwise (國 會 學 關: the
/// characters only the source script of t2jp uses); or one of
/// [`CHINESE_GRAMMAR_WORDS`].
fn not_japanese(c: char) -> bool {
    is_han(c)
        && (!SHIFT_JIS_HAN.contains(&c)
            || CHINESE_GRAMMAR_WORDS.contains(c)
            || SourceScript::of("t2jp").is_some_and(|t2jp| t2jp.holds(c)))
}

/// The Han characters Shift_JIS has, found once by decoding each of its
/// two-byte sequences: encoding_rs encodes a kanji by searching its table,
/// which took a third of the time of converting a bilingual file.
static SHIFT_JIS_HAN: LazyLock<HashSet<char>> = LazyLock::new(|| {
    let mut han = HashSet::new();
    for lead in (0x81..=0x9F).chain(0xE0..=0xFC) {
        for trail in 0x40..=0xFC {
            let bytes = [lead, trail];
            let (text, malformed) = encoding_rs::SHIFT_JIS.decode_without_bom_handling(&bytes);
            if !malformed {
                han.extend(text.chars().filter(|&c| is_han(c)));
            }
        }
    }
    han
});

const MARKER: &[u8] = b"zhnorm:";

/// `text` cut where the `protected` byte ranges (in any order, overlapping
/// or not) start and end, the parts inside them shielded.
fn cut_at(text: &str, mut protected: Vec<(usize, usize)>) -> Vec<Part<'_>> {
    let part = |text, shielded| Part { text: Cow::Borrowed(text), shielded };
    protected.sort_unstable();
    let mut parts = Vec::new();
    let mut done = 0;
    for (from, to) in protected {
        if to <= done {
            continue;
        }
        let from = from.max(done);
        if from > done {
            parts.push(part(&text[done..from], false));
        }
        parts.push(part(&text[from..to], true));
        done = to;
    }
    if done < text.len() {
        parts.push(part(&text[done..], false));
    }
    parts
}

/// The `zhnorm: off` and `zhnorm: on` markers of `line`: start, end, and
/// whether it turns conversion back on.
fn markers(line: &str) -> impl Iterator<Item = (usize, usize, bool)> + '_ {
    memmem::find_iter(line.as_bytes(), MARKER).filter_map(move |at| {
        let rest = &line[at + MARKER.len()..];
        let word = rest.trim_start_matches(' ');
        let skipped = rest.len() - word.len();
        let (on, len) = if word.starts_with("off") {
            (false, 3)
        } else if word.starts_with("on") {
            (true, 2)
        } else {
            return None;
        };
        // A hyphen or underscore that joins more letters makes another word
        // (`off-by-one`, `on_time`); one that closes a comment (`-->`) does not.
        let after = word[len..].trim_start_matches(['-', '_']);
        let whole_word = !after.starts_with(|c: char| c.is_ascii_alphanumeric());
        whole_word.then_some((at, at + MARKER.len() + skipped + len, on))
    })
}

/// The language of a text with these [`counts`], or `None` when it has no
/// CJK characters to tell by.
fn language_of(&Counts { kana, han, hangul }: &Counts) -> Option<Language> {
    let japanese = kana >= MIN_KANA as f64 && kana >= KANA_SHARE * (kana + han as f64);
    let korean = hangul >= MIN_HANGUL && hangul as f64 >= HANGUL_SHARE * (hangul + han) as f64;
    match (japanese, korean) {
        (true, _) => Some(Language::Japanese),
        (false, true) => Some(Language::Korean),
        _ => (kana > 0.0 || han + hangul > 0).then_some(Language::Chinese),
    }
}

/// What [`counts`] counts.
struct Counts {
    /// Kana in words, a katakana name between Han as half a kana.
    kana: f64,
    han: usize,
    hangul: usize,
}

/// The kana in words, the Han and the Hangul of the first [`JUDGED`] CJK
/// characters of `chars`, what the language of a text is judged on.
///
/// Only kana that read as part of Japanese words count: a run of two kana
/// or more, or a lone kana beside a Han character. Chinese text has kana
/// too, not as words: in kaomoji (`(ノ°▽°)ノ`, `ヽ(✿ﾟ▽ﾟ)ノ`, `┐(´ー｀)┌`),
/// between brackets and symbols, and の for 的 (`我の世界`), a lone の
/// between two Han characters. It also names Japanese works and people:
/// a run that is all of a quotation (`「ドラえもん」`, `《ワンピース》`) counts
/// for nothing, and a katakana-only run between two Han characters
/// (`喜欢ワンピース和`, a loanword name) for half; Japanese shows itself
/// in its hiragana particles and endings, outside quotes. Prolonged and
/// voiced sound marks belong to the run they are in, and count for nothing
/// on their own. Hangul that is all of a quotation counts for nothing
/// either (`韩语里“안녕하세요”的意思是你好`); a run of it goes on over spaces.
fn counts(chars: impl Iterator<Item = char>) -> Counts {
    let (mut kana, mut han, mut hangul, mut judged) = (0.0, 0usize, 0usize, 0usize);
    // The current run of kana: its letters, its first letter, whether all
    // are katakana, and the character before it.
    let (mut letters, mut first, mut katakana, mut before) = (0usize, ' ', true, ' ');
    // The current run of Hangul: its syllables and the character before it.
    let (mut syllables, mut before_hangul) = (0usize, ' ');
    let mut previous = ' ';
    for c in chars.chain([' ']) {
        if is_hangul(c) || (c == ' ' && syllables > 0) {
            if syllables == 0 {
                before_hangul = previous;
            }
            syllables += usize::from(c != ' ');
            previous = c;
            continue;
        }
        if syllables > 0 {
            if closing_quote(before_hangul) != Some(c) {
                hangul += syllables;
            }
            judged += syllables;
            syllables = 0;
        }
        if is_kana_letter(c) || is_sound_mark(c) {
            if letters == 0 && !is_sound_mark(previous) {
                before = previous;
            }
            if is_kana_letter(c) {
                letters += 1;
                first = if letters == 1 { c } else { first };
                katakana &= !is_hiragana(c);
            }
            previous = c;
            continue;
        }
        if letters > 0 {
            kana += kana_in_words(letters, first, katakana, before, c);
            judged += letters;
            (letters, katakana) = (0, true);
        }
        if is_han(c) {
            han += 1;
            judged += 1;
        }
        if judged >= JUDGED {
            break;
        }
        previous = c;
    }
    Counts { kana, han, hangul }
}

/// How many of the `letters` of a run of kana (starting with `first`, all
/// katakana or not, between `before` and `after`) count as Japanese words
/// (see [`counts`]).
fn kana_in_words(letters: usize, first: char, katakana: bool, before: char, after: char) -> f64 {
    let quoted = closing_quote(before) == Some(after);
    let between_han = is_han(before) && is_han(after);
    let lone_no = letters == 1 && first == 'の' && between_han;
    let in_words = letters >= 2 || ((is_han(before) || is_han(after)) && !lone_no);
    match (in_words && !quoted, katakana && between_han) {
        (false, _) => 0.0,
        (true, true) => letters as f64 / 2.0,
        (true, false) => letters as f64,
    }
}

/// The quotation mark or bracket that closes `open`, if it opens one.
fn closing_quote(open: char) -> Option<char> {
    Some(match open {
        '「' => '」',
        '『' => '』',
        '“' => '”',
        '‘' => '’',
        '《' => '》',
        '〈' => '〉',
        '【' => '】',
        '（' => '）',
        '(' => ')',
        '"' => '"',
        '\'' => '\'',
        _ => return None,
    })
}

/// Hangul syllables and jamo.
fn is_hangul(c: char) -> bool {
    matches!(c, '\u{AC00}'..='\u{D7A3}' | '\u{1100}'..='\u{11FF}' | '\u{3130}'..='\u{318F}' | '\u{A960}'..='\u{A97F}' | '\u{D7B0}'..='\u{D7FF}')
}

/// Hiragana letters (small ones included).
fn is_hiragana(c: char) -> bool {
    matches!(c, '\u{3041}'..='\u{3096}')
}

/// Hiragana and katakana letters, small and half-width ones included (not
/// the middle dot, the prolonged sound mark or the iteration marks, which
/// Chinese text uses too, nor the sound marks alone).
fn is_kana_letter(c: char) -> bool {
    matches!(c, '\u{3041}'..='\u{3096}' | '\u{30A1}'..='\u{30FA}' | '\u{31F0}'..='\u{31FF}' | '\u{FF66}'..='\u{FF6F}' | '\u{FF71}'..='\u{FF9D}')
}

/// The prolonged sound mark and the voiced sound marks, full- and
/// half-width, spacing and combining.
fn is_sound_mark(c: char) -> bool {
    matches!(c, 'ー' | 'ｰ' | 'ﾞ' | 'ﾟ' | '\u{3099}'..='\u{309C}')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn language(chars: impl Iterator<Item = char>) -> Option<Language> {
        language_of(&counts(chars))
    }

    fn convert(guard: &mut Guard, config: &str, lines: &[&str]) -> String {
        let converter = Converter::builtin(config).unwrap();
        let mut out = String::new();
        for line in lines {
            guard.judge(&converter, line);
            let parts = guard.parts(line);
            guard.convert(&converter, &parts, &mut out);
        }
        out
    }

    #[test]
    fn japanese_text_is_left_alone_by_chinese_configs() {
        let text = "広い会社の中で、新しい技術を学んでいます。\n";
        assert_eq!(convert(&mut Guard::default(), "s2t", &[text]), text);
        assert!(convert(&mut Guard::new(Vec::new(), true), "s2t", &[text]).contains("會社"));
    }

    #[test]
    fn japanese_configs_run_on_japanese_text() {
        let mut guard = Guard::default();
        assert_eq!(convert(&mut guard, "jp2t", &["広い会社です。\n"]), "廣い會社です。\n");
        assert_eq!(guard.skipped_language(), None);
    }

    #[test]
    fn the_decision_is_made_once_on_the_first_cjk_text() {
        let mut guard = Guard::default();
        let out = convert(&mut guard, "s2t", &["# README\n", "これは日本語です。\n", "汉字\n"]);
        assert_eq!(out, "# README\nこれは日本語です。\n汉字\n");
        assert_eq!(guard.skipped_language(), Some(Language::Japanese));
    }

    #[test]
    fn chinese_with_a_stray_kana_is_converted() {
        assert_eq!(convert(&mut Guard::default(), "s2t", &["我の头发\n"]), "我の頭髮\n");
        assert_eq!(language("我の头发很长，天气预报说明天下雨。".chars()), Some(Language::Chinese));
        assert_eq!(language("README.md".chars()), None);
        assert_eq!(language("東京都知事選挙の結果が発表された".chars()), Some(Language::Japanese));
    }

    #[test]
    fn kaomoji_and_a_lone_no_between_han_do_not_make_chinese_japanese() {
        let text = "哈哈哈(ノ°▽°)ノ 今天发工资了ヽ(✿ﾟ▽ﾟ)ノ 请大家吃饭 ┐(´ー｀)┌\n";
        let converted = "哈哈哈(ノ°▽°)ノ 今天發工資了ヽ(✿ﾟ▽ﾟ)ノ 請大家喫飯 ┐(´ー｀)┌\n";
        assert_eq!(convert(&mut Guard::default(), "s2t", &[text]), converted);
        assert_eq!(language("我の世界".chars()), Some(Language::Chinese));
        assert_eq!(language("(つ´∀`)つ ヽ(゜∀゜)ノ ┐(´ｰ｀)┌ 发工资".chars()), Some(Language::Chinese));
        // Short Japanese with few kana, each a word beside Han or in a run.
        assert_eq!(language("私の本が机の上にある".chars()), Some(Language::Japanese));
        assert_eq!(language("「ありがとう」と言った".chars()), Some(Language::Japanese));
        assert_eq!(language("ｷﾀｰ 新製品ﾃﾞｽ".chars()), Some(Language::Japanese));
    }

    #[test]
    fn korean_is_told_by_its_hangul_and_a_korean_name_in_chinese_is_not_korean() {
        assert_eq!(language("대한민국(大韓民國)의 국어(國語)".chars()), Some(Language::Korean));
        assert_eq!(language("國會 本會議에서 法案이 通過되었다".chars()), Some(Language::Korean));
        assert_eq!(language("韩国组合防弹少年团（방탄소년단）今天在首尔发布了新专辑".chars()), Some(Language::Chinese));
        assert_eq!(language("韩语里“안녕하세요”的意思是你好，“감사합니다”是谢谢。".chars()), Some(Language::Chinese));
        assert_eq!(language("韩语里“여기서 무슨 일이 있었어”是什么意思".chars()), Some(Language::Chinese));
        assert_eq!(language("“안녕하세요.” 그가 말했다. 大韓民國".chars()), Some(Language::Korean));
        let mut guard = Guard::default();
        assert_eq!(convert(&mut guard, "t2s", &["대한민국(大韓民國)\n"]), "대한민국(大韓民國)\n");
        assert_eq!(guard.skipped_language(), Some(Language::Korean));
    }

    #[test]
    fn quoted_japanese_names_and_katakana_between_han_do_not_make_chinese_japanese() {
        assert_eq!(language("我喜欢「ドラえもん」和「ワンピース」，头发".chars()), Some(Language::Chinese));
        assert_eq!(language("我喜欢ワンピース和头发".chars()), Some(Language::Chinese));
        assert_eq!(language("「ワンピース」は人気の漫画です".chars()), Some(Language::Japanese));
    }

    #[test]
    fn japanese_is_judged_on_the_first_cjk_characters() {
        let chinese = "头发很长。".repeat(JUDGED / 4);
        let japanese = "これは日本語です。".repeat(JUDGED);
        assert_eq!(language(format!("{chinese}{japanese}").chars()), Some(Language::Chinese));
        assert_eq!(language(format!("{}{japanese}", &chinese[..chinese.len() / 2]).chars()), Some(Language::Japanese));
    }

    #[test]
    fn protected_patterns_are_copied() {
        let mut guard = Guard::new(vec![Regex::new(r"`[^`]*`").unwrap()], false);
        assert_eq!(convert(&mut guard, "s2t", &["运行 `发布 后台` 以发布\n"]), "運行 `发布 后台` 以發佈\n");
    }

    #[test]
    fn a_pattern_anchored_at_the_end_of_a_line_matches_before_its_line_end() {
        let at_line_end = Regex::new("里面$").unwrap();
        for (text, expected) in [
            ("头发 里面\n头发 里面\n", "頭髮 里面\n頭髮 里面\n"),
            ("头发 里面\r\n头发 里面", "頭髮 里面\r\n頭髮 里面"),
            ("里面 头发\n", "裏面 頭髮\n"),
        ] {
            let mut guard = Guard::new(vec![at_line_end.clone()], false);
            assert_eq!(convert(&mut guard, "s2t", &[text]), expected, "{text:?}");
        }
    }

    #[test]
    fn a_pattern_that_can_match_nothing_does_not_split_phrases() {
        for (pattern, expected) in
            [("Y*", "頭髮 滑鼠 `滑鼠`\n"), ("", "頭髮 滑鼠 `滑鼠`\n"), ("(?:`[^`]*`)?", "頭髮 滑鼠 `鼠标`\n")]
        {
            let mut guard = Guard::new(vec![Regex::new(pattern).unwrap()], false);
            assert_eq!(convert(&mut guard, "s2twp", &["头发 鼠标 `鼠标`\n"]), expected, "{pattern:?}");
        }
    }

    #[test]
    fn markers_turn_conversion_off_and_on_across_lines() {
        let mut guard = Guard::default();
        let out =
            convert(&mut guard, "s2t", &["头发 // zhnorm: off\n", "头发\n", "头发 /* zhnorm:on */ 头发\n", "头发\n"]);
        assert_eq!(out, "頭髮 // zhnorm: off\n头发\n头发 /* zhnorm:on */ 頭髮\n頭髮\n");
    }

    #[test]
    fn markers_within_one_line() {
        let out = convert(&mut Guard::default(), "s2t", &["头发 zhnorm: off 头发 zhnorm: on 头发\n"]);
        assert_eq!(out, "頭髮 zhnorm: off 头发 zhnorm: on 頭髮\n");
    }

    #[test]
    fn markers_are_whole_words() {
        for (input, expected) in [
            // Words that only start like markers.
            ("zhnorm: offset 头发 zhnorm: once\n", "zhnorm: offset 頭髮 zhnorm: once\n"),
            // Joined to more letters by a hyphen or an underscore.
            ("zhnorm: off-by-one 头发 zhnorm: on_time 头发\n", "zhnorm: off-by-one 頭髮 zhnorm: on_time 頭髮\n"),
            // Right before a comment's close.
            ("<!-- zhnorm: off--> 头发 /* zhnorm: on*/ 头发\n", "<!-- zhnorm: off--> 头发 /* zhnorm: on*/ 頭髮\n"),
        ] {
            assert_eq!(convert(&mut Guard::default(), "s2t", &[input]), expected, "{input}");
        }
    }

    #[test]
    fn explain_leaves_out_protected_parts_and_counts_positions_in_the_whole_text() {
        let converter = Converter::builtin("s2t").unwrap();
        let mut guard = Guard::new(vec![Regex::new(r"`[^`]*`").unwrap()], false);
        let text = "`头发` 头发\n// zhnorm: off\n头发\n// zhnorm: on\n鼠标\n";
        guard.judge(&converter, text);
        let parts = guard.parts(text);
        let changes = guard.explain(&converter, &parts);
        let found: Vec<_> = changes.iter().map(|c| (c.line, c.column, c.from.as_str(), c.to.as_str())).collect();
        assert_eq!(found, [(1, 6, "头发", "頭髮"), (5, 2, "标", "標")]);
        let mut japanese = Guard::default();
        let text = "広い会社の中で、新しい技術を学んでいます。\n";
        japanese.judge(&converter, text);
        let parts = japanese.parts(text);
        assert!(japanese.explain(&converter, &parts).is_empty());
    }

    #[test]
    fn a_phrase_is_not_matched_across_a_protected_part() {
        let mut guard = Guard::new(vec![Regex::new("X").unwrap()], false);
        // 头发 is one phrase (頭髮); cut by a protected X, each half is
        // converted on its own (头 → 頭, 发 → 發).
        assert_eq!(convert(&mut guard, "s2t", &["头X发\n"]), "頭X發\n");
    }

    #[test]
    fn each_line_is_told_chinese_japanese_or_unsure() {
        use LineLanguage::{Chinese, Japanese, NoCjk, Unsure};
        // Written by hand for this test.
        for (line, expected) in [
            // Simplified forms Shift_JIS lacks.
            ("我们明天去东京看樱花。", Chinese),
            ("东京都知事选举", Chinese),
            // A kana that is no word: a lone の between Han, a kaomoji's, a quoted name's.
            ("这是我の世界", Chinese),
            ("哈哈(ノ°▽°)ノ 发工资了", Chinese),
            ("我喜欢「ドラえもん」", Chinese),
            // Katakana names beside a character Japanese does not write.
            ("我喜欢ワンピース和海贼王", Chinese),
            ("这部アニメ很好看", Chinese),
            // Traditional: forms Shift_JIS lacks (你 說), forms Japanese writes
            // otherwise (學 for 学), words of Chinese grammar (這 是).
            ("你在說什麼？", Chinese),
            ("我是學生", Chinese),
            ("這是我的", Chinese),
            // Kana in words make a line Japanese, whatever else it holds
            // (鷗 is outside Shift_JIS).
            ("明日、東京へ行きます。", Japanese),
            ("第一話　出会い", Japanese),
            ("私の本が机の上にある", Japanese),
            ("森鷗外が書いた小説", Japanese),
            ("新型コロナ対策本部", Japanese),
            // Han both languages write, and nothing else to tell by.
            ("株式会社東芝", Unsure),
            ("東京都知事選挙", Unsure),
            ("学会", Unsure),
            ("我の世界", Unsure),
            ("劇的勝利", Unsure),
            ("「ドラえもん」", Unsure),
            ("대한민국(大韓民國)", Unsure),
            // Japanese read as Chinese (crate docs, Known problems): a name
            // in old forms; a character outside Shift_JIS where the only
            // kana is a lone の between Han, which Chinese writes for 的.
            ("國學院大學", Chinese),
            ("森鷗外の小説", Chinese),
            ("00:00:01,000 --> 00:00:03,000", NoCjk),
            ("", NoCjk),
        ] {
            assert_eq!(line_language(line), expected, "{line}");
        }
    }

    /// Cues of a bilingual subtitle file, a Chinese line and its Japanese
    /// line each, written by hand for these tests; the third Japanese line
    /// has no kana, and the Chinese line of the fifth holds a kana.
    const BILINGUAL: &str = "1\n00:00:01,000 --> 00:00:03,000\n我们走吧，时间不多了。\nさあ行こう、時間がない。\n\n\
        2\n00:00:04,000 --> 00:00:06,000\n你在说什么？\n何を言ってるの？\n\n\
        3\n00:00:07,000 --> 00:00:09,000\n东京都知事选举\n東京都知事選挙\n\n\
        4\n00:00:10,000 --> 00:00:12,000\n会议开始了\n会議が始まった\n\n\
        5\n00:00:13,000 --> 00:00:15,000\n这是我の梦想\nこれが私の夢だ\n";
    /// What s2t makes of it: the Chinese lines converted, the Japanese ones kept.
    const BILINGUAL_S2T: &str =
        "1\n00:00:01,000 --> 00:00:03,000\n我們走吧，時間不多了。\nさあ行こう、時間がない。\n\n\
        2\n00:00:04,000 --> 00:00:06,000\n你在說什麼？\n何を言ってるの？\n\n\
        3\n00:00:07,000 --> 00:00:09,000\n東京都知事選舉\n東京都知事選挙\n\n\
        4\n00:00:10,000 --> 00:00:12,000\n會議開始了\n会議が始まった\n\n\
        5\n00:00:13,000 --> 00:00:15,000\n這是我の夢想\nこれが私の夢だ\n";

    #[test]
    fn a_bilingual_text_has_its_chinese_lines_converted_and_its_japanese_lines_kept() {
        let mut guard = Guard::default();
        assert_eq!(convert(&mut guard, "s2t", &[BILINGUAL]), BILINGUAL_S2T);
        assert_eq!(guard.language, Some(Language::Japanese));
        assert_eq!((guard.skipped_language(), guard.lines_not_converted()), (None, Some(5)));
        // Line by line after the judgement, as the pipeline passes blocks on.
        let mut guard = Guard::default();
        guard.judge(&Converter::builtin("s2t").unwrap(), BILINGUAL);
        assert_eq!(convert(&mut guard, "s2t", &BILINGUAL.split_inclusive('\n').collect::<Vec<_>>()), BILINGUAL_S2T);
        let forced = convert(&mut Guard::new(Vec::new(), true), "s2t", &[BILINGUAL]);
        assert!(forced.contains("會議が始まった"), "--force converts everything");
        let mut jp2t = Guard::default();
        assert!(convert(&mut jp2t, "jp2t", &[BILINGUAL]).contains("會議が始まった"));
        assert_eq!(jp2t.lines_not_converted(), None);
    }

    #[test]
    fn a_text_judged_chinese_with_japanese_lines_keeps_them_and_converts_the_unsure_ones() {
        // Written by hand: a Chinese lesson quoting short Japanese sentences.
        let text = "今天我们学习日语里最常用的几个句子，请大家跟着老师一起读。\n学会\n\
            第一句说的是去上班，公司在日语里写成会社，意思完全不一样。\n会社に行く。\n\
            第二句是介绍自己的时候说的话，告诉别人自己还在上学。\n学生です。\n\
            第三句是回老家的意思，日语里的国也可以指故乡。\n国に帰る。\n";
        let mut guard = Guard::default();
        let out = convert(&mut guard, "s2t", &[text]);
        assert_eq!(guard.language, Some(Language::Chinese));
        assert_eq!(guard.lines_not_converted(), Some(3));
        assert!(out.starts_with("今天我們學習日語裏最常用的幾個句子，請大家跟着老師一起讀。\n學會\n"), "{out}");
        for japanese in ["\n会社に行く。\n", "\n学生です。\n", "\n国に帰る。\n"] {
            assert!(out.contains(japanese), "{japanese}");
        }
    }

    #[test]
    fn a_few_lines_of_the_other_language_make_no_bilingual_text() {
        let chinese = "这是一段很普通的中文句子，用来填充这个文件。\n".repeat(20);
        let text = format!("{chinese}会社に行きます。\nまた明日会いましょう。\n本当にありがとう。\n");
        let mut guard = Guard::default();
        assert!(convert(&mut guard, "s2t", &[&text])
            .ends_with("會社に行きます。\nまた明日會いましょう。\n本當にありがとう。\n"));
        assert_eq!(guard.lines_not_converted(), None);
    }

    #[test]
    fn the_japanese_control_lines_stay_as_they_are_and_none_reads_as_chinese() {
        let control = [include_str!("../../corpus/control.txt"), include_str!("../../corpus/control-handwritten.txt")];
        let japanese: Vec<&str> = control
            .iter()
            .flat_map(|file| file.lines())
            .filter_map(|line| line.split_once('\t'))
            .filter(|(category, _)| matches!(*category, "japanese" | "japanese-kana-between-kanji"))
            .map(|(_, text)| text)
            .collect();
        assert!(japanese.len() > 800, "{}", japanese.len());
        let chinese: Vec<&&str> = japanese.iter().filter(|line| line_language(line) == LineLanguage::Chinese).collect();
        assert!(chinese.is_empty(), "{chinese:?}");
        let text = japanese.join("\n") + "\n";
        let mut guard = Guard::default();
        assert_eq!(convert(&mut guard, "s2t", &[&text]), text);
        assert_eq!(guard.skipped_language(), Some(Language::Japanese));
    }
}
