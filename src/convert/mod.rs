//! Chinese script conversion with OpenCC 1.4.2's semantics, in pure Rust.
//!
//! [`Converter::builtin`] knows OpenCC's sixteen bundled configurations
//! (`s2t`, `t2s`, `s2tw`, `tw2s`, `s2twp`, `tw2sp`, `s2hk`, `hk2s`, `s2hkp`,
//! `hk2sp`, `t2tw`, `tw2t`, `t2hk`, `hk2t`, `t2jp`, `jp2t`) and converts text
//! exactly as `opencc -c NAME` 1.4.2 does; the differential test
//! `tests/opencc_differential.rs` holds it to that.
//!
//! ```
//! use zhnorm::convert::Converter;
//! let conv = Converter::builtin("s2t")?;
//! let mut out = String::new();
//! conv.convert("汉字转换\n", &mut out);
//! assert_eq!(out, "漢字轉換\n");
//! # Ok::<(), zhnorm::Error>(())
//! ```
//!
//! ## How OpenCC converts (and so how this module does)
//!
//! Every 1.4.2 configuration is a pipeline of two stages:
//!
//! 1. *normalization*: the whole text is converted with
//!    `CJK_Compatibility_Ideographs.txt` (compatibility ideographs to their
//!    unified forms);
//! 2. the configuration proper: optional *segmentation*, then a
//!    *conversion chain*.
//!
//! Segmentation (`mmseg`) walks the text and takes, at each position, the
//! longest key of its dictionary that is a prefix of the rest. A matched key
//! is one segment; characters that start no key are gathered into runs, and
//! each run is one segment. Without segmentation the whole text is one
//! segment.
//!
//! Each step of the chain converts every segment on its own: at each position
//! the step's dictionary gives its prefix match and the first of the matched
//! entry's values is written; where nothing matches, one character is copied.
//! Segment boundaries survive from step to step.
//!
//! A dictionary is a text file, or a group with a `match_policy`:
//! `short_circuit` asks its members in order and answers with the first that
//! matches (its longest match), `union` answers with the longest match of all
//! its members (the first member wins a tie).
//!
//! Some dictionaries are marked `"may_output_tofu": true`; the `opencc`
//! command leaves them out unless told otherwise, and so does
//! [`Converter::builtin`] (see [`TofuRisk`]).
//!
//! No dictionary key contains a line break and line breaks start no key, so
//! converting a text line by line gives the same result as converting it
//! whole.
//!
//! ## Data structure
//!
//! The dictionaries are OpenCC's text files in `data/opencc/`. At build
//! time, `build.rs` flattens each of a configuration's dictionaries and
//! groups into one key set that a longest-prefix search answers exactly as
//! the group does (see `flatten.rs`), and compiles it into a double-array
//! trie (`dat.rs`) embedded with `include_bytes!`. At run time the tries
//! are read in place: nothing is parsed, copied or built, so a converter
//! is ready at once (`engine.rs` says why this structure and gives the
//! figures).
//!
//! A segment's output depends on the segment alone, so for the stages with
//! segmentation and two steps (s2tw, s2twp, s2hk, s2hkp, tw2s, tw2sp, hk2s,
//! hk2sp), `build.rs` also compiles one trie for the whole stage: each
//! segmentation key with the chain's output on it, and what converts the
//! runs between them (`fuse.rs`). Such a stage converts in one walk; it
//! converts step by step with `--explain` and `--dict`, and in custom
//! configurations, whose dictionaries are only known at run time.
//!
//! The unit tests keep a plain reference implementation (hash maps tried
//! from the longest key down, groups asked member by member) and check the
//! automata against it.
//!
//! OpenCC's C++ code reads its input as a NUL-terminated string, so it stops
//! at U+0000; this module does not.
//!
//! ## The second engine
//!
//! With the cargo feature `opencc`, [`Engine::Opencc`] converts with OpenCC
//! 1.4.2's own library instead (through `opencc-rust`). The output is the
//! same; the differential tests use it as the oracle.

#[cfg(test)]
use std::collections::HashMap;
use std::sync::Arc;
#[cfg(test)]
use std::sync::OnceLock;

