//! Compiles OpenCC's dictionaries (`data/opencc/*.txt`) into the automata
//! that `zhnorm::convert` loads at run time: for every built-in
//! configuration, with and without the tofu-risk dictionaries, each
//! segmentation and conversion dictionary is flattened into one key set
//! (`src/convert/flatten.rs`) and built into a leftmost-longest character-wise
//! double-array Aho-Corasick automaton (`daachorse`), serialized into
//! `OUT_DIR`. Identical key sets are compiled once.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::PathBuf;

use daachorse::{CharwiseDoubleArrayAhoCorasickBuilder, MatchKind};

#[allow(dead_code)]
#[path = "src/convert/data.rs"]
mod data;
#[allow(dead_code)]
#[path = "src/convert/flatten.rs"]
mod flatten;

type Pairs = Vec<(&'static str, &'static str)>;

fn main() {
    for path in ["build.rs", "src/convert/data.rs", "src/convert/flatten.rs", "data/opencc"] {
        println!("cargo:rerun-if-changed={path}");
    }
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR is set"));
    let mut interned: HashMap<Pairs, usize> = HashMap::new();
    let mut intern = |pairs: Pairs| -> usize {
        if let Some(&i) = interned.get(&pairs) {
            return i;
        }
        let i = interned.len();
        let automaton = CharwiseDoubleArrayAhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .build_with_values(pairs.iter().enumerate().map(|(i, (k, _))| (*k, i as u32)))
            .expect("OpenCC dictionary keys are distinct and non-empty");
        std::fs::write(out.join(format!("automaton{i}.bin")), automaton.serialize()).unwrap();
        // Values: u32 count, count + 1 u32 offsets, then the UTF-8 text.
        let mut values = Vec::new();
        values.extend_from_slice(&(pairs.len() as u32).to_le_bytes());
        let mut offset = 0u32;
        values.extend_from_slice(&offset.to_le_bytes());
        for (_, v) in &pairs {
            offset += v.len() as u32;
            values.extend_from_slice(&offset.to_le_bytes());
        }
        for (_, v) in &pairs {
            values.extend_from_slice(v.as_bytes());
        }
        std::fs::write(out.join(format!("values{i}.bin")), values).unwrap();
        interned.insert(pairs, i);
        i
    };

    let mut plans = String::new();
    for config in data::CONFIGS {
        plans.push_str("    [\n");
        for include_tofu in [false, true] {
            plans.push_str("        &[\n");
            for stage in config.stages {
                let seg = stage
                    .segmentation
                    .as_ref()
                    .and_then(|d| flatten::flatten(d, include_tofu))
                    .map_or(u16::MAX as usize, &mut intern);
                let chain: Vec<String> = stage
                    .chain
                    .iter()
                    .filter_map(|d| flatten::flatten(d, include_tofu))
                    .map(|p| intern(p).to_string())
                    .collect();
                writeln!(plans, "            ({seg}, &[{}]),", chain.join(", ")).unwrap();
            }
            plans.push_str("        ],\n");
        }
        writeln!(plans, "    ], // {}", config.name).unwrap();
    }

    let count = interned.len();
    let mut code = String::new();
    writeln!(code, "/// Serialized automata and their values, by index.").unwrap();
    writeln!(code, "pub(super) static AUTOMATA: [(&[u8], &[u8]); {count}] = [").unwrap();
    for i in 0..count {
        writeln!(
            code,
            "    (include_bytes!(concat!(env!(\"OUT_DIR\"), \"/automaton{i}.bin\")), \
             include_bytes!(concat!(env!(\"OUT_DIR\"), \"/values{i}.bin\"))),"
        )
        .unwrap();
    }
    code.push_str("];\n\n");
    code.push_str(
        "/// Per configuration (in `CONFIGS` order), per tofu-risk setting (skip,\n\
         /// include): the stages, as (segmentation automaton or `u16::MAX`,\n\
         /// conversion chain automata).\n",
    );
    writeln!(code, "pub(super) static PLANS: [[&[(u16, &[u16])]; 2]; {}] = [", data::CONFIGS.len()).unwrap();
    code.push_str(&plans);
    code.push_str("];\n");
    std::fs::write(out.join("opencc_compiled.rs"), code).unwrap();
}
