//! Clean: remove artefacts that scraping leaves in Chinese text.
//!
//! Content farms and "Traditional edition" mirrors flatten ruby annotations
//! into the text: `國(guó)家`, `血(xue)压(ya)`, and even `。(。)` or
//! `((()W(W)H(H)O(O))())` for `(WHO)`. A gloss is removed only when its
//! content is a reading of the character right before it (any of its
//! readings, toned with marks or digits, or toneless) or is that character
//! itself, and, in the default `auto` mode, only once glossing is evidently a
//! pattern of the text. Legitimate parentheses (`國際電信聯盟(ITU)`,
//! `北京(Běijīng)`, `第(1)項`) never match those rules.
//!
//! Readings come from the `pinyin` crate (MIT), which carries pinyin-data's
//! readings for all CJK Unified Ideographs and their extensions.
//!
//! The stage also offers, each behind its own option: CJK Compatibility
//! Ideographs to their unified characters, removal of invisible zero-width
//! characters, and full-width ASCII letters and digits to half-width.

use std::borrow::Cow;

use pinyin::ToPinyinMulti;
use serde::Serialize;

use crate::repair::{Damage, DamageKind, Position};

/// Longest gloss content considered, in characters (`zhuang4` is 7).
const MAX_GLOSS: usize = 8;

/// In `auto` mode, glossing is a pattern of the text once this many valid
/// glosses are seen in one window...
const PATTERN_MIN_GLOSSES: u64 = 5;
/// ...or at least two, at more than one per this many Han characters.
const PATTERN_HAN_PER_GLOSS: u64 = 100;

/// When to remove pinyin glosses.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum, Serialize, serde::Deserialize)]
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
    /// `auto` mode has seen the pattern: from now on every gloss goes.
    pattern_seen: bool,
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

    /// Cleans one window of text (whole lines), appending damaged glosses to
    /// `damage` with their position in the input.
    pub fn clean<'a>(&mut self, text: &'a str, damage: &mut Vec<Damage>) -> Cow<'a, str> {
        let text = self.clean_glosses(text, damage);
        let o = self.options;
        if !(o.compat_ideographs || o.zero_width || o.fullwidth_ascii) {
            return text;
        }
        let mut changed = 0;
        let mapped: String = text
            .chars()
            .filter_map(|c| {
                let new = self.map_char(c);
                changed += u64::from(new != Some(c));
                new
            })
            .collect();
        self.counts.characters_changed += changed;
        if changed == 0 {
            text
        } else {
            Cow::Owned(mapped)
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

    fn clean_glosses<'a>(&mut self, text: &'a str, damage: &mut Vec<Damage>) -> Cow<'a, str> {
        if self.options.glosses == GlossMode::Keep || memchr::memchr(b'(', text.as_bytes()).is_none() {
            self.position.advance(text);
            return Cow::Borrowed(text);
        }
        let glosses = find_glosses(text);
        let valid = glosses.iter().filter(|g| g.kind != GlossKind::Damaged).count() as u64;
        // Only readings show that the text is glossed: `f(f)` and `(2)(2)`
        // are as common in code and lists as in ruby flattened with its
        // punctuation.
        let readings = glosses.iter().filter(|g| g.kind == GlossKind::Reading).count() as u64;
        if self.options.glosses == GlossMode::Strip || self.is_pattern(text, readings) {
            self.pattern_seen = true;
        }
        if !self.pattern_seen {
            self.counts.glosses_kept += valid;
            self.position.advance(text);
            return Cow::Borrowed(text);
        }
        let mut out = String::with_capacity(text.len());
        let mut done = 0;
        for gloss in &glosses {
            self.position.advance(&text[done..gloss.start]);
            out.push_str(&text[done..gloss.start]);
            done = gloss.start;
            match gloss.kind {
                GlossKind::Reading | GlossKind::Echo => {
                    self.counts.glosses_removed += 1;
                    self.position.advance(&text[gloss.start..gloss.end]);
                    done = gloss.end;
                }
                GlossKind::Damaged => {
                    // Reported at the stand-in character before the `(`.
                    let (line, column) = self.position.line_column();
                    damage.push(Damage { line, column: column - 1, kind: DamageKind::LostGlossedCharacter });
                }
            }
        }
        self.position.advance(&text[done..]);
        out.push_str(&text[done..]);
        Cow::Owned(out)
    }

    fn is_pattern(&self, text: &str, readings: u64) -> bool {
        if readings >= PATTERN_MIN_GLOSSES {
            return true;
        }
        // Counting stops at the number of Han characters that would be too many.
        let enough = (readings * PATTERN_HAN_PER_GLOSS) as usize;
        readings >= 2 && text.chars().filter(|&c| is_han(c)).take(enough).count() < enough
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

/// A parenthesised gloss at `start..end` (byte offsets of `(` and after `)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Gloss {
    start: usize,
    end: usize,
    kind: GlossKind,
}

