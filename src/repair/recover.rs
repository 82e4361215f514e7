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
//! short list of candidate characters per hole, and the context chooses:
//! the character-pair model of the repair stage (`bigram`) weighs each candidate with
//! its neighbours, known characters or candidates of their own holes (all
//! the combinations of a run, summed over), together with the frequency
//! class of each character. A hole is filled only when one candidate is
//! common text and far more likely in its run than every other (after `文`,
//! `件` beats `以`, `们`, `他`, which are more frequent alone), else it stays
//! a U+FFFD (which the damage scan reports). A run is only touched when the result is clearly
//! better text than the run, as in [`super::mojibake`], so correct text,
//! even with a genuine U+FFFD or `?` in it, is never changed.

use std::borrow::Cow;

use super::bigram;
use crate::detect::{char_score, plausibility, MAX_PLAUSIBILITY};

/// The score a character of a fill must reach: common Han or the
/// punctuation of Chinese text.
const MIN_FILL_CHAR_SCORE: f64 = 2.0;
/// A fill's log-likelihood in its run must be this much above every other
/// candidate's of its stretch (e^3.5: 33 times as likely). Calibrated on
/// `tests/recover_eval.rs` (holes filled right / wrong of 12,472): margin 2
/// fills 53.8% / 0.57%, 3 fills 47.6% / 0.26%, 3.5 fills 45.0% / 0.19%, 4
/// fills 41.6% / 0.18%, 5 fills 35.2% / 0.03%. Nearly all the wrong fills
/// are `編輯` for `編譯`, which the model's text (office help) writes far
/// more often; `件` after `文` wins by 4.1.
const MIN_FILL_MARGIN: f64 = 3.5;
/// The weight of a character's frequency class ([`char_score`]) in a
/// candidate's log-likelihood, beside the bigram model's: from 0 to 2 it
/// changes the right fills by 2% and the wrong ones by one (at margin 4).
const FREQUENCY_WEIGHT: f64 = 1.0;
/// The recovered run, without its holes, must score at least this...
const MIN_RECOVERED_SCORE: f64 = 1.0;
/// ...and this much above the run it replaces.
const MIN_GAIN: f64 = 1.5;
/// Candidate strings tried for one stretch between certain character
/// boundaries; more (three holes in a row) is left as it is.
const MAX_CANDIDATES: usize = 4096;
/// Pairs of neighbouring candidates the bigram model weighs at one
/// boundary between stretches; past this the boundary is not chained.
const MAX_TRANSITIONS: usize = 1 << 16;

/// The recovery stage over a stream of text: counts what it did.
#[derive(Debug, Default)]
pub struct Recoverer {
    runs: u64,
    holes_filled: u64,
}

/// One character of a run: a GBK pair, `€` (see [`EURO_BYTES`]), or a
/// hole of one byte.
#[derive(Debug, Clone, Copy)]
enum Token {
    Pair([u8; 2]),
    Euro,
    Hole,
}

