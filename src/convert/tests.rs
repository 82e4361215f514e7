use super::*;
use proptest::strategy::Strategy;

fn dict(text: &str) -> Matcher {
    let text: &'static str = Box::leak(text.to_owned().into_boxed_str());
    Matcher::Text(Box::leak(Box::new(TextDict::parse(text))))
}

fn run(stage: &RefStage, text: &str) -> String {
    let mut out = String::new();
    stage.convert(text, &mut out);
    out
}

#[test]
fn text_dict_takes_longest_prefix_and_first_value() {
    let d = dict("# comment\na\tA1 A2\nab\tAB\nabc\tABC\nx\tX\n");
    assert_eq!(d.match_prefix("abd"), Some((2, "AB")));
    assert_eq!(d.match_prefix("abcd"), Some((3, "ABC")));
    assert_eq!(d.match_prefix("a"), Some((1, "A1")));
    assert_eq!(d.match_prefix("b"), None);
    assert_eq!(d.match_prefix(""), None);
}

#[test]
fn text_dict_matches_on_char_boundaries() {
    let d = dict("汉\t漢\n汉字\t漢字\n");
    assert_eq!(d.match_prefix("汉字们"), Some(("汉字".len(), "漢字")));
    assert_eq!(d.match_prefix("汉子"), Some(("汉".len(), "漢")));
}

#[test]
fn short_circuit_stops_at_first_matching_member() {
    let g = Matcher::ShortCircuit(vec![dict("a\tX\n"), dict("ab\tY\n")]);
    assert_eq!(g.match_prefix("ab"), Some((1, "X")));
    assert_eq!(g.match_prefix("b"), None);
}

#[test]
fn union_takes_longest_over_members_first_on_tie() {
    let g = Matcher::Union(vec![dict("a\tX\nq\tQ1\n"), dict("ab\tY\nq\tQ2\n")]);
    assert_eq!(g.match_prefix("ab"), Some((2, "Y")));
    assert_eq!(g.match_prefix("q"), Some((1, "Q1")));
}

#[test]
fn conversion_copies_unmatched_chars() {
    let d = dict("ab\tX\n");
    let mut out = String::new();
    d.convert_segment("zabab-a", &mut out);
    assert_eq!(out, "zXX-a");
}

#[test]
fn segmentation_keeps_matches_and_groups_unmatched_runs() {
    // The chain's phrase "bc" may not span the segment boundary after the
    // segmentation key "ab", but may match inside an unmatched run.
    let stage = RefStage { segmentation: Some(dict("ab\t-\n")), chain: vec![dict("bc\tBC\nab\tAB\nxy\tXY\n")] };
    assert_eq!(run(&stage, "abc"), "ABc");
    assert_eq!(run(&stage, "xyab"), "XYAB");
    assert_eq!(run(&stage, "bcxy"), "BCXY");
}

#[test]
fn chain_steps_keep_segment_boundaries() {
    let stage = RefStage {
        segmentation: Some(dict("ab\t-\ncd\t-\n")),
        chain: vec![dict("a\t1\n"), dict("1bc\tNO\n1b\tYES\n")],
    };
    assert_eq!(run(&stage, "abcd"), "YEScd");
    let whole = RefStage { segmentation: None, chain: stage.chain };
    assert_eq!(run(&whole, "abcd"), "NOd");
}

#[test]
fn unknown_name_is_an_error() {
    let err = Converter::builtin("s2x").unwrap_err();
    assert!(matches!(err, crate::Error::UnknownConversion(ref n) if n == "s2x"));
    assert!(Converter::builtin("s2t.json").is_ok());
}

#[test]
fn every_builtin_loads_and_converts() {
    for name in BUILTIN_NAMES {
        let conv = Converter::builtin(name).unwrap();
        assert_eq!(conv.name(), name);
        assert_eq!(conv.convert_to_string("abc 123\n"), "abc 123\n");
    }
    assert_eq!(Converter::builtin("s2t").unwrap().convert_to_string("汉字"), "漢字");
    assert_eq!(Converter::builtin("t2s").unwrap().convert_to_string("漢字"), "汉字");
}

