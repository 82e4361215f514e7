//! Recovery of UTF-8 text that a GBK decoder read with holes.
//!
//! Lenient GBK decoders (Python's `gbk` with `errors='replace'`, for one)
//! do not map every byte pair, so UTF-8 read as GBK is
//! rarely the lossless `涓枃` that [`super::mojibake`] reverses: `中文`
//! becomes `涓�鏂�`. Such a decoder writes one U+FFFD (or `?`) for one
//! byte it could not use and goes on at the next byte, so a run of this
//! mojibake is a byte template: two known bytes per character (it
//! re-encodes to GBK losslessly) and one unknown byte per hole.
//!
//! Two facts narrow each unknown byte down: the decoder left a hole, so the
//! byte did not start a mapped pair with the byte after it; and the bytes
//! were UTF-8, so the whole run must decode strictly. What is left is a
//! short list of candidate characters per hole, and the plausibility of
//! Chinese characters chooses: a hole is filled only when one candidate is
//! clearly more frequent than every other (a frequent character against
//! merely common ones, a common one against rare ones), else it stays a
//! U+FFFD (which the damage scan reports). A run is only touched when the result is clearly
//! better text than the run, as in [`super::mojibake`], so correct text,
//! even with a genuine U+FFFD or `?` in it, is never changed.

use std::borrow::Cow;
use std::sync::OnceLock;

use encoding_rs::GBK;

use crate::detect::{char_score, plausibility, MAX_PLAUSIBILITY};

/// The score a character of a fill must reach: common Han or the
/// punctuation of Chinese text.
const MIN_FILL_CHAR_SCORE: f64 = 2.0;
/// A fill must score this much above every other candidate of its hole:
/// one of the 1,000 most frequent characters against characters that are
/// not, or a common character against rare or non-Chinese ones. Calibrated
/// on `tests/recover_eval.rs`: 0.5 fills ten times as many holes as
/// demanding a rare runner-up (3.0), at 0.2-0.3% wrong fills.
const MIN_FILL_MARGIN: f64 = 0.5;
/// The recovered run, without its holes, must score at least this...
const MIN_RECOVERED_SCORE: f64 = 1.0;
/// ...and this much above the run it replaces.
const MIN_GAIN: f64 = 1.5;
/// Candidate strings tried for one stretch between certain character
/// boundaries; more (three holes in a row) is left as it is.
const MAX_CANDIDATES: usize = 4096;

/// The recovery stage over a stream of text: counts what it did.
#[derive(Debug, Default)]
pub struct Recoverer {
    runs: u64,
    holes_filled: u64,
}

/// One character of a run: a GBK pair, or a hole of one byte.
#[derive(Debug, Clone, Copy)]
enum Token {
    Pair([u8; 2]),
    Hole,
}

impl Recoverer {
    /// Runs with holes that were recovered (decoded as UTF-8).
    pub fn runs(&self) -> u64 {
        self.runs
    }

    /// Holes filled with a recovered character.
    pub fn holes_filled(&self) -> u64 {
        self.holes_filled
    }

