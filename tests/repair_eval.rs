//! Mojibake repair measured on a set generated from real Chinese text.
//!
//! The clean text is checked in (`corpus/zh-hans.txt`, `corpus/zh-hant.txt`
//! and the Chinese lines of `corpus/control.txt`, see `corpus/README.md`);
//! the mojibake is made here with `encoding_rs`, deterministically, in every
//! family of issue 4 at three lengths: a title (4 to 9 characters), a
//! sentence (10 to 60) and a paragraph (200 or more). A sample counts only
//! when its garbling is lossless (the wrong reading encodes back to the same
//! bytes), except in the family of UTF-8 read as GBK with holes, which is
//! lossy by nature and is measured apart (without a floor: a sample of it
//! counts only when hole recovery filled every hole rightly, see
//! `tests/recover_eval.rs` for the share of holes). A sample is repaired
//! when the pipeline's order — hole recovery, then the mojibake repair —
//! gives back exactly the original text.
//!
//! The test prints the table, asserts the floors (99% of sentences and
//! paragraphs, 90% of titles, in every family and script) and asserts that
//! no line of the clean control set (`corpus/control*.txt` and the two corpus
//! files, 10,000+ lines) is changed or reported as damaged.
//!
//! `ZHNORM_REPAIR_SAMPLES=n` sets the samples per cell (default 150);
//! `ZHNORM_REPAIR_MISSED=TEXT` prints every sample missed in the families
//! whose name contains TEXT (`6 gbk`), besides the first 40 of all;
//! `ZHNORM_REPAIR_DUMP=FILE` writes every sample as JSON lines (family,
//! script, length, original, garbled, repaired) for `scripts/compare-ftfy.py`.

use std::collections::BTreeMap;
use std::io::Write;

use encoding_rs::{BIG5, GBK, WINDOWS_1252};
use zhnorm::repair::{scan_damage, Position, Recoverer, Repairer};

const SIMPLIFIED: &str = include_str!("../corpus/zh-hans.txt");
const TRADITIONAL: &str = include_str!("../corpus/zh-hant.txt");
const CONTROL: &str = include_str!("../corpus/control.txt");
/// Non-Chinese scripts and symbol runs that GBK and Big5 both hold (Cyrillic,
/// Greek, accented Latin, en dashes, circled numbers, box drawing), which the
/// two charsets read as each other's Han: written by hand and from man pages.
const CONTROL_HANDWRITTEN: &str = include_str!("../corpus/control-handwritten.txt");
const CONTROL_MANPAGES: &str = include_str!("../corpus/control-manpages.txt");
/// Words of a dictionary alone on a line, in both scripts, and its
/// single characters two to a line (`scripts/make-control-words.py`).
const CONTROL_WORDS: &str = include_str!("../corpus/control-words.txt");
/// Rare words, alone and in a sentence, that the repair once changed
/// (`scripts/make-control-rare-words.py`).
const CONTROL_RARE_WORDS: &str = include_str!("../corpus/control-rare-words.txt");

/// A charset as the garbling uses it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cs {
    Utf8,
    Gbk,
    Big5,
    /// Windows-1252 as browsers read it (the five undefined bytes become C1
    /// controls).
    Cp1252,
    /// ISO-8859-1: every byte is the code point of the same value.
    Latin1,
}

fn encode(cs: Cs, text: &str) -> Option<Vec<u8>> {
    match cs {
        Cs::Utf8 => Some(text.as_bytes().to_vec()),
        Cs::Latin1 => text.chars().map(|c| u8::try_from(u32::from(c)).ok()).collect(),
        Cs::Gbk => encode_with(GBK, text),
        Cs::Big5 => encode_with(BIG5, text),
        Cs::Cp1252 => encode_with(WINDOWS_1252, text),
    }
}

fn encode_with(encoding: &'static encoding_rs::Encoding, text: &str) -> Option<Vec<u8>> {
    let (bytes, _, unmappable) = encoding.encode(text);
    (!unmappable).then(|| bytes.into_owned())
}

