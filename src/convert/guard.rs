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
use std::sync::LazyLock;

use memchr::memmem;
use regex::Regex;

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
/// How many CJK characters the judgement looks at: plenty to tell, and a
/// block of a large file is not scanned to its end once more.
pub(crate) const JUDGED: usize = 10_000;

/// How many of the characters of `text` the judgement counts towards
/// [`JUDGED`]: Han, kana and Hangul.
pub(crate) fn judged_chars(text: &str) -> usize {
    text.chars().filter(|&c| is_han(c) || is_kana(c) || is_hangul(c)).count()
}

/// What of an ASS/SSA subtitle file (Advanced SubStation Alpha, the format
/// of most fansubs) is markup naming things outside its text, to be left as
/// it is ([`crate::Options::protect`]; the command adds these for files
/// named `*.ass` and `*.ssa` when it converts): `Style:` lines, whose font
/// (`微软雅黑`) is looked up by name; the fields before the text of a
/// `Dialogue:` or `Comment:` line, where a style is named as its `Style:`
/// line names it; and override tags in braces (`{\fn微软雅黑}`).
pub static ASS_MARKUP: LazyLock<[Regex; 3]> = LazyLock::new(|| {
    [r"^Style:[^\r\n]*", r"^(?:Dialogue|Comment):(?:[^,\r\n]*,){9}", r"\{[^}\r\n]*\}"]
        .map(|pattern| Regex::new(pattern).expect("the patterns are valid"))
});

/// Whether `path` names an ASS or SSA subtitle file (see [`ASS_MARKUP`]).
pub fn is_ass(path: &std::path::Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("ass") || e.eq_ignore_ascii_case("ssa"))
}

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

/// Keeps protected text away from every stage, and Japanese and Korean
/// text away from a Chinese converter.
#[derive(Debug, Clone, Default)]
pub struct Guard {
    protect: Vec<Regex>,
    force: bool,
    /// The input's language, once known.
    language: Option<Language>,
    /// Inside a `zhnorm: off` region.
    off: bool,
}

impl Guard {
    /// A guard for one input. `protect`: patterns whose matches are not
    /// converted; `force`: convert Japanese and Korean text too.
    pub fn new(protect: Vec<Regex>, force: bool) -> Guard {
        Guard { protect, force, language: None, off: false }
    }

    /// The language (Japanese or Korean) for which conversion was skipped.
    pub fn skipped_language(&self) -> Option<Language> {
        self.language.filter(|&language| language != Language::Chinese && !self.force)
    }

    /// Judges the input's language on `text` (on its first [`JUDGED`] CJK
    /// characters), once, if it holds any CJK and `converter` is not for
    /// Japanese: until then, each call judges on its own `text` (text with
    /// no CJK tells nothing). The pipeline shows it the text it holds back
    /// for this ([`Guard::awaits_judgement`]) before it passes any on;
    /// [`Guard::convert`] goes by that judgement.
    pub fn judge(&mut self, converter: &Converter, text: impl Iterator<Item = char>) {
        if self.awaits_judgement(converter) {
            self.language = language(text);
        }
    }

    /// Whether `converter` may not run before the input's language is
    /// judged: it is a Chinese configuration, not forced, and the guard has
    /// seen no CJK yet.
    pub fn awaits_judgement(&self, converter: &Converter) -> bool {
        self.language.is_none() && !self.force && !converter.is_for_japanese()
    }