    /// Recovers the runs of holed UTF-8-as-GBK mojibake in `text`; borrowed
    /// when there is nothing to recover.
    ///
    /// Only the runs around a hole are looked at, so clean text costs a
    /// search for U+FFFD and `?`, and a `?` in clean text costs a look at
    /// its neighbours.
    pub fn recover<'a>(&mut self, text: &'a str) -> Cow<'a, str> {
        let mut out = String::new();
        let mut done = 0;
        let mut scanned = 0;
        for hole in holes(text) {
            if hole < scanned {
                continue;
            }
            let before = text[scanned..hole].char_indices().rev().take_while(|&(_, c)| token(c).is_some()).last();
            let mut start = before.map_or(hole, |(at, _)| scanned + at);
            // A run starts with a character or a U+FFFD, not with a `?`.
            start += text[start..].bytes().take_while(|&b| b == b'?').count();
            let end = run_end(text, start);
            scanned = end.max(hole + 1);
            if start >= end {
                continue;
            }
            let after = text[end..].bytes().next().filter(u8::is_ascii);
            if let Some(recovered) = self.recover_run(&text[start..end], after) {
                out.push_str(&text[done..start]);
                out.push_str(&recovered);
                done = end;
            }
        }
        if done == 0 {
            return Cow::Borrowed(text);
        }
        out.push_str(&text[done..]);
        Cow::Owned(out)
    }

    /// Recovers one run; `after` is the ASCII byte that follows it, if any.
    fn recover_run(&mut self, run: &str, after: Option<u8>) -> Option<String> {
        let without_holes = |text: &str| plausibility(&text.replace(['\u{FFFD}', '?'], ""));
        let before = without_holes(run);
        // No text scores above MAX_PLAUSIBILITY: correct text (a `?` after a Chinese
        // question) can never gain enough, and is not decoded at all.
        if before + MIN_GAIN > MAX_PLAUSIBILITY {
            return None;
        }
        let tokens: Vec<Token> = run.chars().map(|c| token(c).unwrap_or(Token::Hole)).collect();
        if !tokens.iter().any(|t| matches!(t, Token::Hole)) || !tokens.iter().any(|t| matches!(t, Token::Pair(_))) {
            return None;
        }
        let mut template = Vec::with_capacity(tokens.len() * 2);
        for t in &tokens {
            match *t {
                Token::Pair(pair) => template.extend(pair.map(Some)),
                Token::Hole => template.push(None),
            }
        }
        let allowed = allowed_bytes(&template, after);
        let lattice = Lattice::build(&template, &allowed)?;
        let mut recovered = String::new();
        let mut filled = 0;
        for (from, to) in lattice.stretches() {
            let mut candidates = Vec::new();
            if !lattice.paths(from, to, &mut String::new(), &mut candidates) {
                recovered.push('\u{FFFD}');
                continue;
            }
            let holes = template[from..to].iter().filter(|b| b.is_none()).count();
            match choose(&candidates) {
                Some(fill) => {
                    recovered.push_str(fill);
                    filled += holes;
                }
                None => recovered.push('\u{FFFD}'),
            }
        }
        let score = without_holes(&recovered);
        if recovered.chars().all(|c| c == '\u{FFFD}') || score < MIN_RECOVERED_SCORE || score < before + MIN_GAIN {
            return None;
        }
        self.runs += 1;
        self.holes_filled += filled as u64;
        Some(recovered)
    }
}

/// The byte offsets of the U+FFFD and `?` of `text`, in order. Every byte
/// of input is searched, so this is two of memchr's vectorized searches
/// (a search for either character decodes every character).
fn holes(text: &str) -> impl Iterator<Item = usize> + '_ {
    let bytes = text.as_bytes();
    let mut questions = memchr::memchr_iter(b'?', bytes).peekable();
    let mut replacements = memchr::memmem::find_iter(bytes, "\u{FFFD}".as_bytes()).peekable();
    std::iter::from_fn(move || match (questions.peek(), replacements.peek()) {
        (Some(question), Some(replacement)) if question > replacement => replacements.next(),
        (Some(_), _) => questions.next(),
        (None, _) => replacements.next(),
    })
}

/// Where the run that starts at `start` ends.
fn run_end(text: &str, start: usize) -> usize {
    let mut trailing = 0;
    for (at, c) in text[start..].char_indices() {
        // A `?` after a run is a hole too (a run cut short at its last
        // character cannot decode), at most two: no character lost more
        // bytes.
        trailing = if c == '?' { trailing + 1 } else { 0 };
        if token(c).is_none() || trailing > 2 {
            return start + at;
        }
    }
    text.len()
}

/// What `c` is in a run: the pair a GBK decoder read it from, or a hole.
fn token(c: char) -> Option<Token> {
    if c == '\u{FFFD}' || c == '?' {
        return Some(Token::Hole);
    }
    if c.is_ascii() {
        return None;
    }
    if c == '€' {
        // The decoders that leave holes read it from A2 E3 (GB18030's
        // place for it), not from CP936's single byte 80.
        return Some(Token::Pair([0xA2, 0xE3]));
    }
    super::mojibake::gbk_pair(c).map(Token::Pair)
}

