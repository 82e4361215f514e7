//! Compiles OpenCC's dictionaries (`data/opencc/*.txt`) into the tries
//! that `zhnorm::convert` reads in place at run time: for every built-in
//! configuration, with and without the tofu-risk dictionaries, each
//! segmentation and conversion dictionary is flattened into one key set
//! (`src/convert/flatten.rs`) and built into a double-array trie
//! (`src/convert/dat.rs`), written into `OUT_DIR`. Identical key sets are
//! compiled once. Stages with segmentation and two conversion steps get
//! one more trie, for converting in a single walk (`src/convert/fuse.rs`);
//! those of stages with the same segmentation share one double array
//! (`dat::build_shared`).

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
#[allow(dead_code)]
#[path = "src/convert/fuse.rs"]
mod fuse;

type Pairs = Vec<dat::Entry<'static>>;

fn main() {
    for path in [
        "build.rs",
        "src/convert/dat.rs",
        "src/convert/data.rs",
        "src/convert/flatten.rs",
        "src/convert/fuse.rs",
        "data/opencc",
    ] {
        println!("cargo:rerun-if-changed={path}");
    }
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR is set"));
    let mut tries = Tries::default();
    // The single-walk tries of the stages with the same segmentation share
    // their double array: their keys differ only in a few preimages.
    let mut walk_groups: HashMap<Pairs, usize> = HashMap::new();
    let mut contexts: HashMap<usize, Vec<(String, String, String)>> = HashMap::new();
    let mut plans = String::new();
    for config in data::CONFIGS {
        plans.push_str("    [\n");
        for include_tofu in [false, true] {
            plans.push_str("        &[\n");
            for stage in config.stages {
                let seg = stage.segmentation.as_ref().and_then(|d| flatten::flatten(d, include_tofu));
                let chain: Vec<Pairs> = stage.chain.iter().filter_map(|d| flatten::flatten(d, include_tofu)).collect();
                let walk = match (&seg, chain.as_slice()) {
                    (Some(seg), [step1, step2]) => {
                        let walk = fuse::single_walk(seg, step1, step2);
                        let owned = Vec::leak(walk.entries);
                        let group = *walk_groups.entry(seg.clone()).or_insert_with(|| tries.new_group());
                        let pairs = owned.iter().map(|(k, v, flags)| (k.as_str(), v.as_str(), *flags)).collect();
                        let i = tries.intern(pairs, Some(group));
                        contexts.insert(i, walk.contexts);
                        i
                    }
                    _ => u16::MAX as usize,
                };
                // The single-walk trie marks the segmentation keys, so it
                // segments the step-by-step conversion too.
                let seg = match seg {
                    Some(_) if walk != u16::MAX as usize => WALK_KEYS as usize,
                    seg => seg.map_or(u16::MAX as usize, |p| tries.intern(p, None)),
                };
                let chain: Vec<String> = chain.into_iter().map(|p| tries.intern(p, None).to_string()).collect();
                writeln!(plans, "            ({seg}, &[{}], {walk}),", chain.join(", ")).unwrap();
            }
            plans.push_str("        ],\n");
        }
        writeln!(plans, "    ], // {}", config.name).unwrap();
    }

    let count = tries.list.len();
    let big = std::env::var("CARGO_CFG_TARGET_ENDIAN").is_ok_and(|e| e == "big");
    let write_words = |name: String, words: &[u32]| -> usize {
        let bytes: Vec<u8> = words.iter().flat_map(|w| if big { w.to_be_bytes() } else { w.to_le_bytes() }).collect();
        std::fs::write(out.join(name), &bytes).unwrap();
        bytes.len()
    };
    let mut code = String::new();
    code.push_str(
        "/// Bytes aligned for reading as `u32` words.\n\
         #[repr(C, align(4))]\n\
         pub(super) struct Aligned<B: ?Sized>(pub(super) B);\n\n",
    );
    let mut group_of = vec![0; count];
    for group in 0..tries.groups {
        let members: Vec<usize> = (0..count).filter(|&i| tries.list[i].1 == group).collect();
        let sets: Vec<&[dat::Entry<'static>]> = members.iter().map(|&i| tries.list[i].0.as_slice()).collect();
        let (shared, tables) = dat::build_shared(&sets);
        let len = write_words(format!("shared{group}.bin"), &shared);
        writeln!(
            code,
            "static SHARED{group}: Aligned<[u8; {len}]> = \
             Aligned(*include_bytes!(concat!(env!(\"OUT_DIR\"), \"/shared{group}.bin\")));"
        )
        .unwrap();
        for (&i, (words, text)) in members.iter().zip(tables) {
            write_words(format!("tables{i}.bin"), &words);
            std::fs::write(out.join(format!("values{i}.txt")), text).unwrap();
            group_of[i] = group;
        }
    }
    writeln!(code, "\n/// The tries (`dat.rs` layout): their tables and double arrays, and value texts, by index.")
        .unwrap();
    writeln!(code, "pub(super) static AUTOMATA: [(&Aligned<[u8]>, &Aligned<[u8]>, &str); {count}] = [").unwrap();
    for (i, group) in group_of.iter().enumerate() {
        writeln!(
            code,
            "    (&Aligned(*include_bytes!(concat!(env!(\"OUT_DIR\"), \"/tables{i}.bin\"))), &SHARED{group}, \
             include_str!(concat!(env!(\"OUT_DIR\"), \"/values{i}.txt\"))),"
        )
        .unwrap();
    }
    code.push_str("];\n\n");
    code.push_str(
        "/// Per configuration (in `CONFIGS` order), per tofu-risk setting (skip,\n\
         /// include): the stages, as (segmentation trie, or `u16::MAX` for none,\n\
         /// or `WALK_KEYS` for the single-walk trie's segmentation keys, conversion\n\
         /// chain tries, single-walk trie or `u16::MAX` for none).\n",
    );
    writeln!(code, "pub(super) static PLANS: [[&[(u16, &[u16], u16)]; 2]; {}] = [", data::CONFIGS.len()).unwrap();
    code.push_str(&plans);
    code.push_str("];\n");
    writeln!(code, "pub(super) const WALK_KEYS: u16 = {WALK_KEYS};").unwrap();
    code.push_str(
        "\n/// Per trie, for a single-walk trie: its unsafe events, sorted, with the\n\
         /// characters before and after them that make them overlap (`fuse.rs`).\n",
    );
    writeln!(code, "pub(super) static CONTEXTS: [&[(&str, &str, &str)]; {count}] = [").unwrap();
    for i in 0..count {
        code.push_str("    &[");
        for (key, before, after) in contexts.get(&i).into_iter().flatten() {
            write!(code, "({key:?}, {before:?}, {after:?}), ").unwrap();
        }
        code.push_str("],\n");
    }
    code.push_str("];\n");
    std::fs::write(out.join("opencc_compiled.rs"), code).unwrap();
}

/// Marks a stage segmented by its single-walk trie's segmentation keys.
const WALK_KEYS: u16 = u16::MAX - 1;

/// The tries to compile, each with the group whose double array it shares.
#[derive(Default)]
struct Tries {
    list: Vec<(Pairs, usize)>,
    index: HashMap<Pairs, usize>,
    groups: usize,
}

impl Tries {
    fn new_group(&mut self) -> usize {
        self.groups += 1;
        self.groups - 1
    }

    /// The index of the trie of `pairs` (compiled once), in `group` or in a
    /// group of its own.
    fn intern(&mut self, pairs: Pairs, group: Option<usize>) -> usize {
        if let Some(&i) = self.index.get(&pairs) {
            return i;
        }
        let group = group.unwrap_or_else(|| self.new_group());
        self.list.push((pairs.clone(), group));
        self.index.insert(pairs, self.list.len() - 1);
        self.list.len() - 1
    }
}
