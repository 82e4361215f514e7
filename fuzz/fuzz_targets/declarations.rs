//! The charset-declaration scanners on arbitrary bytes (the head of a file
//! in some ASCII-compatible charset): no panic, and what they name agrees.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zhnorm::detect::{declared, unclean_declaration};

fuzz_target!(|bytes: &[u8]| {
    let named = declared::declared(bytes);
    // Nothing declared gives no kinds of declaration to look for.
    if named.is_none() {
        assert!(unclean_declaration(bytes, true).is_none());
    }
    if let Some(unclean) = unclean_declaration(bytes, true) {
        assert_eq!(Some(unclean), named, "the unclean declaration is the one declared");
    }
    let _ = declared::kinds(bytes);
});
