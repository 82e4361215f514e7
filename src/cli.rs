//! Command-line arguments.

use std::path::{Path, PathBuf};

use clap::{ArgAction, ArgGroup, Parser, Subcommand, ValueHint};
use zhnorm::clean::GlossMode;
use zhnorm::convert::Engine;
use zhnorm::settings::Settings;
use zhnorm::write::{BomPolicy, EolPolicy};

/// What `--backup` alone means.
pub const DEFAULT_BACKUP_SUFFIX: &str = ".bak";

/// Turn messy Chinese text into clean, normalized UTF-8.
///
/// With no mode flag, zhnorm prints the normalized text of each file (or of
/// standard input, also named `-`) on standard output, like `cat`.
#[derive(Debug, Parser)]
#[command(name = "zhnorm", version, about, long_about = None)]
#[command(group(ArgGroup::new("mode").args(["write", "out_dir", "check", "detect"])))]
#[command(args_conflicts_with_subcommands = true, disable_help_subcommand = true)]
// clap's usage for an error names the paths given as `<PATH>...`, which
// reads as required; standard input works in every mode that reads.
#[command(override_usage = "zhnorm [OPTIONS] [PATH]...\n       zhnorm <COMMAND>")]
#[command(after_help = "\
Exit codes:
  0  success: done, or nothing would change
  1  --check, --diff: some file would change, has damage, or keeps a
     charset declaration not followed (any mode with --fail-on-damage:
     some file has damage or keeps such a declaration)
  2  an error: some input could not be read, decoded or written
  130  --write, --out-dir: stopped by a signal (files done are new, others old)

Settings: zhnorm.toml in the current folder or the nearest one above it (up to
the repository root) sets defaults; flags override it. A file named like a
subcommand is given as ./completions or after --.")]
pub struct Args {
    /// Print shell completions or the man page instead.
    #[command(subcommand)]
    pub tool: Option<Tool>,

    /// Files or folders to process; `-` or nothing means standard input
    /// (after `--`, `-` is a file named `-`).
    #[arg(value_name = "PATH", value_hint = ValueHint::AnyPath)]
    pub paths: Vec<PathBuf>,

    /// The paths after `--`, where `-` is a file's name, as git reads names
    /// there: pre-commit's hooks name the staged files after `--`.
    #[arg(last = true, hide = true, value_name = "PATH", value_hint = ValueHint::AnyPath)]
    pub paths_after_dashes: Vec<PathBuf>,

    /// Rewrite files in place (atomically; unchanged files are not touched).
    #[arg(short, long)]
    pub write: bool,

    /// Write normalized copies into a mirrored tree under DIR.
    #[arg(long, value_name = "DIR", value_hint = ValueHint::DirPath)]
    pub out_dir: Option<PathBuf>,

    /// Change nothing; list files that would change and why, exit 1 if any.
    #[arg(long)]
    pub check: bool,

    /// Change nothing; print a unified diff of the text changes, exit 1 if
    /// any file would change (coloured on a terminal unless NO_COLOR is set).
    #[arg(long, conflicts_with_all = ["write", "out_dir", "detect"])]
    pub diff: bool,

    /// Read settings from this file instead of looking for zhnorm.toml.
    #[arg(long, value_name = "PATH", value_hint = ValueHint::FilePath, conflicts_with = "no_config")]
    pub config_file: Option<PathBuf>,

    /// Do not read zhnorm.toml.
    #[arg(long)]
    pub no_config: bool,

    /// With --check, --write or --out-dir, refuse files in any other charset
    /// (WHATWG labels, or Python's and Emacs's names such as cp936, euc_cn,
    /// cp950; repeatable or comma-separated; gbk and gb18030 are one).
    #[arg(long, value_name = "CHARSET", value_delimiter = ',')]
    pub accept: Vec<String>,

    /// Print each file's detected charset and how sure the detector is.
    #[arg(long)]
    pub detect: bool,

    /// Decode with this charset (a WHATWG label: gbk, gb18030, big5,
    /// shift_jis, utf-16le, ...; or Python's and Emacs's names: cp936,
    /// euc_cn, cp950, ...) instead of detecting it; a byte-order mark still
    /// wins, as in the WHATWG decode algorithm.
    #[arg(long, value_name = "ENCODING", conflicts_with = "detect")]
    pub from: Option<String>,