// The dictionary texts and specs are for build.rs and the tests.
#[cfg_attr(not(test), allow(dead_code))]
mod data;

/// The tries `build.rs` compiled (`AUTOMATA`) and which of them each
/// configuration uses (`PLANS`).
#[allow(clippy::type_complexity)]
mod compiled {
    include!(concat!(env!("OUT_DIR"), "/opencc_compiled.rs"));
}

mod dat;
mod engine;
#[cfg(test)]
mod flatten;
#[cfg_attr(not(test), allow(dead_code))]
mod fuse;
use engine::{Dict, Node, Scratch, Stage, Trace};
mod custom;

mod guard;
pub use guard::Language;
pub(crate) use guard::{judged_chars, JUDGED};
pub(crate) use guard::{Guard, Part};
mod source_script;
use source_script::SourceScript;
#[cfg(feature = "opencc")]
mod opencc_engine;

use data::CONFIGS;
#[cfg(test)]
use data::{DictId, Spec};

/// Whether `config` names a built-in configuration rather than the file at
/// `file` (where it would be as a path): a bare built-in name (`s2t`)
/// always does, and `NAME.json` for a built-in `NAME` does unless that file
/// exists, since OpenCC's own command looks for a configuration file first.
/// Shared with the command's settings; not part of the API.
#[doc(hidden)]
pub fn names_builtin(config: &str, file: &std::path::Path) -> bool {
    let bare = config.strip_suffix(".json").unwrap_or(config);
    config == "none" || BUILTIN_NAMES.contains(&config) || (BUILTIN_NAMES.contains(&bare) && !file.is_file())
}

/// The names of OpenCC's built-in configurations, as [`Converter::builtin`]
/// accepts them.
pub const BUILTIN_NAMES: [&str; 16] = [
    "s2t", "t2s", "s2tw", "tw2s", "s2twp", "tw2sp", "s2hk", "hk2s", "s2hkp", "hk2sp", "t2tw", "tw2t", "t2hk", "hk2t",
    "t2jp", "jp2t",
];

/// Whether to use the dictionaries that OpenCC 1.4.2's configurations mark
/// `"may_output_tofu": true` (in 1.4.2 only `TSCharactersExt.txt`, used by
/// `t2s`, `tw2s`, `tw2sp`, `hk2s` and `hk2sp`). It maps traditional
/// characters to simplified forms from the CJK extension blocks (such as
/// 㒓 to 𠉂), which many fonts lack.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum TofuRisk {
    /// Leave them out, as the `opencc` command does by default.
    #[default]
    Skip,
    /// Use them, as `opencc --include-tofu-risk-dictionaries` and OpenCC's
    /// library API (`opencc.OpenCC("t2s")` in Python) do.
    Include,
}

/// One parsed dictionary file: key to its first value (for the reference
/// implementation in the tests).
#[cfg(test)]
#[derive(Debug, Default)]
struct TextDict {
    map: HashMap<&'static str, &'static str>,
    /// Longest key length in bytes, per first character of the key.
    max_len: HashMap<char, usize>,
}

#[cfg(test)]
impl TextDict {
    fn parse(text: &'static str) -> TextDict {
        let mut dict = TextDict::default();
        for line in text.lines() {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let Some((key, values)) = line.split_once('\t') else {
                continue;
            };
            let value = values.split(' ').next().unwrap_or("");
            if key.is_empty() {
                continue;
            }
            // OpenCC keeps the first entry of a duplicated key.
            dict.map.entry(key).or_insert(value);
            let first = key.chars().next().unwrap_or_default();
            let max = dict.max_len.entry(first).or_insert(0);
            *max = (*max).max(key.len());
        }
        dict
    }

    /// Longest key that is a prefix of `s`: its length in bytes and value.
    fn match_prefix(&self, s: &str) -> Option<(usize, &'static str)> {
        let first = s.chars().next()?;
        let max = *self.max_len.get(&first)?;
        let mut len = max.min(s.len());
        while len > 0 {
            if s.is_char_boundary(len) {
                if let Some(value) = self.map.get(&s[..len]) {
                    return Some((len, value));
                }
            }
            len -= 1;
        }
        None
    }
}

