//! Words of Chinese, Simplified and Traditional, of two to four Han
//! characters: jieba's dictionary whatever the frequency, as
//! `scripts/make-words.py` writes it into `words.bin` (sources and layout
//! there), read in place. The character-pair model keeps only the commonest
//! pairs, so a correct rare word (`忐忑`, `芫荽`, `硫唑嘌呤`) looks to it as
//! unlikely as mojibake does; the dictionary knows it.

use std::ops::Range;

static DATA: &[u8] = include_bytes!("words.bin");

/// The longest word looked up, in characters.
const LONGEST: usize = 4;
/// Offsets, one per value of a hash's high 16 bits and one for the end.
const INDEX_LEN: usize = (1 << 16) + 1;

fn read_u32(at: usize) -> usize {
    let mut word = [0u8; 4];
    word.copy_from_slice(&DATA[4 * at..4 * at + 4]);
    u32::from_le_bytes(word) as usize
}

fn low_half(at: usize) -> u16 {
    let at = 4 * INDEX_LEN + 2 * at;
    u16::from_le_bytes([DATA[at], DATA[at + 1]])
}

/// 32-bit FNV-1a over the UTF-8 of `chars`, as the script hashes words.
fn hash(chars: &[char]) -> u32 {
    let mut h: u32 = 0x811C_9DC5;
    for c in chars {
        for &byte in c.encode_utf8(&mut [0; 4]).as_bytes() {
            h = (h ^ u32::from(byte)).wrapping_mul(0x0100_0193);
        }
    }
    h
}

/// Whether `chars` is a word of the dictionary (or shares its hash).
fn is_word(chars: &[char]) -> bool {
    let h = hash(chars);
    let bucket = (h >> 16) as usize;
    let (mut low, mut high) = (read_u32(bucket), read_u32(bucket + 1));
    let wanted = h as u16;
    while low < high {
        let middle = (low + high) / 2;
        match low_half(middle).cmp(&wanted) {
            std::cmp::Ordering::Less => low = middle + 1,
            std::cmp::Ordering::Greater => high = middle,
            std::cmp::Ordering::Equal => return true,
        }
    }
    false
}

/// How many characters of `chars[piece]` are in a word of `chars` (of Han
/// characters only, which may run on beyond the piece).
pub(super) fn covered(chars: &[char], piece: Range<usize>) -> usize {
    // The words that start at one place cover what the longest of them
    // does; taken by where they start, a word adds what lies past the
    // furthest reach of those before it, so nothing needs marking.
    let (mut count, mut reach) = (0, piece.start);
    for start in piece.start.saturating_sub(LONGEST - 1)..piece.end {
        let han = chars[start..].iter().take(LONGEST).take_while(|&&c| crate::clean::is_han(c)).count();
        let Some(len) = (2..=han).rev().find(|&len| is_word(&chars[start..start + len])) else { continue };
        let end = (start + len).min(piece.end);
        count += end.saturating_sub(reach.max(start));
        reach = reach.max(end);
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(text: &str) -> Vec<char> {
        text.chars().collect()
    }

    #[test]
    fn rare_words_simplified_and_traditional_are_words_and_their_misreadings_are_not() {
        for word in ["忐忑", "芫荽", "旮旯", "硫唑嘌呤", "蚍蜉撼树", "蚍蜉撼樹", "发布", "發佈"] {
            assert!(is_word(&chars(word)), "{word}");
        }
        for misreading in ["守首", "痛議", "深身", "哺悬", "鍙戝"] {
            assert!(!is_word(&chars(misreading)), "{misreading}");
        }
    }

    #[test]
    fn coverage_counts_the_characters_of_a_piece_in_a_word_that_may_run_beyond_it() {
        assert_eq!(covered(&chars("硫唑嘌呤"), 0..2), 2);
        assert_eq!(covered(&chars("哺悬嘌呤"), 0..2), 0);
        assert_eq!(covered(&chars("他住在山旮旯儿里。"), 4..6), 2);
        assert_eq!(covered(&chars("他住在山深身儿里。"), 4..6), 0);
        assert_eq!(covered(&chars("a忐b"), 1..2), 0);
        assert_eq!(covered(&chars("忐忑芫荽守首"), 1..6), 3, "words that end in and past the piece, and none after");
        assert_eq!(covered(&chars("守忐忑忐忑首"), 0..6), 4, "two words side by side count each character once");
    }
}