#[test]
fn tofu_risk_dictionaries_are_optional() {
    // TSCharactersExt.txt maps 㒓 to 𠉂; the `opencc` command skips it.
    let skip = Converter::builtin("t2s").unwrap();
    let include = Converter::builtin_with("t2s", TofuRisk::Include).unwrap();
    assert_eq!(skip.convert_to_string("㒓臺灣"), "㒓台湾");
    assert_eq!(include.convert_to_string("㒓臺灣"), "𠉂台湾");
}

#[test]
fn line_blocks_convert_like_whole_text() {
    let text = "香烟盒子里有一只烟头\n我们的计算机软件\n\n头发干了，后台程序\n";
    for name in BUILTIN_NAMES {
        let conv = Converter::builtin(name).unwrap();
        let whole = conv.convert_to_string(text);
        let mut blocks = String::new();
        for line in text.split_inclusive('\n') {
            conv.convert(line, &mut blocks);
        }
        assert_eq!(blocks, whole, "{name}");
    }
}

/// The Rust tables in `data.rs` say what the JSON configurations say.
#[test]
fn config_tables_match_opencc_json() {
    fn json_spec(v: &serde_json::Value) -> String {
        match v["type"].as_str().unwrap() {
            "text" => {
                let file = v["file"].as_str().unwrap().trim_end_matches(".txt");
                match v.get("may_output_tofu") {
                    Some(serde_json::Value::Bool(true)) => format!("tofu:{file}"),
                    None => file.to_owned(),
                    Some(other) => panic!("may_output_tofu: {other}"),
                }
            }
            "group" => {
                let members: Vec<String> = v["dicts"].as_array().unwrap().iter().map(json_spec).collect();
                format!("{}[{}]", v["match_policy"].as_str().unwrap(), members.join(","))
            }
            other => panic!("unsupported dict type {other}"),
        }
    }
    fn rust_spec(s: &Spec) -> String {
        let group = |policy: &str, members: &[Spec]| {
            let m: Vec<String> = members.iter().map(rust_spec).collect();
            format!("{policy}[{}]", m.join(","))
        };
        match s {
            Spec::Text(id) => data::DICT_NAMES[*id as usize].to_owned(),
            Spec::TofuRisk(id) => format!("tofu:{}", data::DICT_NAMES[*id as usize]),
            Spec::Union(m) => group("union", m),
            Spec::ShortCircuit(m) => group("short_circuit", m),
        }
    }
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/data/opencc/config");
    assert_eq!(CONFIGS.len(), BUILTIN_NAMES.len());
    for (config, name) in CONFIGS.iter().zip(BUILTIN_NAMES) {
        assert_eq!(config.name, name);
        let path = format!("{dir}/{name}.json");
        let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let mut expected = Vec::new();
        for key in json.as_object().unwrap().keys() {
            assert!(
                ["name", "normalization", "segmentation", "conversion_chain"].contains(&key.as_str()),
                "{path}: unsupported key {key}"
            );
        }
        if let Some(norm) = json.get("normalization") {
            let chain: Vec<String> = norm.as_array().unwrap().iter().map(|s| json_spec(&s["dict"])).collect();
            expected.push(format!("-|{}", chain.join(">")));
        }
        let seg = match json.get("segmentation") {
            Some(s) => {
                assert_eq!(s["type"], "mmseg");
                json_spec(&s["dict"])
            }
            None => "-".to_owned(),
        };
        let chain: Vec<String> =
            json["conversion_chain"].as_array().unwrap().iter().map(|s| json_spec(&s["dict"])).collect();
        expected.push(format!("{seg}|{}", chain.join(">")));
        let actual: Vec<String> = config
            .stages
            .iter()
            .map(|st| {
                let seg = st.segmentation.as_ref().map_or("-".to_owned(), rust_spec);
                let chain: Vec<String> = st.chain.iter().map(rust_spec).collect();
                format!("{seg}|{}", chain.join(">"))
            })
            .collect();
        assert_eq!(actual, expected, "{name}");
    }
}