#[cfg(test)]
fn text_dict(id: DictId) -> &'static TextDict {
    static DICTS: [OnceLock<TextDict>; data::DICT_COUNT] = [const { OnceLock::new() }; data::DICT_COUNT];
    DICTS[id as usize].get_or_init(|| TextDict::parse(data::dict_text(id)))
}

/// A dictionary as a configuration composes it: the reference
/// implementation of OpenCC's matching, kept for the tests, which check the
/// compiled automata against it.
#[cfg(test)]
#[derive(Debug)]
enum Matcher {
    Text(&'static TextDict),
    /// `match_policy: union`: the longest match of any member.
    Union(Vec<Matcher>),
    /// `match_policy: short_circuit`: the first member that matches.
    ShortCircuit(Vec<Matcher>),
}

#[cfg(test)]
impl Matcher {
    /// The matcher for `spec`, or `None` when `spec` is a dictionary that
    /// `tofu` leaves out (or a group with nothing left in it).
    fn build(spec: &Spec, tofu: TofuRisk) -> Option<Matcher> {
        let members =
            |specs: &[Spec]| -> Vec<Matcher> { specs.iter().filter_map(|s| Matcher::build(s, tofu)).collect() };
        let matcher = match spec {
            Spec::Text(id) => Matcher::Text(text_dict(*id)),
            Spec::TofuRisk(id) => match tofu {
                TofuRisk::Include => Matcher::Text(text_dict(*id)),
                TofuRisk::Skip => return None,
            },
            Spec::Union(specs) => Matcher::Union(members(specs)),
            Spec::ShortCircuit(specs) => Matcher::ShortCircuit(members(specs)),
        };
        match &matcher {
            Matcher::Union(m) | Matcher::ShortCircuit(m) if m.is_empty() => None,
            _ => Some(matcher),
        }
    }

    fn match_prefix(&self, s: &str) -> Option<(usize, &'static str)> {
        match self {
            Matcher::Text(dict) => dict.match_prefix(s),
            Matcher::Union(members) => {
                let mut best: Option<(usize, &'static str)> = None;
                for m in members {
                    if let Some(found) = m.match_prefix(s) {
                        if best.is_none_or(|(len, _)| found.0 > len) {
                            best = Some(found);
                        }
                    }
                }
                best
            }
            Matcher::ShortCircuit(members) => members.iter().find_map(|m| m.match_prefix(s)),
        }
    }

    /// One conversion step over one segment, appended to `out`.
    fn convert_segment(&self, mut s: &str, out: &mut String) {
        while let Some(c) = s.chars().next() {
            match self.match_prefix(s) {
                Some((len, value)) => {
                    out.push_str(value);
                    s = &s[len..];
                }
                None => {
                    out.push(c);
                    s = &s[c.len_utf8()..];
                }
            }
        }
    }
}

/// One stage of a pipeline, with reference matchers (see [`Matcher`]).
#[cfg(test)]
#[derive(Debug)]
struct RefStage {
    segmentation: Option<Matcher>,
    chain: Vec<Matcher>,
}

#[cfg(test)]
impl RefStage {
    fn convert(&self, text: &str, out: &mut String) {
        match &self.segmentation {
            None => self.convert_segment(text, out),
            Some(seg) => {
                let mut rest = text;
                let mut run_start = 0; // start of the pending unmatched run
                let mut pos = 0;
                while let Some(c) = rest.chars().next() {
                    match seg.match_prefix(rest) {
                        Some((len, _)) => {
                            if run_start < pos {
                                self.convert_segment(&text[run_start..pos], out);
                            }
                            self.convert_segment(&rest[..len], out);
                            pos += len;
                            run_start = pos;
                            rest = &rest[len..];
                        }
                        None => {
                            pos += c.len_utf8();
                            rest = &rest[c.len_utf8()..];
                        }
                    }
                }
                if run_start < pos {
                    self.convert_segment(&text[run_start..pos], out);
                }
            }
        }
    }