/// The glosses of `text`, in order. Only the `(` are visited, so text with
/// few parentheses costs a `memchr` pass.
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
            } else {
                after_open.char_indices().take(MAX_GLOSS + 1).find(|&(_, c)| c == ')').and_then(|(len, _)| {
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
            found.push(Gloss { start: open, end, kind });
            if kind != GlossKind::Damaged {
                taken = end;
            }
        }
    }
    found
}

fn is_han(c: char) -> bool {
    matches!(u32::from(c), 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x323AF)
}

/// `content` spells one of `c`'s readings: toned with marks (`guó`), with a
/// digit (`guo2`), or toneless (`guo`), with `ü`, `v` or `u:`.
fn is_reading_of(content: &str, c: char) -> bool {
    let Some(wanted) = Syllable::parse(content) else { return false };
    let Some(readings) = c.to_pinyin_multi() else { return false };
    readings.into_iter().any(|reading| wanted.spells(reading.plain()))
}

/// A pinyin syllable that carries a tone mark or digit (`jìn`, `jin4`), not
/// just any word that ends in a digit (`UCS4`).
fn is_toned_syllable(content: &str) -> bool {
    let toned = content.chars().any(|c| untoned(c).is_some_and(|u| u != c))
        || content.ends_with(|c: char| matches!(c, '1'..='4'));
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
                _ => untoned(c)?,
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

/// The base letter of a pinyin vowel with a tone mark (`ü` forms give `v`).
fn untoned(c: char) -> Option<char> {
    Some(match c {
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
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strip(text: &str) -> String {
        let mut cleaner = Cleaner::new(CleanOptions { glosses: GlossMode::Strip, ..Default::default() });
        cleaner.clean(text, &mut Vec::new()).into_owned()
    }

    fn auto(text: &str) -> (String, CleanCounts, Vec<Damage>) {
        let mut cleaner = Cleaner::new(CleanOptions::default());
        let mut damage = Vec::new();
        let out = cleaner.clean(text, &mut damage).into_owned();
        (out, cleaner.counts(), damage)
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
        let glossed = "標題(tí)\n中華網(wǎng)報道，國(guó)家互聯(lián)網(wǎng)信息辦公室發(fā)布通知。\n";
        let (out, counts, _) = auto(glossed);
        assert_eq!(out, "標題\n中華網報道，國家互聯網信息辦公室發布通知。\n");
        assert_eq!(counts.glosses_removed, 6);
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

    #[test]
    fn optional_character_maps() {
        let mut cleaner = Cleaner::new(CleanOptions {
            glosses: GlossMode::Keep,
            compat_ideographs: true,
            zero_width: true,
            fullwidth_ascii: true,
        });
        let out = cleaner.clean("ＡＢＣ１２３\u{200B}\u{F900}\u{2F800}，好", &mut Vec::new());
        assert_eq!(out, "ABC123\u{8C48}\u{4E3D}，好");
        assert_eq!(cleaner.counts().characters_changed, 9);
    }
}
