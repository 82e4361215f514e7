//! # zhnorm: messy Chinese text in, clean UTF-8 out
//!
//! zhnorm runs one pipeline over each input (a file, or a stream):
//!
//! 1. [`detect`] guesses the charset of the raw bytes (BOM, UTF-8, UTF-16,
//!    then `chardetng`, with a Chinese-plausibility check for short or
//!    doubtful inputs);
//! 2. [`decode`] turns bytes into Unicode with `encoding_rs`, streaming, and
//!    knows whether that was lossless;
//! 3. [`repair`] finds damage in the decoded text and reports it with its
//!    position;
//! 4. [`clean`] removes artefacts of scraped text: inline pinyin glosses
//!    (`國(guó)家` → `國家`), and on request compatibility ideographs,
//!    zero-width characters and full-width ASCII;
//! 5. [`convert`] converts between Traditional and Simplified Chinese with
//!    OpenCC 1.4.2's configurations, byte-identical to OpenCC;
//! 6. [`write`](mod@write) gives the text its output form (UTF-8, BOM and line-ending
//!    policy, optional NFC) and writes files safely: atomically in place, or
//!    into a mirrored folder.
//!
//! [`settings`] finds and checks a project's settings (`zhnorm.toml`, and
//! the `charset` of `.editorconfig`); [`walk`] finds the files.
//!
//! [`normalize`] is that pipeline; the command-line tool, the tests and the
//! benchmarks all call it; [`explain`] runs it to list the changes the
//! conversion makes. The library never prints: it returns a [`Report`]
//! per input and the caller decides what to show. The command's own
//! dependencies come with the default feature `cli`, which a program that
//! uses the library only leaves out (`default-features = false`).
//!
//! ```
//! let gbk = b"\xd6\xd0\xce\xc4\xce\xc4\xb1\xbe\r\n"; // "中文文本\r\n" in GBK
//! let mut out = Vec::new();
//! let outcome = zhnorm::normalize(&gbk[..], &mut out, &zhnorm::Options::default())?;
//! assert_eq!(out, "中文文本\r\n".as_bytes());
//! let zhnorm::Outcome::Text(report) = outcome else { panic!("not text") };
//! assert_eq!(report.encoding(), encoding_rs::GB18030);
//! // Eight bytes: told by which reading is more plausible Chinese.
//! assert_eq!((report.method(), report.confidence()), (zhnorm::detect::Method::Plausibility, 0.7));
//! assert_eq!(report.changes(), ["gb18030 -> utf-8"]);
//! # Ok::<(), zhnorm::Error>(())
//! ```
//!
//! ## Known problems
//!
//! - Detection looks at a bounded prefix ([`detect::PREFIX_LEN`] bytes). A file
//!   that is ASCII or UTF-8 for that long and switches to another charset
//!   later is decoded as UTF-8, and the malformed bytes further on make it an
//!   error (never a silent loss); `--from` settles it.
//! - A mixture of charsets is recognised by whole lines: UTF-8 lines with at
//!   least 4 multi-byte characters beside lines of one other charset. One
//!   line that mixes them is read as whichever reads it more plausibly.
//!   `--detect` names both (`utf-8 + gb18030`, method `mixed`; `mixed_with`
//!   in `--json`), and so does the refusal.
//! - Very short inputs (a few Han characters) can be valid in GBK, Big5,
//!   Shift_JIS and EUC-KR at once. zhnorm prefers the reading that is
//!   plausible Chinese, which is what a Chinese-text tool should do, so Korean
//!   or Japanese shorter than about 48 non-ASCII bytes is often misread as
//!   Chinese (and a Japanese reading without kana never wins over a clean
//!   Chinese one). `--from` settles it. The other way round, GBK text with
//!   Japanese lines (bilingual subtitles) that `chardetng` takes for EUC-JP
//!   is read as GBK only when its Han characters make Chinese words in GBK
//!   (pairs the repair stage's counts know); of 100 such files of one to
//!   ten cues none is misread, but a shorter Chinese part can be.
//! - An input of two or three Han characters (a word, a name) can read as
//!   common Han in both GBK and Big5: the reading with more characters
//!   among the 1,000 most frequent of its script (counted in technical
//!   prose) wins, and when the two are about as plausible, the one whose
//!   characters the repair stage's counts find likelier (`陈娜` in GBK, not
//!   Big5 `麻饑`). Of 34 common words of 2 to 8 characters in each charset,
//!   2 two-character ones are misread
//!   (`tiny_gbk_and_big5_inputs_keep_their_charset` in
//!   `tests/detection_accuracy.rs`): GBK `拜拜` as Big5 `問問`, and GBK `谢谢`,
//!   whose bytes are valid UTF-8, as `лл`; of review 13's single-name files
//!   12 of 300 GBK names are still misread (half of them as a Cyrillic
//!   word: `马晨` as windows-1251 `Внії`), and rare words of two characters
//!   are misread about as often as before, now others. `--from` settles it.
//! - A charset the file declares for itself (HTML `<meta>`, XML
//!   declaration, coding cookie, `.po` header, CSS `@charset`) is followed
//!   only when its bytes are not valid UTF-8 and decode in it without a
//!   fault; a declared single-byte charset (which any bytes decode in) only
//!   when detection finds a single-byte charset too. A declaration further
//!   in than its window (1 KiB for HTML, 4 KiB for `.po`) is not seen.
//!   The output declares UTF-8 wherever the input declared a charset, but
//!   on a `#` line that a Markdown heading could be too (`# coding: big5`,
//!   not in a script whose first line is `#!`) naming another charset than
//!   the one read and than UTF-8: that line is left, with a note, and
//!   `--check` fails.
//! - Latin-alphabet text in windows-1252 shorter than 256 non-ASCII bytes
//!   is recognised when each of its non-ASCII runs is one letter or sign
//!   (`21°C`, `5µl`, `Straße`) or two letters in a word, and GBK and Big5
//!   read no two Han characters side by side; other short Latin-1 text (a
//!   word of three accented letters, signs in pairs) can still be read as
//!   GBK or Big5. Measurements (`21°C,22°C`), which Big5 reads as Han
//!   characters that swallow the unit's letter (`21蚓`), are recognised by
//!   their signs; the other way round, Big5 whose only Han characters each
//!   follow a number and are read so (`3無`, bytes `3\xb5L`, is `3µL`) is
//!   read as windows-1252. `--from` settles both. Short
//!   Central European text is read as windows-1250 or ISO-8859-2 when
//!   windows-1252 makes signs of its letters (`Bia³a`), or reads `ě ř ů ň` as `ì ø ù ò`
//!   inside a word where `chardetng` names the Central European charset;
//!   a Czech name whose only such letter is `č` (`Luboš Čech`, read
//!   `Luboš Èech`) is still taken for windows-1252.
//! - NUL bytes in text are damage, reported, when they are padding at
//!   either end or stray ones at least 256 bytes of text apart; a text file
//!   with NUL bytes closer together, or one in its first 256 bytes after
//!   other bytes, is skipped as binary, and so is one whose first 64 KiB
//!   are all NUL. `--from` reads it (the NUL bytes are then reported).
//! - UTF-16 without a BOM is recognised by its pattern of NUL bytes, which
//!   needs some ASCII (spaces, newlines, digits) in the text. UTF-32, which
//!   encoding_rs does not decode, is skipped as binary.
//! - A run killed outright (`kill -9`, a power cut; Ctrl-C and `kill`
//!   clean up) can leave a `.zhnorm-XXXXXX.tmp` file next to a file it was
//!   rewriting; the file itself is whole, old or new.
//! - Under folders, symbolic links are passed over without a note unless
//!   `-L`, as ripgrep and fd do.
//! - The stages work on blocks of whole lines, so memory stays bounded
//!   (files up to 8 MiB are read whole by the command, and `--diff` reads
//!   any input whole; see the README's *Memory*); a
//!   line longer than 1 MiB is cut after a space or sentence punctuation,
//!   where no dictionary phrase, mojibake span or gloss can be cut. A line
//!   with neither in its last 512 KiB is cut anywhere, and a phrase may then
//!   be converted as two pieces.
//! - In a text of Chinese lines and Japanese lines (bilingual subtitles),
//!   each line is converted or kept on its own evidence (README, *What is
//!   not converted*), and some lines have none: a line of Han characters
//!   both languages write and no kana (`東京都知事選挙`, `学会`, `株式会社東芝`)
//!   is kept in a file judged Japanese, though it may be a Chinese line that
//!   conversion would change, and converted in a file judged Chinese, though
//!   it may be Japanese. A Chinese line with a Japanese word in
//!   hiragana, or with katakana names and no character Japanese does not
//!   write (`我的ワンピース`), is kept as Japanese; a kana-free Japanese line with
//!   a Traditional form (`國學院大學`), a character outside Shift_JIS
//!   (`森鷗外の小説`: a lone の between Han is no word, as Chinese writes it
//!   for 的), or 是 or 个 is converted as Chinese. 的 and 了 tell nothing (Japanese
//!   writes 具体的 and 終了). Whether a text is bilingual is judged once, with
//!   its language, on its first 10,000 CJK characters; a line longer than
//!   1 MiB, cut, is told (and counted in `lines_not_converted`) piece by
//!   piece.
//! - A `--dict` or custom-configuration key that contains a space or one of
//!   `。，！？；` can be cut at such a cut (OpenCC's own keys contain none).
//! - Conversion is short of the speed issue 3 asks. Through the command-line
//!   tool, on the 50 MB test of `scripts/bench-convert.sh` with the
//!   machine idle (2 December), it runs at 2.2–5.8 times the speed of
//!   OpenCC's own command (s2t 2.6–3.2, t2s 2.2–2.6, s2twp 4.5–5.8, tw2sp
//!   2.5–3.1, the higher figure `--no-repair`), not the 10 times asked;
//!   OpenCC's t2s and tw2sp, with few phrases, are its fastest, and there
//!   a tool that only copies (iconv) reaches 2.3 and 5.0 times, s2t 4.2:
//!   10 times is above that floor on this corpus for all but s2twp (10.2).
//!   zhnorm's t2s runs as fast as iconv copies.
//!   A build of 30 November runs s2t faster by the clock (0.76–0.95 s
//!   against 0.93–1.05 s on 53 MB) with more instructions (2.63 G against
//!   2.34 G): its walk over characters had a mask in each unit that ruled
//!   out most failed lookups of a second character without reading a unit
//!   far away in the array, which the walk over bytes dropped (the walk's
//!   data-cache misses doubled: README, *Speed*). It has a mask of the
//!   next characters again, which took s2t `--no-repair` from 2.78–3.26
//!   to 2.48–3.04 user seconds on 53 MB at a load of 11 to 13, and in
//!   the 50 MB test at a load of 3.5 to 5.3 (2 December) made the command
//!   7–25% faster than the build without it in the same run (2.4, 1.4,
//!   6.2 and 2.8 times OpenCC against 2.2, 1.1, 5.0 and 2.6; README,
//!   *Speed*); whether that is all of the difference has not been
//!   measured, nor the figures above on an idle machine. The engine alone converts s2t at 105–156 MiB/s, t2s at
//!   172–263, s2twp at 111–121 and tw2sp at 101–156 (three runs at load 3.3
//!   to 3.6), above zhconv's 96–105 measured earlier on the same machine.
//!   In the same run (2 December, README *zhconv in the same run*, a
//!   loaded machine, so counted in instructions, last on 3 December) the
//!   whole command does 10% and 2% less work than zhconv 0.4.2 for s2t and
//!   t2s, and 3% and 23% more for s2twp and tw2sp; with `--no-repair` 27%,
//!   24% and 13% less, and 4% more for tw2sp: the repair's scan of clean
//!   text is the difference, and
//!   zhconv is not OpenCC-exact (4,000–13,000 of the corpus's 278,000 lines
//!   differ). What is left is the walk itself and the
//!   rest of the command (52–69% of its instructions on 1 MB of the
//!   corpus, three fifths of that repair: `--no-repair` takes s2t from
//!   45.2 to 28.8 M, t2s from 39.1 to 22.6 M; README, *Fewer instructions
//!   per byte*). The walk goes over UTF-8 bytes now, with no decoding and
//!   no code map (README, *Walking bytes*), but that took only 6–11% off
//!   it (callgrind, 1 MB of the corpus: s2t 22.9 → 20.3 M, t2s
//!   15.4 → 14.5 M, s2twp 30.6 → 28.4 M, tw2sp 31.2 → 29.0 M): the three
//!   transitions of a Han character cost about what decoding it, looking
//!   it up and one transition did, and most walks (two in three in s2t)
//!   end without a key after reading a character or two. The single-walk
//!   tries of s2tw, s2twp, s2hk and s2hkp share their double array, but
//!   each still holds the values of STPhrases' 49,000 keys for its region
//!   (0.5 MB) and tables of its own (0.49 MB). The release binary was
//!   20.2 MB with the walk over characters and 21.8 MB with the single
//!   walks (`size target/release/zhnorm`, text and data); its size now is
//!   in the README (*Traditional ↔ Simplified*).
//! - Whether a text is Japanese or Korean (and so not converted by a
//!   Chinese configuration) is judged once per input, on its first 10,000
//!   CJK characters (or those of its first MiB, or of the next MiB if that
//!   had none); a Chinese file that opens
//!   with a long Japanese or Korean quotation is taken for Japanese or
//!   Korean. `--force` settles it. A Chinese and Korean file (Chinese
//!   subtitle lines under Korean ones) is judged as a whole: left alone
//!   when Korean has its share, and `--force` converts its Korean lines
//!   along with the Chinese ones (Chinese and Japanese lines are told apart,
//!   see below).
//! - Conversion, like OpenCC's, changes its own output (s2t: 干擾 → 幹擾).
//!   `--only-source-script` judges sentence by sentence, which leaves two
//!   gaps: a sentence that mixes scripts is converted whole, so its
//!   Traditional part is converted again (`干擾，进` → `幹擾，進`), and a
//!   Simplified sentence written only with characters both scripts use is
//!   left as it is (`然后保存` keeps 后, which s2t makes 後).
//! - Mojibake repair falls short of its targets where GBK and Big5 are read
//!   as each other: on the generated set (`tests/repair_eval.rs`, figures in
//!   the README) in 88–97.3% of the cases, and one garbled piece in clean
//!   text in 77–87% (Simplified 77–79%, Traditional 84–87%). The
//!   character-pair model catches two to four such characters among clean
//!   ones (`婓奻扴例子中` for `在上述例子中`) only when one of them is rare: a
//!   garbled word of common characters alone (`韜鍔潰脤支持的编码` for
//!   `命令检查支持的编码`) is not looked at, since trying every clean line
//!   that way would cost too much and risk correct text. Classical Chinese
//!   pairs characters that manuals and a word list do not; the model now
//!   counts classical poems and prose too (`峏耋是从` → `惟道是从`), but
//!   pairs of rare characters in poetry still fall short of the thresholds.
//!   Single characters alone between ASCII words (`Ubuntu ㎝ Debian`, Big5 `和` read as GBK; `©M`, the
//!   same read as Latin-1) and pieces that take a character of punctuation
//!   apart from its neighbours are left too, and so is a garbled word of
//!   up to three characters alone on a line unless the character pairs
//!   confirm it (README, *Correct text is never changed*): a word of rare
//!   characters or one whose pairs the model lacks stays garbled, since
//!   correct rare words alone read as commoner ones just as well (`忐忑`
//!   as `守首`). A line that reads as Japanese (Shift_JIS encodes every
//!   character of it that GBK or Big5 has, and it has kana or a shinjitai kanji) and a piece in a kaomoji
//!   (`(ノへ￣、)`) are not undone either, so such mojibake stays. Correct
//!   rare words are kept where the piece read so is more words of jieba's
//!   dictionary as it is than undone (README, *Correct text is never
//!   changed*); a name the dictionary lacks still reads so (`廖禮鍇` as
//!   `蹉跎鍇`), and so may a rare word whose misreading happens to be words
//!   too. Likewise a garbled line of Latin-1 letters only
//!   (`ÖÜÒòÓÚÒóÀñ`) stays when no pair of what it gives is known.
//! - Review 13 ran 1.22 million lines of correct text generated from
//!   registry packages (Faker, jieba, pypinyin, zhon, OpenCC's phrases)
//!   through the repair and found what it still changes, all GBK and Big5
//!   read as each other: rare words (a name the dictionary lacks, `廖禮鍇`
//!   as `蹉跎鍇`; `★ 癇證` as `★ 命名`; a doubled rare character is no longer
//!   read so when it is all that changes, `水淥淥`, `峇峇娘惹`, `四牡佶佶`,
//!   even when what it undoes into is a dictionary word, so that a garbled
//!   doubling alone in a clean line stays garbled: `毞毞` for `天天`,
//!   `佽佽` for `说说`, and GBK or Big5 doublings read as Latin-1, `³£³£`
//!   for `常常`, whose two readings are both doubled and neither wins), and
//!   in a line with a real garbled word, clean neighbours of it (`890
//!   姁粔華興街` as `890 蘆洲地興街`, `眅誠景天却` as `香港春天却`: street
//!   names, company names and titles give the pair model little to hold;
//!   79 of 6,816 garbled samples, 26 of them company names that mix a Big5
//!   `有限公司` into Simplified; 129 before a street's `街`, `路` and `樓`
//!   beside the word were kept). Short names are its weakest mojibake: two or three
//!   characters read both ways; where both readings of a name read as
//!   Latin-1 are acceptable, the pair model decides, and a name it finds
//!   about as likely both ways is left (`³Â³¬`: `陈超` or `麻閉`): 1 of 400
//!   GBK names is still undone as Big5 (`崔莉` as `殖獲`), and a Traditional
//!   name in GBK with an ASCII trail byte (`瑋`, `¬|`) as Big5 (4 of 400).
//!   GBK↔Big5 names are left garbled (8%), and hole recovery fills 1.0–1.9%
//!   of the holes of names, titles and addresses wrongly (sentences
//!   0–0.1%). Mojibake made by Python's `big5` codec, whose table puts 249
//!   characters of C6A1–C7FC (kana, Cyrillic, circled numbers) where
//!   WHATWG's does not, is undone with both tables' pairs where it has Han
//!   too (`西藏赻笥⑹` is `西藏自治区`); a piece of only such characters is
//!   undone with WHATWG's, and the 13 other characters whose pairs differ
//!   (`／`, `十` at A2CC, box drawing) are not tried.
//! - A line over 4 KB (a file without line ends) is repaired sentence by
//!   sentence, which keeps the cost near that of the same text with line
//!   ends; but a sentence then lacks the rest of its line, which some gates
//!   weigh: the control set's hand-written lines joined into one line have
//!   246 characters changed that the whole-line repair kept (box drawing,
//!   block elements, a list of Latin-1 letters), against 640 the other way
//!   round, and a garbled sentence glued to a clean one with no cut between
//!   them is repaired a little differently (837 of 87,173 sentences of a 10
//!   MB test). Prose joined into one line comes out byte-identical.
//! - `--glosses auto` decides as the text goes, without looking ahead: a
//!   gloss on a line before the one where glossing shows as a pattern
//!   stays (a title `標題(tí)` over glossed text), and two glosses in the
//!   first 200 Han characters of a long plain text turn removal on for the
//!   rest of it. A character read two ways and taught on another line
//!   (`行(xíng)：行走` … `行(háng)：银行`) keeps its glosses only when both
//!   lines come in the same read of the input, so a pipe that brings them
//!   apart may lose them. A line whose only gloss is on its first character
//!   and is followed by a tab, colon, `|` or a space, is taken for a
//!   vocabulary row and keeps it, unless a sentence end or a quotation
//!   mark follows: glossed prose that glosses one character a line and
//!   goes on with it after a colon or a space (`好(hǎo)：好的`,
//!   `好(hǎo) 我们走吧`) keeps that gloss, since a definition in Chinese
//!   (`好(hǎo) 表示满意`) looks the same. A lesson's entry before its word
//!   (`已(yǐ)已经`) is cleaned as glossed prose is
//!   (`妈(mā)妈在家里做饭。`). Touching glossed characters are
//!   read as ruby, so a row of look-alike characters of different
//!   syllables (`清(qīng)请(qǐng)睛(jīng)`) loses its readings; one of a
//!   single syllable alone on its line keeps them. Only a reading right
//!   after its character in round brackets is a gloss: `國 (guó) 家`,
//!   `國[guó]家`, Zhuyin (`國(ㄍㄨㄛˊ)家`) and a word's reading
//!   (`国家(guójiā)`) stay (README, *Pinyin glosses*).
//! - Markdown code (fenced blocks, inline code spans) is left unrepaired
//!   and its damage unreported in any file, not only `.md`: two lines of
//!   three backticks in a plain text file make the text between them code,
//!   and its mojibake stays (a fence that never closes hides nothing, and
//!   tildes open one only with an info string such as `~~~python`). A
//!   block longer than 1 MiB is not taken for code, and the text after a
//!   fence waits for it to close, so a pipe's lines inside a block come
//!   out together.
//! - GBK and Big5 encode symbols, Cyrillic, Greek, kana and bopomofo too,
//!   and each reads the other's as Han. A line where that reading changed
//!   no Han character (`①②③`, `★★★☆☆`, `Привет`, `1990–2000 and
//!   2000–2010`) is left unless the character pairs confirm a piece
//!   (README, *Correct text is never changed*); the price is real mojibake
//!   made only of such characters whose pairs the model does not know,
//!   which is left too. In a line where a Han piece was undone, the
//!   symbols and letters beside it go with it, so a Russian word or a `★`
//!   in a line that also holds GBK read as Big5 can still be changed.
//! - Repair costs more than the 10% on top of decoding that issue 4 asks on
//!   clean Chinese text: every character is looked up in a bitmap of
//!   plausible characters (about 11 instructions a Chinese character, +51%
//!   on 1 MB of common Chinese; 10% leaves about one a character once the
//!   hole recovery's search for U+FFFD and `?` is paid; an AVX2 scan with a
//!   gather took a third of the instructions but longer on AMD Zen 3, and
//!   was taken out), and each
//!   line with a rare character or a symbol goes through the gates of the
//!   span search and the character-pair model, which cost most on
//!   box-drawing tables and on clusters of rare characters (classical
//!   poetry): 1 MB of the control set's Chinese prose takes 5.2 times the
//!   instructions of passing UTF-8 through, the Debian Reference 2.3 times,
//!   1 MB of the OpenCC corpus's manual pages 1.65 times (most of
//!   it the scan: their Chinese comes in runs of six characters between
//!   ASCII words), start-up 1.03 times (`scripts/bench-repair.sh
//!   --callgrind`; README, *Repair speed on clean text*). On the prose, a
//!   box-drawing line costs about 10,000 instructions, 7,300 of them the
//!   span search's checks run by run, a poem line with one rare character
//!   5,700, 4,100 of them the pair model's walks over its characters.
//!   `--no-repair` skips it. A line over 4 KB (a file without line ends)
//!   is repaired sentence by sentence, cut where no mojibake span can
//!   cross (README, *Mojibake repair*): 1 MB of LibreOffice's zh-CN help
//!   with its line ends taken out cost 151 M instructions, five times the
//!   30 M of the same text with them, and left half the GBK read as
//!   Latin-1 of `scripts/bench-repair.sh`'s garbled text unrepaired (two
//!   lone backticks far apart made everything between them inline code);
//!   see the README for the figures since. One long line costs time in
//!   proportion to its length, since the span search looks at 1,024 characters from each place
//!   at most (a garbled stretch longer than that is undone in pieces and
//!   along the line's path, not whole); the worst case is a line of random
//!   Latin-1 letters, where every place is tried until the line's budget of
//!   reversals is spent: 300,000 of them without a line end take 1.4–1.8 s
//!   of CPU, 300,000 random CJK Extension A characters 0.1–0.2 s (about
//!   50 s before; user time of `zhnorm --from utf-8 FILE`, at a load of 10
//!   to 18 on 2 cores).