/// Strict decoding: `None` on a malformed sequence.
fn decode(cs: Cs, bytes: &[u8]) -> Option<String> {
    let encoding = match cs {
        Cs::Utf8 => return std::str::from_utf8(bytes).ok().map(str::to_owned),
        Cs::Latin1 => return Some(bytes.iter().map(|&b| char::from(b)).collect()),
        Cs::Gbk => GBK,
        Cs::Big5 => BIG5,
        Cs::Cp1252 => WINDOWS_1252,
    };
    encoding.decode_without_bom_handling_and_without_replacement(bytes).map(|text| text.into_owned())
}

/// `text` written in `right` and read as `wrong`, when that loses nothing.
fn garble_once(text: &str, right: Cs, wrong: Cs) -> Option<String> {
    let bytes = encode(right, text)?;
    let garbled = decode(wrong, &bytes)?;
    (encode(wrong, &garbled)? == bytes).then_some(garbled)
}

/// The layers of a garbling, applied in order.
fn garble(text: &str, layers: &[(Cs, Cs)]) -> Option<String> {
    let mut text = text.to_owned();
    for &(right, wrong) in layers {
        text = garble_once(&text, right, wrong)?;
    }
    (!text.is_empty()).then_some(text)
}

/// UTF-8 read as GBK by a lenient decoder: what cannot be read becomes
/// U+FFFD, as the WHATWG decoder does.
fn utf8_as_gbk_with_holes(text: &str) -> Option<String> {
    let (garbled, had_errors) = GBK.decode_without_bom_handling(text.as_bytes());
    had_errors.then(|| garbled.into_owned())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Script {
    Simplified,
    Traditional,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Length {
    Title,
    Sentence,
    Paragraph,
}

const LENGTHS: [Length; 3] = [Length::Title, Length::Sentence, Length::Paragraph];

/// A family of the evaluation: how a sample is garbled. `variant` picks
/// among equivalent ways (windows-1252 or ISO-8859-1), so both are covered.
struct Family {
    name: &'static str,
    scripts: &'static [Script],
    garble: fn(&str, usize, Script) -> Option<String>,
}

const BOTH: &[Script] = &[Script::Simplified, Script::Traditional];
const HANS: &[Script] = &[Script::Simplified];
const HANT: &[Script] = &[Script::Traditional];

/// Windows-1252 for even samples, ISO-8859-1 for odd ones.
fn latin(variant: usize) -> Cs {
    if variant % 2 == 0 {
        Cs::Cp1252
    } else {
        Cs::Latin1
    }
}

const FAMILIES: &[Family] = &[
    Family { name: "1 utf-8 as gbk (exact)", scripts: BOTH, garble: |t, _, _| garble(t, &[(Cs::Utf8, Cs::Gbk)]) },
    Family { name: "1 utf-8 as gbk (holes)", scripts: BOTH, garble: |t, _, _| utf8_as_gbk_with_holes(t) },
    Family { name: "2 utf-8 as big5", scripts: BOTH, garble: |t, _, _| garble(t, &[(Cs::Utf8, Cs::Big5)]) },
    Family { name: "3 utf-8 as cp1252/latin-1", scripts: BOTH, garble: |t, v, _| garble(t, &[(Cs::Utf8, latin(v))]) },
    Family { name: "4 gbk as cp1252/latin-1", scripts: HANS, garble: |t, v, _| garble(t, &[(Cs::Gbk, latin(v))]) },
    Family { name: "5 big5 as cp1252/latin-1", scripts: HANT, garble: |t, v, _| garble(t, &[(Cs::Big5, latin(v))]) },
    Family { name: "6 gbk as big5", scripts: HANS, garble: |t, _, _| garble(t, &[(Cs::Gbk, Cs::Big5)]) },
    Family { name: "6 big5 as gbk", scripts: HANT, garble: |t, _, _| garble(t, &[(Cs::Big5, Cs::Gbk)]) },
    Family {
        name: "7 utf-8 as cp1252, twice",
        scripts: BOTH,
        garble: |t, _, _| garble(t, &[(Cs::Utf8, Cs::Cp1252), (Cs::Utf8, Cs::Cp1252)]),
    },
    Family {
        name: "7 gbk as latin-1, utf-8 as cp1252",
        scripts: HANS,
        garble: |t, v, _| garble(t, &[(Cs::Gbk, latin(v)), (Cs::Utf8, Cs::Cp1252)]),
    },
    Family { name: "8 part of the text", scripts: BOTH, garble: garble_part },
];

/// Family 8: one piece of the text garbled, the rest clean: the first half
/// of a title (a mangled heading word), a word of two to four characters in
/// a sentence, a stretch of about a clause in a paragraph. The garbling
/// rotates over the families that fit the script.
fn garble_part(text: &str, variant: usize, script: Script) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    let (start, len) = match chars.len() {
        0..=9 => (0, chars.len() / 2),
        10..=60 => (chars.len() / 3, 2 + variant % 3),
        _ => (chars.len() / 3, 8 + variant % 8),
    };
    let source = if script == Script::Simplified { Cs::Gbk } else { Cs::Big5 };
    let other = if script == Script::Simplified { Cs::Big5 } else { Cs::Gbk };
    let ways = [(Cs::Utf8, latin(variant / 4)), (source, latin(variant / 4)), (Cs::Utf8, other), (source, other)];
    let piece: String = chars[start..start + len].iter().collect();
    let garbled = (0..ways.len()).find_map(|i| garble(&piece, &[ways[(variant + i) % ways.len()]]))?;
    let before: String = chars[..start].iter().collect();
    let after: String = chars[start + len..].iter().collect();
    Some(format!("{before}{garbled}{after}"))
}

fn is_han(c: char) -> bool {
    matches!(u32::from(c), 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0x20000..=0x2FFFF)
}

/// The clean text of one script, as lines.
fn source_lines(script: Script) -> Vec<&'static str> {
    let (corpus, categories): (&str, &[&str]) = match script {
        Script::Simplified => (SIMPLIFIED, &["zh-hans-modern", "zh-hans-classical"]),
        Script::Traditional => (TRADITIONAL, &["zh-hant-manual"]),
    };
    let control = CONTROL.lines().filter_map(|line| {
        let (category, text) = line.split_once('\t')?;
        categories.contains(&category).then_some(text)
    });
    corpus.lines().chain(control).collect()
}

