//! The repair stage (hole recovery, then mojibake repair, then the damage
//! scan) on arbitrary UTF-8, as the pipeline runs it: no panic, no line
//! break added or removed, and idempotent: repairing its output again
//! changes nothing more.
#![no_main]

use std::borrow::Cow;

use libfuzzer_sys::fuzz_target;
use zhnorm::repair::{scan_damage, Position, Recoverer, Repairer};

fn repaired(text: &str) -> Cow<'_, str> {
    match Recoverer::default().recover(text) {
        Cow::Borrowed(text) => Repairer::default().repair(text),
        Cow::Owned(recovered) => Cow::Owned(Repairer::default().repair(&recovered).into_owned()),
    }
}

fuzz_target!(|text: &str| {
    let once = repaired(text);
    let lines = |text: &str| text.bytes().filter(|&b| b == b'\n').count();
    assert_eq!(lines(&once), lines(text), "a line break added or removed");
    let twice = repaired(&once);
    assert!(twice == once, "not idempotent:\n{text:?}\n-> {once:?}\n-> {twice:?}");
    let mut position = Position::default();
    let mut damage = Vec::new();
    scan_damage(&once, &mut position, &mut damage);
});
