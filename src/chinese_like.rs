//! Generated Chinese-like text for the property tests of the stages: runs
//! of the most frequent Han characters of both scripts (the table detection
//! breaks ties with), ASCII words, Chinese punctuation, pinyin glosses,
//! line ends, and garbled pieces (a Chinese word in one charset read as
//! another, the way each family of mojibake makes it).

use encoding_rs::{Encoding, BIG5, GBK, UTF_8, WINDOWS_1252};
use pinyin::ToPinyin;
use proptest::prelude::*;

/// The 1,000 most frequent Simplified characters, then the 1,000 most
/// frequent Traditional ones.
fn frequent_han() -> Vec<char> {
    include_str!("frequent_han.txt").lines().flat_map(str::chars).collect()
}

/// Up to `max` frequent Han characters.
fn han_run(max: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(proptest::sample::select(frequent_han()), 1..=max)
        .prop_map(|chars| chars.into_iter().collect())
}

/// The charsets a piece is written in and read as: every family of
/// [`crate::repair::Family`].
fn garblings() -> Vec<(&'static Encoding, &'static Encoding)> {
    vec![
        (UTF_8, GBK),
        (UTF_8, BIG5),
        (UTF_8, WINDOWS_1252),
        (GBK, WINDOWS_1252),
        (BIG5, WINDOWS_1252),
        (GBK, BIG5),
        (BIG5, GBK),
    ]
}

/// `text` written in `right` and read as `wrong`; a byte `wrong` cannot
/// read is a U+FFFD, as a lenient decoder writes it (a hole).
fn garbled(text: &str, (right, wrong): (&'static Encoding, &'static Encoding)) -> String {
    let (bytes, _, _) = right.encode(text);
    wrong.decode_without_bom_handling(&bytes).0.into_owned()
}

/// A Han character with its reading in parentheses after it, as scraped
/// ruby leaves it (`国(guo)`); a character without a reading stands alone.
fn glossed() -> impl Strategy<Value = String> {
    (proptest::sample::select(frequent_han()), any::<bool>()).prop_map(|(c, full_width)| {
        let Some(reading) = c.to_pinyin().map(|p| p.plain()) else { return c.to_string() };
        if full_width {
            format!("{c}（{reading}）")
        } else {
            format!("{c}({reading})")
        }
    })
}

/// One piece of text.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => han_run(8),
        2 => "[a-zA-Z0-9]{1,6} ?",
        3 => proptest::sample::select(vec!["，", "。", "！", "？", "：", "；", "、", "“", "”", "（", "）", " ", "(", ")", "?"])
            .prop_map(str::to_owned),
        1 => glossed(),
        1 => proptest::sample::select(vec!["\n", "\r\n"]).prop_map(str::to_owned),
        2 => (han_run(6), proptest::sample::select(garblings())).prop_map(|(text, how)| garbled(&text, how)),
    ]
}

/// Chinese-like text of up to `max_pieces` pieces.
pub(crate) fn text(max_pieces: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(piece(), 0..=max_pieces).prop_map(|pieces| pieces.concat())
}

/// Chinese-like text with nothing garbled, no gloss and no `?`: what the
/// stages must leave as it is.
pub(crate) fn clean_text(max_pieces: usize) -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        8 => han_run(8),
        2 => "[a-zA-Z0-9]{1,6} ?",
        3 => proptest::sample::select(vec!["，", "。", "！", "：", "；", "、", "“", "”", " "]).prop_map(str::to_owned),
        1 => proptest::sample::select(vec!["\n", "\r\n"]).prop_map(str::to_owned),
    ];
    proptest::collection::vec(piece, 0..=max_pieces).prop_map(|pieces| pieces.concat())
}
