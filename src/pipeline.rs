//! The pipeline: one function that takes an input from raw bytes to its
//! normalized UTF-8 form, used by every mode of the tool.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::io::{self, Read, Write};
use std::ops::Range;

use encoding_rs::{Encoding, GB18030, GBK, UTF_8};
use serde::Serialize;

use crate::clean::{CleanCounts, CleanOptions, Cleaner};
use crate::convert::{judged_chars, Change, Converter, Guard, Language, Part, JUDGED};
use crate::decode::{Decoder, Malformed};
use crate::detect::{self, Charset, Detection, Method};
use crate::markdown::CodeTracker;
use crate::repair::{self, Damage, DamageKind, Family, Position, Recoverer, Repairer};
use crate::write::{self, BomPolicy, EolCounts, EolPolicy};
use crate::{Error, Result};

/// How much input is read at a time after detection (small in unit tests,
/// to put the streaming to work).
const CHUNK_LEN: usize = if cfg!(test) { 8 * 1024 } else { 256 * 1024 };
/// A line longer than this is processed in pieces, so that a file with no
/// line breaks still streams (small in unit tests, to put cuts to work).
const MAX_PENDING: usize = if cfg!(test) { 4096 } else { 1024 * 1024 };

/// What the pipeline does; the defaults are the tool's defaults.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Skip detection and decode with this charset; a byte-order mark of
    /// another still wins, as in WHATWG's decode algorithm.
    pub from: Option<&'static Encoding>,
    /// Replace malformed sequences with U+FFFD instead of failing.
    pub lossy: bool,
    /// Byte-order-mark policy of the output.
    pub bom: BomPolicy,
    /// Line-ending policy of the output.
    pub eol: EolPolicy,
    /// Normalize to Unicode NFC.
    pub nfc: bool,
    /// Skip mojibake repair: mojibake is left as it is and not reported;
    /// damage (U+FFFD, `锟斤拷`, ...) is still found.
    pub no_repair: bool,
    /// Skip filling the holes of UTF-8 read as GBK (also off with `no_repair`).
    pub no_recover: bool,
    /// What the clean stage does.
    pub clean: CleanOptions,
    /// Traditional/Simplified conversion; `None` converts nothing.
    pub convert: Option<Converter>,
    /// Text matching any of these is left as it is by repair, clean and
    /// conversion.
    pub protect: Vec<regex::Regex>,
    /// Convert Japanese and Korean text with a Chinese configuration too.
    pub force: bool,
    /// Refuse input in any charset but these (empty: any); GBK and its
    /// superset GB18030, which the detector names, accept each other.
    pub accept: Vec<&'static Encoding>,
}

/// The result of running the pipeline over one input.
// One per input, returned once and held at most a few per thread by the
// folder printer: boxing the report would cost an allocation per file to
// save a few hundred bytes.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum Outcome {
    /// The input was text and was normalized.
    Text(Report),
    /// The input is not text; nothing was written.
    Binary,
}

/// What the pipeline found and did for one text input.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    #[serde(serialize_with = "serialize_encoding")]
    encoding: &'static Encoding,
    method: Method,
    confidence: f64,
    /// The input started with a byte-order mark.
    pub bom_found: bool,
    /// The output starts with a byte-order mark.
    pub bom_written: bool,
    /// Line endings of the input.
    pub eol_found: EolCounts,
    /// The line-ending policy changed some line ending.
    pub eol_changed: bool,
    /// NFC changed some character.
    pub nfc_changed: bool,
    /// Malformed sequences replaced with U+FFFD (lossy mode only).
    pub malformed: Malformed,
    /// Mojibake spans repaired, per family.
    #[serde(serialize_with = "serialize_repaired")]
    pub repaired: Vec<(Family, u64)>,
    /// Runs of UTF-8 read as GBK with holes that were recovered.
    pub runs_recovered: u64,
    /// Holes in those runs filled with a recovered character.
    pub holes_filled: u64,
    /// Damage found by the repair and clean stages, at its line and column
    /// in the input as decoded (columns in characters; a line ends at LF,
    /// CRLF or a CR alone).
    pub damage: Vec<Damage>,
    /// What the clean stage removed or changed.
    pub clean: CleanCounts,
    /// Characters the conversion changed (those it wrote in place of others).
    pub chars_converted: u64,
    /// The text is Japanese and was not converted (see the crate docs).
    pub japanese_not_converted: bool,
    /// The text is Korean and was not converted (see the crate docs).
    pub korean_not_converted: bool,
    /// The text is a mix of Chinese lines and Japanese lines, and only the
    /// Chinese ones were converted (see the crate docs).
    pub bilingual: bool,
    /// The lines with CJK characters that a bilingual text kept as they were.
    pub lines_not_converted: u64,
    /// The label of the charset the text declared for itself (an HTML
    /// `<meta charset>`, an XML declaration, a coding cookie), now declaring
    /// UTF-8 (see [`write::declare_utf8`]).
    pub declaration_updated: Option<Box<str>>,
    /// The label (lowercase) of a charset the text declares for itself
    /// when it was read in another: its bytes are not valid in it, another
    /// reads them more plausibly, they are valid UTF-8, or a BOM says
    /// otherwise (not with `--from`).
    pub declaration_not_followed: Option<Box<str>>,
    /// The charset the text declares first, if its bytes are not valid in
    /// it (what the note of [`Report::declaration_note`] says).
    #[serde(skip)]
    declared_invalid: Option<&'static Encoding>,
    /// The declaration not followed is left as it is: it may be a Markdown
    /// heading (see [`write::declare_utf8`]).
    #[serde(skip)]
    declaration_left: bool,
    /// Bytes read.
    pub bytes_in: u64,
    /// Bytes written.
    pub bytes_out: u64,
    /// See [`Report::output_is_ascii`].
    #[serde(skip)]
    output_is_ascii: bool,
}

fn serialize_repaired<S: serde::Serializer>(repaired: &[(Family, u64)], s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(repaired.iter().map(|(family, n)| (family.describe(), n)))
}

fn serialize_encoding<S: serde::Serializer>(encoding: &&'static Encoding, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&encoding.name().to_ascii_lowercase())
}

impl Report {
    /// Whether the text has damage that cannot be undone, or a charset
    /// declaration left as it was (it names another charset than the
    /// output's): what `--check` fails on besides a change.
    pub fn is_damaged(&self) -> bool {
        !self.damage.is_empty() || self.declaration_not_followed.is_some()
    }

    /// The charset the input was decoded with.
    pub fn encoding(&self) -> &'static Encoding {
        self.encoding
    }

    /// How the charset was determined.
    pub fn method(&self) -> Method {
        self.method
    }

    /// How sure the charset is, from 0 to 1 (by [`Report::method`]).
    pub fn confidence(&self) -> f64 {
        self.confidence
    }

    /// Whether the bytes written are ASCII throughout (a BOM is not), so
    /// that they are in every ASCII-compatible charset too.
    pub fn output_is_ascii(&self) -> bool {
        self.output_is_ascii
    }

    /// Why the charset the text declares was not followed, for people
    /// (`declares charset euc-kr, but its bytes are not valid euc-kr: read
    /// as detected, gb18030`); `None` when it was, or there is none.
    pub fn declaration_note(&self) -> Option<String> {
        let declared = self.declaration_not_followed.as_deref()?;
        let read = self.encoding.name().to_ascii_lowercase();
        let invalid = self.declared_invalid.is_some_and(|invalid| {
            detect::declared::encoding_for_label(declared).is_some_and(|named| named == invalid)
        });
        let why = match self.method {
            Method::Bom => format!("its byte-order mark says {read}: read as {read}"),
            _ if invalid => format!("its bytes are not valid {declared}: read as detected, {read}"),
            Method::ValidUtf8 => format!("its bytes are valid utf-8: read as {read}"),
            _ => format!("{read} reads it more plausibly: read as detected, {read}"),
        };
        let left = if self.declaration_left { "; left as it is, as it may be a Markdown heading" } else { "" };
        Some(format!("declares charset {declared}, but {why}{left}"))
    }

    /// Why the output differs from the input, for people (`gb18030 -> utf-8`,
    /// `bom removed`, ...). Empty when the output is the input.
    pub fn changes(&self) -> Vec<String> {
        let mut changes = Vec::new();
        if self.encoding != UTF_8 {
            changes.push(format!("{} -> utf-8", self.encoding.name().to_ascii_lowercase()));
        }
        match (self.bom_found, self.bom_written) {
            (true, false) => changes.push("bom removed".into()),
            (false, true) => changes.push("bom added".into()),
            _ => {}
        }
        if self.eol_changed {
            let EolCounts { lf, crlf, cr } = self.eol_found;
            changes.push(format!("line endings normalized ({lf} lf, {crlf} crlf, {cr} cr found)"));
        }
        if self.nfc_changed {
            changes.push("normalized to nfc".into());
        }
        for (family, n) in &self.repaired {
            changes.push(format!(
                "{} repaired ({})",
                counted(*n, "mojibake span", "mojibake spans"),
                family.describe()
            ));
        }
        if self.runs_recovered > 0 {
            changes.push(format!(
                "{} with holes recovered ({} filled)",
                counted(self.runs_recovered, "mojibake run", "mojibake runs"),
                counted(self.holes_filled, "hole", "holes")
            ));
        }
        if self.clean.glosses_removed > 0 {
            changes.push(format!("{} removed", counted(self.clean.glosses_removed, "pinyin gloss", "pinyin glosses")));
        }
        if self.clean.characters_changed > 0 {
            changes.push(format!("{} cleaned", counted(self.clean.characters_changed, "character", "characters")));
        }
        if self.chars_converted > 0 {
            changes.push(format!("{} converted", counted(self.chars_converted, "character", "characters")));
        }
        if let Some(label) = &self.declaration_updated {
            changes.push(format!("charset declaration {label} -> utf-8"));
        }
        if self.malformed.count > 0 {
            changes.push(format!(
                "{} replaced with U+FFFD (first at byte {})",
                counted(self.malformed.count, "malformed sequence", "malformed sequences"),
                self.malformed.first_offset.unwrap_or(0)
            ));
        }
        changes
    }
}