    fn convert_segment(&self, segment: &str, out: &mut String) {
        match self.chain.as_slice() {
            [] => out.push_str(segment),
            [only] => only.convert_segment(segment, out),
            [first, rest @ ..] => {
                let mut cur = String::with_capacity(segment.len() + 8);
                first.convert_segment(segment, &mut cur);
                let mut next = String::with_capacity(cur.len() + 8);
                for (i, step) in rest.iter().enumerate() {
                    if i + 1 == rest.len() {
                        step.convert_segment(&cur, out);
                    } else {
                        next.clear();
                        step.convert_segment(&cur, &mut next);
                        std::mem::swap(&mut cur, &mut next);
                    }
                }
            }
        }
    }
}

/// Which implementation converts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum Engine {
    /// zhnorm's own engine, in Rust, on OpenCC 1.4.2's dictionaries.
    #[default]
    Zhnorm,
    /// OpenCC 1.4.2's C++ library, linked through `opencc-rust`; only in
    /// builds with the cargo feature `opencc`.
    Opencc,
}

/// A converter for one of OpenCC's built-in configurations, or a custom
/// one (see [`Converter::from_config_file`]).
///
/// Cheap to create and to clone: the built-in dictionaries are read in
/// place from the binary.
#[derive(Debug, Clone)]
pub struct Converter {
    name: Arc<str>,
    implementation: Implementation,
    /// See [`Converter::is_for_japanese`].
    for_japanese: bool,
    /// The JSON file of a custom configuration; `None` for a built-in
    /// one, whose source script is known.
    file: Option<Arc<std::path::Path>>,
    /// See [`Converter::only_source_script`].
    only_source: Option<&'static SourceScript>,
    /// See [`Converter::unknown_keys`].
    unknown_keys: Arc<[String]>,
}

#[derive(Debug, Clone)]
enum Implementation {
    Zhnorm(Arc<[Stage]>),
    #[cfg(feature = "opencc")]
    Opencc(std::sync::Arc<opencc_engine::OpenccLibrary>),
}

impl Converter {
    /// The converter for OpenCC's built-in configuration `name` (for
    /// example `"s2t"`; see [`BUILTIN_NAMES`]), as the `opencc` command runs
    /// it by default: dictionaries that may output tofu are left out (see
    /// [`TofuRisk`]). A trailing `.json` is accepted, as `opencc -c`
    /// accepts it.
    pub fn builtin(name: &str) -> crate::Result<Converter> {
        Converter::builtin_with(name, TofuRisk::Skip)
    }

    /// The converter for the built-in configuration `name`, with or without
    /// the dictionaries that may output tofu.
    pub fn builtin_with(name: &str, tofu: TofuRisk) -> crate::Result<Converter> {
        Converter::with_engine(name, tofu, Engine::Zhnorm)
    }

    /// The converter for the built-in configuration `name`, run by `engine`.
    /// [`Engine::Opencc`] is an error in builds without the `opencc` feature.
    pub fn with_engine(name: &str, tofu: TofuRisk, engine: Engine) -> crate::Result<Converter> {
        let bare = name.strip_suffix(".json").unwrap_or(name);
        let index = CONFIGS
            .iter()
            .position(|c| c.name == bare)
            .ok_or_else(|| crate::Error::UnknownConversion(name.to_owned()))?;
        let config = &CONFIGS[index];
        let trie = |i: u16| Node::Dict(Dict::Builtin(i));
        match engine {
            Engine::Zhnorm => {}
            #[cfg(feature = "opencc")]
            Engine::Opencc => {
                let opencc = opencc_engine::OpenccLibrary::open(config.name, tofu)?;
                return Ok(Converter {
                    name: config.name.into(),
                    implementation: Implementation::Opencc(std::sync::Arc::new(opencc)),
                    for_japanese: config.for_japanese(),
                    file: None,
                    only_source: None,
                    unknown_keys: Arc::default(),
                });
            }
            #[cfg(not(feature = "opencc"))]
            Engine::Opencc => return Err(crate::Error::EngineUnavailable),
        }
        let stages: Vec<Stage> = compiled::PLANS[index][tofu as usize]
            .iter()
            .map(|&(seg, chain, walk)| Stage {
                segmentation: match seg {
                    u16::MAX => None,
                    compiled::WALK_KEYS => Some(Node::SegmentKeys(Dict::Builtin(walk))),
                    seg => Some(trie(seg)),
                },
                chain: chain.iter().map(|&i| trie(i)).collect(),
                walk: (walk != u16::MAX).then_some(Dict::Builtin(walk)),
            })
            .collect();
        Ok(Converter {
            name: config.name.into(),
            implementation: Implementation::Zhnorm(stages.into()),
            for_japanese: config.for_japanese(),
            file: None,
            only_source: None,
            unknown_keys: Arc::default(),
        })
    }

