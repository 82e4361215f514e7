//! One dictionary per built-in two-step stage, so that converting is one
//! longest-match walk instead of a segmentation walk and a walk per step.
//! Shared by `build.rs`, which compiles these dictionaries, and the tests,
//! which check the walk against the step-by-step conversion.
//!
//! OpenCC converts each segment on its own, so a segmentation key's output
//! is the chain's output on the key alone: the dictionary maps each key to
//! it ([`SEGMENT`]). Between segmentation keys lie runs of characters that
//! start no such key, and there no segmentation key of the first step can
//! match either; what is left of the first step is its single-character
//! entries with single-character values (a map `M1`, most of the step) and
//! its other entries, the *events*. In a stretch of a run without events,
//! the first step's output is `M1` applied character by character, so the
//! second step's longest match over it is a longest match over the source
//! with the second step's keys taken back through `M1` (their preimages),
//! and those are in the dictionary too. An event's output is the second
//! step's conversion of the event's value alone, unless a longer key of the
//! second step could overlap it and its neighbours: then it is [`UNSAFE`],
//! and the engine converts the stretch around it step by step, between the
//! nearest characters that no key contains (line ends, spaces,
//! punctuation). See `walk` in `engine.rs` for the checks at run time.

use std::collections::{HashMap, HashSet};

use super::dat::{Entry, SEGMENT};

/// Source bit of an entry that is a key of the first step other than a
/// single character mapped to a single character.
pub(super) const EVENT: u16 = 0x4000;
/// Source bit of an event whose value a longer key of the second step may
/// overlap.
pub(super) const UNSAFE: u16 = 0x2000;

/// Source bit of every entry of a single-walk dictionary: the single-walk
/// tries of stages that segment alike share one double array (`build.rs`,
/// `dat::build_shared`), where the other stages' keys have no source bits,
/// and a walk takes only the keys with this one.
pub(super) const PRESENT: u16 = 0x1000;

/// A dictionary for longest-prefix matching, the plain way: what the
/// compiled tries must agree with.
pub(super) struct Table<'a> {
    map: HashMap<&'a str, &'a str>,
    /// The longest key, in characters.
    max: usize,
}