/// The compiled automata (flattened groups, leftmost-longest search) give
/// what the reference matchers give, for every configuration, on text made
/// of dictionary keys and pieces of them.
#[test]
fn compiled_engine_matches_reference_engine() {
    let mut text = String::new();
    let mut n = 0usize;
    for id in configs_dict_ids() {
        for line in data::dict_text(id).lines().filter(|l| !l.starts_with('#')) {
            n += 1;
            if n % 23 != 0 {
                continue;
            }
            let key = line.split('\t').next().unwrap_or("");
            match n % 5 {
                0 => text.extend(key.chars().skip(1)),
                1 => text.push_str(line.split(['\t', ' ']).nth(1).unwrap_or("")),
                _ => text.push_str(key),
            }
            if n % 11 == 0 {
                text.push('\n');
            }
        }
    }
    for (config, name) in CONFIGS.iter().zip(BUILTIN_NAMES) {
        for tofu in [TofuRisk::Skip, TofuRisk::Include] {
            let stages: Vec<RefStage> = config
                .stages
                .iter()
                .map(|s| RefStage {
                    segmentation: s.segmentation.as_ref().and_then(|d| Matcher::build(d, tofu)),
                    chain: s.chain.iter().filter_map(|d| Matcher::build(d, tofu)).collect(),
                })
                .collect();
            let mut expected = text.clone();
            for stage in &stages {
                expected = run(stage, &expected);
            }
            let got = Converter::builtin_with(name, tofu).unwrap().convert_to_string(&text);
            if got != expected {
                let (e, g) = expected.lines().zip(got.lines()).find(|(e, g)| e != g).unwrap_or_default();
                panic!("{name} {tofu:?}:\nreference: {e}\n compiled: {g}");
            }
        }
    }
}

/// Every dictionary the configurations use, in [`data::DictId`] order.
fn configs_dict_ids() -> Vec<data::DictId> {
    fn walk(spec: &Spec, ids: &mut Vec<data::DictId>) {
        match spec {
            Spec::Text(id) | Spec::TofuRisk(id) => ids.push(*id),
            Spec::Union(members) | Spec::ShortCircuit(members) => members.iter().for_each(|m| walk(m, ids)),
        }
    }
    let mut ids = Vec::new();
    for stage in CONFIGS.iter().flat_map(|config| config.stages) {
        stage.segmentation.iter().chain(stage.chain).for_each(|spec| walk(spec, &mut ids));
    }
    ids.sort_by_key(|&id| id as usize);
    ids.dedup();
    ids
}

#[test]
fn double_array_trie_takes_longest_key_and_first_of_repeated_keys() {
    use super::engine::{Dat, Longest, Names};
    let entries =
        [("ab", "X", 0), ("a", "Y", 1), ("abc", "Z", 2), ("ab", "W", 3), ("汉字", "漢字", 4), ("𠀀", "4B", 5)];
    let (words, text) = dat::build(&entries);
    let trie = Dat::new(&words, &text, Names::File("test"));
    let (mut out, mut changes) = (String::new(), 0);
    trie.convert_segment("abcabxab汉字𠀀a汉", &mut out, &mut changes, &mut ());
    assert_eq!(out, "ZXxX漢字4BY汉");
    assert_eq!(changes, 3 + 2 + 2 + 1 + 2 + 1, "abc, ab, ab (deleted characters count), 汉 of 汉字, 𠀀, a");
}

#[test]
fn keys_that_start_with_ascii_are_found_at_any_place_in_a_long_ascii_run() {
    use super::engine::{Dat, Longest, Names};
    // ASCII runs are skipped eight bytes at a time unless a byte is in the
    // range of the keys' ASCII first bytes, here B to Q (A and R are not).
    let entries = [("Bx", "1", 0), ("Q", "2", 1), ("汉", "漢", 2)];
    let (words, text) = dat::build(&entries);
    let trie = Dat::new(&words, &text, Names::File("test"));
    for pad in 0..20 {
        let (a, c) = ("a".repeat(pad), "c".repeat(pad / 2));
        let input = format!("{a}Bx{c}ByAQ{a}R汉{c}");
        let (mut out, mut changes) = (String::new(), 0);
        trie.convert_segment(&input, &mut out, &mut changes, &mut ());
        assert_eq!(out, format!("{a}1{c}ByA2{a}R漢{c}"), "{input}");
    }
}