/// `1 file`, `2 files`: a count and the noun in the number it takes.
/// Shared with the command's messages; not part of the API.
#[doc(hidden)]
pub fn counted(count: u64, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

/// Runs the pipeline: reads `input` to its end, writes the normalized UTF-8
/// text to `output`, and reports what it found.
///
/// Memory stays bounded whatever the input size: detection reads at most
/// [`detect::PREFIX_LEN`] bytes, then the input streams through in chunks.
/// On error, `output` may hold a prefix of the text: callers that write files
/// write to a buffer or a temporary file first.
pub fn normalize<R: Read, W: Write>(input: R, output: &mut W, options: &Options) -> Result<Outcome> {
    Ok(run(input, output, options, None)?.0)
}

/// The changes the conversion of `options` makes to `input`, each at its
/// line and column in the input as decoded (as [`Report::damage`] is), as
/// [`normalize`] makes them: on the text as repaired and cleaned, with the
/// same judgement of the input's language (see the crate docs),
/// leaving out what is protected. The report is that of [`normalize`],
/// except that nothing is counted as converted.
pub fn explain<R: Read>(input: R, options: &Options) -> Result<(Outcome, Vec<Change>)> {
    run(input, &mut io::sink(), options, Some(Vec::new()))
}

/// Runs the pipeline; with `explained`, gathers the conversion's changes
/// there instead of converting (see [`explain`]).
fn run<R: Read, W: Write>(
    mut input: R,
    output: &mut W,
    options: &Options,
    explained: Option<Vec<Change>>,
) -> Result<(Outcome, Vec<Change>)> {
    // One buffer for the prefix and every chunk after it, zeroed once: safe
    // reads need initialized bytes, and zeroing each chunk anew cost 1.3 M
    // instructions per MB.
    let mut buf = Vec::with_capacity(detect::PREFIX_LEN.max(CHUNK_LEN));
    // With --from nothing is detected: a pipe's first line passes on at once,
    // however short, as soon as its bytes cannot start a byte-order mark.
    let (filled, complete) = match options.from {
        Some(_) => {
            buf.resize(CHUNK_LEN, 0);
            read_some(&mut input, &mut buf, |read| !may_start_bom(read))?
        }
        None => {
            let complete = read_up_to(&mut input, &mut buf, detect::PREFIX_LEN)?;
            (buf.len(), complete)
        }
    };
    let prefix = &buf[..filled];
    let charset = match options.from {
        // A byte-order mark wins over the charset named, as in encoding_rs's
        // `decode` (WHATWG's decode algorithm): `--from gbk` over files of
        // which some are UTF-8 with a BOM reads those right, and GBK behind a
        // UTF-8 BOM is refused as malformed UTF-8, not read as `锘...`.
        Some(encoding) => match Encoding::for_bom(prefix) {
            Some((found, bom_len)) => Charset {
                encoding: found,
                bom_len,
                method: if found == encoding { Method::Forced } else { Method::Bom },
                mixed_with: None,
            },
            None => Charset { encoding, bom_len: 0, method: Method::Forced, mixed_with: None },
        },
        None => match detect::detect(prefix, complete) {
            Detection::Text(charset) => charset,
            Detection::Binary => return Ok((Outcome::Binary, Vec::new())),
        },
    };
    // Text that is ASCII throughout reads the same in any ASCII-compatible
    // charset, so it is whichever of them is accepted (ISO-2022-JP, 7-bit
    // too, is not one).
    let ascii = complete && charset.bom_len == 0 && charset.encoding.is_ascii_compatible() && prefix.is_ascii();
    let gb18030_for_gbk = |e: &'static Encoding| if e == GBK { GB18030 } else { e };
    let accepted = |e: &&'static Encoding| {
        gb18030_for_gbk(e) == gb18030_for_gbk(charset.encoding) || (ascii && e.is_ascii_compatible())
    };
    if !options.accept.is_empty() && !options.accept.iter().any(accepted) {
        let name = |e: &&'static Encoding| e.name().to_ascii_lowercase();
        return Err(Error::NotAccepted {
            found: name(&charset.encoding),
            accepted: options.accept.iter().map(name).collect::<Vec<_>>().join(", "),
        });
    }

    let mut stream = Stream {
        output,
        options,
        report: Report {
            encoding: charset.encoding,
            method: charset.method,
            confidence: charset.method.confidence(),
            bom_found: charset.bom_len > 0,
            bom_written: options.bom == BomPolicy::Add || (options.bom == BomPolicy::Keep && charset.bom_len > 0),
            eol_found: EolCounts::default(),
            eol_changed: false,
            nfc_changed: false,
            malformed: Malformed::default(),
            repaired: Vec::new(),
            runs_recovered: 0,
            holes_filled: 0,
            damage: Vec::new(),
            clean: CleanCounts::default(),
            chars_converted: 0,
            japanese_not_converted: false,
            korean_not_converted: false,
            bilingual: false,
            lines_not_converted: 0,
            declaration_updated: None,
            declaration_not_followed: None,
            // Only a detected charset passes a declaration over.
            declared_invalid: options.from.is_none().then(|| detect::unclean_declaration(prefix, complete)).flatten(),
            declaration_left: false,
            bytes_in: prefix.len() as u64,
            bytes_out: 0,
            output_is_ascii: true,
        },
        position: Position::default(),
        input_position: InputPosition { line: 1, column: 1 },
        repairer: Repairer::default(),
        recoverer: Recoverer::default(),
        code: CodeTracker::default(),
        cleaner: Cleaner::new(options.clean),
        guard: Guard::new(options.protect.clone(), options.force),
        pending: String::new(),
        held_counted: 0,
        held_cjk: 0,
        explained,
        // ASCII is in every ASCII-compatible charset: its declaration of
        // one is as true as it was, and the file stays as it is.
        declaration_looked_for: charset.encoding == UTF_8 && charset.bom_len == 0 && prefix.is_ascii(),
        // UTF-16 has no ASCII bytes to look for declarations in: its
        // output's windows are taken instead.
        declared_in_head: charset.encoding.is_ascii_compatible().then(|| detect::declared::kinds(prefix)),
    };
    if stream.report.bom_written {
        stream.emit("\u{FEFF}")?;
    }
    // Naming the charset again does not help where a BOM overrode it; in a
    // mixture, the first malformed UTF-8 starts a line of the other charset.
    let overridden = |err| match (err, options.from, charset.mixed_with) {
        (Error::Malformed { encoding, offset }, from, _) if charset.method == Method::Bom => {
            Error::MalformedAfterBom { encoding, offset, from: from.map(Encoding::name) }
        }
        (Error::Malformed { offset, .. }, None, Some(other)) => Error::Mixed { offset, other: other.name() },
        (err, ..) => err,
    };
    let mut decoder = Decoder::new(charset.encoding, charset.bom_len as u64, options.lossy);
    stream.decode(&mut decoder, &prefix[charset.bom_len..], complete).map_err(overridden)?;
    if !complete {
        buf.resize(buf.len().max(CHUNK_LEN), 0);
        loop {
            let (filled, last) = read_some(&mut input, &mut buf, |read| !read.is_empty())?;
            stream.report.bytes_in += filled as u64;
            stream.decode(&mut decoder, &buf[..filled], last).map_err(overridden)?;
            if last {
                break;
            }
        }
    }
    stream.report.malformed = decoder.malformed();
    stream.report.clean = stream.cleaner.counts();
    stream.report.repaired = stream.repairer.repaired().to_vec();
    stream.report.runs_recovered = stream.recoverer.runs();
    stream.report.holes_filled = stream.recoverer.holes_filled();
    stream.report.eol_changed = stream.report.eol_found.changed_by(options.eol);
    let skipped = stream.guard.skipped_language();
    stream.report.japanese_not_converted = skipped == Some(Language::Japanese);
    stream.report.korean_not_converted = skipped == Some(Language::Korean);
    let lines_not_converted = stream.guard.lines_not_converted();
    stream.report.bilingual = lines_not_converted.is_some();
    stream.report.lines_not_converted = lines_not_converted.unwrap_or(0);
    Ok((Outcome::Text(stream.report), stream.explained.unwrap_or_default()))
}

/// Runs [`normalize`], writing to `output` as it does, and tells whether the
/// output differs from the input byte for byte (`false` for a binary
/// input). The comparison holds only the bytes one side has and the other
/// has not reached yet, about what the pipeline itself buffers, so that a
/// file of any size is checked or rewritten in bounded memory
/// (`io::sink()` as `output` only checks).
pub fn normalize_compared<R: Read, W: Write>(input: R, output: &mut W, options: &Options) -> Result<(Outcome, bool)> {
    let comparison = RefCell::new(Comparison::default());
    let input = Compared { inner: input, comparison: &comparison, output: false };
    let mut output = Compared { inner: output, comparison: &comparison, output: true };
    let outcome = normalize(input, &mut output, options)?;
    let changed = matches!(outcome, Outcome::Text(_)) && comparison.into_inner().differs();
    Ok((outcome, changed))
}

/// The state of comparing the output with the input as both go by.
#[derive(Default)]
struct Comparison {
    /// Bytes that one side has passed and the other not yet.
    ahead: VecDeque<u8>,
    /// Whether `ahead` holds output (else input).
    output_ahead: bool,
    /// A byte differed.
    differed: bool,
}

