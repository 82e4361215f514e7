//! Times `zhnorm::convert`: `cargo run --release --example convert_bench --
//! CONFIG FILE [REPEAT]`. Prints the time to build the converter and
//! convert the first kilobyte, then the throughput over the whole file,
//! converted line by line as the pipeline does.

use std::time::Instant;

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
        for line in text.split_inclusive('\n') {
            conv.convert(line, &mut out);
        }
        best = best.min(start.elapsed().as_secs_f64());
    }
    let mib = text.len() as f64 / (1024.0 * 1024.0);
    println!("{config}: {mib:.1} MiB in {:.3} s = {:.1} MiB/s (best of {repeat})", best, mib / best);
}
