//! Custom configurations (`-c my.json`) and user dictionaries (`--dict`).
//!
//! Teams add their own phrases to OpenCC by writing a configuration that
//! names their text dictionaries next to OpenCC's; zhnorm reads the same
//! JSON format, so such a configuration works unchanged. The dictionaries
//! are small and built into tries when the converter is made; the built-in
//! configurations keep their compiled tries.
//!
//! A configuration has an optional `normalization` (a list of
//! `{"dict": ...}` run first, over the whole text), an optional
//! `segmentation` (`{"type": "mmseg", "dict": ...}`) and a
//! `conversion_chain` (a list of `{"dict": ...}`). A dictionary is
//! `{"type": "text", "file": "X.txt"}` (an OpenCC text dictionary, the path
//! relative to the JSON file), `{"type": "ocd2", "file": "X.ocd2"}` (one of
//! OpenCC 1.4.2's built-in dictionaries, by name; `ocd` too), or
//! `{"type": "group", "match_policy": "union" | "short_circuit", "dicts":
//! [...]}` (`short_circuit` when no policy is given, as in OpenCC). A text
//! file that is not found next to the JSON file but has the name of a
//! built-in dictionary (`STPhrases.txt`) is the built-in one, so OpenCC's own
//! configurations can be used as they are. `"may_output_tofu": true` marks a
//! dictionary that is left out unless tofu-risk dictionaries are asked for.
//! Keys the format does not have are ignored, as OpenCC ignores them (it
//! warns; zhnorm returns them, [`ConfigFile::unknown_keys`]).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;

use super::data::{dict_text, DICT_IDS, DICT_NAMES};
use super::engine::{Dict, Node, Owned, Stage};
use super::{dat, TofuRisk};
use crate::Error;

/// The trie of an OpenCC text dictionary; `path` and `name` for messages
/// and `--explain`. A key given twice is refused, as OpenCC refuses it
/// ("The text dictionary contains duplicated keys"): which of the two
/// values the user meant is not for the tool to guess.
fn text_dict(text: &str, path: &Path, name: &str) -> crate::Result<Dict> {
    let entries = dat::parse_text(text).map_err(|(line, reason)| Error::Dictionary {
        path: path.to_owned(),
        line,
        reason: reason.to_owned(),
    })?;
    let mut first_line = HashMap::with_capacity(entries.len());
    for &(line, key, _) in &entries {
        if let Some(first) = first_line.insert(key, line) {
            return Err(Error::Config {
                path: path.to_owned(),
                reason: format!("the key {key} is on line {first} and again on line {line}; keep one"),
            });
        }
    }
    let entries: Vec<dat::Entry<'_>> = entries.into_iter().map(|(_, key, value)| (key, value, 0)).collect();
    let (words, text) = dat::build(&entries);
    Ok(Dict::Owned(Arc::new(Owned { words, text, name: name.to_owned() })))
}

/// Reads and builds the text dictionary at `path`.
pub(super) fn dict_file(path: &Path) -> crate::Result<Dict> {
    let bytes = std::fs::read(path).map_err(|e| Error::Config {
        path: path.to_owned(),
        reason: format!("cannot read the dictionary: {}", crate::os_reason(&e)),
    })?;
    // OpenCC's binary form (marisa-trie), which users of OpenCC have at hand.
    if bytes.starts_with(b"OPENCC_MARISA") {
        return Err(Error::Config {
            path: path.to_owned(),
            reason: "OpenCC's binary dictionary format (.ocd2), which zhnorm does not read: give its text form \
                     (`opencc_dict -i FILE.ocd2 -o FILE.txt -f ocd2 -t text`)"
                .to_owned(),
        });
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
        Error::Dictionary { path: path.to_owned(), line, reason: "not UTF-8".to_owned() }
    })?;
    let name = path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
    text_dict(&text, path, &name)
}

/// A configuration read from a JSON file.
pub(super) struct ConfigFile {
    /// Its `"name"`, or the file name.
    pub(super) name: String,
    pub(super) stages: Vec<Stage>,
    /// Whether it is meant for Japanese text: it uses one of OpenCC's
    /// Japanese dictionaries (`JPShinjitaiCharacters`, `JPShinjitaiPhrases`, ...),
    /// as `t2jp` and `jp2t` do.
    pub(super) for_japanese: bool,
    /// The keys of the configuration that the format does not have (a
    /// `"comment"`, a misspelt `"segmentaion"`), ignored.
    pub(super) unknown_keys: Vec<String>,
}