/// The bytes a decoder read `€` from, in the order tried: Python's `gbk`
/// reads it from A2 E3 (GB18030's place for it), and WHATWG's GBK
/// (encoding_rs, browsers) from CP936's single byte 80, which the first
/// byte of a UTF-8 character's continuation often is (`一` is E4 B8 80:
/// `涓€`).
const EURO_BYTES: [&[u8]; 2] = [&[0xA2, 0xE3], &[0x80]];

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
            let ends_line = matches!(text.as_bytes().get(end), None | Some(b'\n' | b'\r'));
            if let Some(recovered) = self.recover_run(&text[start..end], after, ends_line) {
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

    /// Recovers one run; `after` is the ASCII byte that follows it, if any;
    /// `ends_line` when nothing but a line end follows it.
    fn recover_run(&mut self, run: &str, after: Option<u8>, ends_line: bool) -> Option<String> {
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
        let has_euro = tokens.iter().any(|t| matches!(t, Token::Euro));
        let euro_choices = if has_euro { &EURO_BYTES[..] } else { &EURO_BYTES[..1] };
        let (template, lattice) = euro_choices.iter().find_map(|euro| {
            let template = template(&tokens, euro);
            let lattice = Lattice::build(&template, &allowed_bytes(&template, after))?;
            Some((template, lattice))
        })?;
        let stretches: Vec<(usize, Option<Vec<String>>)> = lattice
            .stretches()
            .into_iter()
            .map(|(from, to)| {
                let holes = template[from..to].iter().filter(|b| b.is_none()).count();
                let mut candidates = Vec::new();
                (holes, lattice.paths(from, to, &mut String::new(), &mut candidates).then_some(candidates))
            })
            .collect();
        let mut choices = choose(&stretches.iter().map(|(_, candidates)| candidates.as_deref()).collect::<Vec<_>>());
        if ends_line {
            full_stop_at_line_end(&stretches, &mut choices);
        }
        let mut recovered = String::new();
        let mut filled = 0;
        for ((holes, candidates), choice) in stretches.iter().zip(choices) {
            match (candidates, choice) {
                (Some(candidates), Some(i)) => {
                    recovered.push_str(&candidates[i]);
                    filled += holes;
                }
                _ => recovered.push('\u{FFFD}'),
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

/// The bytes of `tokens`, `None` for a hole, with `€` read from `euro`.
fn template(tokens: &[Token], euro: &[u8]) -> Vec<Option<u8>> {
    let mut template = Vec::with_capacity(tokens.len() * 2);
    for t in tokens {
        match *t {
            Token::Pair(pair) => template.extend(pair.map(Some)),
            Token::Euro => template.extend(euro.iter().copied().map(Some)),
            Token::Hole => template.push(None),
        }
    }
    template
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
        return Some(Token::Euro);
    }
    super::mojibake::gbk_pair(c).map(Token::Pair)
}

/// Whether a decoder that leaves holes reads `lead, trail` as one
/// character: the pairs GBK maps, without its user-defined area (which
/// encoding_rs maps to private use; Python's `gbk` does not map it).
fn pair_mapped(lead: u8, trail: u8) -> bool {
    // From the repair stage's table, built when the crate is compiled:
    // decoding all 32,768 pairs with `encoding_rs` on first use cost a run
    // 17.8 million instructions, as much as the repair stage's scan of 10 MB
    // of clean text.
    super::mojibake::gbk_decoded_pair(lead, trail).is_some_and(|c| !super::mojibake::is_private_use(c))
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

/// One candidate string of a stretch, as the bigram model chains it to its
/// neighbours.
struct Candidate {
    /// Its first character: what it adds depends on the character before.
    first: Option<char>,
    /// The log-weight of the rest: its other characters, each given the one
    /// before, and the frequency classes of all its characters.
    rest: f64,
    /// What the next stretch's first character follows (see
    /// [`bigram::step`]).
    end: Option<char>,
    /// Whether all its characters are common text.
    common: bool,
}

impl Candidate {
    fn new(text: &str) -> Candidate {
        let chars: Vec<char> = text.chars().collect();
        let mut candidate = Candidate { first: chars.first().copied(), rest: 0.0, end: None, common: true };
        for (i, &c) in chars.iter().enumerate() {
            let prev = if i == 0 { ' ' } else { chars[i - 1] };
            let score = char_score(c, prev, chars.get(i + 1).copied().unwrap_or(' '));
            candidate.common &= score >= MIN_FILL_CHAR_SCORE;
            let (log_p, next) = bigram::step(candidate.end, c);
            candidate.rest += FREQUENCY_WEIGHT * score + if i == 0 { 0.0 } else { log_p };
            candidate.end = next;
        }
        candidate
    }

    /// Its log-weight after a stretch that ended in `prev`.
    fn after(&self, prev: Option<char>) -> f64 {
        self.rest + self.first.map_or(0.0, |c| bigram::step(prev, c).0)
    }
}

/// `ln(e^a + e^b)`, without overflow.
fn log_add(a: f64, b: f64) -> f64 {
    let high = a.max(b);
    if high == f64::NEG_INFINITY {
        return high;
    }
    high + ((a - high).exp() + (b - high).exp()).ln()
}

/// The fill of each stretch of a run, given its candidate strings (`None`
/// for a stretch with too many to weigh): the index of the best candidate,
/// when it is common text and clearly more likely than every other.
///
/// The likelihood of a candidate is that of the whole run through it: the
/// bigram model chains each stretch's candidates to its neighbours' (known
/// characters, or candidates themselves), and the weights of the other
/// stretches' candidates are summed over (the forward-backward algorithm),
/// so `文` before a hole that `件` or `们` fill settles it, and a neighbour
/// that is itself uncertain counts only as much as it is likely.
fn choose(stretches: &[Option<&[String]>]) -> Vec<Option<usize>> {
    let candidates: Vec<Vec<Candidate>> = stretches
        .iter()
        .map(|s| match s {
            Some(texts) => texts.iter().map(|text| Candidate::new(text)).collect(),
            None => vec![Candidate::new("")],
        })
        .collect();
    let n = candidates.len();
    if n == 0 {
        return Vec::new();
    }
    // forward[i][k]: the log-weight of the stretches up to i, through
    // candidate k of stretch i; backward[i][k]: that of the stretches after
    // it, given candidate k.
    let mut forward: Vec<Vec<f64>> = Vec::with_capacity(n);
    for (i, here) in candidates.iter().enumerate() {
        let before = match i.checked_sub(1) {
            Some(p) => ends(&candidates[p], &forward[p], here.len()),
            None => vec![(None, 0.0)],
        };
        let weight =
            |c: &Candidate| before.iter().fold(f64::NEG_INFINITY, |sum, &(end, w)| log_add(sum, w + c.after(end)));
        forward.push(here.iter().map(weight).collect());
    }
    let mut backward: Vec<Vec<f64>> = vec![Vec::new(); n];
    backward[n - 1] = vec![0.0; candidates[n - 1].len()];
    for i in (0..n - 1).rev() {
        let next = &candidates[i + 1];
        let chain = chained(&candidates[i], next.len());
        let mut by_end: Vec<(Option<char>, f64)> = Vec::new();
        for c in &candidates[i] {
            let end = if chain { c.end } else { None };
            let weight = match by_end.iter().find(|(e, _)| *e == end) {
                Some(&(_, w)) => w,
                None => {
                    let w = next
                        .iter()
                        .zip(&backward[i + 1])
                        .fold(f64::NEG_INFINITY, |sum, (d, &w)| log_add(sum, d.after(end) + w));
                    by_end.push((end, w));
                    w
                }
            };
            backward[i].push(weight);
        }
    }
    let choice = |i: usize| {
        let texts = stretches[i]?;
        if texts.len() == 1 {
            return Some(0);
        }
        let mut weights: Vec<(f64, usize)> =
            forward[i].iter().zip(&backward[i]).enumerate().map(|(k, (f, b))| (f + b, k)).collect();
        weights.sort_by(|a, b| b.0.total_cmp(&a.0));
        let (best, k) = weights[0];
        let runner_up = weights.get(1).map_or(f64::NEG_INFINITY, |w| w.0);
        (candidates[i][k].common && best - runner_up >= MIN_FILL_MARGIN).then_some(k)
    };
    (0..n).map(choice).collect()
}

/// A line of Chinese text ends in `。` far more often than in anything else
/// its lost bytes leave possible: of the lines of `corpus/` and the
/// differential corpus whose last character is in U+3000..U+303F (where
/// `。`, E3 80 82, lost its last byte or two), 97.7% end in `。`, 1.4% in
/// `」`, 0.4% each in `、` and `》` — odds of 69 to 1, beyond
/// [`MIN_FILL_MARGIN`], which the bigram model cannot see (it covers Han
/// only). So a line's last stretch, when every common text that fits it is
/// one such character, is `。` — unless the run before it opened a bracket
/// or quote that it did not close, where `」`, `》` and the like are likely.
/// (No other three-byte block has such odds at a line end: after EF BC,
/// `：` 41%, `，` 35%, `）` 10%.)
fn full_stop_at_line_end(stretches: &[(usize, Option<Vec<String>>)], choices: &mut [Option<usize>]) {
    let Some(((_, Some(last)), None)) = stretches.last().zip(choices.last().copied()) else {
        return;
    };
    let is_punctuation = |c: char| ('\u{3000}'..='\u{303F}').contains(&c);
    let single = |text: &str| {
        let mut chars = text.chars();
        chars.next().filter(|_| chars.next().is_none())
    };
    let common: Vec<&String> = last.iter().filter(|text| Candidate::new(text).common).collect();
    let Some(full_stop) = last.iter().position(|text| text == "。") else {
        return;
    };
    if common.len() < 2 || !common.iter().all(|text| single(text).is_some_and(is_punctuation)) {
        return;
    }
    let mut open = 0i32;
    let known = stretches.iter().zip(choices.iter()).filter_map(|((_, candidates), choice)| {
        let candidates = candidates.as_ref()?;
        candidates.get(choice.or((candidates.len() == 1).then_some(0))?)
    });
    for c in known.flat_map(|text| text.chars()) {
        match c {
            '「' | '『' | '《' | '〈' | '【' | '〔' | '〖' => open += 1,
            '」' | '』' | '》' | '〉' | '】' | '〕' | '〗' => open -= 1,
            _ => {}
        }
    }
    if open <= 0 {
        if let Some(choice) = choices.last_mut() {
            *choice = Some(full_stop);
        }
    }
}

/// Whether the boundary after a stretch with these candidates is chained by
/// the bigram model: not when its distinct ends times the `next` stretch's
/// candidates are too many to weigh.
fn chained(candidates: &[Candidate], next: usize) -> bool {
    let mut distinct: Vec<Option<char>> = candidates.iter().map(|c| c.end).collect();
    distinct.sort_unstable();
    distinct.dedup();
    distinct.len() * next <= MAX_TRANSITIONS
}

/// The distinct ends of a stretch's candidates (one, no character, when the
/// boundary is not [`chained`]), each with the summed forward weight of the
/// candidates that end so.
fn ends(candidates: &[Candidate], forward: &[f64], next: usize) -> Vec<(Option<char>, f64)> {
    let chain = chained(candidates, next);
    let mut out: Vec<(Option<char>, f64)> = Vec::new();
    for (c, &w) in candidates.iter().zip(forward) {
        let end = if chain { c.end } else { None };
        match out.iter_mut().find(|(e, _)| *e == end) {
            Some((_, sum)) => *sum = log_add(*sum, w),
            None => out.push((end, w)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recover(text: &str) -> String {
        Recoverer::default().recover(text).into_owned()
    }

    #[test]
    fn mapped_pairs_are_those_encoding_rs_decodes_to_one_character_outside_private_use() {
        let mut mapped = 0;
        for (lead, trail) in (0..=0xFFu8).flat_map(|lead| (0..=0xFFu8).map(move |trail| (lead, trail))) {
            let pair = [lead, trail];
            let decoded = encoding_rs::GBK.decode_without_bom_handling_and_without_replacement(&pair);
            let mut chars = decoded.as_deref().unwrap_or_default().chars();
            let expected =
                matches!((chars.next(), chars.next()), (Some(c), None) if !super::super::mojibake::is_private_use(c));
            assert_eq!(pair_mapped(lead, trail), expected, "{lead:02X} {trail:02X}");
            mapped += usize::from(expected);
        }
        // Most of GBK's 23,940 pairs are mapped outside private use.
        assert!(mapped > 20_000, "{mapped}");
    }

    #[test]
    fn zhongwen_with_holes_is_recovered_or_left() {
        // 中 lost its last byte before 文's lead: 丫 fits as well; 文 lost
        // its last byte at the end of the text: any of 64 fits. Neither
        // hole can be decided, and the run is left as it is.
        assert_eq!(recover("涓�鏂�"), "涓�鏂�");
        // Followed by more text the first hole is still ambiguous (中, 一
        // and 个 all go before 文), the rest of the run is recovered, and
        // 本 at the end is chosen by 版 before it.
        assert_eq!(recover("涓�鏂囩増鏈�"), "�文版本");
    }

    #[test]
    fn a_euro_sign_is_read_from_byte_80_when_a2_e3_does_not_decode() {
        // 它是一个虚拟文件 in UTF-8 read by encoding_rs's GBK (`zhnorm --from
        // gbk --lossy --no-repair`): 80, the last byte of 一, is `€`, AA E8
        // (user-defined) is U+E047, and the last byte of 件 is lost at the end.
        assert_eq!(recover("瀹冩槸涓€涓\u{E047}櫄鎷熸枃浠�"), "它是一个虚拟文件");
    }

    #[test]
    fn a_sentence_with_holes_is_recovered() {
        let out = recover("鍙戝竷浜嗘柊鐨勪腑鏂囩増鏈�锛屾垜浠�寰堥珮鍏�");
        // 本 and 们 share their holes with other common characters (最, 未;
        // 什, 仪), but their neighbours (版本, 我们) settle them; 兴 at the end
        // of the run has only 高 before it, after which 入 is nearly as
        // likely.
        assert_eq!(out, "发布了新的中文版本，我们很高�");
    }

    #[test]
    fn the_neighbours_choose_a_fill_that_frequency_alone_cannot() {
        // 该文件 is E8 AF A5 E6 96 87 E4 BB B6; read as GBK: 璇 (E8 AF),
        // ユ (A5 E6), 枃 (96 87), 浠 (E4 BB), and B6 at the end is lost. Any
        // of E4 BB 80..BF fits there: 以 们 他 代 件 价 任 份 ..., many of them
        // more frequent than 件, but after 文 only 件 is likely.
        assert_eq!(recover("璇ユ枃浠�"), "该文件");
        assert_eq!(recover("婧愭枃浠�"), "源文件");
    }

    #[test]
    fn a_hole_that_fits_several_characters_in_context_is_left() {
        // 这是他 (or 这是以, 这是从, 这是件: E4 BB 96, A5, 8E, B6) read as
        // GBK: the last byte is lost, and after 是 each of them is as likely
        // as the others.
        assert_eq!(recover("杩欐槸浠�"), "这是�");
    }

    #[test]
    fn a_hole_is_filled_when_one_candidate_clearly_wins() {
        // “ (E2 80 9C) lost its 9C before 目's lead: of the characters that
        // fit, only “ is common. 。 lost two bytes at the end of the line,
        // where `、` or `」` fit too, but a line ends in `。` 69 times as
        // often (see `full_stop_at_line_end`).
        assert_eq!(recover("杩欐暣浣撳彨鍋氣�滅洰褰曟爲鈥濄��"), "这整体叫做“目录树”。");
    }

    #[test]
    fn question_marks_are_holes_too() {
        assert_eq!(recover("杩欐暣浣撳彨鍋氣?滅洰褰曟爲鈥濄??"), "这整体叫做“目录树”。");
    }

    #[test]
    fn a_lost_full_stop_is_restored_only_at_a_line_end_outside_brackets() {
        // 。 is E3 80 82: read as GBK, 銆 and a hole for 82 before the line
        // end (or a `?`, or 82 and the next character's lead byte).
        assert_eq!(recover("杩欐槸鎴戠殑鏂囦欢銆�"), "这是我的文件。");
        assert_eq!(recover("杩欐槸鎴戠殑鏂囦欢銆�\n涓嬩竴琛�"), "这是我的文件。\n下一�");
        assert_eq!(recover("杩欐槸鎴戠殑鏂囦欢銆?\r\n"), "这是我的文件。\r\n");
        // Inside an open 「 or 《 the line may end in 」 or 》: left.
        assert_eq!(recover("浠栬�达細銆屼粖澶╁ぉ姘斿緢濂姐��"), "他说：「今天天气很好�");
        assert_eq!(recover("銆婄孩妤兼ⅵ銆�"), "《红楼梦�");
        // Closed before the end: a full stop again.
        assert_eq!(recover("杩欐槸銆婄孩妤兼ⅵ銆嬬殑绗�涓�鍥炪��"), "这是《红楼梦》的第一回。");
        // Not at a line end: 、 fits as well as 。 before an ASCII word.
        assert_eq!(recover("杩欐槸鎴戠殑鏂囦欢銆� abc"), "这是我的文件� abc");
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

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 256, ..Default::default() })]

        /// Only the runs around a U+FFFD or a `?` are looked at.
        #[test]
        fn text_without_a_hole_is_not_recovered(text in crate::chinese_like::text(30)) {
            let unchanged = matches!(Recoverer::default().recover(&text), Cow::Borrowed(_));
            proptest::prop_assert!(unchanged || text.contains(['\u{FFFD}', '?']), "{:?}", text);
        }
    }
}