    /// Replace malformed byte sequences with U+FFFD instead of refusing the file.
    #[arg(long)]
    pub lossy: bool,

    /// Byte-order mark of the output.
    #[arg(long, value_enum, default_value_t = BomPolicy::Strip)]
    pub bom: BomPolicy,

    /// Line endings of the output.
    #[arg(long, value_enum, default_value_t = EolPolicy::Keep)]
    pub eol: EolPolicy,

    /// Normalize the text to Unicode NFC.
    #[arg(long, action = ArgAction::Set, num_args = 0..=1, require_equals = true, default_value_t = false, default_missing_value = "true", value_name = "BOOL")]
    pub nfc: bool,

    /// Do not repair mojibake; it is then left as it is and not reported
    /// (`--check` passes it). Damage (U+FFFD, 锟斤拷, 烫烫烫) is still reported.
    #[arg(long, action = ArgAction::Set, num_args = 0..=1, require_equals = true, default_value_t = false, default_missing_value = "true", value_name = "BOOL")]
    pub no_repair: bool,

    /// Do not fill the holes of UTF-8 read as GBK (`涓�鏂�`); they are
    /// still reported.
    #[arg(long, action = ArgAction::Set, num_args = 0..=1, require_equals = true, default_value_t = false, default_missing_value = "true", value_name = "BOOL")]
    pub no_recover: bool,

    /// When to remove inline pinyin glosses such as `國(guó)`: `auto` once
    /// glossing is evidently a pattern of the text, and never capitalised
    /// romanizations (`王(Wang)`), Markdown code, word lists (`爱(ài) to
    /// love`) or polyphone lessons (`行(xíng) 行(háng)`).
    #[arg(long, value_enum, default_value_t = GlossMode::Auto, value_name = "WHEN")]
    pub glosses: GlossMode,

    /// Map CJK Compatibility Ideographs (U+F900.., U+2F800..) to their unified characters.
    #[arg(long, action = ArgAction::Set, num_args = 0..=1, require_equals = true, default_value_t = false, default_missing_value = "true", value_name = "BOOL")]
    pub compat_ideographs: bool,

    /// Remove zero-width spaces (U+200B), word joiners (U+2060) and BOMs inside the text.
    #[arg(long, action = ArgAction::Set, num_args = 0..=1, require_equals = true, default_value_t = false, default_missing_value = "true", value_name = "BOOL")]
    pub zero_width: bool,

    /// Fold full-width ASCII letters and digits (ＡＢＣ１２３) to half-width.
    #[arg(long, action = ArgAction::Set, num_args = 0..=1, require_equals = true, default_value_t = false, default_missing_value = "true", value_name = "BOOL")]
    pub fullwidth_ascii: bool,

    /// Convert between Traditional and Simplified with an OpenCC 1.4.2
    /// configuration: s2t, t2s, s2tw, tw2s, s2twp, tw2sp, s2hk, hk2s, s2hkp,
    /// hk2sp, t2tw, tw2t, t2hk, hk2t, t2jp, jp2t, or the path of an OpenCC
    /// JSON configuration whose dictionaries are text files or OpenCC 1.4.2's
    /// own (by name, `STPhrases.ocd2`); `none` converts nothing.
    #[arg(short = 'c', long = "config", value_name = "NAME", default_value = "none")]
    pub conversion: String,

    /// With -c, also use the dictionaries OpenCC marks as possibly
    /// producing characters many fonts lack (like opencc's
    /// --include-tofu-risk-dictionaries).
    #[arg(long, action = ArgAction::Set, num_args = 0..=1, require_equals = true, default_value_t = false, default_missing_value = "true", value_name = "BOOL")]
    pub include_tofu_risk_dictionaries: bool,

    /// With -c, the implementation that converts: zhnorm's own, or OpenCC
    /// 1.4.2's C++ library (only in builds with `--features opencc`). Both
    /// give the same output.
    #[arg(long, value_enum, default_value_t = Engine::Zhnorm, value_name = "ENGINE")]
    pub engine: Engine,