/// Every unit of `length` in `lines`: titles are clauses (between
/// punctuation) of 4 to 9 characters, mostly Han; sentences end in `。！？；`
/// and have 10 to 60 characters; paragraphs are lines, joined with the next
/// until they have 200 characters or more.
fn units(lines: &[&str], length: Length) -> Vec<String> {
    match length {
        Length::Title => lines
            .iter()
            .flat_map(|line| line.split(|c: char| "，。、；：！？（）()“”《》「」,.;:!?".contains(c)))
            .map(str::trim)
            .filter(|t| (4..=9).contains(&t.chars().count()) && t.chars().filter(|&c| is_han(c)).count() >= 4)
            .map(str::to_owned)
            .collect(),
        Length::Sentence => lines
            .iter()
            .flat_map(|line| line.split_inclusive(['。', '！', '？', '；']))
            .map(str::trim)
            .filter(|s| (10..=60).contains(&s.chars().count()) && s.chars().filter(|&c| is_han(c)).count() >= 5)
            .map(str::to_owned)
            .collect(),
        Length::Paragraph => {
            let mut paragraphs = Vec::new();
            let mut current = String::new();
            for line in lines {
                current.push_str(line);
                if current.chars().count() >= 200 {
                    paragraphs.push(std::mem::take(&mut current));
                }
            }
            paragraphs
        }
    }
}

/// `n` items spread evenly over `items`.
fn spread<T: Clone>(items: &[T], n: usize) -> Vec<T> {
    if items.len() <= n {
        return items.to_vec();
    }
    (0..n).map(|i| items[i * items.len() / n].clone()).collect()
}

fn samples_per_cell() -> usize {
    std::env::var("ZHNORM_REPAIR_SAMPLES").ok().and_then(|n| n.parse().ok()).unwrap_or(150)
}

/// One sample of the set.
struct Sample {
    family: &'static str,
    script: Script,
    length: Length,
    original: String,
    garbled: String,
}

/// The generated set: for each family, script and length, up to `n`
/// samples spread over the units whose garbling is lossless.
fn generate(n: usize) -> Vec<Sample> {
    let mut samples = Vec::new();
    for script in [Script::Simplified, Script::Traditional] {
        let lines = source_lines(script);
        for length in LENGTHS {
            let units = units(&lines, length);
            for family in FAMILIES.iter().filter(|f| f.scripts.contains(&script)) {
                let garbled: Vec<(String, String)> = units
                    .iter()
                    .enumerate()
                    .filter_map(|(i, unit)| Some((unit.clone(), (family.garble)(unit, i, script)?)))
                    .filter(|(unit, garbled)| unit != garbled)
                    .collect();
                for (original, garbled) in spread(&garbled, n) {
                    samples.push(Sample { family: family.name, script, length, original, garbled });
                }
            }
        }
    }
    samples
}