    /// The converter for `config`: a built-in configuration's name (see
    /// [`Converter::with_engine`]) or the path of an OpenCC JSON
    /// configuration file (see [`Converter::from_config_file`]; the default
    /// engine only). A name that is neither a built-in one nor an existing
    /// file, and has no `/` and no `.json`, is an unknown conversion.
    pub fn open(config: &str, tofu: TofuRisk, engine: Engine) -> crate::Result<Converter> {
        let path = std::path::Path::new(config);
        let is_file = !names_builtin(config, path)
            && (path.is_file() || config.ends_with(".json") || config.contains(std::path::MAIN_SEPARATOR));
        match (is_file, engine) {
            (false, _) => Converter::with_engine(config, tofu, engine),
            (true, Engine::Zhnorm) => Converter::from_config_file(path, tofu),
            (true, Engine::Opencc) => Err(crate::Error::Config {
                path: path.to_owned(),
                reason: "custom configurations work with zhnorm's own engine, not OpenCC's library".into(),
            }),
        }
    }

    /// The converter for the OpenCC JSON configuration file at `path`, whose
    /// dictionaries are OpenCC text dictionaries (paths relative to the JSON
    /// file) or OpenCC 1.4.2's own, by name; the format is described in
    /// `custom.rs`. Errors name the file, the place in the JSON or the line
    /// of a dictionary, and what is wrong.
    pub fn from_config_file(path: &std::path::Path, tofu: TofuRisk) -> crate::Result<Converter> {
        let config = custom::config_file(path, tofu)?;
        Ok(Converter {
            name: config.name.into(),
            implementation: Implementation::Zhnorm(config.stages.into()),
            for_japanese: config.for_japanese,
            file: Some(path.into()),
            only_source: None,
            unknown_keys: config.unknown_keys.into(),
        })
    }

    /// This converter with the user dictionaries at `paths` (OpenCC text
    /// dictionaries) on top.
    ///
    /// They join the segmentation and the first conversion step of the
    /// configuration's last stage (after OpenCC's normalization) as the
    /// first members of a `union` group: at each position the longest key
    /// wins, whether it is the user's or a built-in one, and on a tie the
    /// user's; among the user's files, the earlier file wins a tie. So a
    /// user phrase is one segment unless a longer built-in phrase starts at
    /// the same place, and its value then goes through the later steps of
    /// the chain, as the value of a built-in phrase does (in s2twp, the
    /// Taiwan phrases and variants).
    pub fn with_dictionaries(&self, paths: &[std::path::PathBuf]) -> crate::Result<Converter> {
        if paths.is_empty() {
            return Ok(self.clone());
        }
        #[allow(clippy::infallible_destructuring_match)] // not without the opencc feature
        let stages = match &self.implementation {
            Implementation::Zhnorm(stages) => stages,
            #[cfg(feature = "opencc")]
            Implementation::Opencc(_) => {
                return Err(crate::Error::Config {
                    path: paths[0].clone(),
                    reason: "user dictionaries work with zhnorm's own engine, not OpenCC's library".into(),
                })
            }
        };
        let user = paths.iter().map(|p| custom::dict_file(p)).collect::<crate::Result<Vec<_>>>()?;
        let stages = custom::with_user_dictionaries(stages, user);
        Ok(Converter { implementation: Implementation::Zhnorm(stages.into()), ..self.clone() })
    }

