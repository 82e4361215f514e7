//! Converting only the sentences not yet in the target script
//! ([`Converter::only_source_script`](super::Converter::only_source_script)).
//!
//! OpenCC's conversions are not idempotent. A character dictionary maps a
//! character to its first candidate whether the text was in the source
//! script or already in the target one: s2t turns 干 into 幹 (干 → 幹 乾 干),
//! so s2t over its own output turns 干擾 into 幹擾 and 八進制 into 八進製,
//! and s2twp turns 文件 into 檔案 in text that is Taiwan usage already. A
//! pre-commit hook or a batch job that converts the same files again keeps
//! changing (and damaging) them.
//!
//! So this rule converts a sentence only when it holds a character that
//! only the source script uses: a key of the configuration's character
//! dictionary that is none of its own candidates nor a candidate of any
//! other key (进 → 進 is one; 干 → 幹 乾 干 is not), nor a candidate of the
//! regional variants the configuration ends with (s2hk writes 用户, as
//! HKVariants turns 戶 into 户). A sentence without one is copied. A converted sentence holds none afterwards (its characters
//! are the dictionary's candidates), so a second run changes nothing.
//!
//! Sentences end after 。！？；!?; and line breaks. No key of OpenCC's
//! dictionaries holds one of them, so converting a text sentence by
//! sentence gives what converting it whole gives.

use std::collections::HashSet;
use std::sync::OnceLock;

use super::data::{dict_text, DictId};
use super::BUILTIN_NAMES;

/// Where sentences end (the character belongs to the sentence before it).
const SENTENCE_ENDS: [char; 9] = ['。', '！', '？', '；', '!', '?', ';', '\n', '\r'];

/// The characters only the source script of a configuration uses.
#[derive(Debug)]
pub(super) struct SourceScript {
    chars: HashSet<char>,
}

/// The character dictionary that tells the source script of the built-in
/// configuration `name` from its target script, and the regional variants
/// that the configuration writes after it.
fn dictionaries_of(name: &str) -> (DictId, Option<DictId>) {
    match name {
        "s2tw" | "s2twp" => (DictId::STCharacters, Some(DictId::TWVariants)),
        "s2hk" | "s2hkp" => (DictId::STCharacters, Some(DictId::HKVariants)),
        "t2s" | "tw2s" | "tw2sp" | "hk2s" | "hk2sp" => (DictId::TSCharacters, None),
        "t2tw" => (DictId::TWVariants, None),
        "tw2t" => (DictId::TWVariantsRev, None),
        "t2hk" => (DictId::HKVariants, None),
        "hk2t" => (DictId::HKVariantsRev, None),
        "t2jp" => (DictId::JPShinjitaiCharactersRev, None),
        "jp2t" => (DictId::JPShinjitaiCharacters, None),
        _ => (DictId::STCharacters, None), // s2t
    }
}

/// The entries of `dictionary` whose key is one character: the key and its
/// candidates.
fn entries(dictionary: &'static str) -> impl Iterator<Item = (char, &'static str)> {
    dictionary.lines().filter(|line| !line.starts_with('#')).filter_map(|line| line.split_once('\t')).filter_map(
        |(key, candidates)| {
            let mut chars = key.chars();
            chars.next().filter(|_| chars.next().is_none()).map(|key| (key, candidates))
        },
    )
}