#[test]
fn the_byte_walk_never_matches_part_of_a_character() {
    use super::engine::{Dat, Longest, Names};
    // 汇 汈 汉 汊 are E6 B1 87/88/89/8A and 字 子 are E5 AD 97/90: keys and
    // text share every byte but the last, so a walk on bytes that stopped
    // at a shared prefix would cut a character or take the wrong key.
    let entries = [("汉", "漢", 0), ("汇", "匯", 1), ("汉字", "漢字!", 2), ("汊子", "X", 3)];
    let (words, text) = dat::build(&entries);
    let trie = Dat::new(&words, &text, Names::File("test"));
    for (input, expected) in [
        ("汈", "汈"),
        ("汉汈汇汊", "漢汈匯汊"),
        ("汉子", "漢子"),
        ("汉字", "漢字!"),
        ("汊字", "汊字"),
        ("汊子汉字", "X漢字!"),
        ("a汈b汉", "a汈b漢"),
    ] {
        let (mut out, mut changes) = (String::new(), 0);
        trie.convert_segment(input, &mut out, &mut changes, &mut ());
        assert_eq!(out, expected, "{input}");
    }
}

/// Checks that the double-array trie of `keys` (each with a value of its
/// own; a repeated key keeps its first) converts each of `probes` as the
/// reference matcher does: it finds every key, the longest at each place,
/// and nothing that is not a key.
fn assert_trie_matches_reference(keys: &[String], probes: &[String]) {
    use super::engine::{Dat, Longest, Names};
    let text: String = keys.iter().enumerate().map(|(i, key)| format!("{key}\t<{i}>\n")).collect();
    let reference = dict(&text);
    let entries: Vec<dat::Entry<'_>> =
        dat::parse_text(&text).unwrap().into_iter().map(|(_, key, value)| (key, value, 0)).collect();
    let (words, values) = dat::build(&entries);
    let trie = Dat::new(&words, &values, Names::File("test"));
    for probe in probes {
        let (mut out, mut expected, mut changes) = (String::new(), String::new(), 0);
        trie.convert_segment(probe, &mut out, &mut changes, &mut ());
        reference.convert_segment(probe, &mut expected);
        assert_eq!(out, expected, "{probe:?}");
    }
}

/// Each key alone, with one more character, and without its last.
fn probes_around(keys: &[String], more: char) -> Vec<String> {
    keys.iter()
        .flat_map(|key| {
            let mut shorter = key.clone();
            shorter.pop();
            [key.clone(), format!("{key}{more}"), shorter]
        })
        .collect()
}

#[test]
fn a_trie_of_many_random_han_keys_finds_each_key_and_no_other() {
    // 20,000 keys of 2 to 6 characters from the whole CJK Unified
    // Ideographs block, from a fixed xorshift sequence: wide nodes (up to
    // 64 children) at every character's second and third byte, as in a
    // large user dictionary.
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = |n: u32| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % u64::from(n)) as u32
    };
    let mut han = || char::from_u32(0x4E00 + next(0x9FFF - 0x4E00 + 1)).unwrap();
    let keys: Vec<String> = (0..20_000)
        .map(|_| {
            let len = 2 + (han() as u32 % 5);
            (0..len).map(|_| han()).collect()
        })
        .collect();
    assert_trie_matches_reference(&keys, &probes_around(&keys, '一'));
}

/// Characters of the generated keys: one to four UTF-8 bytes, and Han
/// ones that share all bytes but the last (汉 汊 汇 汈: E6 B1 xx) or only
/// the first, so that nodes of every width are placed.
const KEY_CHARS: &[char] = &['a', 'b', 'é', 'ж', '汉', '汊', '汇', '汈', '字', '子', '一', '龥', '𠀀', '𠀁'];

proptest::proptest! {
    #[test]
    fn a_trie_finds_exactly_its_keys(
        keys in proptest::collection::vec(
            proptest::collection::vec(proptest::sample::select(KEY_CHARS), 1..5)
                .prop_map(|chars| chars.into_iter().collect::<String>()),
            1..120,
        ),
        texts in proptest::collection::vec(
            proptest::collection::vec(proptest::sample::select(KEY_CHARS), 0..12)
                .prop_map(|chars| chars.into_iter().collect::<String>()),
            0..8,
        ),
    ) {
        let mut probes = probes_around(&keys, '子');
        probes.extend(texts);
        assert_trie_matches_reference(&keys, &probes);
    }
}