    /// Which dictionary entry makes each change to `text`, for people who
    /// want to know why 头发 became 頭髮 (`--explain`); meant for short
    /// texts. Sorted by position; where several steps change the same
    /// place (s2twp: 软件 → 軟件 by STPhrases, then 軟件 → 軟體 by
    /// TWPhrases), in the order of the steps. Entries that leave their key
    /// as it is are not changes and are not listed. Empty with the OpenCC
    /// engine, which does not say.
    pub fn explain(&self, text: &str) -> Vec<Change> {
        let Some(script) = self.only_source else { return self.explain_all(text) };
        let mut changes = Vec::new();
        let mut position = (1, 1);
        script.runs(text, |run, convert| {
            if convert {
                changes.extend(self.explain_all(run).into_iter().map(|change| change.shifted(position)));
            }
            position = advance(position, run);
        });
        changes
    }

    /// [`Converter::explain`] for the whole of `text`.
    fn explain_all(&self, text: &str) -> Vec<Change> {
        let mut explainer = Explainer::default();
        match &self.implementation {
            Implementation::Zhnorm(stages) => {
                convert_in_stages(stages, text, &mut String::new(), &mut explainer);
            }
            #[cfg(feature = "opencc")]
            Implementation::Opencc(_) => {}
        }
        explainer.changes.sort_by_key(|c| (c.line, c.column));
        explainer.changes
    }

    /// This converter, converting only the sentences that hold a character
    /// only the source script uses (进 for s2t, 進 for t2s) and copying the
    /// others, which are in the target script already or in neither. Unlike
    /// the configuration itself, running it over its own output changes
    /// nothing (see `source_script.rs`), so hooks and batch jobs can run it
    /// again and again. Built-in configurations only: a custom one's
    /// source script is not known.
    pub fn only_source_script(&self) -> crate::Result<Converter> {
        let script = match &self.file {
            None => SourceScript::of(&self.name),
            Some(file) => {
                return Err(crate::Error::Config {
                    path: file.to_path_buf(),
                    reason: "converting only the source script works with the built-in configurations".into(),
                })
            }
        };
        let script = script.ok_or_else(|| crate::Error::UnknownConversion(self.name.to_string()))?;
        Ok(Converter { only_source: Some(script), ..self.clone() })
    }

    /// The keys of a custom configuration's JSON that its format does not
    /// have (a `"comment"`), which were ignored, as OpenCC ignores them:
    /// for the caller to warn of a misspelt key.
    pub fn unknown_keys(&self) -> &[String] {
        &self.unknown_keys
    }

    /// The configuration's name, such as `"s2t"`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether the configuration is meant for Japanese text: `t2jp`,
    /// `jp2t`, and custom configurations that use one of OpenCC's Japanese
    /// dictionaries. The pipeline keeps Japanese text from the others.
    pub fn is_for_japanese(&self) -> bool {
        self.for_japanese
    }

    /// Converts `text`, appends the result to `out`, and returns how many
    /// characters the conversion changed: for each dictionary entry that
    /// changed something, the characters it wrote in place of others (头发
    /// → 頭髮: 2, 发展 → 發展: 1, U盘 → 隨身碟: 3). Where the steps of a chain
    /// change a segment one after the other (s2twp: 软件 → 軟件 → 軟體), the
    /// segment's output is compared with its input, so a character counts
    /// once. The OpenCC engine, which does not tell its matches, compares
    /// its output with `text` in the same way, line by line.
    pub fn convert(&self, text: &str, out: &mut String) -> u64 {
        let Some(script) = self.only_source else { return self.convert_all(text, out) };
        let mut changes = 0;
        script.runs(text, |run, convert| {
            if convert {
                changes += self.convert_all(run, out);
            } else {
                out.push_str(run);
            }
        });
        changes
    }

    /// [`Converter::convert`] for the whole of `text`.
    fn convert_all(&self, text: &str, out: &mut String) -> u64 {
        match &self.implementation {
            Implementation::Zhnorm(stages) => convert_in_stages(stages, text, out, &mut ()),
            #[cfg(feature = "opencc")]
            Implementation::Opencc(opencc) => {
                let start = out.len();
                opencc.convert(text, out);
                dat::changed(text, &out[start..]) as u64
            }
        }
    }

    /// Converts `text` into a new string.
    pub fn convert_to_string(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len() + text.len() / 5);
        self.convert(text, &mut out);
        out
    }
}