impl Comparison {
    fn pass(&mut self, bytes: &[u8], output: bool) {
        if self.differed || bytes.is_empty() {
            return;
        }
        if self.ahead.is_empty() || self.output_ahead == output {
            self.ahead.extend(bytes);
            self.output_ahead = output;
            return;
        }
        let common = bytes.len().min(self.ahead.len());
        let (front, back) = self.ahead.as_slices();
        let in_front = front.len().min(common);
        if front[..in_front] != bytes[..in_front] || back[..common - in_front] != bytes[in_front..common] {
            self.differed = true;
            self.ahead = VecDeque::new();
            return;
        }
        self.ahead.drain(..common);
        if common < bytes.len() {
            self.ahead.extend(&bytes[common..]);
            self.output_ahead = output;
        }
    }

    /// Whether the output differs, once both sides have ended.
    fn differs(&self) -> bool {
        self.differed || !self.ahead.is_empty()
    }
}

/// The input or the output of [`normalize_compared`], passing its bytes to
/// the comparison.
struct Compared<'a, T> {
    inner: T,
    comparison: &'a RefCell<Comparison>,
    output: bool,
}

impl<R: Read> Read for Compared<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.comparison.borrow_mut().pass(&buf[..n], self.output);
        Ok(n)
    }
}

impl<W: Write> Write for Compared<'_, &mut W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.comparison.borrow_mut().pass(&buf[..n], self.output);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// The text stages after decoding, applied to whole lines as they arrive.
struct Stream<'a, W> {
    output: &'a mut W,
    options: &'a Options,
    report: Report,
    /// Where the repair stage's text has got to, and the input's.
    position: Position,
    input_position: InputPosition,
    repairer: Repairer,
    recoverer: Recoverer,
    /// Where Markdown code is in the text the repair stage sees.
    code: CodeTracker,
    cleaner: Cleaner,
    guard: Guard,
    /// Decoded text not yet passed on: the unfinished last line.
    pending: String,
    /// How much of `pending` has been counted into `held_cjk`, and the
    /// characters the judgement counts in it, while text is held back for
    /// the judgement ([`Stream::holds_for_judgement`]).
    held_counted: usize,
    held_cjk: usize,
    /// With [`explain`], the conversion's changes, made instead of it.
    explained: Option<Vec<Change>>,
    /// The first block, where a charset declaration is, has been looked at
    /// (or the input is ASCII, and its declaration is not to be changed).
    declaration_looked_for: bool,
    /// The kinds of declaration at the start of the input (see
    /// [`detect::declared::Kinds`]); `None` when it is not ASCII-compatible.
    declared_in_head: Option<detect::declared::Kinds>,
}

impl<W: Write> Stream<'_, W> {
    /// Decodes `bytes` and passes on the complete lines. At a malformed
    /// byte, the text before it is passed on before the error returns, as
    /// `iconv` prints what it could decode (a file being rewritten is not
    /// written at all; only the stdout mode shows it).
    fn decode(&mut self, decoder: &mut Decoder, bytes: &[u8], last: bool) -> Result<()> {
        if let Err(err) = decoder.feed(bytes, last, &mut self.pending) {
            self.flush_lines(true)?;
            return Err(err);
        }
        self.flush_lines(last)?;
        // A pipe's lines reach the reader as they come (`tail -f | zhnorm`).
        Ok(self.output.flush()?)
    }

    /// Passes on the complete lines of `pending` (all of it at the end),
    /// up to a Markdown fence still open: a block of code is judged whole,
    /// wherever the reads end (up to [`MAX_PENDING`]; a longer block is
    /// not taken for code).
    fn flush_lines(&mut self, end: bool) -> Result<()> {
        loop {
            if !end && self.holds_for_judgement() {
                return Ok(());
            }
            let mut cut = if end {
                self.pending.len()
            } else if let Some(newline) = self.pending.rfind('\n') {
                newline + 1
            } else if self.pending.len() > MAX_PENDING {
                safe_cut(&self.pending)
            } else {
                return Ok(());
            };
            let mut more = false;
            if let Some(converter) = &self.options.convert {
                // Never more than a held window: the same text is judged
                // however the reads cut it. A window with no CJK leaves
                // the judgement to the text after it, which is not passed
                // on with it. (Once judged, the guard looks no more.)
                let mut window_end = self.pending.len().min(MAX_PENDING);
                while !self.pending.is_char_boundary(window_end) {
                    window_end -= 1;
                }
                if self.guard.awaits_judgement(converter) {
                    self.guard.judge(converter, &LoneCarriageReturns::made_line_feeds(&self.pending[..window_end]).0);
                }
                if cut > window_end && self.guard.awaits_judgement(converter) {
                    let window = &self.pending[..window_end];
                    cut = window.rfind('\n').map_or_else(|| safe_cut(window), |newline| newline + 1);
                    // A window with no safe cut (bare CRs, whose pairs with
                    // a following LF are not split) goes on whole.
                    if cut == 0 {
                        cut = window_end;
                    }
                    more = true;
                }
            }
            if !end {
                if let Some(fence) = self.code.wait_at(&LoneCarriageReturns::made_line_feeds(&self.pending[..cut]).0) {
                    if self.pending.len() - fence <= MAX_PENDING {
                        cut = fence;
                    } else {
                        self.code.give_up();
                    }
                }
            }
            self.code.passed(cut);
            // The unfinished line moves to the front of the same buffer,
            // which keeps its capacity for the next chunk's text.
            let mut block = std::mem::take(&mut self.pending);
            self.process(&block[..cut])?;
            block.drain(..cut);
            (self.held_counted, self.held_cjk) = (0, 0);
            self.pending = block;
            if !more {
                return Ok(());
            }
        }
    }

    /// Whether to hold the text read back, unprocessed, because a Chinese
    /// configuration waits for the judgement of the input's language
    /// ([`Guard::awaits_judgement`]) and there is not enough of it yet: the
    /// judgement is made on the first [`JUDGED`] CJK characters of whole
    /// lines (or on those of the first [`MAX_PENDING`] bytes), so that it
    /// does not depend on where the reads of a pipe end, as the output of a
    /// stream must not. A short first line of Chinese read on its own would
    /// have had the Japanese after it converted, and a Japanese one the
    /// Chinese after it kept.
    fn holds_for_judgement(&mut self) -> bool {
        if !self.options.convert.as_ref().is_some_and(|converter| self.guard.awaits_judgement(converter)) {
            return false;
        }
        let lines_end = self.pending.rfind('\n').map_or(0, |newline| newline + 1);
        if lines_end > self.held_counted {
            self.held_cjk += judged_chars(&self.pending[self.held_counted..lines_end]);
            self.held_counted = lines_end;
        }
        self.held_cjk < JUDGED && self.pending.len() < MAX_PENDING
    }

    fn process(&mut self, block: &str) -> Result<()> {
        let block = self.without_repeated_boms(block);
        if block.is_empty() {
            return Ok(());
        }
        let eol = EolCounts::count(block);
        self.report.eol_found.add(eol);
        let input = block;
        let (block, lone_crs) = LoneCarriageReturns::made_line_feeds(input);
        let block = &*block;
        // What `--protect` and the markers shield, no stage changes.
        let mut parts = self.guard.parts(block);
        // Markdown code is quoted on purpose (a sample of mojibake, of
        // U+FFFD): repair leaves it, and its damage is not reported.
        // Found in the whole block: a protected name inside a fenced block
        // leaves the block code.
        let mut code = code_in_parts(&parts, &self.code.spans(block));
        if !self.options.no_repair {
            for (part, code) in parts.iter_mut().zip(&mut code).filter(|(part, _)| !part.shielded) {
                let (recoverer, repairer) = (&mut self.recoverer, &mut self.repairer);
                let recover = !self.options.no_recover;
                part.text = outside_code(std::mem::take(&mut part.text), code, |text| {
                    let text = if recover { recoverer.recover(text) } else { Cow::Borrowed(text) };
                    staged(text, |text| repairer.repair(text))
                });
            }
        }
        let repaired = joined(&parts);
        let (damage_from, repaired_start) = (self.report.damage.len(), self.position);
        repair::scan_damage(&repaired, &mut self.position, &mut self.report.damage);
        let quoted = parts.len() > 1 || code.iter().any(|spans| !spans.is_empty());
        if quoted && self.report.damage.len() > damage_from {
            drop_quoted_damage(&parts, &code, repaired_start, &mut self.report.damage, damage_from);
        }
        let cleaned: Vec<Part<'_>> = parts
            .iter()
            .zip(&code)
            .map(|(part, code)| {
                let text = if !self.cleaner.is_active() {
                    Cow::Borrowed(&*part.text)
                } else if part.shielded {
                    self.cleaner.pass(&part.text);
                    Cow::Borrowed(&*part.text)
                } else {
                    self.cleaner.clean(&part.text, code, &mut self.report.damage)
                };
                Part { text, shielded: part.shielded }
            })
            .collect();
        if self.report.damage.len() > damage_from {
            self.damage_to_input(block, &repaired, damage_from, repaired_start);
        }
        let converted = match &self.options.convert {
            Some(converter) if self.explained.is_some() => {
                let cleaned_text = joined(&cleaned);
                let changes = self.guard.explain(converter, &cleaned);
                let mut positions: Vec<(u64, u64)> =
                    changes.iter().map(|change| (change.line as u64, change.column as u64)).collect();
                self.block_positions_to_input(block, &cleaned_text, &mut positions);
                let moved = changes.into_iter().zip(positions).map(|(change, (line, column))| Change {
                    line: line as usize,
                    column: column as usize,
                    ..change
                });
                self.explained.get_or_insert_default().extend(moved);
                cleaned_text
            }
            Some(converter) => {
                let mut out = String::with_capacity(repaired.len() + repaired.len() / 8);
                self.report.chars_converted += self.guard.convert(converter, &cleaned, &mut out);
                Cow::Owned(out)
            }
            None => joined(&cleaned),
        };
        let converted = lone_crs.put_back(converted);
        self.input_position.advance(input, eol);
        let normalized = if self.options.nfc { write::nfc(&converted) } else { Cow::Borrowed(&*converted) };
        self.report.nfc_changed |= matches!(normalized, Cow::Owned(_));
        let text = write::line_endings(&normalized, self.options.eol);
        if !std::mem::replace(&mut self.declaration_looked_for, true) {
            if let Some(redeclared) = write::declare_utf8(&text, self.report.encoding, self.declared_in_head) {
                self.report.declaration_updated = redeclared.updated.map(String::into_boxed_str);
                if self.options.from.is_none() {
                    self.report.declaration_not_followed = redeclared.not_followed.map(String::into_boxed_str);
                    self.report.declaration_left = redeclared.not_followed_left;
                }
                return Ok(self.emit(&redeclared.text)?);
            }
        }
        Ok(self.emit(&text)?)
    }

    /// `block` without the BOMs that repeat the input's at the start of its
    /// text (a tool that wrote its own BOM before the file's): they are the
    /// BOM, which `--bom` writes once or not at all; kept, they would be
    /// taken for one, and stripped, by the next run.
    fn without_repeated_boms<'b>(&mut self, block: &'b str) -> &'b str {
        if !self.report.bom_found || !self.input_position.at_start() {
            return block;
        }
        let text = block.trim_start_matches('\u{FEFF}');
        self.input_position.column += block[..block.len() - text.len()].chars().count() as u64;
        text
    }

    /// Damage is found in the repaired text, but people look for it in the
    /// input: moves the damage found in `block` from `damage_from` on, at
    /// positions in `repaired` (which starts at `repaired_start`), to where
    /// it is in `block` (which starts at `input_position`).
    fn damage_to_input(&mut self, block: &str, repaired: &str, damage_from: usize, repaired_start: Position) {
        let (first_line, repaired_column) = repaired_start.line_column();
        // Positions in the block, whose first line starts at column 1 (it
        // starts further on after a long line was cut).
        let mut positions: Vec<(u64, u64)> = self.report.damage[damage_from..]
            .iter()
            .map(|d| match d.line.saturating_sub(first_line) + 1 {
                1 => (1, (d.column + 1).saturating_sub(repaired_column).max(1)),
                line => (line, d.column),
            })
            .collect();
        for (d, &position) in self.report.damage[damage_from..].iter_mut().zip(&positions) {
            if d.kind == DamageKind::CutCharacter && ends_a_rewritten_run(block, repaired, position) {
                d.kind = DamageKind::ReplacementCharacter;
            }
        }
        self.block_positions_to_input(block, repaired, &mut positions);
        for (d, (line, column)) in self.report.damage[damage_from..].iter_mut().zip(positions) {
            (d.line, d.column) = (line, column);
        }
    }

    /// Moves `positions` in `text`, which the stages made of `block` (its
    /// first line counted from column 1), to where they are in the input
    /// (see [`positions_in_input`]). Call before `input_position` passes
    /// `block`.
    fn block_positions_to_input(&self, block: &str, text: &str, positions: &mut [(u64, u64)]) {
        positions_in_input(block, text, positions);
        let InputPosition { line: input_line, column: input_column } = self.input_position;
        for (line, column) in positions {
            if *line == 1 {
                *column += input_column - 1;
            }
            *line += input_line - 1;
        }
    }

    fn emit(&mut self, text: &str) -> io::Result<()> {
        self.report.bytes_out += text.len() as u64;
        // Once false it stays so, and nothing more is scanned.
        self.report.output_is_ascii = self.report.output_is_ascii && text.is_ascii();
        self.output.write_all(text.as_bytes())
    }
}