#[cfg(test)]
mod chinese_like;
pub mod clean;
pub mod convert;
pub mod decode;
pub mod detect;
mod error;
mod markdown;
mod pipeline;
pub mod repair;
pub mod settings;
pub mod walk;
pub mod write;

pub use error::{os_reason, Error, Result};
#[doc(hidden)]
pub use pipeline::counted;
pub use pipeline::{explain, normalize, normalize_compared, Options, Outcome, Report};

#[cfg(test)]
mod generated {
    //! Tables that would cost more to build at every start than the work
    //! they serve are generated and checked in; their unit tests compare them
    //! with what the code that defines them gives now.

    /// Fails when the checked-in `path` (from the crate root) is not
    /// `expected`; with `ZHNORM_UPDATE_TABLES=1` in the environment, writes
    /// it instead.
    pub fn assert_current(path: &str, expected: &[u8]) {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
        if std::env::var_os("ZHNORM_UPDATE_TABLES").is_some() {
            std::fs::write(&path, expected).expect("write the generated table");
            return;
        }
        let current = std::fs::read(&path).unwrap_or_default();
        assert!(
            current == expected,
            "{} is out of date: run `ZHNORM_UPDATE_TABLES=1 cargo test --lib` (twice when han_classes.bin \
             changes: plausible.bin is built from it) and commit it",
            path.display()
        );
    }
}