/// One change a conversion makes (see [`Converter::explain`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Line (from 1) where the replaced text starts.
    pub line: usize,
    /// Column (in characters, from 1) where the replaced text starts. For
    /// a later step of a chain, the column of its segment in the input plus
    /// the offset in the segment as the step sees it.
    pub column: usize,
    /// The text replaced, as the step saw it.
    pub from: String,
    /// What replaced it.
    pub to: String,
    /// The dictionary of the entry: one of OpenCC's (`STPhrases`) or the
    /// file name of the user's.
    pub dictionary: String,
}

impl Change {
    /// The change as seen from a text in which the text it was found in
    /// starts at `(line, column)`.
    fn shifted(mut self, (line, column): (usize, usize)) -> Change {
        if self.line == 1 {
            self.column += column - 1;
        }
        self.line += line - 1;
        self
    }
}

/// Collects [`Change`]s while a conversion runs.
#[derive(Debug, Default)]
struct Explainer {
    /// The input of the current stage.
    input: String,
    /// Where the current segment starts in `input`.
    origin: usize,
    /// The line and column at byte `counted` of `input`, and at byte
    /// `in_segment` of the current segment: hits come in order, so each
    /// position is counted on from the one before, not from the start
    /// (which made long inputs quadratic; a fused step's segment is the
    /// whole text).
    counted: usize,
    position: (usize, usize),
    in_segment: Option<(usize, (usize, usize))>,
    changes: Vec<Change>,
}

impl Trace for Explainer {
    const ON: bool = true;

    fn stage(&mut self, input: &str) {
        input.clone_into(&mut self.input);
        (self.counted, self.position, self.in_segment) = (0, (1, 1), None);
    }

    fn segment(&mut self, _step: usize, origin: usize) {
        self.origin = origin;
        self.in_segment = None;
    }

    fn hit(&mut self, segment: &str, at: usize, key: &str, value: &str, source: &str) {
        if key == value {
            return;
        }
        let (counted, position) = match self.in_segment {
            Some((counted, position)) if counted <= at => (counted, position),
            _ => {
                if self.origin < self.counted {
                    (self.counted, self.position) = (0, (1, 1));
                }
                self.position = advance(self.position, self.input.get(self.counted..self.origin).unwrap_or_default());
                self.counted = self.origin;
                (0, self.position)
            }
        };
        let (line, column) = advance(position, segment.get(counted..at).unwrap_or_default());
        self.in_segment = Some((at, (line, column)));
        self.changes.push(Change { line, column, from: key.into(), to: value.into(), dictionary: source.into() });
    }
}

/// The line and column after `text`, from `(line, column)`.
fn advance((mut line, mut column): (usize, usize), text: &str) -> (usize, usize) {
    for c in text.chars() {
        if c == '\n' {
            line += 1;
            column = 1;
        } else {
            column += 1;
        }
    }
    (line, column)
}

/// Runs `text` through each stage of a configuration (OpenCC's
/// normalization, then the configuration proper), appends the result to
/// `out`, and returns the characters changed, stage by stage.
fn convert_in_stages<T: Trace>(stages: &[Stage], text: &str, out: &mut String, trace: &mut T) -> u64 {
    thread_local! {
        static SCRATCH: std::cell::Cell<Scratch> = std::cell::Cell::new(Scratch::default());
    }
    // Reused buffers: the pipeline converts block by block, many times.
    let mut scratch = SCRATCH.take();
    let mut converted: Option<String> = None;
    let mut changes = 0;
    for (i, stage) in stages.iter().enumerate() {
        let src = converted.as_deref().unwrap_or(text);
        if i + 1 == stages.len() {
            changes += stage.convert(src, out, &mut scratch, trace);
        } else if !stage.passes_through(src) {
            let mut next = String::with_capacity(src.len() + src.len() / 5);
            changes += stage.convert(src, &mut next, &mut scratch, trace);
            converted = Some(next);
        }
    }
    if stages.is_empty() {
        out.push_str(text);
    }
    scratch.trim();
    SCRATCH.set(scratch);
    changes
}

#[cfg(test)]
mod tests;