impl SourceScript {
    /// The characters only the source script of the built-in configuration
    /// `name` uses (read once per process), or `None` for another name.
    pub(super) fn of(name: &str) -> Option<&'static SourceScript> {
        static SCRIPTS: [OnceLock<SourceScript>; BUILTIN_NAMES.len()] =
            [const { OnceLock::new() }; BUILTIN_NAMES.len()];
        let index = BUILTIN_NAMES.iter().position(|&builtin| builtin == name)?;
        Some(SCRIPTS[index].get_or_init(|| {
            let (source, variants) = dictionaries_of(name);
            SourceScript::parse(dict_text(source), variants.map(dict_text))
        }))
    }

    fn parse(dictionary: &'static str, variants: Option<&'static str>) -> SourceScript {
        let mut candidates = HashSet::new();
        let mut keys = Vec::new();
        for (key, values) in entries(dictionary) {
            candidates.extend(values.split(' ').flat_map(str::chars));
            keys.push(key);
        }
        for (_, values) in variants.into_iter().flat_map(entries) {
            candidates.extend(values.split(' ').flat_map(str::chars));
        }
        SourceScript { chars: keys.into_iter().filter(|key| !candidates.contains(key)).collect() }
    }

    /// Whether `c` is used only by the source script.
    pub(super) fn holds(&self, c: char) -> bool {
        self.chars.contains(&c)
    }

    /// Calls `each` on the runs of whole sentences of `text`, in order,
    /// saying whether they are to be converted (each of their sentences
    /// holds a character only the source script uses) or copied.
    pub(super) fn runs(&self, text: &str, mut each: impl FnMut(&str, bool)) {
        let (mut start, mut converting) = (0, false);
        for sentence in text.split_inclusive(SENTENCE_ENDS) {
            let at = sentence.as_ptr() as usize - text.as_ptr() as usize;
            let convert = sentence.chars().any(|c| self.holds(c));
            if convert != converting && at > start {
                each(&text[start..at], converting);
                start = at;
            }
            converting = convert;
        }
        if start < text.len() {
            each(&text[start..], converting);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::Converter;

    fn only_source(config: &str) -> Converter {
        Converter::builtin(config).unwrap().only_source_script().unwrap()
    }

    #[test]
    fn text_already_in_the_target_script_is_left_as_it_is() {
        let s2t = only_source("s2t");
        assert_eq!(s2t.convert_to_string("八進制的干擾\n"), "八進制的干擾\n");
        assert_eq!(Converter::builtin("s2t").unwrap().convert_to_string("八進制的干擾\n"), "八進制的幹擾\n");
        assert_eq!(s2t.convert_to_string("八进制的干扰\n"), "八進制的干擾\n");
        assert_eq!(only_source("s2twp").convert_to_string("文件\n"), "文件\n");
        assert_eq!(only_source("s2twp").convert_to_string("这个文件\n"), "這個檔案\n");
        assert_eq!(only_source("t2s").convert_to_string("头发\n"), "头发\n");
    }

    #[test]
    fn each_sentence_is_judged_on_its_own() {
        let s2t = only_source("s2t");
        let mut out = String::new();
        let changed = s2t.convert("八進制的干擾。头发很长！\n干擾\n进\n", &mut out);
        assert_eq!(out, "八進制的干擾。頭髮很長！\n干擾\n進\n");
        assert_eq!(changed, 4);
    }

    #[test]
    fn converting_the_corpus_again_changes_no_line() {
        let corpora = [
            (include_str!("../../corpus/zh-hans.txt"), "s2t s2tw s2twp s2hk s2hkp"),
            (include_str!("../../corpus/zh-hant.txt"), "t2s tw2s tw2sp hk2s hk2sp t2tw t2hk t2jp"),
        ];
        for (corpus, configs) in corpora {
            for config in configs.split(' ') {
                let converter = only_source(config);
                let once = converter.convert_to_string(corpus);
                assert_ne!(once, corpus, "{config}");
                let twice = converter.convert_to_string(&once);
                let changed = once.lines().zip(twice.lines()).filter(|(a, b)| a != b).collect::<Vec<_>>();
                assert!(changed.is_empty(), "{config}: {} lines changed: {:?}", changed.len(), &changed[..1]);
            }
        }
    }

    #[test]
    fn explain_lists_only_the_sentences_converted_at_their_place_in_the_text() {
        let changes = only_source("s2t").explain("干擾。头发\n干擾；进\n");
        let found: Vec<_> = changes.iter().map(|c| (c.line, c.column, c.from.as_str(), c.to.as_str())).collect();
        assert_eq!(found, [(1, 4, "头发", "頭髮"), (2, 4, "进", "進")]);
    }

    #[test]
    fn custom_configurations_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mine.json");
        let json = r#"{"conversion_chain": [{"dict": {"type": "ocd2", "file": "STCharacters.ocd2"}}]}"#;
        std::fs::write(&path, json).unwrap();
        let custom = Converter::from_config_file(&path, super::super::TofuRisk::Skip).unwrap();
        let err = custom.only_source_script().unwrap_err();
        assert!(err.to_string().contains("built-in configurations"), "{err}");
    }
}