#[test]
fn changed_characters_are_counted_in_place_or_between_the_parts_that_stay() {
    assert_eq!(dat::changed("头发", "頭髮"), 2);
    assert_eq!(dat::changed("发展", "發展"), 1);
    assert_eq!(dat::changed("中文", "中文"), 0);
    assert_eq!(dat::changed("U盘", "隨身碟"), 3);
    assert_eq!(dat::changed("买了U盘。", "買了隨身碟。"), 4);
    assert_eq!(dat::changed("鼠标和U盘", "滑鼠和隨身碟"), 5);
    assert_eq!(dat::changed("软件工程", "軟體工程"), 2);
    assert_eq!(dat::changed("ab", ""), 2, "deleted");
}

#[test]
fn a_conversion_counts_the_characters_it_changed() {
    let count = |config: &str, text: &str| {
        let mut out = String::new();
        let changes = Converter::builtin(config).unwrap().convert(text, &mut out);
        (out, changes)
    };
    assert_eq!(count("s2t", "头发和发展\n"), ("頭髮和發展\n".into(), 3));
    assert_eq!(count("t2s", "頭髮\n"), ("头发\n".into(), 2));
    assert_eq!(count("s2t", "English only\n"), ("English only\n".into(), 0));
    // One segment, in which U盘 becomes three characters.
    assert_eq!(count("s2twp", "鼠标和U盘\n"), ("滑鼠和隨身碟\n".into(), 5));
}

#[test]
fn a_chain_counts_what_a_comparison_of_each_line_finds() {
    let cases = [
        ("s2twp", "English words 这里\nmore English 的软件\n里面\nplain\n鼠标和U盘\n头发 and 里\n"),
        // One segment over several lines, the second step changing the middle one.
        ("s2twp", "头\n里\n发\n"),
        ("tw2sp", "Some text 使用者名稱\n裡面的軟體\nplain line\n滑鼠和隨身碟\n頭髮\n"),
    ];
    for (config, text) in cases {
        let mut out = String::new();
        let changes = Converter::builtin(config).unwrap().convert(text, &mut out);
        assert_ne!(out, text);
        assert_eq!(changes, dat::changed(text, &out) as u64, "{config}: {text:?} -> {out:?}");
    }
}

#[test]
fn a_character_changed_by_two_steps_of_a_chain_counts_once() {
    // s2twp: 里 → 裏 (STCharacters) → 裡 (TWVariants); 软件 → 軟件 → 軟體.
    let mut out = String::new();
    let changes = Converter::builtin("s2twp").unwrap().convert("这里的软件\n", &mut out);
    assert_eq!(out, "這裡的軟體\n");
    assert_eq!(changes, 4);
}