/// The configuration in the JSON file at `path`.
pub(super) fn config_file(path: &Path, tofu: TofuRisk) -> crate::Result<ConfigFile> {
    let fail = |reason: String| Error::Config { path: path.to_owned(), reason };
    let text = std::fs::read_to_string(path)
        .map_err(|e| fail(format!("cannot read the configuration: {}", crate::os_reason(&e))))?;
    let json: Value = serde_json::from_str(&text).map_err(|e| fail(format!("not valid JSON: {e}")))?;
    let mut loader =
        Loader { dir: path.parent().unwrap_or(Path::new("")), tofu, loaded: HashMap::new(), for_japanese: false };
    let stages = loader.stages(&json).map_err(|(at, reason)| fail(format!("{at}: {reason}")))?;
    let name = json
        .get("name")
        .and_then(Value::as_str)
        .map_or_else(|| path.file_stem().map_or_else(String::new, |n| n.to_string_lossy().into_owned()), str::to_owned);
    let unknown_keys = json
        .as_object()
        .into_iter()
        .flat_map(|config| config.keys())
        .filter(|key| !KEYS.contains(&key.as_str()))
        .cloned()
        .collect();
    Ok(ConfigFile { name, stages, for_japanese: loader.for_japanese, unknown_keys })
}

/// The keys of a configuration.
const KEYS: [&str; 4] = ["name", "normalization", "segmentation", "conversion_chain"];

/// A problem in the configuration: where in the JSON (`conversion_chain[1].dict`)
/// and what.
type Problem = (String, String);

struct Loader<'a> {
    dir: &'a Path,
    tofu: TofuRisk,
    /// Dictionaries already built, by file (configurations name the same
    /// file in several places).
    loaded: HashMap<PathBuf, Dict>,
    /// A Japanese dictionary was named.
    for_japanese: bool,
}

impl Loader<'_> {
    fn stages(&mut self, json: &Value) -> Result<Vec<Stage>, Problem> {
        let Some(config) = json.as_object() else {
            return Err(("the configuration".into(), "is not a JSON object".into()));
        };
        let mut stages = Vec::new();
        if let Some(steps) = config.get("normalization") {
            let chain = self.chain(steps, "normalization")?;
            stages.push(Stage { segmentation: None, chain, walk: None });
        }
        let segmentation = match config.get("segmentation") {
            None => None,
            Some(seg) => {
                match seg.get("type").and_then(Value::as_str) {
                    Some("mmseg") => {}
                    Some(other) => {
                        return Err((
                            "segmentation.type".into(),
                            format!("{other:?} is not supported (only \"mmseg\")"),
                        ))
                    }
                    None => return Err(("segmentation".into(), "has no \"type\" (expected \"mmseg\")".into())),
                }
                let dict = seg.get("dict").ok_or(("segmentation".to_owned(), "has no \"dict\"".to_owned()))?;
                self.node(dict, "segmentation.dict")?
            }
        };
        let steps = config
            .get("conversion_chain")
            .ok_or(("the configuration".to_owned(), "has no \"conversion_chain\"".to_owned()))?;
        let chain = self.chain(steps, "conversion_chain")?;
        stages.push(Stage { segmentation, chain, walk: None });
        Ok(stages)
    }

    /// The dictionaries of a list of `{"dict": ...}`, without the ones left out.
    fn chain(&mut self, steps: &Value, at: &str) -> Result<Vec<Node>, Problem> {
        let steps = steps.as_array().ok_or((at.to_owned(), "is not a list".to_owned()))?;
        let mut chain = Vec::new();
        for (i, step) in steps.iter().enumerate() {
            let at = format!("{at}[{i}]");
            let dict = step.get("dict").ok_or((at.clone(), "has no \"dict\"".to_owned()))?;
            chain.extend(self.node(dict, &format!("{at}.dict"))?);
        }
        Ok(chain)
    }

    /// The dictionary `spec`; `None` when it is left out (tofu risk) or a
    /// group with nothing left in it.
    fn node(&mut self, spec: &Value, at: &str) -> Result<Option<Node>, Problem> {
        let problem = |reason: String| (at.to_owned(), reason);
        if spec.get("may_output_tofu").and_then(Value::as_bool) == Some(true) && self.tofu == TofuRisk::Skip {
            return Ok(None);
        }
        let file = || spec.get("file").and_then(Value::as_str).ok_or_else(|| problem("has no \"file\"".into()));
        if let Some(file) = spec.get("file").and_then(Value::as_str) {
            self.for_japanese |= is_japanese_dictionary(file);
        }
        match spec.get("type").and_then(Value::as_str) {
            Some("text") => {
                let file = file()?;
                let path = self.dir.join(file);
                if !path.exists() {
                    if is_binary_dictionary(file) {
                        return Err(problem(format!(
                            "{file:?} is a binary dictionary (.ocd2), not a text one: for OpenCC's own, \
                             \"type\": \"ocd2\"; for yours, its text form (\"type\": \"text\", \"file\": \"X.txt\")"
                        )));
                    }
                    if let Some(node) = self.builtin(file).map_err(problem)? {
                        return Ok(Some(node));
                    }
                    return Err(problem(format!("dictionary {} not found", path.display())));
                }
                if let Some(dict) = self.loaded.get(&path) {
                    return Ok(Some(Node::Dict(dict.clone())));
                }
                let dict = dict_file(&path).map_err(|e| problem(e.to_string()))?;
                self.loaded.insert(path, dict.clone());
                Ok(Some(Node::Dict(dict)))
            }
            Some("ocd2" | "ocd") => {
                let file = file()?;
                self.builtin(file).map_err(problem)?.map(Some).ok_or_else(|| {
                    problem(format!(
                        "{file:?} is not one of OpenCC 1.4.2's dictionaries ({}); give your own \
                         dictionaries as text files (\"type\": \"text\")",
                        DICT_NAMES.join(", ")
                    ))
                })
            }
            Some("group") => {
                let dicts = spec
                    .get("dicts")
                    .and_then(Value::as_array)
                    .ok_or_else(|| problem("has no \"dicts\" list".into()))?;
                let mut members = Vec::new();
                for (i, member) in dicts.iter().enumerate() {
                    members.extend(self.node(member, &format!("{at}.dicts[{i}]"))?);
                }
                if members.is_empty() {
                    return Ok(None);
                }
                match spec.get("match_policy").and_then(Value::as_str) {
                    None | Some("short_circuit") => Ok(Some(Node::ShortCircuit(members))),
                    Some("union") => Ok(Some(Node::Union(members))),
                    Some(other) => Err(problem(format!(
                        "match_policy {other:?} is unknown (expected \"union\" or \"short_circuit\")"
                    ))),
                }
            }
            Some(other) => {
                Err(problem(format!("type {other:?} is unknown (expected \"text\", \"ocd2\" or \"group\")")))
            }
            None => Err(problem("has no \"type\"".into())),
        }
    }

    /// The built-in dictionary named by `file` (`STPhrases.ocd2`,
    /// `STPhrases.txt`), built from its text.
    /// `None` when `file` names none; what failed when it does not build.
    fn builtin(&mut self, file: &str) -> Result<Option<Node>, String> {
        let Some(name) = Path::new(file).file_stem().and_then(|stem| stem.to_str()) else { return Ok(None) };
        let Some(index) = DICT_NAMES.iter().position(|&n| n == name) else { return Ok(None) };
        let key = PathBuf::from(format!("\0builtin/{name}"));
        if let Some(dict) = self.loaded.get(&key) {
            return Ok(Some(Node::Dict(dict.clone())));
        }
        let dict = builtin_dict(dict_text(DICT_IDS[index]), name)?;
        self.loaded.insert(key, dict.clone());
        Ok(Some(Node::Dict(dict)))
    }
}