/// Whether a decoder that leaves holes reads `lead, trail` as one
/// character: the pairs GBK maps, without its user-defined area (which
/// encoding_rs maps to private use; Python's `gbk` does not map it).
fn pair_mapped(lead: u8, trail: u8) -> bool {
    static TABLE: OnceLock<Vec<bool>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        (0..0x8000u32)
            .map(|i| {
                let pair = [0x80 | (i >> 8) as u8, i as u8];
                match GBK.decode_without_bom_handling_and_without_replacement(&pair) {
                    Some(text) => {
                        let mut chars = text.chars();
                        matches!((chars.next(), chars.next()), (Some(c), None) if !('\u{E000}'..='\u{F8FF}').contains(&c))
                    }
                    None => false,
                }
            })
            .collect()
    });
    lead >= 0x80 && table[usize::from(lead & 0x7F) << 8 | usize::from(trail)]
}

/// For each byte of `template`, the values it can have: a known byte, or
/// for a hole every non-ASCII byte that would have left a hole there.
fn allowed_bytes(template: &[Option<u8>], after: Option<u8>) -> Vec<Vec<u8>> {
    template
        .iter()
        .enumerate()
        .map(|(i, byte)| match *byte {
            Some(b) => vec![b],
            None => {
                let next = if i + 1 < template.len() { template[i + 1] } else { after };
                (0x80..=0xFF).filter(|&b| next.is_none_or(|n| !pair_mapped(b, n))).collect()
            }
        })
        .collect()
}

/// The ways a byte template decodes as UTF-8: from each character
/// boundary, the characters that can start there.
struct Lattice {
    /// `edges[p]`: (end, character) for each character from `p`, kept only
    /// when it lies on a complete decoding of the template.
    edges: Vec<Vec<(usize, char)>>,
}

impl Lattice {
    fn build(template: &[Option<u8>], allowed: &[Vec<u8>]) -> Option<Lattice> {
        let len = template.len();
        let mut edges: Vec<Vec<(usize, char)>> = vec![Vec::new(); len + 1];
        let mut reached = vec![false; len + 1];
        reached[0] = true;
        for p in 0..len {
            if !reached[p] {
                continue;
            }
            for &lead in &allowed[p] {
                let n = match lead {
                    0x00..=0x7F => 1,
                    0xC2..=0xDF => 2,
                    0xE0..=0xEF => 3,
                    0xF0..=0xF4 => 4,
                    _ => continue,
                };
                if p + n > len {
                    continue;
                }
                let mut bytes = vec![vec![lead]];
                for options in &allowed[p + 1..p + n] {
                    let continuations = options.iter().filter(|&&b| (0x80..=0xBF).contains(&b));
                    bytes = bytes
                        .iter()
                        .flat_map(|prefix| continuations.clone().map(move |&b| [&prefix[..], &[b]].concat()))
                        .collect();
                    if bytes.len() > MAX_CANDIDATES {
                        return None;
                    }
                }
                for sequence in bytes {
                    if let Some(c) = std::str::from_utf8(&sequence).ok().and_then(|s| s.chars().next()) {
                        edges[p].push((p + n, c));
                        reached[p + n] = true;
                    }
                }
            }
        }
        // Keep only edges that lead on to the end.
        let mut finishes = vec![false; len + 1];
        finishes[len] = true;
        for p in (0..len).rev() {
            edges[p].retain(|&(end, _)| finishes[end]);
            finishes[p] = !edges[p].is_empty();
        }
        finishes[0].then_some(Lattice { edges })
    }

    /// The stretches between the boundaries every decoding has, in order.
    fn stretches(&self) -> Vec<(usize, usize)> {
        let len = self.edges.len() - 1;
        let mut on_path = vec![false; len + 1];
        on_path[0] = true;
        let mut spanned = vec![false; len + 1];
        for p in 0..len {
            if !on_path[p] {
                continue;
            }
            for &(end, _) in &self.edges[p] {
                on_path[end] = true;
                spanned[p + 1..end].iter_mut().for_each(|s| *s = true);
            }
        }
        let cuts: Vec<usize> = (0..=len).filter(|&p| on_path[p] && !spanned[p]).collect();
        cuts.windows(2).map(|w| (w[0], w[1])).collect()
    }

