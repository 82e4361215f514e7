//! Detection of arbitrary bytes: no panic, and what it concludes holds of
//! the bytes (a BOM it found is there, bytes it calls valid UTF-8 are).
#![no_main]

use libfuzzer_sys::fuzz_target;
use zhnorm::detect::{detect, Detection, Method};

fuzz_target!(|bytes: &[u8]| {
    for complete in [true, false] {
        let Detection::Text(charset) = detect(bytes, complete) else { continue };
        assert!(charset.bom_len <= bytes.len());
        match charset.method {
            Method::Bom => {
                let (encoding, bom_len) = encoding_rs::Encoding::for_bom(bytes).expect("a BOM");
                assert_eq!((encoding, bom_len), (charset.encoding, charset.bom_len));
            }
            Method::ValidUtf8 if complete => {
                assert_eq!(charset.encoding, encoding_rs::UTF_8);
                assert!(std::str::from_utf8(bytes).is_ok(), "called valid UTF-8");
            }
            _ => assert_eq!(charset.bom_len, 0, "a BOM only by its method"),
        }
        if charset.mixed_with.is_some() {
            assert_eq!(charset.method, Method::Mixed);
        }
    }
});