/// The built-in dictionary `name` built from its `text`; when it does not
/// build (none of OpenCC's does not: a broken data file would take its
/// place), the reason names it and says what failed, rather than leaving
/// the configuration to say that no such dictionary exists.
fn builtin_dict(text: &str, name: &str) -> Result<Dict, String> {
    let file = PathBuf::from(format!("{name}.txt"));
    text_dict(text, &file, name).map_err(|e| format!("the built-in dictionary {name} does not build: {e}"))
}

/// Whether `file` is named as OpenCC's binary dictionaries are (`.ocd2`,
/// the older `.ocd`).
fn is_binary_dictionary(file: &str) -> bool {
    Path::new(file).extension().is_some_and(|extension| extension == "ocd2" || extension == "ocd")
}

/// Whether `file` names one of OpenCC's Japanese dictionaries
/// (`JPShinjitaiCharacters.ocd2`, `JPShinjitaiPhrases.txt`, ...).
fn is_japanese_dictionary(file: &str) -> bool {
    Path::new(file).file_stem().and_then(|s| s.to_str()).is_some_and(|stem| stem.starts_with("JP"))
}

/// `stages` with the user dictionaries `user` on top (see
/// [`super::Converter::with_dictionaries`]).
pub(super) fn with_user_dictionaries(stages: &[Stage], user: Vec<Dict>) -> Vec<Stage> {
    let mut user: Vec<Node> = user.into_iter().map(Node::Dict).collect();
    let user = if user.len() == 1 { user.remove(0) } else { Node::Union(user) };
    let mut stages = stages.to_vec();
    let Some(last) = stages.last_mut() else {
        return vec![Stage { segmentation: None, chain: vec![user], walk: None }];
    };
    // The single walk knows the built-in dictionaries only.
    last.walk = None;
    if let Some(seg) = last.segmentation.take() {
        last.segmentation = Some(Node::Union(vec![user.clone(), seg]));
    }
    match last.chain.first_mut() {
        Some(first) => *first = Node::Union(vec![user, first.clone()]),
        None => last.chain.push(user),
    }
    stages
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_built_in_dictionary_that_does_not_build_says_which_and_why() {
        let Err(reason) = builtin_dict("中\t中\n国\t國\n中\t中\n", "STCharacters") else {
            panic!("a key given twice builds")
        };
        assert!(reason.starts_with("the built-in dictionary STCharacters does not build: "), "{reason}");
        assert!(reason.contains("on line 1 and again on line 3"), "{reason}");
        let Err(reason) = builtin_dict("中\n", "STPhrases") else { panic!("a line without a tab builds") };
        assert!(reason.contains("STPhrases.txt:1: "), "{reason}");
        assert!(builtin_dict("中\t中\n", "STCharacters").is_ok());
    }
}