fn percent(right: usize, n: usize) -> f64 {
    if n == 0 {
        0.0
    } else {
        100.0 * right as f64 / n as f64
    }
}

/// Where the repair does not reach the targets yet (99% of
/// sentences and paragraphs, 90% of titles), the figure it does reach, per
/// family and length (title, sentence, paragraph), as a floor that must not
/// fall: the lowest of the two scripts at the default sample count, rounded
/// down. The test prints every cell short of the target.
const REACHED: &[(&str, [f64; 3])] = &[
    // UTF-8 read as Big5 is lossless only by chance (one title in the corpus).
    ("2 utf-8 as big5", [0.0, 0.0, 0.0]),
    ("4 gbk as cp1252/latin-1", [98.0, 100.0, 100.0]),
    // Sentences 97 and paragraphs 98 until repair learned to leave Japanese
    // (a line Shift_JIS encodes, with kana or a Japanese-only kanji),
    // kaomoji and pieces of Latin-1 letter lists (review round 5): correct
    // text outranks the rate.
    // Titles 92.7 until each piece of up to three characters with no Han
    // beside it came to be judged as it would be alone (review 14).
    ("6 big5 as gbk", [91.0, 97.0, 96.0]),
    // Paragraphs 80 until the vertical rules of a table (`│`, which GBK
    // read as Big5 makes `岫`) were undone with the rest of their line.
    ("6 gbk as big5", [88.0, 96.0, 90.0]),
    ("7 gbk as latin-1, utf-8 as cp1252", [97.0, 99.0, 100.0]),
    // Sentences 78 before the same change; 76 until GBK's symbols around a
    // nickname no longer carried its Han characters into Big5 (`﹏﹏嘿嘿`,
    // review 11 #3): one Simplified sentence fewer (114 to 113 of 150).
    // Sentences 75 until a word of GBK or Big5 read as Latin-1 inside
    // Chinese (`名冲突£¬Çë确保`) was undone from two Latin-1 characters on.
    ("8 part of the text", [79.0, 76.0, 76.0]),
];

#[test]
fn repair_meets_the_floors_per_family_and_length() {
    let samples = generate(samples_per_cell());
    let mut dump = std::env::var_os("ZHNORM_REPAIR_DUMP").map(|path| std::fs::File::create(path).unwrap());
    // (family, script) -> per length (repaired, n)
    let mut table: BTreeMap<(&str, Script), [(usize, usize); 3]> = BTreeMap::new();
    let mut failures = Vec::new();
    let missed_wanted = std::env::var("ZHNORM_REPAIR_MISSED").ok();
    for sample in &samples {
        // As the pipeline does: holes recovered first, then the mojibake
        // undone (recovery leaves text without holes alone).
        let recovered = Recoverer::default().recover(&sample.garbled).into_owned();
        let repaired = Repairer::default().repair(&recovered).into_owned();
        let right = repaired == sample.original;
        let cell = &mut table.entry((sample.family, sample.script)).or_default()[sample.length as usize];
        cell.0 += usize::from(right);
        cell.1 += 1;
        if !right && (failures.len() < 40 || missed_wanted.as_deref().is_some_and(|f| sample.family.contains(f))) {
            failures.push(format!("{} {:?}: {} -> {}", sample.family, sample.length, sample.garbled, repaired));
        }
        if let Some(file) = dump.as_mut() {
            let record = serde_json::json!({
                "family": sample.family,
                "script": format!("{:?}", sample.script),
                "length": format!("{:?}", sample.length),
                "original": sample.original,
                "garbled": sample.garbled,
                "repaired": repaired,
            });
            writeln!(file, "{record}").unwrap();
        }
    }
    println!("exact repairs, per family, script and length (repaired/samples):");
    println!("{:<36} {:<12} {:>20} {:>20} {:>20}", "family", "script", "title", "sentence", "paragraph");
    let mut below = Vec::new();
    let mut short = Vec::new();
    for ((family, script), cells) in &table {
        let cell = |(right, n): (usize, usize)| format!("{:.1}% ({right}/{n})", percent(right, n));
        println!(
            "{family:<36} {:<12} {:>20} {:>20} {:>20}",
            format!("{script:?}"),
            cell(cells[0]),
            cell(cells[1]),
            cell(cells[2])
        );
        if family.contains("holes") {
            continue;
        }
        for (length, &(right, n)) in LENGTHS.iter().zip(cells) {
            let target = if *length == Length::Title { 90.0 } else { 99.0 };
            let reached = REACHED.iter().find(|(f, _)| f == family).map_or(target, |(_, r)| r[*length as usize]);
            let got = percent(right, n);
            if n > 0 && got < target {
                short.push(format!("{family} {script:?} {length:?}: {got:.1}% (target {target}%)"));
            }
            if n > 0 && got < target.min(reached) {
                below.push(format!("{family} {script:?} {length:?}: {got:.1}% < {}%", target.min(reached)));
            }
        }
    }
    for failure in &failures {
        println!("  missed: {failure}");
    }
    println!("short of the issue's targets:");
    for cell in &short {
        println!("  {cell}");
    }
    assert!(below.is_empty(), "below the floor:\n{}", below.join("\n"));
}