    /// With -c, add your own OpenCC text dictionary (`word<TAB>replacement`,
    /// one entry a line) on top of the configuration (repeatable): at each
    /// position the longest key wins, yours on a tie.
    #[arg(long = "dict", value_name = "FILE")]
    pub dict: Vec<PathBuf>,

    /// With -c, print which dictionary entry makes each change
    /// (`LINE:COLUMN  头发 → 頭髮  STPhrases`) instead of the converted text;
    /// what --protect, markers or the Japanese guard keep is left out.
    #[arg(long, conflicts_with_all = ["write", "out_dir", "check", "diff", "detect", "json"])]
    pub explain: bool,

    /// Leave text matching REGEX as it is: not repaired, cleaned or
    /// converted, and its damage (U+FFFD, 锟斤拷) not reported nor failing
    /// --check (repeatable; matched line by line). Inline, `zhnorm: off` ...
    /// `zhnorm: on` does the same.
    #[arg(long, value_name = "REGEX")]
    pub protect: Vec<String>,

    /// With -c, convert Japanese text (kana in a tenth of its CJK characters)
    /// and Korean text (Hangul in a quarter of its Hangul and Han) with a
    /// Chinese configuration too, and the Japanese lines of a bilingual file;
    /// they are left alone otherwise.
    #[arg(long, action = ArgAction::Set, num_args = 0..=1, require_equals = true, default_value_t = false, default_missing_value = "true", value_name = "BOOL")]
    pub force: bool,

    /// With -c, convert only the sentences that hold a character only the
    /// source script uses (进 for s2t, 進 for t2s) and leave the others,
    /// already in the target script, as they are; converting again then
    /// changes nothing (for hooks and batch runs). Built-in configurations only.
    #[arg(long, action = ArgAction::Set, num_args = 0..=1, require_equals = true, default_value_t = false, default_missing_value = "true", value_name = "BOOL")]
    pub only_source_script: bool,

    /// Exit with 1, as --check does, when a file has damage that cannot be
    /// undone (U+FFFD, 锟斤拷, a lost character) or a charset declaration
    /// left as it was; the file is written all the same. For fixers run as
    /// pre-commit hooks: they then fail on what they cannot fix.
    #[arg(long, action = ArgAction::Set, num_args = 0..=1, require_equals = true, default_value_t = false, default_missing_value = "true", value_name = "BOOL")]
    pub fail_on_damage: bool,

    /// With --write, keep the original as PATH + SUFFIX, with its mtime (as
    /// sed -i.bak and cp -p do); an existing backup is never replaced (the
    /// file is an error instead). Under folders, a file named like the
    /// backup of a file next to it (`a.txt.bak` beside `a.txt`; SUFFIX,
    /// .bak, .backup, .orig, .old, ~) is skipped.
    #[arg(long, value_name = "SUFFIX", num_args = 0..=1, default_missing_value = DEFAULT_BACKUP_SUFFIX, require_equals = true)]
    pub backup: Option<String>,

    /// Print one JSON object per file (not with the stdout mode).
    #[arg(long)]
    pub json: bool,

    /// Include hidden files and folders (never `.git` and other version control folders).
    #[arg(long)]
    pub hidden: bool,

    /// Do not respect .gitignore, .ignore and similar files.
    #[arg(long)]
    pub no_ignore: bool,

    /// Follow symbolic links under folders too (a link named on the command
    /// line is always followed; --write rewrites its target, and the link
    /// stays a link).
    #[arg(short = 'L', long)]
    pub follow: bool,

    /// Only process files matching this glob (repeatable; gitignore syntax;
    /// case matters: `*.txt` leaves out `A.TXT`).
    #[arg(short, long, value_name = "GLOB")]
    pub glob: Vec<String>,

    /// As --glob, with case not mattering (`--iglob '*.txt'` takes `A.TXT`).
    #[arg(long, value_name = "GLOB")]
    pub iglob: Vec<String>,

    /// Skip files matching this glob (repeatable).
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,

    /// Apply --glob and --exclude to the files named on the command line
    /// too (for pre-commit, which names every file).
    #[arg(long, action = ArgAction::Set, num_args = 0..=1, require_equals = true, default_value_t = false, default_missing_value = "true", value_name = "BOOL")]
    pub force_exclude: bool,

