//! Compiles OpenCC's dictionaries (`data/opencc/*.txt`) into the tries
//! that `zhnorm::convert` reads in place at run time: for every built-in
//! configuration, with and without the tofu-risk dictionaries, each
//! segmentation and conversion dictionary is flattened into one key set
//! (`src/convert/flatten.rs`) and built into a double-array trie
//! (`src/convert/dat.rs`), written into `OUT_DIR`. Identical key sets are
//! compiled once.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::PathBuf;

#[allow(dead_code)]
#[path = "src/convert/dat.rs"]
mod dat;
#[allow(dead_code)]
#[path = "src/convert/data.rs"]
mod data;
#[allow(dead_code)]
#[path = "src/convert/flatten.rs"]
mod flatten;

type Pairs = Vec<dat::Entry<'static>>;

fn main() {
    for path in ["build.rs", "src/convert/dat.rs", "src/convert/data.rs", "src/convert/flatten.rs", "data/opencc"] {
        println!("cargo:rerun-if-changed={path}");
    }
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR is set"));
    let mut interned: HashMap<Pairs, usize> = HashMap::new();
    let mut intern = |pairs: Pairs| -> usize {
        if let Some(&i) = interned.get(&pairs) {
            return i;
        }
        let i = interned.len();
        let (words, text) = dat::build(&pairs);
        let big = std::env::var("CARGO_CFG_TARGET_ENDIAN").is_ok_and(|e| e == "big");
        let bytes: Vec<u8> = words.iter().flat_map(|w| if big { w.to_be_bytes() } else { w.to_le_bytes() }).collect();
        std::fs::write(out.join(format!("trie{i}.bin")), bytes).unwrap();
        std::fs::write(out.join(format!("values{i}.txt")), text).unwrap();
        interned.insert(pairs, i);
        i
    };

    let mut plans = String::new();
    for config in data::CONFIGS {
        plans.push_str("    [\n");
        for include_tofu in [false, true] {
            plans.push_str("        &[\n");
            for stage in config.stages {
                let seg = stage.segmentation.as_ref().and_then(|d| flatten::flatten(d, include_tofu));
                let mut chain: Vec<Pairs> =
                    stage.chain.iter().filter_map(|d| flatten::flatten(d, include_tofu)).collect();
                let fused = match (&seg, chain.first_mut()) {
                    (Some(seg), Some(first)) => fuse(seg, first),
                    _ => false,
                };
                let seg = if fused { FUSED as usize } else { seg.map_or(u16::MAX as usize, &mut intern) };
                let chain: Vec<String> = chain.into_iter().map(|p| intern(p).to_string()).collect();
                writeln!(plans, "            ({seg}, &[{}]),", chain.join(", ")).unwrap();
            }
            plans.push_str("        ],\n");
        }
        writeln!(plans, "    ], // {}", config.name).unwrap();
    }

    let count = interned.len();
    let mut code = String::new();
    code.push_str(
        "/// Bytes aligned for reading as `u32` words.\n\
         #[repr(C, align(4))]\n\
         pub(super) struct Aligned<B: ?Sized>(pub(super) B);\n\n",
    );
    writeln!(code, "/// The tries (`dat.rs` layout) and their value texts, by index.").unwrap();
    writeln!(code, "pub(super) static AUTOMATA: [(&Aligned<[u8]>, &str); {count}] = [").unwrap();
    for i in 0..count {
        writeln!(
            code,
            "    (&Aligned(*include_bytes!(concat!(env!(\"OUT_DIR\"), \"/trie{i}.bin\"))), \
             include_str!(concat!(env!(\"OUT_DIR\"), \"/values{i}.txt\"))),"
        )
        .unwrap();
    }
    code.push_str("];\n\n");
    code.push_str(
        "/// Per configuration (in `CONFIGS` order), per tofu-risk setting (skip,\n\
         /// include): the stages, as (segmentation trie, or `u16::MAX` for none,\n\
         /// or `FUSED` when the first conversion step segments, conversion\n\
         /// chain tries).\n",
    );
    writeln!(code, "pub(super) static PLANS: [[&[(u16, &[u16])]; 2]; {}] = [", data::CONFIGS.len()).unwrap();
    code.push_str(&plans);
    code.push_str("];\n");
    writeln!(code, "pub(super) const FUSED: u16 = {FUSED};").unwrap();
    std::fs::write(out.join("opencc_compiled.rs"), code).unwrap();
}

/// Marks a stage whose first step does the segmentation.
const FUSED: u16 = u16::MAX - 1;

/// Whether the first conversion step `first` can do the segmentation with
/// `seg` (see `Stage::fused` in `src/convert/engine.rs`): every
/// segmentation key is a key of the step, and the step's other keys are
/// single characters. If so, marks the step's segmentation keys.
fn fuse(seg: &Pairs, first: &mut Pairs) -> bool {
    let seg_keys: std::collections::HashSet<&str> = seg.iter().map(|e| e.0).collect();
    let first_keys: std::collections::HashSet<&str> = first.iter().map(|e| e.0).collect();
    let fits = seg_keys.iter().all(|k| first_keys.contains(k))
        && first.iter().all(|e| seg_keys.contains(e.0) || e.0.chars().count() == 1);
    if fits {
        for entry in first.iter_mut() {
            if seg_keys.contains(entry.0) {
                entry.2 |= dat::SEGMENT;
            }
        }
    }
    fits
}