#[test]
fn the_set_covers_every_family_at_every_length() {
    let samples = generate(samples_per_cell());
    // UTF-8 read as GBK or Big5 is rarely lossless: the corpus has a few
    // exact sentences of the first and hardly a title of the second, so
    // those families are measured on what there is (and UTF-8 read as GBK
    // with holes, on every sample).
    for family in FAMILIES.iter().filter(|f| !f.name.starts_with("1 ") && !f.name.starts_with("2 ")) {
        for &script in family.scripts {
            for length in LENGTHS {
                let n = samples
                    .iter()
                    .filter(|s| s.family == family.name && s.script == script && s.length == length)
                    .count();
                let wanted = samples_per_cell().min(50);
                assert!(n >= wanted, "{} {script:?} {length:?}: {n} samples", family.name);
            }
        }
    }
}

/// The clean control set: every line of `corpus/control.txt`,
/// `corpus/control-handwritten.txt` and `corpus/control-manpages.txt` (their
/// categories named in the first column) and of the two corpus files.
fn control_lines() -> Vec<(&'static str, &'static str)> {
    let control = [CONTROL, CONTROL_HANDWRITTEN, CONTROL_MANPAGES]
        .into_iter()
        .flat_map(str::lines)
        .filter_map(|line| line.split_once('\t'));
    let prose =
        SIMPLIFIED.lines().map(|l| ("zh-hans-prose", l)).chain(TRADITIONAL.lines().map(|l| ("zh-hant-prose", l)));
    control.chain(prose).collect()
}

#[test]
fn clean_control_set_is_never_changed() {
    let lines = control_lines();
    assert!(lines.len() >= 10_000, "{} control lines", lines.len());
    let mut per_category: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut changed = Vec::new();
    for (category, line) in &lines {
        let repaired = Repairer::default().repair(line);
        let mut damage = Vec::new();
        scan_damage(line, &mut Position::default(), &mut damage);
        let entry = per_category.entry(category).or_default();
        entry.1 += 1;
        if repaired != *line || !damage.is_empty() {
            entry.0 += 1;
            changed.push(format!("{category}: {line} -> {repaired} {damage:?}"));
        }
    }
    println!("clean control set, lines changed or reported as damaged, per category:");
    for (category, (changed, n)) in &per_category {
        println!("  {category:<20} {changed}/{n}");
    }
    assert!(changed.is_empty(), "{} clean lines changed:\n{}", changed.len(), changed.join("\n"));
}

