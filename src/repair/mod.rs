//! Repair: undo what went wrong with the text before it reached us.
//!
//! Two jobs: [`mojibake`] reverses text that was decoded with the wrong
//! charset (`鍙戝竷` → `发布`, `ÖÐÎÄ` → `中文`) when the reversal is lossless
//! and clearly more plausible (with the character pairs of `bigram.rs` for GBK
//! and Big5 read as each other), [`recover`] fills the holes a GBK decoder
//! left in UTF-8 where the statistics allow, and [`damage`] reports what
//! cannot be undone.

pub(crate) mod bigram;
pub mod damage;
pub mod mojibake;
pub mod recover;
mod words;

pub use damage::{scan_damage, Damage, DamageKind, Position};
pub use mojibake::{Family, Repairer};
pub use recover::Recoverer;
