//! The whole pipeline over arbitrary bytes, read whole and read in pieces
//! of a few bytes as a pipe hands them over: the output, the report and
//! any error are the same, and the output is UTF-8. With a charset named
//! (`--from`) the text streams from the first read; detection reads a
//! prefix of 64 KiB first, so the detected runs here are read whole.
#![no_main]

use std::io::{self, Read};
use std::sync::OnceLock;

use encoding_rs::{BIG5, GB18030, UTF_16LE, UTF_8};
use libfuzzer_sys::fuzz_target;
use zhnorm::clean::{CleanOptions, GlossMode};
use zhnorm::convert::Converter;
use zhnorm::write::EolPolicy;
use zhnorm::{normalize, Options};

/// A reader that hands out its bytes a few at a time, in turns of `sizes`.
struct Trickle<'a> {
    bytes: &'a [u8],
    sizes: &'a [u8],
    turn: usize,
}

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let size = usize::from(self.sizes[self.turn % self.sizes.len()]).max(1);
        let size = size.min(buf.len()).min(self.bytes.len());
        self.turn += 1;
        buf[..size].copy_from_slice(&self.bytes[..size]);
        self.bytes = &self.bytes[size..];
        Ok(size)
    }
}

fn s2t() -> Converter {
    static S2T: OnceLock<Converter> = OnceLock::new();
    S2T.get_or_init(|| Converter::builtin("s2t").expect("a built-in configuration")).clone()
}

fn run(input: impl Read, options: &Options) -> (String, Vec<u8>) {
    let mut out = Vec::new();
    let outcome = match normalize(input, &mut out, options) {
        Ok(outcome) => serde_json::to_string(&outcome).expect("a report serializes"),
        Err(err) => format!("error: {err}"),
    };
    (outcome, out)
}

fuzz_target!(|input: &[u8]| {
    let [choice, more, sizes @ ..] = input else { return };
    let sizes_len = usize::from(more & 0x7).min(sizes.len());
    let (sizes, bytes) = sizes.split_at(sizes_len);
    let sizes: &[u8] = if sizes.is_empty() { &[1] } else { sizes };
    let options = Options {
        from: [None, Some(UTF_8), Some(GB18030), Some(BIG5), Some(UTF_16LE), Some(UTF_8)][usize::from(choice % 6)],
        lossy: choice & 0x08 != 0,
        eol: [EolPolicy::Keep, EolPolicy::Lf, EolPolicy::Crlf][usize::from(choice >> 4) % 3],
        no_repair: choice & 0x40 != 0,
        clean: CleanOptions {
            glosses: [GlossMode::Keep, GlossMode::Strip][usize::from(more >> 7)],
            zero_width: more & 0x08 != 0,
            ..CleanOptions::default()
        },
        convert: (choice & 0x80 != 0).then(s2t),
        ..Options::default()
    };
    let (whole, whole_out) = run(bytes, &options);
    let (trickled, trickled_out) = run(Trickle { bytes, sizes, turn: 0 }, &options);
    if whole.starts_with("error") {
        // An error stops the output where it was met, which is where the
        // read ended that brought the bad byte: only the error is compared.
        assert_eq!(whole, trickled);
        return;
    }
    assert!(std::str::from_utf8(&whole_out).is_ok(), "the output is not UTF-8");
    assert!(
        whole_out == trickled_out,
        "read in pieces of {sizes:?}:\n{:?}\n{:?}",
        String::from_utf8_lossy(&whole_out),
        String::from_utf8_lossy(&trickled_out)
    );
    assert_eq!(whole, trickled, "the reports differ");
});