/// The categories of `corpus/control-handwritten.txt` whose lines mark a
/// piece `⟦so⟧` to be garbled, the charset it was written in and the one it
/// is read as (`None`: windows-1252 or ISO-8859-1, line by line): correct
/// words beside mojibake that the repair once changed with it (review 12:
/// `l'église` beside GBK read as Latin-1 became `l'間lise`, `straße`
/// `stra遝`; #3: `請把` beside Big5 `密碼` read as GBK became `請參`;
/// review 13 #4: a street's `街` beside Big5 read as GBK became `誰`, `路`
/// beside UTF-8 read as GBK `·`, `樓` beside GBK read as Big5 `加`).
const BESIDE_MOJIBAKE: &[(&str, Cs, Option<Cs>)] = &[
    ("latin-words-beside-gbk-as-latin1", Cs::Gbk, None),
    ("latin-words-beside-big5-as-latin1", Cs::Big5, None),
    ("traditional-words-beside-big5-as-gbk", Cs::Big5, Some(Cs::Gbk)),
    ("simplified-words-beside-gbk-as-big5", Cs::Gbk, Some(Cs::Big5)),
    ("traditional-words-beside-gbk-as-big5", Cs::Gbk, Some(Cs::Big5)),
    ("words-beside-utf8-as-gbk", Cs::Utf8, Some(Cs::Gbk)),
];

/// Each marked line of [`BESIDE_MOJIBAKE`] with its pieces garbled (the
/// marks dropped) is repaired into itself with each piece either undone or
/// left as it was: the text around the mojibake is never changed.
#[test]
fn correct_text_beside_mojibake_is_never_changed() {
    let mut changed = Vec::new();
    let mut n = 0;
    for (variant, (category, line)) in control_lines().into_iter().enumerate() {
        let Some(&(_, right, wrong)) = BESIDE_MOJIBAKE.iter().find(|(c, _, _)| *c == category) else { continue };
        let wrong = wrong.unwrap_or(latin(variant));
        // Clean text and marked pieces, alternately.
        let parts: Vec<&str> = line.split(['⟦', '⟧']).collect();
        assert!(parts.len() % 2 == 1 && parts.len() > 1, "{category}: no piece marked in {line}");
        let garbled_parts: Vec<String> = parts
            .iter()
            .enumerate()
            .map(|(i, part)| {
                if i % 2 == 0 {
                    (*part).to_owned()
                } else {
                    garble(part, &[(right, wrong)]).unwrap_or_else(|| panic!("{category}: {part} garbles"))
                }
            })
            .collect();
        let garbled = garbled_parts.concat();
        let repaired = Repairer::default().repair(&garbled).into_owned();
        // Every way of undoing some of the pieces and leaving the others.
        let pieces = parts.len() / 2;
        let allowed = (0..1usize << pieces).any(|undone| {
            let expected: String = (0..parts.len())
                .map(|i| if i % 2 == 1 && undone & (1 << (i / 2)) != 0 { parts[i] } else { garbled_parts[i].as_str() })
                .collect();
            repaired == expected
        });
        n += 1;
        if !allowed {
            changed.push(format!("{category}: {garbled} -> {repaired}"));
        }
    }
    println!("correct text beside mojibake: {} of {n} lines changed", changed.len());
    assert!(n > 0);
    assert!(changed.is_empty(), "{} lines changed beside mojibake:\n{}", changed.len(), changed.join("\n"));
}

/// Repair on a line that mixes mojibake families (`ä¸\u{ad}æ–‡ÖÐÎÄ鍙戝竷`)
/// converges in one run: running it again on its own output, or the whole
/// pipeline again (as `--check` after `--write` does), changes nothing.
mod idempotence {
    use std::sync::OnceLock;

    use proptest::prelude::*;
    use proptest::sample::Index;

    use super::{source_lines, units, Length, Script, FAMILIES};
    use zhnorm::repair::Repairer;

