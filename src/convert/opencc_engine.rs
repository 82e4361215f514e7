//! OpenCC 1.4.2 itself, linked through `opencc-rust`, as a second engine
//! (`--engine opencc`, cargo feature `opencc`).
//!
//! It exists for two reasons: users who want the reference implementation
//! can have it, and the differential tests compare the default engine with
//! it in process, on every configuration and on megabytes of text, without
//! the `opencc` command's 1 MiB buffer cuts.
//!
//! The dictionaries are the ones `opencc-rust` embeds (byte-identical to
//! OpenCC 1.4.2's `.ocd2` files and configurations), written to a temporary
//! folder when the engine starts, because OpenCC opens its configuration by
//! path.
//!
//! OpenCC's library includes the dictionaries marked `may_output_tofu`; the
//! `opencc` command leaves them out. [`TofuRisk::Skip`] gives the command's
//! behaviour by removing those entries from the configuration before OpenCC
//! reads it, which is what the command does while loading.

use std::path::Path;

use opencc_rust::{DefaultConfig, OpenCC};

use super::TofuRisk;
use crate::Error;

/// One OpenCC configuration, opened.
pub(super) struct OpenccLibrary {
    opencc: OpenCC,
    /// OpenCC reads its dictionaries lazily from here; it lives as long as
    /// the converter.
    _dictionaries: tempfile::TempDir,
}

impl std::fmt::Debug for OpenccLibrary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OpenccLibrary")
    }
}

impl OpenccLibrary {
    /// Opens the built-in configuration `name` (one of
    /// [`super::BUILTIN_NAMES`]).
    pub(super) fn open(name: &str, tofu: TofuRisk) -> crate::Result<OpenccLibrary> {
        let config = default_config(name).ok_or_else(|| Error::UnknownConversion(name.to_owned()))?;
        let dir = tempfile::Builder::new().prefix("zhnorm-opencc-").tempdir()?;
        let failed = |reason: String| Error::Opencc { config: name.to_owned(), reason };
        opencc_rust::generate_static_dictionary(dir.path(), config).map_err(|e| failed(e.to_owned()))?;
        let path = dir.path().join(config.get_file_name());
        if tofu == TofuRisk::Skip {
            drop_tofu_risk_dictionaries(&path).map_err(failed)?;
        }
        let opencc = OpenCC::new(&path).map_err(|e| failed(e.to_string()))?;
        Ok(OpenccLibrary { opencc, _dictionaries: dir })
    }

    /// Converts `text` and appends the result to `out`.
    pub(super) fn convert(&self, text: &str, out: &mut String) {
        // OpenCC's C interface takes NUL-terminated strings; the default
        // engine passes U+0000 through, and so does this one.
        for (i, piece) in text.split('\0').enumerate() {
            if i > 0 {
                out.push('\0');
            }
            if !piece.is_empty() {
                // Valid UTF-8 without NUL is all OpenCC asks for; its
                // configuration was checked when it was opened.
                let converted = self.opencc.convert(piece).expect("OpenCC converts NUL-free UTF-8");
                out.push_str(&converted);
            }
        }
    }
}

fn default_config(name: &str) -> Option<DefaultConfig> {
    Some(match name {
        "s2t" => DefaultConfig::S2T,
        "t2s" => DefaultConfig::T2S,
        "s2tw" => DefaultConfig::S2TW,
        "tw2s" => DefaultConfig::TW2S,
        "s2twp" => DefaultConfig::S2TWP,
        "tw2sp" => DefaultConfig::TW2SP,
        "s2hk" => DefaultConfig::S2HK,
        "hk2s" => DefaultConfig::HK2S,
        "s2hkp" => DefaultConfig::S2HKP,
        "hk2sp" => DefaultConfig::HK2SP,
        "t2tw" => DefaultConfig::T2TW,
        "tw2t" => DefaultConfig::TW2T,
        "t2hk" => DefaultConfig::T2HK,
        "hk2t" => DefaultConfig::HK2T,
        "t2jp" => DefaultConfig::T2JP,
        "jp2t" => DefaultConfig::JP2T,
        _ => return None,
    })
}

/// Rewrites the configuration at `path` without the dictionaries marked
/// `"may_output_tofu": true`.
fn drop_tofu_risk_dictionaries(path: &Path) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let mut config: serde_json::Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    remove_tofu_risk(&mut config);
    std::fs::write(path, config.to_string()).map_err(|e| e.to_string())
}

fn remove_tofu_risk(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Array(items) => {
            items.retain(|item| item.get("may_output_tofu") != Some(&serde_json::Value::Bool(true)));
            items.iter_mut().for_each(remove_tofu_risk);
        }
        serde_json::Value::Object(fields) => fields.values_mut().for_each(remove_tofu_risk),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_name_has_an_opencc_configuration() {
        for name in super::super::BUILTIN_NAMES {
            let config = default_config(name).unwrap();
            assert_eq!(config.get_file_name(), format!("{name}.json"));
        }
    }

    #[test]
    fn tofu_risk_dictionaries_are_removed_from_groups() {
        let mut config = serde_json::json!({"conversion_chain": [{"dict": {"type": "group", "dicts": [
            {"type": "ocd2", "file": "TSPhrases.ocd2"},
            {"type": "ocd2", "file": "TSCharactersExt.ocd2", "may_output_tofu": true},
            {"type": "ocd2", "file": "TSCharacters.ocd2"}]}}]});
        remove_tofu_risk(&mut config);
        let files: Vec<_> = config["conversion_chain"][0]["dict"]["dicts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["file"].as_str().unwrap())
            .collect();
        assert_eq!(files, ["TSPhrases.ocd2", "TSCharacters.ocd2"]);
    }

    #[test]
    fn nul_passes_through_like_the_default_engine() {
        let opencc = OpenccLibrary::open("s2t", TofuRisk::Skip).unwrap();
        let mut out = String::new();
        opencc.convert("汉\0字\0", &mut out);
        assert_eq!(out, "漢\0字\0");
    }

    #[test]
    fn skipping_tofu_risk_matches_the_opencc_command() {
        // 㒓 → 𠉂 comes only from TSCharactersExt, the one tofu-risk dictionary.
        let mut skip = String::new();
        OpenccLibrary::open("t2s", TofuRisk::Skip).unwrap().convert("㒓", &mut skip);
        let mut include = String::new();
        OpenccLibrary::open("t2s", TofuRisk::Include).unwrap().convert("㒓", &mut include);
        assert_eq!((skip.as_str(), include.as_str()), ("㒓", "𠉂"));
    }
}
