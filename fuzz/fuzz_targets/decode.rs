//! Decoding arbitrary bytes in one of the charsets detection names, fed in
//! pieces: the pieces never change the result, and the lossless account is
//! honest: lossy decoding that replaced nothing gives what strict decoding
//! gives, and that text encodes back to the bytes (UTF-8, UTF-16) or to
//! bytes that decode to the same text (charsets with several byte forms
//! of a character: GB18030's `€` at 80 and A2E3, Big5's duplicates).
#![no_main]

use encoding_rs::{Encoding, BIG5, EUC_JP, EUC_KR, GB18030, SHIFT_JIS, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252};
use libfuzzer_sys::fuzz_target;
use zhnorm::decode::{Decoder, Malformed};
use zhnorm::Error;

fn decode(encoding: &'static Encoding, pieces: &[&[u8]], lossy: bool) -> (Result<String, Error>, Malformed) {
    let mut decoder = Decoder::new(encoding, 0, lossy);
    let mut out = String::new();
    for piece in pieces {
        if let Err(err) = decoder.feed(piece, false, &mut out) {
            return (Err(err), decoder.malformed());
        }
    }
    let fed = decoder.feed(b"", true, &mut out);
    (fed.map(|()| out), decoder.malformed())
}

fn same_error(a: &Error, b: &Error) -> bool {
    match (a, b) {
        (Error::Malformed { offset: x, .. }, Error::Malformed { offset: y, .. }) => x == y,
        (Error::Truncated { offset: x, .. }, Error::Truncated { offset: y, .. }) => x == y,
        _ => false,
    }
}

/// `text` in `encoding`, and whether every character of it had a place.
fn encoded(encoding: &'static Encoding, text: &str) -> (Vec<u8>, bool) {
    match encoding {
        e if e == UTF_16LE => (text.encode_utf16().flat_map(u16::to_le_bytes).collect(), true),
        e if e == UTF_16BE => (text.encode_utf16().flat_map(u16::to_be_bytes).collect(), true),
        _ => {
            let (bytes, used, unmappable) = encoding.encode(text);
            (bytes.into_owned(), used == encoding && !unmappable)
        }
    }
}

fuzz_target!(|input: &[u8]| {
    let Some((&choice, bytes)) = input.split_first() else { return };
    let encodings = [UTF_8, GB18030, BIG5, UTF_16LE, UTF_16BE, SHIFT_JIS, EUC_KR, EUC_JP, WINDOWS_1252];
    let encoding = encodings[usize::from(choice) % encodings.len()];
    let cut = usize::from(choice >> 4).min(bytes.len());
    let whole = [bytes];
    let mut pieces: Vec<&[u8]> = bytes.chunks(cut.max(1)).collect();
    pieces.insert(0, &bytes[..0]);

    let (strict, _) = decode(encoding, &whole, false);
    let (strict_in_pieces, _) = decode(encoding, &pieces, false);
    match (&strict, &strict_in_pieces) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "pieces changed the text"),
        (Err(a), Err(b)) => assert!(same_error(a, b), "{a:?} in one piece, {b:?} in pieces"),
        _ => panic!("{strict:?} in one piece, {strict_in_pieces:?} in pieces"),
    }
    let (lossy, malformed) = decode(encoding, &whole, true);
    let (lossy_in_pieces, malformed_in_pieces) = decode(encoding, &pieces, true);
    let lossy = lossy.expect("lossy decoding never fails");
    assert_eq!(lossy, lossy_in_pieces.expect("lossy decoding never fails"));
    assert_eq!(malformed, malformed_in_pieces);

    match &strict {
        Ok(text) => {
            assert_eq!(malformed.count, 0, "strict decoding succeeded, yet lossy replaced some");
            assert_eq!(&lossy, text);
            let (back, mapped) = encoded(encoding, text);
            if encoding == UTF_8 || encoding == UTF_16LE || encoding == UTF_16BE {
                assert_eq!(back, bytes, "lossless, yet the bytes do not come back");
            } else if mapped {
                let (again, _) = decode(encoding, &[&back[..]], false);
                assert_eq!(again.as_ref().ok(), Some(text), "lossless, yet the text does not come back");
            }
        }
        Err(err) => {
            assert!(matches!(err, Error::Malformed { .. } | Error::Truncated { .. }), "{err:?}");
            assert!(malformed.count > 0, "strict decoding failed, yet lossy replaced nothing");
            let first = match err {
                Error::Malformed { offset, .. } | Error::Truncated { offset, .. } => *offset,
                _ => unreachable!(),
            };
            assert_eq!(malformed.first_offset, Some(first), "the first malformed byte");
        }
    }
});