/// A configuration written to a temporary folder with its dictionaries.
fn custom(json: &str, dicts: &[(&str, &str)]) -> Converter {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in dicts {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let path = dir.path().join("c.json");
    std::fs::write(&path, json).unwrap();
    Converter::from_config_file(&path, TofuRisk::Skip).unwrap()
}

const A: (&str, &str) = ("a.txt", "a\tX\nab\tY\nq\tQ1\n");
const B: (&str, &str) = ("b.txt", "ab\tZ\nabc\tW\nq\tQ2\nb\tB\n");

#[test]
fn custom_group_policies_short_circuit_and_union() {
    let group = |policy: &str| {
        format!(
            r#"{{"conversion_chain": [{{"dict": {{"type": "group", {policy} "dicts": [
                {{"type": "text", "file": "a.txt"}}, {{"type": "text", "file": "b.txt"}}]}}}}]}}"#
        )
    };
    // short_circuit (also the default): a.txt answers wherever it matches.
    let sc = custom(&group(r#""match_policy": "short_circuit","#), &[A, B]);
    assert_eq!(sc.convert_to_string("abc q b"), "Yc Q1 B");
    assert_eq!(custom(&group(""), &[A, B]).convert_to_string("abc q b"), "Yc Q1 B");
    // union: the longest of both; a.txt wins a tie.
    let union = custom(&group(r#""match_policy": "union","#), &[A, B]);
    assert_eq!(union.convert_to_string("abc q b"), "W Q1 B");
}

#[test]
fn custom_segmentation_keeps_steps_inside_segments() {
    // Segments: "ab" (a key), then the run "c"; the step's "bc" may not
    // cross from one into the other, and chain steps keep the segments.
    let json = r#"{"segmentation": {"type": "mmseg", "dict": {"type": "text", "file": "seg.txt"}},
        "conversion_chain": [{"dict": {"type": "text", "file": "one.txt"}}, {"dict": {"type": "text", "file": "two.txt"}}]}"#;
    let conv =
        custom(json, &[("seg.txt", "ab\t-\n"), ("one.txt", "bc\tBC\na\t1\n"), ("two.txt", "1bc\tNO\n1b\tYES\n")]);
    assert_eq!(conv.convert_to_string("abc"), "YESc");
    let unsegmented = r#"{"conversion_chain": [{"dict": {"type": "text", "file": "one.txt"}}, {"dict": {"type": "text", "file": "two.txt"}}]}"#;
    let conv = custom(unsegmented, &[("one.txt", "bc\tBC\na\t1\n"), ("two.txt", "1bc\tNO\n1b\tYES\n")]);
    assert_eq!(conv.convert_to_string("abc"), "1BC");
}

#[test]
fn custom_normalization_runs_first_and_tofu_risk_dictionaries_are_left_out() {
    let json = r#"{"normalization": [{"dict": {"type": "text", "file": "n.txt"}}],
        "conversion_chain": [{"dict": {"type": "group", "dicts": [
            {"type": "text", "file": "t.txt", "may_output_tofu": true}, {"type": "text", "file": "a.txt"}]}}]}"#;
    let conv = custom(json, &[("n.txt", "x\ta\n"), ("t.txt", "a\tTOFU\n"), A]);
    assert_eq!(conv.convert_to_string("xbq"), "YQ1");
}

#[test]
fn custom_configs_with_japanese_dictionaries_are_for_japanese_text() {
    let japanese =
        custom(r#"{"conversion_chain": [{"dict": {"type": "ocd2", "file": "JPShinjitaiCharacters.ocd2"}}]}"#, &[]);
    assert!(japanese.is_for_japanese());
    let chinese = custom(r#"{"conversion_chain": [{"dict": {"type": "ocd2", "file": "STCharacters.ocd2"}}]}"#, &[]);
    assert!(!chinese.is_for_japanese());
    assert!(Converter::builtin("jp2t").unwrap().is_for_japanese());
    assert!(!Converter::builtin("s2t").unwrap().is_for_japanese());
    // --dict keeps what the configuration is for.
    let dir = tempfile::tempdir().unwrap();
    let mine = dir.path().join("mine.txt");
    std::fs::write(&mine, "会社	會社\n").unwrap();
    assert!(japanese.with_dictionaries(std::slice::from_ref(&mine)).unwrap().is_for_japanese());
}

#[test]
fn user_dictionaries_join_the_segmentation_and_first_step_of_every_builtin() {
    // For each configuration, --dict equals a configuration whose
    // segmentation and first step are union groups led by the user's file.
    let dir = tempfile::tempdir().unwrap();
    let mine = dir.path().join("mine.txt");
    std::fs::write(&mine, "鼠标\t滑鼠\n头发\t头发\n发干\tFG\n裏面\tLM\n").unwrap();
    let text = "鼠标里面的头发干了，裏面的头发夹\n";
    for (config, name) in CONFIGS.iter().zip(BUILTIN_NAMES) {
        let with_dict = Converter::builtin(name).unwrap().with_dictionaries(std::slice::from_ref(&mine)).unwrap();
        let stages: Vec<RefStage> = config
            .stages
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let mut seg = s.segmentation.as_ref().and_then(|d| Matcher::build(d, TofuRisk::Skip));
                let mut chain: Vec<Matcher> =
                    s.chain.iter().filter_map(|d| Matcher::build(d, TofuRisk::Skip)).collect();
                if i + 1 == config.stages.len() {
                    let user = || dict("鼠标\t滑鼠\n头发\t头发\n发干\tFG\n裏面\tLM\n");
                    seg = seg.map(|s| Matcher::Union(vec![user(), s]));
                    let first = chain.remove(0);
                    chain.insert(0, Matcher::Union(vec![user(), first]));
                }
                RefStage { segmentation: seg, chain }
            })
            .collect();
        let mut expected = text.to_owned();
        for stage in &stages {
            expected = run(stage, &expected);
        }
        assert_eq!(with_dict.convert_to_string(text), expected, "{name}");
    }
}

/// A trace that records nothing but makes a stage convert step by step.
struct StepByStep;

impl Trace for StepByStep {
    const ON: bool = true;
    fn stage(&mut self, _: &str) {}
    fn segment(&mut self, _: usize, _: usize) {}
    fn hit(&mut self, _: &str, _: usize, _: &str, _: &str, _: &str) {}
}

/// The single walk (`fuse.rs`) converts as the step-by-step conversion
/// does: every key of every single-walk dictionary, on its own line, then
/// all of them run together, and random strings of their characters with
/// characters in no key between them.
#[test]
fn single_walk_converts_as_the_steps_do() {
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut random = move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    let mut walks = 0;
    for (config, name) in CONFIGS.iter().zip(BUILTIN_NAMES) {
        for tofu in [TofuRisk::Skip, TofuRisk::Include] {
            let stage = config.stages.last().unwrap();
            let include = tofu == TofuRisk::Include;
            let seg = stage.segmentation.as_ref().and_then(|d| flatten::flatten(d, include));
            let chain: Vec<_> = stage.chain.iter().filter_map(|d| flatten::flatten(d, include)).collect();
            let (Some(seg), [step1, step2]) = (seg, chain.as_slice()) else { continue };
            walks += 1;
            let walk = fuse::single_walk(&seg, step1, step2);
            let entries = walk.entries;
            let keys: Vec<&str> = entries.iter().map(|e| e.0.as_str()).collect();
            let chars: Vec<char> = keys.iter().flat_map(|k| k.chars()).collect();
            let mut text = keys.join("\n");
            text.push('\n');
            text.extend(keys.iter().copied());
            // Unsafe events beside the characters that may make them
            // overlap, and inside the second step's keys that overlap their
            // values.
            for (key, before, after) in &walk.contexts {
                for c in before.chars().chain(after.chars()) {
                    text.extend(['\n', c]);
                    text.push_str(key);
                    text.push(c);
                }
            }
            let values = fuse::Table::new(step1);
            for (key, _, flags) in &entries {
                if flags & fuse::UNSAFE == 0 {
                    continue;
                }
                let value: Vec<char> = values.convert(key).chars().collect();
                for (long, _, _) in step2.iter().filter(|e| e.0.chars().count() > 1) {
                    let long: Vec<char> = long.chars().collect();
                    for d in 1 - long.len() as isize..value.len() as isize {
                        let inside = |j: usize| (0..value.len() as isize).contains(&(d + j as isize));
                        if (0..long.len()).all(|j| !inside(j) || value[(d + j as isize) as usize] == long[j]) {
                            text.push('\n');
                            text.extend(long.iter().enumerate().take_while(|&(j, _)| !inside(j)).map(|(_, c)| c));
                            text.push_str(key);
                            text.extend(
                                long.iter()
                                    .enumerate()
                                    .skip_while(|&(j, _)| !inside(j))
                                    .filter(|&(j, _)| !inside(j))
                                    .map(|(_, c)| c),
                            );
                        }
                    }
                }
            }
            for _ in 0..20_000 {
                text.push(['\n', '，', ' ', 'x'][random(4)]);
                for _ in 0..1 + random(12) {
                    match random(4) {
                        0 => text.push_str(keys[random(keys.len())]),
                        _ => text.push(chars[random(chars.len())]),
                    }
                }
            }
            let conv = Converter::builtin_with(name, tofu).unwrap();
            #[allow(irrefutable_let_patterns)] // not without the opencc feature
            let Implementation::Zhnorm(stages) = &conv.implementation
            else {
                unreachable!()
            };
            let walked = conv.convert_to_string(&text);
            let mut stepped = String::new();
            convert_in_stages(stages, &text, &mut stepped, &mut StepByStep);
            if walked != stepped {
                let (s, w) = stepped.lines().zip(walked.lines()).find(|(s, w)| s != w).unwrap_or_default();
                panic!("{name} {tofu:?}:\nstep by step: {s}\n single walk: {w}");
            }
        }
    }
    assert_eq!(walks, 16, "s2tw, tw2s, s2twp, tw2sp, s2hk, hk2s, s2hkp, hk2sp, with and without tofu");
}