    /// Converts the `parts` (of a block, from [`Guard::parts`]) that may be
    /// converted and copies the rest, appending to `out`; returns the
    /// characters converted (see [`Converter::convert`]). Show the guard
    /// the text first ([`Guard::judge`]), or Japanese text is converted.
    pub fn convert(&mut self, converter: &Converter, parts: &[Part<'_>], out: &mut String) -> u64 {
        let mut changes = 0;
        self.each_part(parts, |part, convertible| {
            if convertible {
                changes += converter.convert(part, out);
            } else {
                out.push_str(part);
            }
        });
        changes
    }

    /// The changes [`Guard::convert`] would make to `text` (see
    /// [`Converter::explain`]), with lines and columns counted in `text`.
    pub fn explain(&mut self, converter: &Converter, text: &str) -> Vec<Change> {
        self.judge(converter, text.chars());
        let mut changes = Vec::new();
        let (mut line, mut column) = (1, 1);
        let parts = self.parts(text);
        self.each_part(&parts, |part, convertible| {
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
        for line in text.split_inclusive('\n') {
            let start = line.as_ptr() as usize - text.as_ptr() as usize;
            self.protected_ranges(line, start, &mut protected);
        }
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

    /// Calls `each` on each of `parts` in order, saying whether it may be
    /// converted: not when it is shielded, nor when the text was judged
    /// Japanese or Korean.
    fn each_part<'p>(&self, parts: &'p [Part<'_>], mut each: impl FnMut(&'p str, bool)) {
        if self.skipped_language().is_some() {
            parts.iter().for_each(|part| each(&part.text, false));
            return;
        }
        parts.iter().for_each(|part| each(&part.text, !part.shielded));
    }

    /// Adds the byte ranges of `line` (which starts at `offset` in the
    /// text) that must not be converted, and follows the markers.
    fn protected_ranges(&mut self, line: &str, offset: usize, ranges: &mut Vec<(usize, usize)>) {
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
        let mut off_since = self.off.then_some(0);
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
        self.off = off_since.is_some();
    }
}

const MARKER: &[u8] = b"zhnorm:";

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

/// The language of the text of `chars`, judged on its first [`JUDGED`]
/// CJK characters, or `None` when it has none to tell by.
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
fn language(chars: impl Iterator<Item = char>) -> Option<Language> {
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
        if is_kana(c) || is_sound_mark(c) {
            if letters == 0 && !is_sound_mark(previous) {
                before = previous;
            }
            if is_kana(c) {
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
    let japanese = kana >= MIN_KANA as f64 && kana >= KANA_SHARE * (kana + han as f64);
    let korean = hangul >= MIN_HANGUL && hangul as f64 >= HANGUL_SHARE * (hangul + han) as f64;
    match (japanese, korean) {
        (true, _) => Some(Language::Japanese),
        (false, true) => Some(Language::Korean),
        _ => (kana > 0.0 || han + hangul > 0).then_some(Language::Chinese),
    }
}

/// How many of the `letters` of a run of kana (starting with `first`, all
/// katakana or not, between `before` and `after`) count as Japanese words
/// (see [`language`]).
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
fn is_kana(c: char) -> bool {
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

    fn convert(guard: &mut Guard, config: &str, lines: &[&str]) -> String {
        let converter = Converter::builtin(config).unwrap();
        let mut out = String::new();
        for line in lines {
            guard.judge(&converter, line.chars());
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
        let changes = guard.explain(&converter, "`头发` 头发\n// zhnorm: off\n头发\n// zhnorm: on\n鼠标\n");
        let found: Vec<_> = changes.iter().map(|c| (c.line, c.column, c.from.as_str(), c.to.as_str())).collect();
        assert_eq!(found, [(1, 6, "头发", "頭髮"), (5, 2, "标", "標")]);
        let mut japanese = Guard::default();
        assert!(japanese.explain(&converter, "広い会社の中で、新しい技術を学んでいます。\n").is_empty());
    }

    #[test]
    fn a_phrase_is_not_matched_across_a_protected_part() {
        let mut guard = Guard::new(vec![Regex::new("X").unwrap()], false);
        // 头发 is one phrase (頭髮); cut by a protected X, each half is
        // converted on its own (头 → 頭, 发 → 發).
        assert_eq!(convert(&mut guard, "s2t", &["头X发\n"]), "頭X發\n");
    }
}