    /// Collects every decoding of `from..to` into `out`; false when there
    /// are too many to weigh.
    fn paths(&self, from: usize, to: usize, prefix: &mut String, out: &mut Vec<String>) -> bool {
        if from == to {
            out.push(prefix.clone());
            return out.len() <= MAX_CANDIDATES;
        }
        for &(end, c) in &self.edges[from] {
            if end > to {
                continue;
            }
            prefix.push(c);
            let ok = self.paths(end, to, prefix, out);
            prefix.pop();
            if !ok {
                return false;
            }
        }
        true
    }
}

/// The fill for a stretch: the best candidate, when it is common text and
/// every other candidate is clearly worse. A stretch without holes has one
/// candidate.
fn choose(candidates: &[String]) -> Option<&str> {
    let score = |text: &str| {
        let chars: Vec<char> = text.chars().collect();
        let scores = (0..chars.len()).map(|i| {
            let prev = if i == 0 { ' ' } else { chars[i - 1] };
            char_score(chars[i], prev, chars.get(i + 1).copied().unwrap_or(' '))
        });
        scores.fold((0.0, f64::INFINITY), |(sum, min), s| (sum + s, f64::min(min, s)))
    };
    if let [only] = candidates {
        return Some(only);
    }
    let mut scored: Vec<(f64, f64, &str)> = candidates.iter().map(|c| (score(c).0, score(c).1, c.as_str())).collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    let (best, best_min, fill) = scored[0];
    let runner_up = scored.get(1).map_or(f64::NEG_INFINITY, |s| s.0);
    (best_min >= MIN_FILL_CHAR_SCORE && best - runner_up >= MIN_FILL_MARGIN).then_some(fill)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recover(text: &str) -> String {
        Recoverer::default().recover(text).into_owned()
    }

    #[test]
    fn zhongwen_with_holes_is_recovered_or_left() {
        // 中 lost its last byte before 文's lead: 丫 fits as well; 文 lost
        // its last byte at the end of the text: any of 64 fits. Neither
        // hole can be decided, and the run is left as it is.
        assert_eq!(recover("涓�鏂�"), "涓�鏂�");
        // Followed by more text the first hole is still ambiguous, the
        // rest of the run is recovered (本 at the end is as open as 文 was).
        assert_eq!(recover("涓�鏂囩増鏈�"), "�文版�");
    }

    #[test]
    fn a_sentence_with_holes_is_recovered() {
        let out = recover("鍙戝竷浜嗘柊鐨勪腑鏂囩増鏈�锛屾垜浠�寰堥珮鍏�");
        // 本, 们 and 兴 each share their hole with other common characters.
        assert_eq!(out, "发布了新的中文版�，我�很高�");
    }

    #[test]
    fn a_hole_is_filled_when_one_candidate_clearly_wins() {
        // “ (E2 80 9C) lost its 9C before 目's lead: of the characters that
        // fit, only “ is common; 。 lost two bytes, and 、 or 」 fit too.
        assert_eq!(recover("杩欐暣浣撳彨鍋氣�滅洰褰曟爲鈥濄��"), "这整体叫做“目录树”�");
    }

    #[test]
    fn question_marks_are_holes_too() {
        assert_eq!(recover("杩欐暣浣撳彨鍋氣?滅洰褰曟爲鈥濄??"), "这整体叫做“目录树”�");
    }

    #[test]
    fn holes_are_found_in_order() {
        let text = "?中\u{FFFD}文??\u{FFFD}\u{FFFD}x?";
        let expected: Vec<usize> = text.match_indices(['\u{FFFD}', '?']).map(|(at, _)| at).collect();
        assert_eq!(holes(text).collect::<Vec<_>>(), expected);
        assert_eq!(holes("中文").count(), 0);
    }

    #[test]
    fn correct_text_with_a_genuine_hole_is_left_alone() {
        for text in ["你好�世界", "这是什么?为什么", "中文?", "中文??", "�", "?中?", "数据�库"]
        {
            assert_eq!(recover(text), text);
        }
    }
}
