//! Decoding: bytes to Unicode, streaming, with an exact account of loss.
//!
//! `encoding_rs` decodes in chunks, so a multi-gigabyte stream never sits in
//! memory whole. Malformed bytes are never hidden: by default the first one
//! stops the input with its byte offset; with `lossy` each becomes U+FFFD and
//! is counted.

use encoding_rs::{DecoderResult, Encoding, BIG5};

use crate::{Error, Result};

/// The charset a label names (`--from`), by the WHATWG Encoding Standard's
/// labels or the Python and Emacs names a file may declare (`cp936`,
/// `euc_cn`, `cp950`: one list, [`crate::detect::declared`]'s); not the
/// replacement encoding (`replacement`, `iso-2022-kr`, `hz-gb-2312`, ...),
/// which turns any input into one U+FFFD.
pub fn encoding_for_label(label: &str) -> Result<&'static Encoding> {
    crate::detect::declared::encoding_for_label(label).ok_or_else(|| match Encoding::for_label(label.as_bytes()) {
        Some(_) => Error::ReplacementLabel(label.to_owned()),
        None => Error::UnknownEncoding(label.to_owned()),
    })
}

/// A streaming decoder that knows whether its output is lossless.
pub struct Decoder {
    inner: encoding_rs::Decoder,
    encoding: &'static Encoding,
    lossy: bool,
    /// Offset in the input of the next byte fed.
    offset: u64,
    malformed: Malformed,
}

/// Malformed sequences met so far (only ever non-zero in lossy mode).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Malformed {
    /// How many malformed sequences were replaced with U+FFFD.
    pub count: u64,
    /// Byte offset of the first one.
    pub first_offset: Option<u64>,
}

impl Decoder {
    /// A decoder for `encoding` that starts at byte `offset` of the input
    /// (after a BOM that detection already consumed).
    pub fn new(encoding: &'static Encoding, offset: u64, lossy: bool) -> Decoder {
        Decoder {
            inner: encoding.new_decoder_without_bom_handling(),
            encoding,
            lossy,
            offset,
            malformed: Malformed::default(),
        }
    }

    /// Decodes `bytes`, appending to `out`; `last` marks the end of input,
    /// where an unfinished sequence is malformed too.
    pub fn feed(&mut self, bytes: &[u8], last: bool, out: &mut String) -> Result<()> {
        let start = out.len();
        let fed = self.feed_as_the_standard_reads(bytes, last, out);
        if self.encoding == BIG5 {
            full_width_solidi(out, start);
        }
        fed
    }

    fn feed_as_the_standard_reads(&mut self, mut bytes: &[u8], last: bool, out: &mut String) -> Result<()> {
        loop {
            let needed =
                self.inner.max_utf8_buffer_length_without_replacement(bytes.len()).unwrap_or(bytes.len() * 3 + 16);
            out.reserve(needed);
            let (result, read) = self.inner.decode_to_string_without_replacement(bytes, out, last);
            match result {
                DecoderResult::InputEmpty => {
                    self.offset += read as u64;
                    return Ok(());
                }
                DecoderResult::OutputFull => {}
                DecoderResult::Malformed(len, after) => {
                    // The bytes read after the sequence may be more than
                    // this call read: they began in an earlier feed.
                    let end = self.offset + read as u64 - u64::from(after);
                    let start = end.saturating_sub(u64::from(len));
                    if !self.lossy {
                        let encoding = self.encoding.name();
                        let cut = last && read == bytes.len() && after == 0;
                        return Err(if cut {
                            Error::Truncated { encoding, offset: start }
                        } else {
                            Error::Malformed { encoding, offset: start }
                        });
                    }
                    self.malformed.count += 1;
                    self.malformed.first_offset.get_or_insert(start);
                    out.push('\u{FFFD}');
                }
            }
            self.offset += read as u64;
            bytes = &bytes[read..];
        }
    }

    /// Malformed sequences replaced so far.
    pub fn malformed(&self) -> Malformed {
        self.malformed
    }
}

