//! Building the double-array tries that the converter matches with: shared
//! by `build.rs`, which compiles the built-in dictionaries into them, and
//! by custom dictionaries (`-c my.json`, `--dict`), built at run time.
//!
//! The layout is made to be read in place (see `Dat` in `engine.rs`), so
//! a built-in trie is used straight from the bytes `include_bytes!` put in
//! the binary: nothing is parsed, copied or built when the program starts.
//!
//! A blob is `u32` words (in the target's byte order, so that the built-in
//! ones are read as `&[u32]` where `include_bytes!` put them):
//!
//! | words              | what                                                       |
//! |--------------------|------------------------------------------------------------|
//! | 4                  | header: unit count, key count, first bytes (count, or 255  |
//! |                    | if more than 3; then up to 3 bytes), count of own chars    |
//! | 64                 | 256 bytes: 1 where a key's first byte may be this byte     |
//! | keys + 1           | offsets of the keys' values in the value text              |
//! | keys               | source of each value: low half, which dictionary it came   |
//! |                    | from, and [`SEGMENT`] if the key is also a segmentation    |
//! |                    | key; high half, [`changed`] from the key to the value      |
//! | own chars          | the characters of the keys, sorted (see below)             |
//! | units × 4          | the double array: base, check, key number (`NONE`: none),  |
//! |                    | and the [`char_bit`]s of the characters that may follow    |
//!
//! The keys are walked as UTF-8 bytes: a transition is labelled with a
//! byte (its [`code`]), so a character is never decoded or looked up in a
//! table of characters; a key number sits in the unit after the last byte
//! of the key's last character, and the walk reads it only there.
//!
//! The mask is there for speed: where a character ends, the walk looks at
//! the mask in the unit it has just read before it steps into the next
//! character, and most of those steps would fail (the text's next two
//! characters start no phrase) after reading a child unit far away in the
//! array, usually not in the cache, while the walk waits for it. Without
//! the mask, the byte walk ran fewer instructions than the walk over
//! characters, which had one, and took longer (`engine.rs`).
//!
//! The double array comes last because the built-in tries of stages that
//! segment alike share it ([`build_shared`]): `build.rs` writes it apart
//! from the tables before it. A trie that shares it has units for the
//! others' keys too; the characters of its own keys are listed so that it
//! knows which characters are in none of them.
//!
//! The value text is kept apart, as a `&str` (`include_str!` for the
//! built-in tries, so that it is checked to be UTF-8 at compile time).

use std::collections::{BinaryHeap, HashMap};

/// Words in the header.
pub(super) const HEADER: usize = 4;
/// Not a value index; also the `check` of a free unit and of the root.
pub(super) const NONE: u32 = u32::MAX;
/// Words per unit of the double array.
pub(super) const UNIT_WORDS: usize = 4;

/// The bit of a character, given as its UTF-8 bytes, in the mask of the
/// unit before it: from its last two bytes, which vary the most in Han
/// characters.
#[inline(always)]
pub(super) fn char_bit(second_last: u8, last: u8) -> u32 {
    1 << ((u32::from(last) ^ u32::from(second_last) << 2) & 31)
}

/// The label of a transition on byte `b`: the byte itself (a node's
/// children are placed by their offsets from the first, so any labels of
/// a small range pack alike).
#[inline(always)]
pub(super) fn code(b: u8) -> u32 {
    u32::from(b)
}

/// Words of the table of first bytes.
pub(super) const LEAD_WORDS: usize = 64;
/// Bit of an entry's source that marks a key of the stage's segmentation
/// dictionary, for a conversion step that does the segmentation too.
pub(super) const SEGMENT: u16 = 0x8000;

/// How many of a source word's bits say where the entry came from; the
/// bits above hold the characters it changes.
pub(super) const SOURCE_BITS: u32 = 16;

