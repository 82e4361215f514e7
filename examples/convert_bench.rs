//! Times `zhnorm::convert`: `cargo run --release --example convert_bench --
//! CONFIG FILE [REPEAT]`. Prints the time to build the converter and
//! convert the first kilobyte, then the throughput over the whole file,
//! converted in blocks of whole lines of up to 256 KiB, as the pipeline
//! reads it.

use std::time::Instant;

/// The pipeline's read size (`CHUNK_LEN` in `src/pipeline.rs`).
const BLOCK: usize = 256 * 1024;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, config, file, rest @ ..] = args.as_slice() else {
        eprintln!("usage: convert_bench CONFIG FILE [REPEAT]");
        std::process::exit(2);
    };
    let repeat: usize = rest.first().map_or(3, |r| r.parse().expect("REPEAT is a number"));
    let text = std::fs::read_to_string(file).expect("FILE is readable UTF-8");

    let start = Instant::now();
    let conv = zhnorm::convert::Converter::builtin(config).expect("known config");
    let mut end = 1024.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let mut out = String::new();
    conv.convert(&text[..end], &mut out);
    println!("start-up + first 1 KB: {:.2} ms", start.elapsed().as_secs_f64() * 1e3);

    let mut best = f64::MAX;
    for _ in 0..repeat {
        out.clear();
        let start = Instant::now();
        let mut rest = text.as_str();
        while !rest.is_empty() {
            let mut end = rest.len().min(BLOCK);
            while !rest.is_char_boundary(end) {
                end -= 1;
            }
            if end < rest.len() {
                end = rest[..end].rfind('\n').map_or(end, |i| i + 1);
            }
            conv.convert(&rest[..end], &mut out);
            rest = &rest[end..];
        }
        best = best.min(start.elapsed().as_secs_f64());
    }
    let mib = text.len() as f64 / (1024.0 * 1024.0);
    println!("{config}: {mib:.1} MiB in {:.3} s = {:.1} MiB/s (best of {repeat})", best, mib / best);
}