/// Whether the U+FFFD at `position` (line and column in `repaired`, made
/// of `block`; the first line counted from column 1) ends a run the repair
/// rewrote: a hole of mojibake whose last byte was paired with the line end
/// (`銆?` for `。`), which was not cut by the end of a line but lost.
fn ends_a_rewritten_run(block: &str, repaired: &str, (line, column): (u64, u64)) -> bool {
    let index = line.saturating_sub(1) as usize;
    let (Some(original), Some(derived)) = (block.split('\n').nth(index), repaired.split('\n').nth(index)) else {
        return false;
    };
    original != derived && column >= 2 && LineMap::new(original, derived).rewritten(column as usize - 2)
}

/// Text kept on purpose as it is, what `--protect` or the markers shield
/// (a fixture of mojibake, a note that shows U+FFFD) and Markdown code, has
/// its damage unreported: drops the damage from `from` on, at positions in
/// the text of `parts` (which starts at `start`), that lies in a shielded
/// part or in one of the `code` spans of a part. The whole text is scanned
/// first, so that damage next to quoted text is judged with the same
/// neighbours as elsewhere.
fn drop_quoted_damage(
    parts: &[Part<'_>],
    code: &[Vec<Range<usize>>],
    start: Position,
    damage: &mut Vec<Damage>,
    from: usize,
) {
    let mut position = start;
    let mut quoted = Vec::new();
    for (part, code) in parts.iter().zip(code) {
        let whole = 0..part.text.len();
        let mut at = 0;
        for span in if part.shielded { std::slice::from_ref(&whole) } else { code } {
            position.advance(&part.text[at..span.start]);
            let span_start = position.line_column();
            position.advance(&part.text[span.clone()]);
            quoted.push(span_start..position.line_column());
            at = span.end;
        }
        position.advance(&part.text[at..]);
    }
    let kept: Vec<Damage> =
        damage.drain(from..).filter(|d| !quoted.iter().any(|range| range.contains(&(d.line, d.column)))).collect();
    damage.extend(kept);
}

/// `text` as a stage leaves it; the stage borrows what it does not change.
fn staged<'a>(text: Cow<'a, str>, stage: impl FnOnce(&str) -> Cow<'_, str>) -> Cow<'a, str> {
    match stage(&text) {
        Cow::Borrowed(_) => text,
        Cow::Owned(changed) => Cow::Owned(changed),
    }
}

/// `text` with `stage` run on each piece of it between the `code` spans
/// (sorted byte ranges), which stay as they are and are moved to where they
/// are in the result. The pieces are put together again only when the stage
/// changed one: most blocks are clean, and copying them cost about an
/// instruction per byte.
fn outside_code<'a>(
    text: Cow<'a, str>,
    code: &mut [Range<usize>],
    mut stage: impl FnMut(&str) -> Cow<'_, str>,
) -> Cow<'a, str> {
    if code.is_empty() {
        return staged(text, stage);
    }
    let mut at = 0;
    let mut pieces = Vec::with_capacity(code.len() + 1);
    for span in code.iter() {
        pieces.push(stage(&text[at..span.start]));
        at = span.end;
    }
    pieces.push(stage(&text[at..]));
    if pieces.iter().all(|piece| matches!(piece, Cow::Borrowed(_))) {
        drop(pieces);
        return text;
    }
    let mut out = String::with_capacity(text.len());
    for (piece, span) in pieces.iter().zip(code.iter_mut()) {
        out.push_str(piece);
        let quoted = &text[span.clone()];
        *span = out.len()..out.len() + quoted.len();
        out.push_str(quoted);
    }
    out.push_str(&pieces[code.len()]);
    Cow::Owned(out)
}