/// How many characters of `after` were written in place of others of
/// `before`, the count a conversion reports; line by line (a conversion
/// keeps the lines), so that a long text costs only its lines that differ.
/// In a line where both have as many characters, those that differ,
/// position by position (发展 → 發展: 1). Otherwise the characters of the
/// shorter line are lined up in order with those of the longer, skipping
/// as many of these as it has more, where that leaves the fewest
/// differences; the count is those differences plus the characters skipped
/// (inserted or deleted: 买了U盘 → 買了隨身碟 is 4). That is a diff that
/// only inserts or only deletes, and costs the length of the line times
/// the difference in length, which a conversion keeps small; a general
/// diff (Myers') costs the square of the length when nearly every
/// character changes, as in s2t.
pub(super) fn changed(before: &str, after: &str) -> usize {
    if before == after {
        return 0;
    }
    let line = |s: &str| memchr::memchr(b'\n', s.as_bytes()).map_or(s.len(), |k| k + 1);
    let (mut x, mut y) = (before, after);
    let mut count = 0;
    while !(x.is_empty() && y.is_empty()) {
        let (i, j) = (line(x), line(y));
        if x[..i] != y[..j] {
            count += changed_in_line(&x[..i], &y[..j]);
        }
        (x, y) = (&x[i..], &y[j..]);
    }
    count
}

/// [`changed`] for one line that differs.
fn changed_in_line(before: &str, after: &str) -> usize {
    let (mut x, mut y) = (before.chars(), after.chars());
    let mut differ = 0;
    loop {
        match (x.next(), y.next()) {
            (Some(a), Some(b)) => differ += usize::from(a != b),
            (None, None) => return differ,
            _ => break,
        }
    }
    let (a, b): (Vec<char>, Vec<char>) = (before.chars().collect(), after.chars().collect());
    let (short, long) = if a.len() <= b.len() { (&a, &b) } else { (&b, &a) };
    let extra = long.len() - short.len();
    // fewest[k]: the fewest differences with the characters of `short` so
    // far lined up in order with those of `long`, k of which were skipped.
    let mut fewest = vec![0; extra + 1];
    for (i, c) in short.iter().enumerate() {
        for k in 1..=extra {
            fewest[k] = fewest[k].min(fewest[k - 1]);
        }
        for (k, n) in fewest.iter_mut().enumerate() {
            *n += usize::from(*c != long[i + k]);
        }
    }
    // The characters of `long` not skipped yet are skipped at the end.
    fewest.into_iter().min().unwrap_or(0) + extra
}

/// One dictionary entry: key, value, and the number of the dictionary it
/// came from (shown by `--explain`).
pub(super) type Entry<'a> = (&'a str, &'a str, u16);

/// The entries of an OpenCC text dictionary, in file order, each with its
/// line number: one a line, the key, a tab, then the values separated by
/// spaces, of which the first is used (as OpenCC does). Empty lines and
/// lines that start with `#` are skipped; a byte-order mark and `\r\n`
/// line ends are allowed. An error is the line number and what is wrong
/// with the line.
#[allow(clippy::type_complexity)]
pub(super) fn parse_text(text: &str) -> Result<Vec<(usize, &str, &str)>, (usize, &'static str)> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let mut entries = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((key, values)) = line.split_once('\t') else {
            return Err((i + 1, "no tab between the key and its values"));
        };
        let value = values.split(' ').next().unwrap_or_default();
        if key.is_empty() {
            return Err((i + 1, "the key is empty"));
        }
        // OpenCC reads an empty first value, and deletes the key's text.
        if values.starts_with(' ') {
            return Err((i + 1, "a space right after the tab makes the first value empty"));
        }
        if value.is_empty() {
            return Err((i + 1, "no value after the tab"));
        }
        entries.push((i + 1, key, value));
    }
    Ok(entries)
}

