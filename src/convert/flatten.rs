//! Flattening a configuration's dictionary (a text file, or a group of
//! them) into one key set for leftmost-longest matching. Shared by the
//! library and `build.rs`, which compiles the key sets into automata.

use std::collections::HashSet;

use super::dat::{parse_text, Entry};
use super::data::{dict_text, DictId, Spec};

/// The key-value pairs that one leftmost-longest match over answers as
/// `spec` does:
///
/// - a text dictionary: its keys, each with its first value;
/// - `union`: every member's keys; for a key in several members, the first
///   member's value (a longest match of the union is a longest match of the
///   member that has it);
/// - `short_circuit`: the first member's keys, then each later member's keys
///   that have no key of an earlier member as a prefix (or equal). Where an
///   earlier member matches, its longest match is a prefix of the text, so
///   any later key that also matches and is longer has that key as a prefix
///   and was dropped; where no earlier member matches, no dropped key can
///   match either.
///
/// `None` when `tofu` leaves out everything.
pub(super) fn flatten(spec: &Spec, include_tofu: bool) -> Option<Vec<Entry<'static>>> {
    let members = |specs: &[Spec]| -> Vec<Vec<Entry<'static>>> {
        specs.iter().filter_map(|s| flatten(s, include_tofu)).collect()
    };
    let pairs = match spec {
        Spec::Text(id) => text_pairs(*id),
        Spec::TofuRisk(id) if include_tofu => text_pairs(*id),
        Spec::TofuRisk(_) => return None,
        Spec::Union(specs) => {
            let mut seen = HashSet::new();
            let mut pairs = Vec::new();
            for member in members(specs) {
                for entry in member {
                    if seen.insert(entry.0) {
                        pairs.push(entry);
                    }
                }
            }
            pairs
        }
        Spec::ShortCircuit(specs) => {
            let mut earlier: HashSet<&'static str> = HashSet::new();
            let mut pairs = Vec::new();
            for member in members(specs) {
                let kept: Vec<_> = member
                    .iter()
                    .filter(|(k, _, _)| {
                        !k.char_indices().map(|(i, c)| &k[..i + c.len_utf8()]).any(|p| earlier.contains(p))
                    })
                    .copied()
                    .collect();
                earlier.extend(member.iter().map(|(k, _, _)| *k));
                pairs.extend(kept);
            }
            pairs
        }
    };
    if pairs.is_empty() && !matches!(spec, Spec::Text(_) | Spec::TofuRisk(_)) {
        return None;
    }
    Some(pairs)
}

/// A dictionary file's keys, each with its first value and the file's
/// number, in file order (the first entry of a repeated key wins).
pub(super) fn text_pairs(id: DictId) -> Vec<Entry<'static>> {
    let mut seen = HashSet::new();
    let entries = parse_text(dict_text(id)).expect("OpenCC's dictionaries are well-formed");
    entries.into_iter().filter(|(_, key, _)| seen.insert(*key)).map(|(_, key, value)| (key, value, id as u16)).collect()
}