    /// Ignore .editorconfig's charset property (the BOM it gives, and the
    /// charsets zhnorm does not write: latin1 beyond ASCII, UTF-16).
    #[arg(long, action = ArgAction::Set, num_args = 0..=1, require_equals = true, default_value_t = false, default_missing_value = "true", value_name = "BOOL")]
    pub no_editorconfig: bool,

    /// Number of threads (default: number of cores; at least 8 with
    /// --write and --out-dir, which mostly wait for the disk).
    #[arg(short = 'j', long, value_name = "N")]
    pub threads: Option<usize>,

    /// No progress bar, no summary, and no notes on standard error about
    /// damage or skipped files (except with --check, which reports damage).
    #[arg(short, long)]
    pub quiet: bool,

    /// The folder --glob patterns are relative to (the settings file's when they come from it).
    #[arg(skip)]
    pub glob_base: PathBuf,

    /// The folder --exclude patterns are relative to.
    #[arg(skip)]
    pub exclude_base: PathBuf,

    /// The BOM policy was set by a flag or the settings file, so .editorconfig does not give it.
    #[arg(skip)]
    pub bom_fixed: bool,
}

/// Jobs other than normalizing text.
#[derive(Debug, Subcommand)]
pub enum Tool {
    /// Print a completion script for SHELL on standard output.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) on standard output.
    Man,
}

impl Args {
    /// Applies project settings: each key sets its flag unless that flag was
    /// given on the command line (`given`, by clap argument id).
    pub fn apply_settings(&mut self, settings: Settings, dir: &Path, given: impl Fn(&str) -> bool) {
        macro_rules! set {
            ($id:literal, $field:ident, $value:expr) => {
                if !given($id) {
                    if let Some(value) = $value {
                        self.$field = value;
                    }
                }
            };
        }
        let from_dir = |path: &Path| dir.join(path);
        set!(
            "conversion",
            conversion,
            settings.convert.map(|name| {
                let path = from_dir(Path::new(&name));
                if zhnorm::convert::names_builtin(&name, &path) {
                    name
                } else {
                    path.to_string_lossy().into_owned()
                }
            })
        );
        // `-c none` on the command line turns the settings' conversion off,
        // dictionaries included.
        let conversion_off = given("conversion") && self.conversion == "none";
        set!(
            "dict",
            dict,
            settings.dict.filter(|_| !conversion_off).map(|paths| paths.iter().map(|path| from_dir(path)).collect())
        );
        set!("include_tofu_risk_dictionaries", include_tofu_risk_dictionaries, settings.include_tofu_risk_dictionaries);
        set!("accept", accept, settings.accept);
        set!("bom", bom, settings.bom);
        set!("eol", eol, settings.eol);
        set!("nfc", nfc, settings.nfc);
        set!("no_repair", no_repair, settings.repair.map(|repair| !repair));
        set!("no_recover", no_recover, settings.recover.map(|recover| !recover));
        set!("glosses", glosses, settings.glosses);
        set!("compat_ideographs", compat_ideographs, settings.compat_ideographs);
        set!("zero_width", zero_width, settings.zero_width);
        set!("fullwidth_ascii", fullwidth_ascii, settings.fullwidth_ascii);
        set!("protect", protect, settings.protect);
        set!("force", force, settings.force);
        set!("only_source_script", only_source_script, settings.only_source_script);
        set!("fail_on_damage", fail_on_damage, settings.fail_on_damage);
        set!("force_exclude", force_exclude, settings.force_exclude);
        set!("no_editorconfig", no_editorconfig, settings.editorconfig.map(|read| !read));
        // --iglob on the command line is a list of include globs too, and
        // replaces the file's list as --glob does.
        if !given("glob") && !given("iglob") && settings.include.is_some() {
            self.glob_base = dir.to_path_buf();
            set!("glob", glob, settings.include);
        }
        if !given("exclude") && settings.exclude.is_some() {
            self.exclude_base = dir.to_path_buf();
        }
        set!("exclude", exclude, settings.exclude);
        self.bom_fixed = given("bom") || settings.bom.is_some();
    }
}