/// Builds the trie of `entries` (keys non-empty; for a repeated key the
/// first entry counts): the words (its tables, then its double array) and
/// the value text.
pub(super) fn build(entries: &[Entry<'_>]) -> (Vec<u32>, String) {
    let (units, mut tries) = build_shared(&[entries]);
    let (mut words, text) = tries.pop().unwrap_or_default();
    words.extend(units);
    (words, text)
}

/// Builds the tries of several key sets over one double array, of all
/// their keys: the shared words (the double array), and for each set the
/// words of its tables and its value text. A set's tables have its own
/// first bytes, so that its table of first bytes skips where its own trie
/// would, and its own characters, so that it knows which characters are
/// in none of its keys; a key of another set has source 0 and an empty
/// value, so the walks that share an array must ignore keys by their
/// source.
///
/// Shared by the single-walk tries of the stages that segment alike
/// (`build.rs`): s2tw, s2twp, s2hk and s2hkp differ only in the preimages
/// of their second steps' keys (`fuse.rs`), so each holding STPhrases'
/// 49,000 keys in a double array of its own took 2.2 MB each.
#[allow(clippy::type_complexity)]
pub(super) fn build_shared(sets: &[&[Entry<'_>]]) -> (Vec<u32>, Vec<(Vec<u32>, String)>) {
    // Every key once, numbered in order of first appearance.
    let mut id_of: HashMap<&str, u32> = HashMap::new();
    let mut keys_in_order: Vec<&str> = Vec::new();
    for &(key, _, _) in sets.iter().flat_map(|set| set.iter()) {
        if !key.is_empty() && !id_of.contains_key(key) {
            id_of.insert(key, keys_in_order.len() as u32);
            keys_in_order.push(key);
        }
    }
    let mut keys: Vec<(Vec<u32>, u32)> =
        keys_in_order.iter().enumerate().map(|(i, key)| (key.bytes().map(code).collect(), i as u32)).collect();
    keys.sort_by(|a, b| a.0.cmp(&b.0));
    let units = double_array(&keys);

    let n_keys = keys_in_order.len();
    let tries = sets.iter().map(|set| set_tables(set, &id_of, &units, n_keys)).collect();
    let mut words = Vec::with_capacity(UNIT_WORDS * units.check.len());
    for i in 0..units.check.len() {
        words.extend([units.base[i], units.check[i], units.value[i], units.mask[i]]);
    }
    (words, tries)
}

/// The double array of `keys` (as codes, sorted, each once, with their
/// value index).
fn double_array(keys: &[(Vec<u32>, u32)]) -> Units {
    let mut units = Units::default();
    units.take(0, NONE);
    // Nodes whose children have no places yet, as (keys under the node,
    // unit, first of those keys, depth); those with the most keys first.
    // Placed depth first, the widest nodes came last, each into a new
    // stretch at the end, and the array was two-thirds used: placed first,
    // their gaps are filled by the many narrow nodes.
    let mut waiting = BinaryHeap::from([(keys.len(), 0usize, 0usize, 0usize)]);
    let mut children: Vec<(u32, std::ops::Range<usize>)> = Vec::new();
    while let Some((len, unit, first, depth)) = waiting.pop() {
        let range = first..first + len;
        children.clear();
        let mut start = range.start;
        if let Some((key, index)) = keys.get(start) {
            if key.len() == depth {
                units.value[unit] = *index;
                start += 1;
            }
        }
        for (j, (key, _)) in keys.iter().enumerate().take(range.end).skip(start) {
            let code = key[depth];
            match children.last_mut() {
                Some((c, r)) if *c == code => r.end = j + 1,
                _ => children.push((code, j..j + 1)),
            }
        }
        if children.is_empty() {
            continue;
        }
        let base = units.find_base(&children);
        units.base[unit] = base;
        units.mask[unit] = next_chars_mask(&keys[start..range.end], depth);
        for (code, r) in children.drain(..) {
            let child = (base + code) as usize;
            units.take(child, unit as u32);
            waiting.push((r.len(), child, r.start, depth + 1));
        }
    }
    units
}

/// The mask of the unit at byte `depth` of `keys` (which share their
/// bytes before it and are all longer): the [`char_bit`]s of the
/// characters they go on with, if a character ends there.
fn next_chars_mask(keys: &[(Vec<u32>, u32)], depth: usize) -> u32 {
    let byte = |key: &[u32], at: usize| key.get(at).map_or(0, |&b| b as u8);
    keys.iter().filter(|(key, _)| !(0x80..0xC0).contains(&byte(key, depth))).fold(0, |mask, (key, _)| {
        let end = depth + utf8_len(byte(key, depth));
        mask | char_bit(if end >= depth + 2 { byte(key, end - 2) } else { 0 }, byte(key, end - 1))
    })
}

/// Length of the UTF-8 sequence that starts with `lead`.
pub(super) const fn utf8_len(lead: u8) -> usize {
    match lead {
        0xC0..0xE0 => 2,
        0xE0..0xF0 => 3,
        0xF0.. => 4,
        _ => 1,
    }
}

/// The tables of one key set over the shared double array `units` (of
/// `n_keys` keys, numbered by `id_of`), and its value text.
fn set_tables(set: &[Entry<'_>], id_of: &HashMap<&str, u32>, units: &Units, n_keys: usize) -> (Vec<u32>, String) {
    let mut lead = [0u8; 4 * LEAD_WORDS];
    let mut own_chars: Vec<u32> = Vec::new();
    // The set's first entry of each key, by key number.
    let mut entry_of: Vec<Option<&Entry<'_>>> = vec![None; n_keys];
    for entry in set {
        let Some(&id) = id_of.get(entry.0) else { continue };
        if entry_of[id as usize].is_some() {
            continue;
        }
        entry_of[id as usize] = Some(entry);
        lead[usize::from(entry.0.as_bytes()[0])] = 1;
        own_chars.extend(entry.0.chars().map(u32::from));
    }
    own_chars.sort_unstable();
    own_chars.dedup();

    let mut text = String::new();
    let mut offsets = Vec::with_capacity(n_keys + 1);
    offsets.push(0u32);
    let mut sources = Vec::with_capacity(n_keys);
    for entry in &entry_of {
        let source = entry.map_or(0, |&(key, value, source)| {
            text.push_str(value);
            let changed = changed(key, value).min(u16::MAX.into()) as u32;
            u32::from(source) | changed << SOURCE_BITS
        });
        offsets.push(text.len() as u32);
        sources.push(source);
    }

    let firsts: Vec<u8> = (0..=255u8).filter(|&b| lead[usize::from(b)] != 0).collect();
    let few = match firsts.as_slice() {
        f if f.len() <= 3 => f.iter().enumerate().fold(f.len() as u32, |w, (i, &b)| w | u32::from(b) << (8 * (i + 1))),
        _ => 255,
    };
    let mut words: Vec<u32> = Vec::with_capacity(HEADER + LEAD_WORDS + 2 * n_keys + 1 + own_chars.len());
    words.extend([units.check.len() as u32, n_keys as u32, few, own_chars.len() as u32]);
    words.extend(lead.chunks_exact(4).map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]])));
    words.extend(&offsets);
    words.extend(&sources);
    words.extend(&own_chars);
    (words, text)
}