    /// The titles and sentences of each script, the pieces a line is made of.
    fn pieces(script: Script) -> &'static [String] {
        static PIECES: OnceLock<[Vec<String>; 2]> = OnceLock::new();
        let [simplified, traditional] = PIECES.get_or_init(|| {
            [Script::Simplified, Script::Traditional].map(|script| {
                let lines = source_lines(script);
                let mut pieces = units(&lines, Length::Title);
                pieces.extend(units(&lines, Length::Sentence));
                pieces
            })
        });
        match script {
            Script::Simplified => simplified,
            Script::Traditional => traditional,
        }
    }

    /// A piece of the corpus garbled by one family of the evaluation that
    /// fits its script (or left clean when that garbling loses something).
    fn piece((traditional, unit, family): (bool, Index, Index)) -> String {
        let script = if traditional { Script::Traditional } else { Script::Simplified };
        let variant = unit.index(pieces(script).len());
        let unit = &pieces(script)[variant];
        let families: Vec<_> = FAMILIES.iter().filter(|f| f.scripts.contains(&script)).collect();
        let family = family.get(&families);
        (family.garble)(unit, variant, script).unwrap_or_else(|| unit.clone())
    }

    fn mixed_line() -> impl Strategy<Value = String> {
        let piece = (any::<bool>(), any::<Index>(), any::<Index>()).prop_map(piece);
        let separator = prop::sample::select(vec!["", " ", "，", " and ", "\t"]);
        prop::collection::vec((piece, separator), 2..=4).prop_map(|pieces| {
            let mut line: String =
                pieces.into_iter().flat_map(|(piece, separator)| [piece, separator.to_owned()]).collect();
            line.push('\n');
            line
        })
    }

    fn normalized(text: &str) -> String {
        let mut out = Vec::new();
        zhnorm::normalize(text.as_bytes(), &mut out, &zhnorm::Options::default()).expect("UTF-8 in memory");
        String::from_utf8(out).expect("UTF-8 out")
    }

    #[test]
    fn a_line_mixing_three_families_is_repaired_in_one_run() {
        let once = Repairer::default().repair("ä¸\u{ad}æ–‡ÖÐÎÄ鍙戝竷").into_owned();
        assert_eq!(Repairer::default().repair(&once), once);
        let once = normalized("ä¸\u{ad}æ–‡ÖÐÎÄ鍙戝竷\n");
        assert_eq!(normalized(&once), once);
    }

    // A fixed seed: the same 512 lines on every run, so that a line the
    // bounded passes leave unfinished fails where it is found, not at random.
    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 512,
            failure_persistence: None,
            rng_seed: proptest::test_runner::RngSeed::Fixed(4),
            ..ProptestConfig::default()
        })]
        #[test]
        fn repair_of_a_line_mixing_families_converges_in_one_run(line in mixed_line()) {
            let once = Repairer::default().repair(&line).into_owned();
            prop_assert_eq!(Repairer::default().repair(&once).into_owned(), once);
            let once = normalized(&line);
            prop_assert_eq!(normalized(&once), once);
        }
    }
}

/// Rare words have pairs the character-pair model does not keep, and read
/// as GBK and Big5 of each other as likely as mojibake does (`山旮旯儿` as
/// `山深身儿`, `芫荽` as `痛議` in a sentence): none may change but the two
/// known ones below (src/lib.rs, Known problems), and those must stay
/// listed only while they change.
#[test]
fn rare_words_alone_and_in_a_sentence_are_never_changed() {
    // A name jieba lacks.
    const STILL_CHANGED: [&str; 2] = ["廖禮鍇", "我們討論了廖禮鍇的問題。"];
    let lines: Vec<&str> = CONTROL_RARE_WORDS.lines().filter_map(|line| Some(line.split_once('\t')?.1)).collect();
    assert!(lines.len() >= 37, "{} rare word lines", lines.len());
    let changed: Vec<&str> = lines.iter().copied().filter(|&line| Repairer::default().repair(line) != line).collect();
    assert_eq!(changed, STILL_CHANGED, "rare word lines changed");
}

/// A word alone on a line has no neighbours to tell GBK read as Big5 (or
/// back) from correct text, and common words read as other common words
/// that way (`忐忑` as `守首`, `癲癇` as `碰命`): none may change.
#[test]
fn words_alone_on_a_line_are_never_changed() {
    let lines: Vec<(&str, &str)> = CONTROL_WORDS.lines().filter_map(|line| line.split_once('\t')).collect();
    assert!(lines.len() >= 75_000, "{} word lines", lines.len());
    let text: String = lines.iter().flat_map(|(_, word)| [word, "\n"]).collect();
    let repaired = Repairer::default().repair(&text).into_owned();
    assert_eq!(repaired.lines().count(), lines.len());
    let mut per_category: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut changed = Vec::new();
    for (&(category, word), after) in lines.iter().zip(repaired.lines()) {
        let entry = per_category.entry(category).or_default();
        entry.1 += 1;
        if word != after {
            entry.0 += 1;
            changed.push(format!("{category}: {word} -> {after}"));
        }
    }
    println!("words alone on a line, changed per category:");
    for (category, (changed, n)) in &per_category {
        println!("  {category:<20} {changed}/{n}");
    }
    assert!(changed.is_empty(), "{} words changed:\n{}", changed.len(), changed.join("\n"));
}
