//! The clean stage on arbitrary UTF-8, with options from the first byte:
//! no panic, no line break added or removed, and with only the glosses to
//! remove, the output is the input with pieces taken out (and the input
//! itself when it has no parenthesis). Cleaning line by line gives what
//! cleaning the whole gives, but in `auto` mode, which decides as the text
//! goes and sees a lesson on two readings only in one piece (crate docs,
//! Known problems).
#![no_main]

use libfuzzer_sys::fuzz_target;
use zhnorm::clean::{CleanOptions, Cleaner, GlossMode};

fn is_subsequence(short: &str, long: &str) -> bool {
    let mut long = long.chars();
    short.chars().all(|c| long.any(|d| d == c))
}

fuzz_target!(|input: (u8, &str)| {
    let (choice, text) = input;
    let options = CleanOptions {
        glosses: [GlossMode::Auto, GlossMode::Strip, GlossMode::Keep][usize::from(choice % 3)],
        compat_ideographs: choice & 0x10 != 0,
        zero_width: choice & 0x20 != 0,
        fullwidth_ascii: choice & 0x40 != 0,
    };
    let mut cleaner = Cleaner::new(options);
    let mut damage = Vec::new();
    // Line by line, as the pipeline's blocks come, then whole.
    let mut by_lines = String::new();
    for line in text.split_inclusive('\n') {
        by_lines.push_str(&cleaner.clean(line, &[], &mut damage));
    }
    let cleaned = Cleaner::new(options).clean(text, &[], &mut Vec::new()).into_owned();
    let lines = |text: &str| text.bytes().filter(|&b| b == b'\n').count();
    assert_eq!(lines(&cleaned), lines(text), "a line break added or removed");
    assert_eq!(lines(&by_lines), lines(text), "a line break added or removed");
    if options.glosses != GlossMode::Auto {
        assert_eq!(by_lines, cleaned, "line by line differs from whole");
    }
    let only_glosses = !(options.compat_ideographs || options.zero_width || options.fullwidth_ascii);
    if only_glosses {
        assert!(is_subsequence(&cleaned, text), "{text:?} -> {cleaned:?}");
        if !text.contains(['(', '（']) {
            assert_eq!(cleaned, text);
        }
    }
});