/// Big5's A241 and A242 are `∕` (division slash) and `﹨` (small reverse
/// solidus) to the WHATWG standard and Microsoft's cp950, but `／` and `＼`
/// to Unicode's BIG5.TXT, Python's `big5` and `big5hkscs` and glibc's
/// BIG5-HKSCS, which write the full-width solidi there (cp950 writes them
/// at A1FE and A240, which every table reads as `／` and `＼`). A file that
/// has A241 or A242 means the full-width forms: nobody types a division
/// slash in Chinese text, and `社會／人類學` is searched for with `／`.
fn full_width_solidi(out: &mut String, from: usize) {
    if out[from..].contains(['\u{2215}', '\u{FE68}']) {
        let read = out[from..].replace('\u{2215}', "／").replace('\u{FE68}', "＼");
        out.truncate(from);
        out.push_str(&read);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::{GB18030, UTF_8};

    fn decode_in_chunks(
        encoding: &'static Encoding,
        bytes: &[u8],
        chunk: usize,
        lossy: bool,
    ) -> Result<(String, Malformed)> {
        let mut decoder = Decoder::new(encoding, 0, lossy);
        let mut out = String::new();
        for piece in bytes.chunks(chunk) {
            decoder.feed(piece, false, &mut out)?;
        }
        decoder.feed(b"", true, &mut out)?;
        Ok((out, decoder.malformed()))
    }

    #[test]
    fn labels_one_line_per_case() {
        let cases: [(&str, Option<&'static Encoding>); 6] = [
            ("gbk", Some(encoding_rs::GBK)),
            ("cp936", Some(encoding_rs::GBK)), // Python's name, as a file may declare it
            ("euc_cn", Some(encoding_rs::GBK)),
            ("cp950", Some(BIG5)),
            ("iso-2022-kr", None), // the replacement encoding
            ("klingon", None),
        ];
        for (label, expected) in cases {
            assert_eq!(encoding_for_label(label).ok(), expected, "{label}");
        }
        assert!(matches!(encoding_for_label("iso-2022-kr"), Err(Error::ReplacementLabel(_))));
    }

    #[test]
    fn chunk_boundaries_inside_characters_are_invisible() {
        let gbk = b"\xd6\xd0\xce\xc4abc\x81\x30\x81\x30";
        for chunk in 1..=gbk.len() {
            let (text, malformed) = decode_in_chunks(GB18030, gbk, chunk, false).unwrap();
            assert_eq!(text, "中文abc\u{80}");
            assert_eq!(malformed.count, 0);
        }
    }

    #[test]
    fn big5_solidi_are_read_as_python_and_hkscs_write_them() {
        // `社會／人類學` as Python's `big5` writes it (／ at A241), beside
        // cp950's ／ (A1FE) and ＼ (A240) and Python's ＼ (A242).
        let bytes = b"\xaa\xc0\xb7\x7c\xa2\x41\xa4\x48\xc3\xfe\xbe\xc7 \xa1\xfe\xa2\x40\xa2\x42";
        for chunk in 1..=bytes.len() {
            assert_eq!(decode_in_chunks(BIG5, bytes, chunk, false).unwrap().0, "社會／人類學 ／＼＼");
        }
    }

    #[test]
    fn first_malformed_offset_is_reported() {
        let bytes = b"ab\xa4\xa4\xff\xffcd";
        match decode_in_chunks(BIG5, bytes, 3, false) {
            Err(Error::Malformed { offset, .. }) => assert_eq!(offset, 4),
            other => panic!("expected malformed, got {other:?}"),
        }
        let (text, malformed) = decode_in_chunks(BIG5, bytes, 3, true).unwrap();
        assert_eq!(text, "ab中\u{fffd}\u{fffd}cd");
        assert_eq!(malformed, Malformed { count: 2, first_offset: Some(4) });
    }

    #[test]
    fn a_character_cut_at_the_end_is_reported_as_a_cut() {
        for (encoding, bytes, offset) in [
            (UTF_8, &b"ab\xe4\xb8"[..], 2),
            (UTF_8, &b"\xe4"[..], 0),
            (GB18030, &b"\xd6\xd0\xce"[..], 2),
            (GB18030, &b"a\x81\x30\x81"[..], 1),
            (BIG5, &b"\xa4\xa4\xa4"[..], 2),
        ] {
            for chunk in 1..=bytes.len() {
                let err = decode_in_chunks(encoding, bytes, chunk, false).unwrap_err();
                assert!(matches!(err, Error::Truncated { offset: o, .. } if o == offset), "{bytes:x?}: {err:?}");
            }
        }
    }

    #[test]
    fn a_malformed_sequence_read_across_feeds_is_reported_where_it_starts() {
        // Fuzzing (fuzz/ decode, stream): GB18030's `81 30` waits for a
        // four-byte sequence that `FF` breaks; the decoder tells the two
        // bytes after the malformed `81` as read after it, and fed a byte
        // at a time, more than that feed read (an overflow in debug builds).
        // `94 31 9F E6` is the piece of the input the stream target failed on.
        for bytes in [&b"ab\x81\x30\xff"[..], b"ab\x81\x30\x81\xff", b"ab\x94\x31\x9f\xe6", b"ab\x81\x30\x81"] {
            for chunk in 1..=bytes.len() {
                match decode_in_chunks(GB18030, bytes, chunk, false) {
                    Err(Error::Malformed { offset, .. } | Error::Truncated { offset, .. }) => {
                        assert_eq!(offset, 2, "{bytes:x?} in pieces of {chunk}")
                    }
                    other => panic!("{bytes:x?} in pieces of {chunk}: {other:?}"),
                }
                let (_, malformed) = decode_in_chunks(GB18030, bytes, chunk, true).unwrap();
                assert_eq!(malformed.first_offset, Some(2), "{bytes:x?} in pieces of {chunk}");
            }
        }
    }

    #[test]
    fn a_character_cut_before_more_text_is_malformed() {
        for (encoding, bytes) in [(UTF_8, &b"\xe4\xb8\n"[..]), (GB18030, &b"\xd6\n"[..]), (BIG5, &b"\xa4\n"[..])] {
            let err = decode_in_chunks(encoding, bytes, 1, false).unwrap_err();
            assert!(matches!(err, Error::Malformed { offset: 0, .. }), "{bytes:x?}: {err:?}");
        }
    }

    /// `text` in `encoding` (UTF-16 too, which `encoding_rs` encodes as
    /// UTF-8), its characters that `encoding` lacks left out.
    fn encodable(encoding: &'static Encoding, text: &str) -> (String, Vec<u8>) {
        let text: String = match encoding.output_encoding() {
            e if e == UTF_8 => text.to_owned(),
            _ => text.chars().filter(|c| !encoding.encode(c.encode_utf8(&mut [0; 4])).2).collect(),
        };
        let bytes = match encoding {
            e if e == encoding_rs::UTF_16LE => text.encode_utf16().flat_map(u16::to_le_bytes).collect(),
            e if e == encoding_rs::UTF_16BE => text.encode_utf16().flat_map(u16::to_be_bytes).collect(),
            _ => encoding.encode(&text).0.into_owned(),
        };
        (text, bytes)
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 256, ..Default::default() })]

        /// Valid text encoded in a charset of Chinese decodes back to
        /// itself in pieces of any size, lossless: the bytes come back too.
        #[test]
        fn encoded_valid_text_decodes_back_to_itself(
            text in crate::chinese_like::clean_text(30),
            encoding in proptest::sample::select(vec![
                GB18030, encoding_rs::GBK, BIG5, encoding_rs::UTF_16LE, encoding_rs::UTF_16BE, UTF_8,
            ]),
            chunk in 1usize..8,
        ) {
            let (text, bytes) = encodable(encoding, &text);
            let (decoded, malformed) = decode_in_chunks(encoding, &bytes, chunk, false).unwrap();
            proptest::prop_assert_eq!(&decoded, &text);
            proptest::prop_assert_eq!(malformed.count, 0);
            let (_, again) = encodable(encoding, &decoded);
            proptest::prop_assert_eq!(again, bytes);
        }
    }
}