/// The code `spans` of a block, cut at the edges of the `parts` it is
/// split into and given in each part's own offsets.
fn code_in_parts(parts: &[Part<'_>], spans: &[Range<usize>]) -> Vec<Vec<Range<usize>>> {
    let mut start = 0;
    parts
        .iter()
        .map(|part| {
            let end = start + part.text.len();
            let inside = spans
                .iter()
                .filter(|span| span.start < end && span.end > start)
                .map(|span| span.start.max(start) - start..span.end.min(end) - start)
                .collect();
            start = end;
            inside
        })
        .collect()
}

/// The text of `parts`, borrowed when there is one.
fn joined<'a>(parts: &'a [Part<'_>]) -> Cow<'a, str> {
    match parts {
        [part] => Cow::Borrowed(&part.text),
        _ => Cow::Owned(parts.iter().map(|part| &*part.text).collect()),
    }
}

/// Where the stream is in the input: the 1-based line and column of the
/// next character, lines ending at LF, CRLF or a CR alone (old Mac files),
/// as [`positions_in_input`] counts them.
#[derive(Debug, Clone, Copy)]
struct InputPosition {
    line: u64,
    column: u64,
}

impl InputPosition {
    /// Nothing has been passed over yet.
    fn at_start(&self) -> bool {
        (self.line, self.column) == (1, 1)
    }

    /// Moves over `block`, whose line endings are `eol`.
    fn advance(&mut self, block: &str, eol: EolCounts) {
        self.line += eol.lf + eol.crlf + eol.cr;
        let last_line = match memchr::memrchr2(b'\n', b'\r', block.as_bytes()) {
            Some(end) => {
                self.column = 1;
                &block[end + 1..]
            }
            None => block,
        };
        self.column += last_line.chars().count() as u64;
    }
}

/// Moves 1-based (line, column) positions in `derived`, text the stages
/// made line by line from `original`, to where they were in `original`,
/// columns counted in characters: a character the stages kept moves to
/// where it was, one they wrote in place of others (a repaired span) to the
/// first of those, a position past a line's end to that line's end.
///
/// Lines end at LF in both (the stages see a CR that no LF follows as one,
/// see [`LoneCarriageReturns`]). The stages never add or remove a line
/// break; should the line counts differ, the positions are left as they are.
pub(crate) fn positions_in_input(original: &str, derived: &str, positions: &mut [(u64, u64)]) {
    if positions.is_empty() || original == derived {
        return;
    }
    let original_lines: Vec<&str> = original.split('\n').collect();
    let derived_lines: Vec<&str> = derived.split('\n').collect();
    if original_lines.len() != derived_lines.len() {
        return;
    }
    let mut order: Vec<(u64, usize)> = positions.iter().enumerate().map(|(i, &(line, _))| (line, i)).collect();
    order.sort_unstable();
    for same_line in order.chunk_by(|a, b| a.0 == b.0) {
        let line = same_line[0].0 as usize;
        let index = line.wrapping_sub(1);
        let (Some(from), Some(to)) = (original_lines.get(index), derived_lines.get(index)) else {
            continue;
        };
        if from == to {
            continue;
        }
        let map = LineMap::new(from, to);
        for &(_, i) in same_line {
            positions[i].1 = map.original(positions[i].1.saturating_sub(1) as usize) as u64 + 1;
        }
    }
}

/// The CRs that no LF follows in a text, an old Mac file's line ends (or a
/// mixed file's), made LFs for the stages and put back after. The stages
/// find lines at LF (the repair's spans, a gloss's row, `--protect`'s `^`
/// and `$`, Markdown fences, an ASS file's `Dialogue:` lines, the bilingual
/// judgement): the same text is to give the same output whatever its line
/// ends, and `--eol lf` to change nothing on a second run. A CR and an LF
/// are one byte each, so offsets are the same in both texts; the stages
/// never add or remove a line break, so the LFs that were CRs are found
/// again by their order.
struct LoneCarriageReturns {
    /// Which LFs, counted from 0, were CRs, in order.
    line_ends: Vec<usize>,
}

impl LoneCarriageReturns {
    /// `text` with its lone CRs made LFs (a CR at its end too: if an LF
    /// follows in the next block, it comes back a CR all the same).
    fn made_line_feeds(text: &str) -> (Cow<'_, str>, LoneCarriageReturns) {
        let bytes = text.as_bytes();
        let mut line_ends = Vec::new();
        let mut line_feeds = String::new();
        let (mut from, mut ordinal) = (0, 0);
        for at in memchr::memchr_iter(b'\r', bytes).filter(|&at| bytes.get(at + 1) != Some(&b'\n')) {
            ordinal += memchr::memchr_iter(b'\n', &bytes[from..at]).count();
            line_ends.push(ordinal);
            ordinal += 1;
            line_feeds.push_str(&text[from..at]);
            line_feeds.push('\n');
            from = at + 1;
        }
        if line_ends.is_empty() {
            return (Cow::Borrowed(text), LoneCarriageReturns { line_ends });
        }
        line_feeds.push_str(&text[from..]);
        (Cow::Owned(line_feeds), LoneCarriageReturns { line_ends })
    }

    /// `text`, made by the stages of [`made_line_feeds`]'s, with the CRs back.
    ///
    /// [`made_line_feeds`]: LoneCarriageReturns::made_line_feeds
    fn put_back<'a>(&self, text: Cow<'a, str>) -> Cow<'a, str> {
        if self.line_ends.is_empty() {
            return text;
        }
        let mut restored = String::with_capacity(text.len());
        let mut wanted = self.line_ends.iter().copied().peekable();
        for (ordinal, line) in text.split_inclusive('\n').enumerate() {
            match line.strip_suffix('\n') {
                Some(content) if wanted.next_if_eq(&ordinal).is_some() => {
                    restored.push_str(content);
                    restored.push('\r');
                }
                _ => restored.push_str(line),
            }
        }
        Cow::Owned(restored)
    }
}

/// Lines longer than this (both together, in characters, after their
/// common start and end) are not aligned character by character: the
/// alignment costs time in proportion to the length times the edits.
const MAX_ALIGNED: usize = 20_000;

/// Where the characters of a line the stages changed were in the original line.
struct LineMap {
    original_len: usize,
    derived_len: usize,
    /// The lines' common start and end, in characters.
    prefix: usize,
    suffix: usize,
    ops: Vec<similar::DiffOp>,
}

/// A character of a derived line, aligned with the original's: a U+FFFD
/// also matches a `?`, since hole recovery writes U+FFFD for a `?` hole it
/// cannot fill, and the hole is where the `?` was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct DerivedChar(char);

impl PartialEq<char> for DerivedChar {
    fn eq(&self, original: &char) -> bool {
        self.0 == *original || (self.0 == '\u{FFFD}' && *original == '?')
    }
}

impl LineMap {
    fn new(original: &str, derived: &str) -> LineMap {
        let old: Vec<char> = original.chars().collect();
        let new: Vec<DerivedChar> = derived.chars().map(DerivedChar).collect();
        let prefix = old.iter().zip(&new).take_while(|(a, b)| b == a).count();
        let suffix = old[prefix..].iter().rev().zip(new[prefix..].iter().rev()).take_while(|(a, b)| b == a).count();
        let (old_middle, new_middle) = (prefix..old.len() - suffix, prefix..new.len() - suffix);
        let ops = if old_middle.len() + new_middle.len() <= MAX_ALIGNED {
            similar::capture_diff_deadline(similar::Algorithm::Myers, &old, old_middle, &new, new_middle, None)
        } else {
            Vec::new()
        };
        LineMap { original_len: old.len(), derived_len: new.len(), prefix, suffix, ops }
    }

    /// The 0-based index in the original line of index `at` of the derived one.
    fn original(&self, at: usize) -> usize {
        if at < self.prefix {
            return at;
        }
        if at >= self.derived_len - self.suffix {
            return (at + self.original_len - self.derived_len).min(self.original_len);
        }
        let found = self.ops.iter().find_map(|op| {
            let (_, old, new) = op.as_tag_tuple();
            if !new.contains(&at) {
                return None;
            }
            Some(match op {
                similar::DiffOp::Equal { .. } => old.start + (at - new.start),
                _ => old.start,
            })
        });
        found.unwrap_or(self.prefix)
    }

    /// Whether index `at` of the derived line is text the stages wrote in
    /// place of other text.
    fn rewritten(&self, at: usize) -> bool {
        if at < self.prefix || at >= self.derived_len - self.suffix {
            return false;
        }
        // Lines too long to align are taken as rewritten in their middle.
        self.ops
            .iter()
            .find(|op| op.new_range().contains(&at))
            .is_none_or(|op| !matches!(op, similar::DiffOp::Equal { .. }))
    }
}

/// Where to cut a line too long to wait for its end: in its last half
/// [`MAX_PENDING`], after the last whitespace character (a space, a tab, an
/// ideographic space) or, failing that, after the last `。`, `，`, `！`,
/// `？` or `；` that is not glossed and not a gloss (`。(。)`).
///
/// No dictionary key of OpenCC contains these characters, so no phrase and
/// no segment is cut, and conversion of the pieces is conversion of the
/// whole; no pinyin gloss contains them either. A line without any of them
/// there is cut after its last character (never between the halves of a
/// CRLF).
fn safe_cut(text: &str) -> usize {
    let mut window = text.len().saturating_sub(MAX_PENDING / 2);
    while !text.is_char_boundary(window) {
        window += 1;
    }
    let tail = &text[window..];
    if let Some(at) = memchr::memrchr2(b' ', b'\t', tail.as_bytes()) {
        return window + at + 1;
    }
    let punctuation = tail.char_indices().rev().find(|&(at, c)| {
        matches!(c, '\u{3000}' | '。' | '，' | '！' | '？' | '；')
            && !tail[at + c.len_utf8()..].starts_with('(')
            && !tail[..at].ends_with('(')
    });
    if let Some((at, c)) = punctuation {
        return window + at + c.len_utf8();
    }
    let mut cut = text.len();
    while !text.is_char_boundary(cut) || text[..cut].ends_with('\r') {
        cut -= 1;
    }
    cut
}

/// Reads into `buf` until what it holds is `enough`, it is full or the input
/// ends, taking what each read gives: a file fills the buffer, a pipe hands
/// over what its writer has written so far. Returns how many bytes it holds
/// and whether the input ended.
fn read_some<R: Read>(input: &mut R, buf: &mut [u8], enough: impl Fn(&[u8]) -> bool) -> io::Result<(usize, bool)> {
    let mut filled = 0;
    loop {
        if enough(&buf[..filled]) || filled == buf.len() {
            return Ok((filled, false));
        }
        match input.read(&mut buf[filled..]) {
            Ok(0) => return Ok((filled, true)),
            Ok(n) => filled += n,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) => return Err(err),
        }
    }
}

/// Whether `bytes` are empty or the start of a byte-order mark that
/// [`Encoding::for_bom`] would need more bytes to tell.
fn may_start_bom(bytes: &[u8]) -> bool {
    [&[0xEF, 0xBB, 0xBF][..], &[0xFE, 0xFF], &[0xFF, 0xFE]]
        .iter()
        .any(|bom| bytes.len() < bom.len() && bom.starts_with(bytes))
}