impl<'a> Table<'a> {
    /// The first entry of a repeated key counts.
    pub(super) fn new(pairs: &[Entry<'a>]) -> Table<'a> {
        let mut map = HashMap::with_capacity(pairs.len());
        let mut max = 0;
        for &(key, value, _) in pairs {
            map.entry(key).or_insert(value);
            max = max.max(key.chars().count());
        }
        Table { map, max }
    }

    fn get(&self, key: &str) -> Option<&'a str> {
        self.map.get(key).copied()
    }

    /// Converts `s` as one segment: the longest key at each position, or
    /// the character itself.
    pub(super) fn convert(&self, s: &str) -> String {
        let mut out = String::with_capacity(s.len());
        let mut rest = s;
        while let Some(c) = rest.chars().next() {
            let ends: Vec<usize> =
                rest.char_indices().skip(1).map(|(i, _)| i).chain([rest.len()]).take(self.max).collect();
            match ends.iter().rev().find_map(|&end| self.get(&rest[..end]).map(|v| (end, v))) {
                Some((end, value)) => {
                    out.push_str(value);
                    rest = &rest[end..];
                }
                None => {
                    out.push(c);
                    rest = &rest[c.len_utf8()..];
                }
            }
        }
        out
    }
}

/// The single-walk dictionary of a stage and what the walk needs to know
/// about its unsafe events.
pub(super) struct SingleWalk {
    /// Key, final value, and [`PRESENT`], [`SEGMENT`], [`EVENT`] and
    /// [`UNSAFE`] bits. A
    /// key is in one class only, the first of segmentation key, event,
    /// preimage.
    pub(super) entries: Vec<(String, String, u16)>,
    /// For each unsafe event, sorted by key: the key, the characters that
    /// before it, and those that after it, may let a longer key of the
    /// second step overlap its value. Any other neighbour is one the first
    /// step maps to a character that no such key has there; or it ends a
    /// segment, or is an event of its own that such a key overlaps, and
    /// so unsafe too.
    pub(super) contexts: Vec<(String, String, String)>,
}

/// The single-walk dictionary of a stage with segmentation `seg` and the
/// two conversion steps `step1` and `step2` (flattened).
pub(super) fn single_walk(seg: &[Entry<'_>], step1: &[Entry<'_>], step2: &[Entry<'_>]) -> SingleWalk {
    let (t1, t2) = (Table::new(step1), Table::new(step2));
    let mut taken: HashSet<String> = HashSet::new();
    let mut entries = Vec::new();
    for &(key, _, _) in seg {
        if taken.insert(key.to_owned()) {
            entries.push((key.to_owned(), t2.convert(&t1.convert(key)), SEGMENT | PRESENT));
        }
    }

    let single = |s: &str| -> Option<char> {
        let mut chars = s.chars();
        chars.next().filter(|_| chars.next().is_none())
    };
    let mut m1: Vec<(char, char)> = Vec::new();
    let mut m1_keys: HashSet<char> = HashSet::new();
    let mut events: Vec<(&str, &str)> = Vec::new();
    let mut seen = HashSet::new();
    for &(key, value, _) in step1 {
        if !seen.insert(key) || taken.contains(key) {
            continue;
        }
        match (single(key), single(value)) {
            (Some(k), Some(v)) => {
                m1.push((k, v));
                m1_keys.insert(k);
            }
            _ => events.push((key, value)),
        }
    }

    let multi2: Vec<Vec<char>> = t2.map.keys().filter(|k| single(k).is_none()).map(|k| k.chars().collect()).collect();
    let single_events: HashSet<char> = events.iter().filter_map(|(k, _)| single(k)).collect();
    // What the first step turns into each character, backwards.
    let mut preimages: HashMap<char, Vec<char>> = HashMap::new();
    for &(k, v) in &m1 {
        preimages.entry(v).or_default().push(k);
    }
    let preimages_of = |c: char| -> Vec<char> {
        let mut p = preimages.get(&c).cloned().unwrap_or_default();
        if !m1_keys.contains(&c) && !single_events.contains(&c) {
            p.push(c);
        }
        p
    };

    let mut contexts = Vec::new();
    for &(key, value) in &events {
        if taken.insert(key.to_owned()) {
            let v: Vec<char> = value.chars().collect();
            let (mut before, mut after) = (Vec::new(), Vec::new());
            for s in &multi2 {
                for d in overlaps(&v, s) {
                    if d < 0 {
                        before.extend(preimages_of(s[(-d - 1) as usize]));
                    }
                    if d + s.len() as isize > v.len() as isize {
                        after.extend(preimages_of(s[(v.len() as isize - d) as usize]));
                    }
                }
            }
            let unsafe_event = !before.is_empty() || !after.is_empty();
            if unsafe_event {
                for chars in [&mut before, &mut after] {
                    chars.sort_unstable();
                    chars.dedup();
                }
                contexts.push((key.to_owned(), before.into_iter().collect(), after.into_iter().collect()));
            }
            entries.push((
                key.to_owned(),
                t2.convert(value),
                PRESENT | if unsafe_event { EVENT | UNSAFE } else { EVENT },
            ));
        }
    }
    contexts.sort();
    let mut seen = HashSet::new();
    for &(key, value, _) in step2 {
        if !seen.insert(key) {
            continue;
        }
        let mut sources = vec![String::new()];
        for c in key.chars() {
            let p = preimages_of(c);
            sources = sources.iter().flat_map(|s| p.iter().map(move |&x| format!("{s}{x}"))).collect();
        }
        for s in sources {
            if taken.insert(s.clone()) {
                entries.push((s, value.to_owned(), PRESENT));
            }
        }
    }
    for (k, v) in m1 {
        if taken.insert(k.to_string()) {
            entries.push((k.to_string(), v.to_string(), PRESENT));
        }
    }
    SingleWalk { entries, contexts }
}

/// Where `key` can overlap `value` in a text (the offsets of its start from
/// the value's), sharing at least one position with it and reaching beyond
/// it on at least one side, with the shared characters equal.
fn overlaps<'k>(value: &'k [char], key: &'k [char]) -> impl Iterator<Item = isize> + 'k {
    let (n, m) = (value.len() as isize, key.len() as isize);
    (1 - m..n).filter(move |&d| {
        (d < 0 || d + m > n)
            && key.iter().enumerate().all(|(j, c)| {
                let p = d + j as isize;
                p < 0 || p >= n || value[p as usize] == *c
            })
    })
}