/// The double array under construction.
///
/// The free units are kept in a list, in order (as darts-clone and cedar
/// do), so that placing a node tries only free units for its first child:
/// trying every unit from the first free one, most of them taken, made a
/// trie's build time grow with the square of its keys (50,000 keys took a
/// minute). The list gives the same bases as that scan did.
#[derive(Default)]
struct Units {
    base: Vec<u32>,
    check: Vec<u32>,
    value: Vec<u32>,
    mask: Vec<u32>,
    /// The free units as a circular doubly linked list through unit 0 (the
    /// root, never free): `next_free[0]` is the first free unit,
    /// `prev_free[0]` the last, and 0 after the last. A taken unit's links
    /// mean nothing.
    next_free: Vec<u32>,
    prev_free: Vec<u32>,
}

impl Units {
    /// Makes the array `len` units long, if it is shorter; the new units
    /// are free, and come after every free unit in the list.
    fn grow(&mut self, len: usize) {
        let old = self.check.len();
        if old >= len {
            return;
        }
        self.base.resize(len, 0);
        self.check.resize(len, NONE);
        self.value.resize(len, NONE);
        self.mask.resize(len, 0);
        if old == 0 {
            self.next_free.push(0);
            self.prev_free.push(0);
        }
        for i in old.max(1)..len {
            let last = self.prev_free[0];
            self.next_free.push(0);
            self.prev_free.push(last);
            self.next_free[last as usize] = i as u32;
            self.prev_free[0] = i as u32;
        }
    }

    fn is_free(&self, i: usize) -> bool {
        self.check.get(i).is_none_or(|&c| c == NONE) && i != 0
    }

    /// Takes unit `i` (free, or the root), as a child of `parent`.
    fn take(&mut self, i: usize, parent: u32) {
        self.grow(i + 1);
        self.check[i] = parent;
        if i != 0 {
            let (prev, next) = (self.prev_free[i], self.next_free[i]);
            self.next_free[prev as usize] = next;
            self.prev_free[next as usize] = prev;
        }
    }

    /// The smallest base at which every child's unit is free, trying free
    /// units for the first child in order.
    fn find_base(&mut self, children: &[(u32, std::ops::Range<usize>)]) -> u32 {
        let first = children[0].0 as usize;
        let last = children.last().map_or(0, |(c, _)| *c as usize);
        let mut slot = self.next_free[0] as usize;
        while slot != 0 {
            if slot >= first && children.iter().all(|(c, _)| self.is_free(slot - first + *c as usize)) {
                break;
            }
            slot = self.next_free[slot] as usize;
        }
        // Past the last free unit, every unit is free.
        let base = if slot == 0 { self.check.len().max(first) - first } else { slot - first };
        self.grow(base + last + 1);
        base as u32
    }
}