/// Reads until `buf` holds `limit` bytes or the input ends; returns whether
/// it ended.
fn read_up_to<R: Read>(input: &mut R, buf: &mut Vec<u8>, limit: usize) -> io::Result<bool> {
    let wanted = (limit - buf.len()) as u64;
    let got = input.by_ref().take(wanted).read_to_end(buf)?;
    Ok((got as u64) < wanted)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A reader that hands out its bytes a few at a time, as pipes do.
    struct Trickle<'a> {
        bytes: &'a [u8],
        sizes: Vec<usize>,
        turn: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let size = self.sizes[self.turn % self.sizes.len()].min(buf.len()).min(self.bytes.len());
            self.turn += 1;
            buf[..size].copy_from_slice(&self.bytes[..size]);
            self.bytes = &self.bytes[size..];
            Ok(size)
        }
    }

    /// A pipe whose writer has written `bytes` and nothing more yet: a read
    /// after them would block, here it fails.
    struct Waiting<'a>(&'a [u8]);

    impl Read for Waiting<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.0.is_empty() {
                return Err(io::Error::other("the writer has written nothing more yet"));
            }
            let size = self.0.len().min(buf.len());
            buf[..size].copy_from_slice(&self.0[..size]);
            self.0 = &self.0[size..];
            Ok(size)
        }
    }

    /// `explain` lists a change on each line the conversion changes, at
    /// its place in the input, through blocks cut at MAX_PENDING (4096 in
    /// tests): a Chinese window judged before the Japanese after it.
    #[test]
    fn explain_lists_the_changes_normalize_makes_where_it_makes_them() {
        let japanese = "広い会社の中で、新しい技術を学んでいます。\n";
        let input = format!("头发\n{}ab 头发\r\n{}", "x\n".repeat(3000), japanese.repeat(50));
        let options = Options { convert: Some(Converter::builtin("s2t").unwrap()), ..Options::default() };
        let (outcome, out) = run(input.as_bytes(), &options);
        assert!(matches!(outcome, Ok(Outcome::Text(_))));
        let out = String::from_utf8(out).unwrap();
        let changed: Vec<usize> =
            input.lines().zip(out.lines()).enumerate().filter(|(_, (a, b))| a != b).map(|(i, _)| i + 1).collect();
        assert_eq!(changed.len(), 52);
        let (_, changes) = explain(input.as_bytes(), &options).unwrap();
        let mut lines: Vec<usize> = changes.iter().map(|change| change.line).collect();
        lines.dedup();
        assert_eq!(lines, changed);
        assert_eq!((changes[1].line, changes[1].column, changes[1].from.as_str()), (3002, 4, "头发"));
    }

    #[test]
    fn a_short_first_line_of_a_pipe_passes_on_before_more_comes() {
        let gbk = Options { from: Some(encoding_rs::GBK), ..Options::default() };
        for (first_line, expected) in [(&b"\xd6\xd0\n"[..], "中\n"), (b"\n", "\n"), (b"ab\n", "ab\n")] {
            let (outcome, out) = run(Waiting(first_line), &gbk);
            assert!(outcome.is_err(), "the reader failed after the first line");
            assert_eq!(String::from_utf8(out).unwrap(), expected);
        }
        // The first bytes of a UTF-8 BOM are waited for: a BOM is not text.
        let (_, out) = run(Waiting(b"\xef\xbb"), &gbk);
        assert!(out.is_empty());
    }

    #[test]
    fn a_malformed_sequence_read_a_byte_at_a_time_stops_the_stream_where_it_starts() {
        // Fuzzing (fuzz/ stream): `94 31 9F` begins a four-byte GB18030
        // sequence that `E6` breaks, each byte in a read of its own; the
        // decoder overflowed in debug builds finding where it started.
        let bytes = b"\x87\xe9\xa2\x98\xef\xbc\x9a\xe9\x941\x9f\xe6\x96\xa4\xe6\x8b\xb7\xe9\x94\x9f\xe6$\x96\xa4\x17\
            \x17\x17\x17\x17\x17\x17\x17\x17\x17\x17\x17\x17\x17\x17\x17\x17\x17\x17\x17\x17\x17\x17\xe5\x9c\xa8\xe8\
            \xbf\x99\xe9\x87\x8c\xd5\x8c-";
        let gb18030 = Options { from: Some(encoding_rs::GB18030), ..Options::default() };
        for sizes in [vec![bytes.len()], vec![1], vec![2, 1]] {
            let (outcome, _) = run(Trickle { bytes, sizes: sizes.clone(), turn: 0 }, &gb18030);
            assert!(matches!(outcome, Err(Error::Malformed { offset: 8, .. })), "reads of {sizes:?}: {outcome:?}");
        }
    }

    fn run(input: impl Read, options: &Options) -> (Result<Outcome>, Vec<u8>) {
        let mut out = Vec::new();
        let outcome = normalize(input, &mut out, options);
        (outcome, out)
    }

    proptest! {
        // Random bytes are the worst case of the repair stage (garbage all
        // through, every span a candidate): fewer, shorter cases in debug.
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        #[test]
        fn arbitrary_bytes_never_panic_and_lossy_always_succeeds(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            let lossy = Options { lossy: true, ..Options::default() };
            let (outcome, out) = run(&bytes[..], &lossy);
            prop_assert!(outcome.is_ok());
            prop_assert!(std::str::from_utf8(&out).is_ok());
            let (strict, _) = run(&bytes[..], &Options::default());
            let strict_ok = matches!(strict, Ok(_) | Err(crate::Error::Malformed { .. } | crate::Error::Truncated { .. }));
            prop_assert!(strict_ok, "strict run: {:?}", strict);
        }

        #[test]
        fn output_does_not_depend_on_read_sizes(
            text in "[天气预报中文\r\n a-z，。\u{20BB7}]{0,300}",
            sizes in proptest::collection::vec(1usize..9, 1..5),
            encoding in prop_oneof![Just(encoding_rs::GB18030), Just(encoding_rs::UTF_16LE), Just(UTF_8)],
            eol in prop_oneof![Just(EolPolicy::Keep), Just(EolPolicy::Lf), Just(EolPolicy::Crlf)],
        ) {
            let (bytes, _, _) = encoding.encode(&text);
            let bytes = if encoding == encoding_rs::UTF_16LE {
                text.encode_utf16().flat_map(u16::to_le_bytes).collect::<Vec<u8>>()
            } else {
                bytes.into_owned()
            };
            let options = Options { from: Some(encoding), eol, ..Options::default() };
            let (whole, whole_out) = run(&bytes[..], &options);
            let (trickled, trickled_out) = run(Trickle { bytes: &bytes, sizes, turn: 0 }, &options);
            prop_assert!(whole.is_ok() && trickled.is_ok());
            prop_assert_eq!(&whole_out, &trickled_out);
            if eol == EolPolicy::Keep {
                prop_assert_eq!(String::from_utf8(whole_out).unwrap(), text);
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        /// Every stage that keeps a state from block to block (the repair's
        /// counts, the gloss removal, the conversion's judgement of the
        /// language, the positions of damage) on generated Chinese-like
        /// text with garbled pieces and glosses: a pipe's reads of a few
        /// bytes give the output and the report of one read.
        #[test]
        fn chinese_like_text_comes_out_the_same_whatever_the_read_sizes(
            text in crate::chinese_like::text(60),
            sizes in proptest::collection::vec(1usize..12, 1..5),
            gbk in any::<bool>(),
            glosses in prop_oneof![Just(crate::clean::GlossMode::Strip), Just(crate::clean::GlossMode::Keep)],
            convert in any::<bool>(),
        ) {
            let (encoding, bytes) = match gbk {
                true => (encoding_rs::GB18030, encoding_rs::GB18030.encode(&text).0.into_owned()),
                false => (UTF_8, text.into_bytes()),
            };
            let options = Options {
                from: Some(encoding),
                clean: CleanOptions { glosses, ..CleanOptions::default() },
                convert: convert.then(|| Converter::builtin("s2t").unwrap()),
                ..Options::default()
            };
            let report = |outcome: Result<Outcome>| serde_json::to_string(&outcome.unwrap()).unwrap();
            let (whole, whole_out) = run(&bytes[..], &options);
            let (trickled, trickled_out) = run(Trickle { bytes: &bytes, sizes, turn: 0 }, &options);
            prop_assert_eq!(String::from_utf8(trickled_out).unwrap(), String::from_utf8(whole_out).unwrap());
            prop_assert_eq!(report(trickled), report(whole));
        }
    }

    /// Long lines without line breaks, of phrases that conversion changes
    /// as wholes (头发 is 頭髮, not 頭發) and separators where a cut is safe.
    fn long_line_of_phrases() -> impl Strategy<Value = String> {
        let token = prop_oneof![
            4 => prop::sample::select(vec!["头发", "鼠标", "硅二极管", "函数", "软件", "信息", "里面的", "坏了", "发展"]),
            1 => prop::sample::select(vec![" ", "，", "。", "\u{3000}", "a"]),
        ];
        proptest::collection::vec(token, 20_000..30_000).prop_map(|tokens| tokens.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 8, ..ProptestConfig::default() })]

        #[test]
        fn conversion_of_a_stream_cut_in_long_lines_is_conversion_of_the_whole(
            text in long_line_of_phrases(),
            sizes in proptest::collection::vec(1usize..5000, 1..4),
        ) {
            let converter = Converter::builtin("s2twp").unwrap();
            let options = Options { convert: Some(converter.clone()), ..Options::default() };
            let (outcome, out) = run(Trickle { bytes: text.as_bytes(), sizes, turn: 0 }, &options);
            prop_assert!(outcome.is_ok());
            prop_assert!(text.len() > detect::PREFIX_LEN + 3 * CHUNK_LEN, "the text is cut several times");
            prop_assert_eq!(String::from_utf8(out).unwrap(), converter.convert_to_string(&text));
        }
    }

    #[test]
    fn comparison_finds_a_difference_whichever_side_runs_ahead() {
        let compare = |passes: &[(&[u8], bool)]| {
            let mut comparison = Comparison::default();
            for &(bytes, output) in passes {
                comparison.pass(bytes, output);
            }
            comparison.differs()
        };
        assert!(!compare(&[(b"abc", false), (b"ab", true), (b"def", false), (b"cde", true), (b"f", true)]));
        assert!(!compare(&[(b"ab", false), (b"abcd", true), (b"cd", false)]));
        assert!(compare(&[(b"abc", false), (b"abd", true)]), "the last byte differs");
        assert!(compare(&[(b"abc", false), (b"ab", true)]), "the output is shorter");
        assert!(compare(&[(b"ab", false), (b"abc", true)]), "the output is longer");
        assert!(compare(&[(b"ab", false), (b"xbc", true), (b"c", false)]));
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

        #[test]
        fn comparing_as_it_goes_is_comparing_the_whole(
            text in "[天气预报中文\r\n a-z，。锟斤拷]{0,300}",
            sizes in proptest::collection::vec(1usize..9, 1..5),
            eol in prop_oneof![Just(EolPolicy::Keep), Just(EolPolicy::Lf)],
            gbk in any::<bool>(),
        ) {
            let bytes = if gbk { encoding_rs::GB18030.encode(&text).0.into_owned() } else { text.into_bytes() };
            let options = Options { eol, ..Options::default() };
            let (whole, whole_out) = run(&bytes[..], &options);
            let mut out = Vec::new();
            let compared = normalize_compared(Trickle { bytes: &bytes, sizes, turn: 0 }, &mut out, &options);
            let text = matches!(whole, Ok(Outcome::Text(_)));
            let (_, changed) = compared.unwrap();
            prop_assert_eq!(&out, &whole_out);
            prop_assert_eq!(changed, text && whole_out != bytes);
        }
    }

    #[test]
    fn positions_move_to_the_input_past_repaired_spans_and_removed_glosses() {
        let original = "第一行\n鍙戝竷 文字锟斤拷\n國(guó)家头发\r\n";
        let derived = "第一行\n发布 文字锟斤拷\n國家头发\r\n";
        // 布 (inside the repaired span), 锟, 头, and one past the end of a line.
        let mut positions = [(2, 2), (2, 6), (3, 3), (3, 10), (1, 2)];
        positions_in_input(original, derived, &mut positions);
        assert_eq!(positions, [(2, 1), (2, 7), (3, 8), (3, 11), (1, 2)]);
        let mut unaligned = [(1, 3)];
        positions_in_input("a\nb", "ab", &mut unaligned);
        assert_eq!(unaligned, [(1, 3)], "a stage that joined lines leaves positions alone");
    }

    #[test]
    fn a_bom_written_twice_is_one_bom() {
        // Review 15 #3: the second BOM came out as text, so the next run
        // took it for a BOM and removed it.
        for (input, bom, expected) in [
            (
                &b"\xef\xbb\xbf\xef\xbb\xbf\xe4\xb8\xad\xe6\x96\x87\n"[..],
                BomPolicy::Strip,
                &b"\xe4\xb8\xad\xe6\x96\x87\n"[..],
            ),
            (b"\xef\xbb\xbf\xef\xbb\xbf\xe4\xb8\xad\n", BomPolicy::Keep, b"\xef\xbb\xbf\xe4\xb8\xad\n"),
            (b"\xff\xfe\xff\xfe-\x4e\n\x00", BomPolicy::Strip, b"\xe4\xb8\xad\n"),
            // Inside the text, U+FEFF is a zero-width no-break space.
            (b"\xef\xbb\xbfa\xef\xbb\xbf\n", BomPolicy::Strip, b"a\xef\xbb\xbf\n"),
        ] {
            let (outcome, out) = run(input, &Options { bom, ..Options::default() });
            assert!(matches!(outcome, Ok(Outcome::Text(_))), "{input:x?}");
            assert_eq!(out, expected, "{input:x?}");
        }
        let (outcome, _) =
            run(&b"\xef\xbb\xbf\xef\xbb\xbf\xe9\x94\x9f\xe6\x96\xa4\xe6\x8b\xb7"[..], &Options::default());
        let Ok(Outcome::Text(report)) = outcome else { panic!("not text") };
        assert_eq!(report.damage.iter().map(|d| (d.line, d.column)).collect::<Vec<_>>(), [(1, 2)]);
    }

    #[test]
    fn lone_carriage_returns_are_line_ends_for_the_stages_and_come_back() {
        for (text, line_ends) in
            [("a\rb\r\nc\nd\r", vec![0, 3]), ("\r\r\n\r", vec![0, 2]), ("a\r\nb\n", vec![]), ("", vec![])]
        {
            let (line_feeds, lone) = LoneCarriageReturns::made_line_feeds(text);
            assert_eq!(lone.line_ends, line_ends, "{text:?}");
            assert_eq!(line_feeds.len(), text.len(), "{text:?}");
            assert!(!line_feeds.replace("\r\n", "").contains('\r'), "{text:?}");
            assert_eq!(lone.put_back(line_feeds), text, "{text:?}");
        }
        let (_, lone) = LoneCarriageReturns::made_line_feeds("鍙戝竷\r國(guó)\r\n");
        assert_eq!(lone.put_back(Cow::Borrowed("发布\n國\r\n")), "发布\r國\r\n");
    }

    #[test]
    fn an_old_mac_file_is_repaired_cleaned_and_reported_as_its_lf_twin_is() {
        // Review 15 #1: the stages found lines at LF only, so a file whose
        // lines end at a CR alone was one line to them.
        let lf = "这个鏂囦欢不能打开\n你好，这是第一行。\n½â\u{9b}Q²»\u{94}à\u{9b}Q¶¨.\n```\nx鍙戝竷\n```\n\
            血(xue)压(ya)正(zheng)常(chang)值(zhi)\n世(shi)界(jie)卫(wei)生(sheng)组(zu)织(zhi)\n这个字读成什么\n锟斤拷\n";
        let at = |report: &Report| report.damage.iter().map(|d| (d.line, d.column)).collect::<Vec<_>>();
        let (lf_outcome, lf_out) = run(lf.as_bytes(), &Options::default());
        let Ok(Outcome::Text(lf_report)) = lf_outcome else { panic!("not text") };
        let lf_out = String::from_utf8(lf_out).unwrap();
        for line_end in ["\r", "\r\n"] {
            let input = lf.replace('\n', line_end);
            for sizes in [vec![input.len()], vec![5]] {
                let (outcome, out) = run(Trickle { bytes: input.as_bytes(), sizes, turn: 0 }, &Options::default());
                let Ok(Outcome::Text(report)) = outcome else { panic!("not text") };
                assert_eq!(String::from_utf8(out).unwrap(), lf_out.replace('\n', line_end));
                assert_eq!(at(&report), at(&lf_report), "{line_end:?}");
                assert_eq!(at(&report), [(10, 1)], "{line_end:?}");
            }
        }
        for expected in ["这个文件", "解決不斷決定.", "x鍙戝竷", "血压正常值\n世界卫生组织"] {
            assert!(lf_out.contains(expected), "{expected} in {lf_out}");
        }
        // `--protect`'s `^` and `$` are a line's start and end at a CR alone too.
        let protect = |pattern: &str| Options {
            protect: vec![regex::Regex::new(pattern).unwrap()],
            convert: Some(Converter::builtin("s2t").unwrap()),
            ..Options::default()
        };
        for pattern in ["^KEEP.*", "KEEP头发$"] {
            let (_, out) = run(&b"a\xe5\xa4\xb4\xe5\x8f\x91\rKEEP\xe5\xa4\xb4\xe5\x8f\x91\rb"[..], &protect(pattern));
            assert_eq!(String::from_utf8(out).unwrap(), "a頭髮\rKEEP头发\rb", "{pattern}");
        }
    }

    #[test]
    fn a_fenced_block_is_code_wherever_the_reads_end() {
        // Review 8: a block that straddled the end of a read, or was longer
        // than one, had its mojibake repaired and its damage reported.
        let prose = "这是一段普通的中文文字，用来填充文件的内容。\n".repeat(100);
        let code = format!("```\n示例：鍙戝竷 锟斤拷\n{}```\n", "print(1)\n".repeat(MAX_PENDING / 20));
        let input = format!("{prose}{code}结束：鍙戝竷\n~~~~~~\n又锟斤拷\n");
        // Named, the charset is not detected: the text streams from the first read.
        let utf8 = Options { from: Some(UTF_8), ..Options::default() };
        for sizes in [vec![input.len()], vec![4096], vec![7, 100, 3000], vec![1]] {
            let (outcome, out) = run(Trickle { bytes: input.as_bytes(), sizes: sizes.clone(), turn: 0 }, &utf8);
            let Ok(Outcome::Text(report)) = outcome else { panic!("not text") };
            let expected = format!("{prose}{code}结束：发布\n~~~~~~\n又锟斤拷\n");
            assert!(String::from_utf8(out).unwrap() == expected, "reads of {sizes:?}");
            let lines: Vec<u64> = report.damage.iter().map(|d| d.line).collect();
            assert_eq!(lines, [input.lines().count() as u64], "reads of {sizes:?}");
        }
    }

    #[test]
    fn damage_in_an_old_mac_file_is_reported_on_its_line_across_blocks() {
        let line = "中文 ".repeat(40);
        let lines = MAX_PENDING / line.len() * 3;
        let input = format!("{}第一锟斤拷\r{}又\u{FFFD}\r", line.repeat(2) + "\r", format!("{line}\r").repeat(lines));
        let (outcome, _) = run(Trickle { bytes: input.as_bytes(), sizes: vec![4096], turn: 0 }, &Options::default());
        let Ok(Outcome::Text(report)) = outcome else { panic!("not text") };
        let found: Vec<(u64, u64)> = report.damage.iter().map(|d| (d.line, d.column)).collect();
        assert_eq!(found, [(2, 3), (lines as u64 + 3, 2)]);
    }

    #[test]
    fn damage_after_a_repaired_span_in_a_line_cut_in_pieces_is_reported_where_it_is_in_the_input() {
        let filler = "中文 ".repeat(MAX_PENDING / 7 * 3);
        let input = format!("第一行\n鍙戝竷 {filler}锟斤拷 {filler}鍙戝竷\u{FFFD}\n");
        let (outcome, out) = run(Trickle { bytes: input.as_bytes(), sizes: vec![4096], turn: 0 }, &Options::default());
        let Ok(Outcome::Text(report)) = outcome else { panic!("not text") };
        assert!(String::from_utf8(out).unwrap().starts_with("第一行\n发布 "), "repaired");
        let column_of = |needle: &str| {
            let line = input.split('\n').nth(1).unwrap();
            line[..line.find(needle).unwrap()].chars().count() as u64 + 1
        };
        let found: Vec<(u64, u64)> = report.damage.iter().map(|d| (d.line, d.column)).collect();
        assert_eq!(found, [(2, column_of("锟")), (2, column_of("\u{FFFD}"))]);
    }

    #[test]
    fn damage_after_a_shielded_part_is_reported_where_it_is_in_the_input() {
        let options = Options {
            protect: vec![regex::Regex::new("`[^`]*`").unwrap()],
            clean: CleanOptions { glosses: crate::clean::GlossMode::Strip, ..CleanOptions::default() },
            ..Options::default()
        };
        let (outcome, out) = run("國(guó)家 `國(guó)` M(jìn)\n".as_bytes(), &options);
        assert_eq!(String::from_utf8(out).unwrap(), "國家 `國(guó)` M(jìn)\n");
        let Ok(Outcome::Text(report)) = outcome else { panic!("not text") };
        let found: Vec<(u64, u64)> = report.damage.iter().map(|d| (d.line, d.column)).collect();
        assert_eq!(found, [(1, 18)], "at the M standing in for the glossed character");
    }

    #[test]
    fn a_long_line_is_cut_after_its_last_safe_character() {
        let text = format!("{}头发，{}", "中".repeat(MAX_PENDING / 3), "发".repeat(100));
        assert_eq!(&text[safe_cut(&text)..], "发".repeat(100));
        let text = format!("{}头发 (fà) {}", "中".repeat(MAX_PENDING / 3), "发".repeat(100));
        assert_eq!(&text[safe_cut(&text)..], "发".repeat(100));
        let glossed = format!("{}。(。){}", "中".repeat(MAX_PENDING / 3), "发".repeat(100));
        assert_eq!(safe_cut(&glossed), glossed.len(), "no safe character: cut at the end");
    }

    #[test]
    fn japanese_text_is_not_converted_and_the_report_says_so() {
        let text = "広い会社の中で、新しい技術を学んでいます。\n";
        let options = Options { convert: Some(Converter::builtin("s2t").unwrap()), ..Options::default() };
        let (outcome, out) = run(text.as_bytes(), &options);
        assert_eq!(out, text.as_bytes());
        assert!(matches!(outcome, Ok(Outcome::Text(report)) if report.japanese_not_converted));
        let forced = Options { force: true, ..options };
        let (outcome, out) = run(text.as_bytes(), &forced);
        assert!(String::from_utf8(out).unwrap().contains("會社"));
        assert!(
            matches!(outcome, Ok(Outcome::Text(report)) if !report.japanese_not_converted && report.chars_converted == 2)
        );
    }

    #[test]
    fn a_window_of_bare_carriage_returns_before_the_judgement_does_not_hang() {
        // No line feed and no safe cut in the first window: it goes on whole.
        let text = format!("{}头发\n", "\r".repeat(MAX_PENDING + 100));
        let options = Options { convert: Some(Converter::builtin("s2t").unwrap()), ..Options::default() };
        for sizes in [vec![text.len()], vec![1000]] {
            let (outcome, out) = run(Trickle { bytes: text.as_bytes(), sizes: sizes.clone(), turn: 0 }, &options);
            assert!(outcome.is_ok(), "{sizes:?}");
            assert!(
                String::from_utf8(out).unwrap() == format!("{}頭髮\n", "\r".repeat(MAX_PENDING + 100)),
                "{sizes:?}"
            );
        }
    }

    #[test]
    fn the_language_is_judged_the_same_however_a_pipe_delivers_the_text() {
        // Lines written for this test; the ASCII lines stand for a log.
        let japanese = "日本の会社で働いています。東京は大きい都市です。\n".repeat(40);
        let chinese = "头发很长，我们在图书馆见面。\n".repeat(40);
        let log = "12:00:01 INFO request served in 3 ms\n".repeat(2000);
        let s2t = Converter::builtin("s2t").unwrap();
        // The text, and whether it is converted: all of it, none of it (it
        // is Japanese), or its Chinese lines (it is bilingual).
        let inputs = [
            (format!("头发\n{japanese}"), ["头发\n", &japanese].concat(), true),
            (
                format!("これは日本語です。\n{chinese}"),
                s2t.convert_to_string(&format!("これは日本語です。\n{chinese}")),
                false,
            ),
            (format!("{log}头发很长。\n{japanese}"), [&log, "头发很长。\n", &japanese].concat(), true),
            (format!("{japanese}{chinese}"), [japanese.clone(), s2t.convert_to_string(&chinese)].concat(), false),
        ];
        for from in [None, Some(UTF_8)] {
            let options = Options { from, convert: Some(s2t.clone()), ..Options::default() };
            for (text, expected, japanese_not_converted) in &inputs {
                let first_line = text.find('\n').unwrap() + 1;
                for sizes in [vec![text.len()], vec![first_line, CHUNK_LEN], vec![1], vec![7, 4096]] {
                    let (outcome, out) =
                        run(Trickle { bytes: text.as_bytes(), sizes: sizes.clone(), turn: 0 }, &options);
                    let out = String::from_utf8(out).unwrap();
                    let differs_at = out.bytes().zip(expected.bytes()).position(|(a, b)| a != b);
                    assert!(&out == expected, "{from:?} {sizes:?} {:.20}: differs at {differs_at:?}", text);
                    assert!(
                        matches!(outcome, Ok(Outcome::Text(r)) if r.japanese_not_converted == *japanese_not_converted)
                    );
                }
            }
        }
    }

    #[test]
    fn a_bilingual_stream_is_converted_line_by_line_wherever_the_reads_end() {
        // Written by hand: a cue's Chinese line and its Japanese line, and a
        // line of Han both languages write in each (kept, as unsure).
        let cue = |n| {
            format!("{n}\n00:00:01,000 --> 00:00:03,000\n我们走吧，时间不多了。\n会議が始まった、行こう。\n东京都知事选举\n東京都知事選挙\n\n")
        };
        let input: String = (1..3000).map(cue).collect();
        assert!(input.len() > detect::PREFIX_LEN + 3 * CHUNK_LEN, "the text is cut several times");
        let expected = input
            .replace("我们走吧，时间不多了。", "我們走吧，時間不多了。")
            .replace("东京都知事选举", "東京都知事選舉");
        let options = Options { convert: Some(Converter::builtin("s2t").unwrap()), ..Options::default() };
        for sizes in [vec![input.len()], vec![4096], vec![7, 100, 3000], vec![1]] {
            let (outcome, out) = run(Trickle { bytes: input.as_bytes(), sizes: sizes.clone(), turn: 0 }, &options);
            let Ok(Outcome::Text(report)) = outcome else { panic!("not text") };
            assert!(String::from_utf8(out).unwrap() == expected, "reads of {sizes:?}");
            assert!(report.bilingual && !report.japanese_not_converted, "reads of {sizes:?}");
            assert_eq!(report.lines_not_converted, 2 * 2999, "reads of {sizes:?}");
        }
    }

    #[test]
    fn converted_characters_are_counted_even_where_a_phrase_changes_length() {
        // U盘 is 隨身碟 in s2twp: three characters written in place of two.
        let options = Options { convert: Some(Converter::builtin("s2twp").unwrap()), ..Options::default() };
        let (outcome, out) = run("鼠标和U盘\n".as_bytes(), &options);
        assert_eq!(String::from_utf8(out).unwrap(), "滑鼠和隨身碟\n");
        let Ok(Outcome::Text(report)) = outcome else { panic!("not text") };
        assert_eq!(report.chars_converted, 5);
        assert_eq!(report.changes(), ["5 characters converted"]);
    }

    #[test]
    fn only_accepted_charsets_are_read() {
        let options = Options { accept: vec![UTF_8, encoding_rs::BIG5], ..Options::default() };
        let gbk = b"\xd6\xd0\xce\xc4\xce\xc4\xb1\xbe\r\n";
        let (outcome, out) = run(&gbk[..], &options);
        assert_eq!(outcome.unwrap_err().to_string(), "charset gb18030 is not accepted (accepted: utf-8, big5)");
        assert!(out.is_empty());
        assert!(run("中文".as_bytes(), &options).0.is_ok());
        let gbk_only = Options { accept: vec![encoding_rs::GB18030], ..Options::default() };
        assert!(run(&b"int main(void) { return 0; }\n"[..], &gbk_only).0.is_ok());
        assert!(run("中文\n".as_bytes(), &gbk_only).0.is_err());
        let gbk_named = Options { accept: vec![encoding_rs::GBK], ..Options::default() };
        assert!(run(&gbk[..], &gbk_named).0.is_ok(), "gbk accepts what the detector names gb18030");
        let (big5, _, _) = encoding_rs::BIG5.encode("這是一段繁體中文的文字，用來測試接受的字元集。\n");
        let refused = run(&big5[..], &gbk_named).0.unwrap_err().to_string();
        assert_eq!(refused, "charset big5 is not accepted (accepted: gbk)", "the label as given, not gb18030");
        let utf16_only = Options { accept: vec![encoding_rs::UTF_16LE], ..Options::default() };
        assert!(run(&b"plain ASCII\n"[..], &utf16_only).0.is_err());
    }

    #[test]
    fn a_line_longer_than_the_pending_limit_streams_without_splitting_crlf() {
        let line = "中".repeat(MAX_PENDING / 3 + 7) + "\r\n";
        let text = line.repeat(3);
        let options = Options { eol: EolPolicy::Lf, ..Options::default() };
        let (outcome, out) = run(Trickle { bytes: text.as_bytes(), sizes: vec![4096], turn: 0 }, &options);
        assert!(outcome.is_ok());
        assert_eq!(String::from_utf8(out).unwrap(), text.replace("\r\n", "\n"));
    }
}
