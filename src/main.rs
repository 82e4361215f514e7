//! The `zhnorm` command: argument parsing, the walk over inputs, and what
//! gets printed. All text processing is the library's.

mod cli;

use std::borrow::Cow;
use std::fs;
use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context};
use clap::{CommandFactory, FromArgMatches};
use serde_json::json;
use zhnorm::convert::Language;
use zhnorm::detect::{self, Detection};
use zhnorm::repair::DamageKind;
use zhnorm::settings::EditorConfigCharset;
use zhnorm::walk::{self, Found, Input, WalkOptions};
use zhnorm::{normalize, Options, Outcome, Report};

use cli::{Args, Tool};

/// Prints `zhnorm: ` and a message on standard error. The notes must not
/// stop the run or change its exit code when standard error is a closed
/// pipe (`2>&1 | head`) or a full disk, as `eprintln!` would by panicking:
/// then they are lost, and the work and its status are not.
macro_rules! note {
    ($($message:tt)*) => {{
        let _ = writeln!(io::stderr(), "zhnorm: {}", format_args!($($message)*));
    }};
}

/// What the exit code tells the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Status {
    /// Done, or nothing would change.
    Success = 0,
    /// `--check` found a file that would change or is damaged.
    Changes = 1,
    /// Some input could not be read, decoded or written.
    Error = 2,
    /// `--write` or `--out-dir` stopped by a signal; 130 is what a shell
    /// reports for Ctrl-C.
    Stopped = 130,
}

fn main() -> std::process::ExitCode {
    let matches = Args::command().get_matches();
    let args = Args::from_arg_matches(&matches).unwrap_or_else(|err| err.exit());
    let status = match settle(args, &matches).and_then(|args| run(&args)) {
        Ok(status) => status,
        Err(err) if is_broken_pipe(&err) => Status::Success,
        Err(err) => {
            note!("{err:#}");
            Status::Error
        }
    };
    std::process::ExitCode::from(status as u8)
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause.downcast_ref::<io::Error>().is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
            || matches!(cause.downcast_ref::<zhnorm::Error>(), Some(zhnorm::Error::Io(e)) if e.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// Applies the project's settings file (unless `--no-config`) under the
/// flags given on the command line.
fn settle(mut args: Args, matches: &clap::ArgMatches) -> anyhow::Result<Args> {
    let file = match (&args.config_file, args.no_config || args.tool.is_some()) {
        (Some(path), _) => Some(absolute(path)?),
        (None, false) => zhnorm::settings::discover(&std::env::current_dir().map_err(current_folder_unreadable)?),
        (None, true) => None,
    };
    let settings = match &file {
        Some(path) => zhnorm::settings::Settings::load(path)?,
        None => zhnorm::settings::Settings::default(),
    };
    let dir = file.as_deref().and_then(Path::parent).unwrap_or(Path::new("."));
    let given = |id: &str| matches.value_source(id) == Some(clap::parser::ValueSource::CommandLine);
    if let (Some(path), Some(excluded)) = (&file, &settings.exclude) {
        if given("exclude") && !excluded.is_empty() && !args.quiet {
            // A list on the command line replaces the file's: an exclusion
            // added for one run must not bring in what the project keeps out.
            note!(
                "--exclude replaces the exclude list of {} ({}); name them again to keep them out",
                walk::display_path(path),
                excluded.join(", ")
            );
        }
    }
    args.apply_settings(settings, dir, given);
    if args.conversion == "none" {
        // Typed without -c, these most likely mean a mistyped command, which
        // would otherwise pass with nothing converted. From the settings
        // file they are project defaults, which a run without a conversion
        // (`-c none`) leaves unused.
        let asked = [
            ("dict", "--dict", !args.dict.is_empty()),
            ("explain", "--explain", args.explain),
            ("include_tofu_risk_dictionaries", "--include-tofu-risk-dictionaries", args.include_tofu_risk_dictionaries),
            ("engine", "--engine", args.engine != zhnorm::convert::Engine::Zhnorm),
            ("force", "--force", args.force),
            ("only_source_script", "--only-source-script", args.only_source_script),
        ];
        if let Some((_, flag, _)) = asked.iter().find(|&&(id, _, asked)| asked && given(id)) {
            bail!("{flag} needs a conversion (-c NAME)");
        }
    }
    if let Some(path) = file.filter(|_| args.conversion == "none" && !args.dict.is_empty() && !given("dict")) {
        let message = "dict: dictionaries need a conversion (convert in this file, or -c NAME)".to_owned();
        return Err(zhnorm::Error::Settings { path, message }.into());
    }
    Ok(args)
}

/// `path` from the root. It fails only where the current folder cannot be
/// read (removed under a shell still in it), or for an empty path.
fn absolute(path: &Path) -> anyhow::Result<PathBuf> {
    std::path::absolute(path).map_err(|err| match err.raw_os_error() {
        Some(_) => current_folder_unreadable(err),
        None => anyhow::anyhow!("{}: {}", walk::display_path(path), zhnorm::os_reason(&err)),
    })
}

fn current_folder_unreadable(err: io::Error) -> anyhow::Error {
    anyhow::anyhow!("cannot read the current folder: {}", zhnorm::os_reason(&err))
}

/// `zhnorm completions SHELL` and `zhnorm man`, from the same definitions
/// as the arguments themselves.
fn run_tool(tool: &Tool) -> anyhow::Result<Status> {
    // clap_complete panics on a write error: generate into memory, so that
    // a closed pipe ends the run quietly as elsewhere.
    let mut text = Vec::new();
    match tool {
        Tool::Completions { shell } => clap_complete::generate(*shell, &mut Args::command(), "zhnorm", &mut text),
        Tool::Man => clap_mangen::Man::new(Args::command()).render(&mut text)?,
    }
    io::stdout().lock().write_all(&text).map_err(writing_stdout)?;
    Ok(Status::Success)
}

/// The fewest threads `--write` and `--out-dir` use unless `-j` says.
const WRITE_THREADS: usize = 8;

/// Which job the run does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Stdout,
    Write,
    OutDir,
    Check,
    Detect,
}

fn run(args: &Args) -> anyhow::Result<Status> {
    if let Some(tool) = &args.tool {
        return run_tool(tool);
    }
    let mode = if args.write {
        Mode::Write
    } else if args.out_dir.is_some() {
        Mode::OutDir
    } else if args.check || args.diff {
        Mode::Check
    } else if args.detect {
        Mode::Detect
    } else {
        Mode::Stdout
    };
    let options = Options {
        from: match &args.from {
            Some(label) => Some(zhnorm::decode::encoding_for_label(label)?),
            None => None,
        },
        lossy: args.lossy,
        bom: args.bom,
        eol: args.eol,
        nfc: args.nfc,
        no_repair: args.no_repair,
        no_recover: args.no_recover,
        clean: zhnorm::clean::CleanOptions {
            glosses: args.glosses,
            compat_ideographs: args.compat_ideographs,
            zero_width: args.zero_width,
            fullwidth_ascii: args.fullwidth_ascii,
        },
        convert: match args.conversion.as_str() {
            "none" => None,
            name => {
                let tofu = if args.include_tofu_risk_dictionaries {
                    zhnorm::convert::TofuRisk::Include
                } else {
                    zhnorm::convert::TofuRisk::Skip
                };
                let converter =
                    zhnorm::convert::Converter::open(name, tofu, args.engine)?.with_dictionaries(&args.dict)?;
                for key in converter.unknown_keys().iter().filter(|_| !args.quiet) {
                    note!(
                        "{}: ignored the key {key:?}, which OpenCC's configurations do not have",
                        walk::display_path(Path::new(name))
                    );
                }
                Some(if args.only_source_script { converter.only_source_script()? } else { converter })
            }
        },
        protect: args
            .protect
            .iter()
            .map(|pattern| regex::Regex::new(pattern).with_context(|| format!("bad --protect pattern {pattern:?}")))
            .collect::<anyhow::Result<_>>()?,
        force: args.force,
        accept: {
            let accept = args
                .accept
                .iter()
                .map(|label| {
                    zhnorm::settings::accepted_charset(label)
                        .ok_or_else(|| zhnorm::Error::UnknownEncoding(label.clone()))
                })
                .collect::<Result<Vec<_>, _>>()?;
            // Printing is not checking: only the modes that judge or write files refuse.
            if matches!(mode, Mode::Check | Mode::Write | Mode::OutDir) {
                accept
            } else {
                Vec::new()
            }
        },
    };
    if args.explain {
        return run_explain(args, &options);
    }
    if args.json && mode == Mode::Stdout {
        bail!("--json needs a mode that does not print text: --check, --diff, --detect, --write or --out-dir");
    }
    if args.backup.is_some() && mode != Mode::Write {
        bail!("--backup only applies to --write");
    }
    if args.backup.as_deref() == Some("") {
        bail!("--backup needs a suffix (--backup alone means .bak)");
    }
    if let Some(path) = args.backup.as_deref().filter(|suffix| suffix.contains('/')) {
        bail!("--backup takes a suffix added to each file's name (--backup=.orig), not a path: {path}");
    }
    // `ch1` + `1` is `ch11`, a file of its own: such a suffix makes backups
    // and other files look alike (and would skip or refuse real files).
    if let Some(suffix) = args.backup.as_deref().filter(|suffix| suffix.starts_with(char::is_alphanumeric)) {
        bail!(
            "--backup={suffix}: a suffix must not start with a letter or digit (ch1 + {suffix} is a name another \
             file may have); start it with . ~ _ or - (--backup=.{suffix})"
        );
    }
    // `--backup .orig` takes `.orig` for a path to process.
    if args.backup.as_deref() == Some(cli::DEFAULT_BACKUP_SUFFIX) {
        for path in args.paths.iter().filter(|path| !path.exists()).filter_map(|path| path.to_str()) {
            if path.starts_with('.') && path != ".." && !path.contains('/') {
                note!("{path} is not a file: to keep backups with the suffix {path}, write --backup={path}");
            }
        }
    }
    // Writing waits on the disk (each file is synced before its rename), so
    // it gains from more threads than cores; CPU-bound modes do not.
    let threads = match (args.threads, mode) {
        (Some(threads), _) => Some(threads.max(1)),
        (None, Mode::Write | Mode::OutDir) => {
            Some(std::thread::available_parallelism().map_or(1, |n| n.get()).max(WRITE_THREADS))
        }
        (None, _) => None,
    };
    if let Some(threads) = threads {
        rayon::ThreadPoolBuilder::new().num_threads(threads).build_global()?;
    }
    match mode {
        Mode::Write => handle_stop_signals("files not yet done are unchanged")?,
        Mode::OutDir => handle_stop_signals("files not yet done have no copy in the output folder")?,
        _ => {}
    }

    let named = named_inputs(args);
    if named.iter().all(Option::is_none) {
        return match mode {
            Mode::Write | Mode::OutDir => bail!("--write and --out-dir need files or folders, not standard input"),
            _ => run_stdin(mode, args, &options),
        };
    }
    if named.contains(&None) {
        bail!("`-` (standard input) cannot be mixed with other paths (a file named `-` is ./- or given after --)");
    }
    let paths: Vec<PathBuf> = named.into_iter().flatten().map(Path::to_path_buf).collect();
    let walk_options = WalkOptions {
        hidden: args.hidden,
        no_ignore: args.no_ignore,
        follow: args.follow,
        globs: walk::Globs {
            base: args.glob_base.clone(),
            globs: args.glob.clone(),
            case_insensitive: args.iglob.clone(),
        },
        excludes: walk::Globs {
            base: args.exclude_base.clone(),
            globs: args.exclude.clone(),
            case_insensitive: Vec::new(),
        },
        force_exclude: args.force_exclude,
        backup_suffix: args.backup.clone().unwrap_or_default(),
        keep_backups: mode == Mode::OutDir,
    };
    if let Some(out) = &args.out_dir {
        refuse_out_dir_inside_inputs(out, &paths)?;
    }
    let walk::Walked { found: inputs, backups } =
        walk::inputs(&paths, &walk_options).context("bad --glob or --exclude pattern")?;
    if let Some(first) = backups.first().filter(|_| !args.quiet) {
        let (more, beside) =
            if backups.len() > 1 { (", ...", "their originals; name one") } else { ("", "its original; name it") };
        note!(
            "skipped {} ({}{more}) beside {beside} to process it",
            zhnorm::counted(backups.len() as u64, "backup file", "backup files"),
            walk::display_path(first)
        );
    }
    let left_out = left_out_by(args);
    for folder in walk::folders_without_files(&paths, &inputs) {
        note!("no files found under {} ({left_out})", walk::display_path(folder));
    }
    match (mode, &args.out_dir) {
        // Like `cat`, a file named twice is printed twice.
        (Mode::Stdout, _) => run_stdout(&inputs, args, &options),
        // Like `cp -r`, a file under two inputs is copied to both mirrors.
        (Mode::OutDir, Some(out)) => {
            let placed = walk::once_each(inputs, |input| {
                zhnorm::write::mirror_path(out, &input.root, &input.path).map_err(|e| e.to_string())
            });
            let destinations = mirror_destinations(&placed);
            let inputs: Vec<Found> = placed.into_iter().map(|placed| placed.found).collect();
            run_batch(mode, &inputs, Some(&destinations), backups.len(), args, &options)
        }
        _ => {
            let inputs: Vec<Found> = walk::once_each(inputs, |_| ()).into_iter().map(|placed| placed.found).collect();
            run_batch(mode, &inputs, None, backups.len(), args, &options)
        }
    }
}

/// Ctrl-C, `kill` or a closed terminal in the middle of a batch: the files
/// being written stay as they were, no temporary file is left beside them,
/// and the user is told what state the run left (`left`). A signal ignored
/// when zhnorm started stays ignored (`nohup` ignores SIGHUP, a shell
/// SIGINT in its background jobs): the ctrlc crate takes over all three.
fn handle_stop_signals(left: &'static str) -> anyhow::Result<()> {
    let ignored = stop_signals::hold_ignored();
    let handled = ctrlc::set_handler(move || {
        zhnorm::write::remove_temporaries();
        note!("stopped by a signal; {left}; run again to finish");
        std::process::exit(Status::Stopped as i32);
    });
    ignored.keep_ignored();
    handled.context("cannot handle signals")
}

/// The signals that were ignored at the start, kept so over the ctrlc
/// crate's handler.
#[cfg(unix)]
mod stop_signals {
    use std::{mem, ptr};

    /// What the ctrlc crate handles, with its `termination` feature.
    const HANDLED: [libc::c_int; 3] = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP];

    /// The handled signals that are ignored now, blocked until
    /// [`Ignored::keep_ignored`]: one that arrives meanwhile stays pending,
    /// and is discarded when it is ignored again rather than handled.
    pub struct Ignored(libc::sigset_t);

    pub fn hold_ignored() -> Ignored {
        // SAFETY: the set is initialised by sigemptyset before use, and a
        // null new action only reads the current one.
        unsafe {
            let mut ignored: libc::sigset_t = mem::zeroed();
            libc::sigemptyset(&mut ignored);
            for signal in HANDLED {
                let mut current: libc::sigaction = mem::zeroed();
                if libc::sigaction(signal, ptr::null(), &mut current) == 0 && current.sa_sigaction == libc::SIG_IGN {
                    libc::sigaddset(&mut ignored, signal);
                }
            }
            libc::pthread_sigmask(libc::SIG_BLOCK, &ignored, ptr::null_mut());
            Ignored(ignored)
        }
    }

    impl Ignored {
        pub fn keep_ignored(self) {
            // SAFETY: SIG_IGN is a valid disposition for these signals, and
            // the set is the one made above.
            unsafe {
                for signal in HANDLED {
                    if libc::sigismember(&self.0, signal) == 1 {
                        libc::signal(signal, libc::SIG_IGN);
                    }
                }
                libc::pthread_sigmask(libc::SIG_UNBLOCK, &self.0, ptr::null_mut());
            }
        }
    }
}

/// Elsewhere a console's Ctrl-C has no ignored state to keep.
#[cfg(not(unix))]
mod stop_signals {
    pub struct Ignored;

    pub fn hold_ignored() -> Ignored {
        Ignored
    }

    impl Ignored {
        pub fn keep_ignored(self) {}
    }
}

/// The inputs named on the command line, in order: a file or folder, or
/// `None` for standard input, which is `-` before `--` or no path at all.
/// After `--`, `-` is a file's name, as git takes names there: a hook that
/// names staged files after `--` means a file, and standard input makes no
/// sense among files or for `--write` (cat, grep and ripgrep read standard
/// input for `-` wherever it is; there `--` only ends the options).
fn named_inputs(args: &Args) -> Vec<Option<&Path>> {
    let before = args.paths.iter().map(|path| Some(path.as_path()).filter(|path| *path != Path::new("-")));
    let named: Vec<_> = before.chain(args.paths_after_dashes.iter().map(|path| Some(path.as_path()))).collect();
    if named.is_empty() {
        vec![None]
    } else {
        named
    }
}

/// Standard input: streamed to standard output, or checked, or detected.
/// `--explain`: the changes the conversion makes to each input, one a
/// line, as the pipeline makes them (see [`zhnorm::explain`]).
fn run_explain(args: &Args, options: &Options) -> anyhow::Result<Status> {
    if args.engine != zhnorm::convert::Engine::Zhnorm {
        bail!("--explain works with the default engine (--engine zhnorm)");
    }
    let named = named_inputs(args);
    let mut out = io::stdout().lock();
    let mut status = Status::Success;
    for input in &named {
        let path = input.unwrap_or(Path::new(STDIN_NAME));
        let explained = match input {
            None => zhnorm::explain(io::stdin().lock(), options),
            Some(path) if path.is_dir() => Err(io::Error::other("is a folder; --explain takes files").into()),
            Some(path) => walk::open(path).map_err(zhnorm::Error::from).and_then(|file| {
                let protect = protect_for(path, options).unwrap_or_else(|| options.protect.clone());
                zhnorm::explain(file, &Options { protect, ..options.clone() })
            }),
        };
        let (report, changes) = match explained {
            Ok((Outcome::Text(report), changes)) => (report, changes),
            Ok((Outcome::Binary, _)) => {
                note_binary(path);
                continue;
            }
            Err(err) => {
                note!("{}: {}", walk::display_path(path), error_text(&err, false));
                status = Status::Error;
                continue;
            }
        };
        let prefix = if named.len() > 1 { format!("{}:", walk::display_path(path)) } else { String::new() };
        for change in &changes {
            writeln!(
                out,
                "{prefix}{}:{}  {} → {}  {}",
                change.line, change.column, change.from, change.to, change.dictionary
            )
            .map_err(writing_stdout)?;
        }
        note_not_converted(path, &report);
    }
    Ok(status)
}

/// Standard output's buffer gathers small files and short lines into few
/// writes; the pipeline's blocks of a large file (up to 256 KB) are larger and
/// go straight through instead of being copied into it first.
const STDOUT_BUFFER: usize = 64 * 1024;

/// Standard output, which knows whether the text written since
/// [`Printed::start`] ends inside a line: the text a failed input printed up
/// to its fault is ended with a line end, so that it does not run into
/// the next file's text or the shell's prompt.
struct Printed<W: Write> {
    out: W,
    /// Some text was written since `start`.
    any: bool,
    /// The last byte written was not a line end.
    open_line: bool,
    /// A write failed: an error of the pipeline is standard output's, not
    /// the input's.
    failed: bool,
}

/// A failure to write standard output (a full disk behind `>`), named as
/// such: the system's reason alone names no file, and is no input's.
fn writing_stdout(err: io::Error) -> io::Error {
    io::Error::new(err.kind(), format!("writing standard output: {}", zhnorm::os_reason(&err)))
}

impl<W: Write> Printed<W> {
    fn new(out: W) -> Self {
        Printed { out, any: false, open_line: false, failed: false }
    }

    fn start(&mut self) {
        self.any = false;
    }

    /// Ends the line the input that failed left open.
    fn end_cut_line(&mut self) -> io::Result<()> {
        if self.any && self.open_line {
            self.write_all(b"\n").map_err(writing_stdout)?;
        }
        self.flush().map_err(writing_stdout)
    }
}

impl<W: Write> Write for Printed<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let written = self.out.write(buf).inspect_err(|_| self.failed = true)?;
        if let Some(last) = buf[..written].last() {
            self.any = true;
            self.open_line = *last != b'\n';
        }
        Ok(written)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush().inspect_err(|_| self.failed = true)
    }
}

/// `err` as the command says it: the library's words (where the output
/// stops, for `printed`: see [`zhnorm::Error::printed_up_to_fault`]),
/// then the flag that helps, which the library does not know of.
fn error_text(err: &zhnorm::Error, printed: bool) -> String {
    let text = printed.then(|| err.printed_up_to_fault()).flatten().unwrap_or_else(|| err.to_string());
    let hint = match err {
        zhnorm::Error::Malformed { .. } => {
            "pass --lossy to replace malformed sequences with U+FFFD, or --from to name the charset".to_owned()
        }
        zhnorm::Error::MalformedAfterBom { encoding, from, .. } => format!(
            "remove the BOM to {}, or pass --lossy to replace what is not {encoding} with U+FFFD",
            from.map_or("have the charset detected".to_owned(), |from| format!("decode the file as {from}"))
        ),
        zhnorm::Error::Mixed { other, .. } => format!(
            "convert the lines of one charset first, or pass --from utf-8 or --from {other} with --lossy to \
             replace what that charset cannot read with U+FFFD"
        ),
        zhnorm::Error::Truncated { .. } => {
            "pass --lossy to keep it with U+FFFD in place of the half character".to_owned()
        }
        zhnorm::Error::BackupExists(_) => "--backup=SUFFIX".to_owned(),
        zhnorm::Error::EditorConfigCharset { .. } => "--no-editorconfig ignores .editorconfig".to_owned(),
        _ => return text,
    };
    format!("{text} ({hint})")
}

/// What messages call standard input.
const STDIN_NAME: &str = "<stdin>";

fn run_stdin(mode: Mode, args: &Args, options: &Options) -> anyhow::Result<Status> {
    let name = Path::new(STDIN_NAME);
    let stdin = io::stdin().lock();
    let result = match mode {
        Mode::Stdout => {
            let mut out = Printed::new(io::BufWriter::with_capacity(STDOUT_BUFFER, io::stdout().lock()));
            let outcome = match normalize(stdin, &mut out, options) {
                Err(zhnorm::Error::Io(err)) if out.failed => return Err(writing_stdout(err).into()),
                outcome => outcome,
            };
            if let Some(err) = outcome.as_ref().err().filter(|err| err.printed_up_to_fault().is_some()) {
                out.end_cut_line()?;
                bail!("{}: {}", walk::display_path(name), error_text(err, true));
            }
            out.flush().map_err(writing_stdout)?;
            let outcome = outcome.with_context(|| walk::display_path(name).to_string())?;
            return Ok(report_stdout(name, &outcome, args));
        }
        Mode::Detect => detect_prefix(stdin).map(Processed::Detected).map_err(zhnorm::Error::from),
        // --diff shows the whole text, so it reads the whole stream; --check
        // compares as it goes.
        _ if args.diff => normalize_whole(name, stdin, options, args, |_, _, _, _| Ok(())),
        _ => zhnorm::normalize_compared(stdin, &mut io::sink(), options)
            .map(|(outcome, changed)| Processed::Normalized { outcome: Box::new(outcome), changed, diff: None }),
    };
    let mut printer = BatchPrinter::new(mode, args);
    printer.on_disk = false;
    printer.print(name, result);
    Ok(printer.finish(0.0))
}

/// Files to standard output, one after the other, like `cat`.
fn run_stdout(inputs: &[Found], args: &Args, options: &Options) -> anyhow::Result<Status> {
    let mut status = Status::Success;
    let mut out = Printed::new(io::BufWriter::with_capacity(STDOUT_BUFFER, io::stdout().lock()));
    for input in inputs {
        let path = match input {
            Ok(input) => &input.path,
            Err((path, err)) => {
                note!("{}: {}", walk::display_path(path), walk::reason(err));
                status = Status::Error;
                continue;
            }
        };
        out.start();
        // Printing is not writing: a file in a charset zhnorm does not write prints all the same.
        let result = options_for(path, args, options).and_then(|(options, _)| {
            walk::open(path).map_err(zhnorm::Error::from).and_then(|file| normalize(file, &mut out, &options))
        });
        match result {
            Ok(outcome) => status = status.max(report_stdout(path, &outcome, args)),
            Err(zhnorm::Error::Io(err)) if err.kind() == io::ErrorKind::BrokenPipe => return Ok(status),
            Err(zhnorm::Error::Io(err)) if out.failed => return Err(writing_stdout(err).into()),
            Err(err) => {
                out.end_cut_line()?;
                note!("{}: {}", walk::display_path(path), error_text(&err, true));
                status = Status::Error;
            }
        }
    }
    out.flush().map_err(writing_stdout)?;
    Ok(status)
}

/// Notes on stderr for a file sent to stdout: skipped binaries, damage.
fn report_stdout(path: &Path, outcome: &Outcome, args: &Args) -> Status {
    let Outcome::Text(report) = outcome else {
        note_binary(path);
        return Status::Success;
    };
    if !args.quiet {
        print_damage(path, report, args);
    }
    if args.fail_on_damage && report.is_damaged() {
        Status::Changes
    } else {
        Status::Success
    }
}

/// Damage, a BOM that overrode `--from`, a charset declaration passed over,
/// and text left unconverted because it is Japanese or Korean, on stderr.
fn print_damage(path: &Path, report: &Report, args: &Args) {
    // With --from, the method is `bom` only where the BOM named another charset.
    if let (Some(from), detect::Method::Bom) = (&args.from, report.method()) {
        note!(
            "{}: BOM says {bom}, --from says {from}; the BOM wins (as in WHATWG's decode), read as {bom}",
            walk::display_path(path),
            bom = report.encoding().name()
        );
    }
    if let Some(declaration_note) = report.declaration_note() {
        note!("{}: {declaration_note}", walk::display_path(path));
    }
    note_not_converted(path, report);
    let misfit = bom_misfit(report);
    if let Some(misfit) = &misfit {
        note!("{}: {misfit}", walk::display_path(path));
    }
    for damage in &report.damage {
        let kind = match damage.kind {
            DamageKind::CutCharacter if misfit.is_some() => DamageKind::ReplacementCharacter,
            kind => kind,
        };
        note!("{}:{}:{}: damage: {}", walk::display_path(path), damage.line, damage.column, kind.describe());
    }
}

/// What is really wrong where `--lossy` replaced bytes behind a byte-order
/// mark, which decides the charset: the bytes are of another charset, or
/// the BOM stands alone; U+FFFD at a line end there is no character cut in
/// half. `None` elsewhere, and for UTF-16 text that was cut.
fn bom_misfit(report: &Report) -> Option<String> {
    let first = report.malformed.first_offset.filter(|_| report.bom_found)?;
    let encoding = report.encoding();
    if encoding == encoding_rs::UTF_8 {
        Some(format!(
            "bytes that are not UTF-8 after a UTF-8 BOM (first at byte {first}) were replaced with U+FFFD; \
             the BOM wins over detection and --from: remove it to have the charset detected"
        ))
    } else if report.bytes_in <= 3 {
        // A UTF-16 BOM is two bytes: one byte after it is no character.
        Some(format!("a lone {} BOM with nothing after it but one byte, replaced with U+FFFD", encoding.name()))
    } else {
        None
    }
}

fn note_binary(path: &Path) {
    note!("{}: skipped: binary file", walk::display_path(path));
}

/// Text the conversion left as it is because it is Japanese or Korean.
fn note_not_converted(path: &Path, report: &Report) {
    let language = match (report.japanese_not_converted, report.korean_not_converted) {
        (true, _) => Some(Language::Japanese),
        (_, true) => Some(Language::Korean),
        _ => None,
    };
    if let Some(language) = language {
        note!("{}: not converted: the text is {language} (--force converts it)", walk::display_path(path));
    }
    if report.bilingual {
        note!(
            "{}: Chinese and Japanese lines: only the Chinese lines converted, {} left as Japanese (--force converts them)",
            walk::display_path(path),
            zhnorm::counted(report.lines_not_converted, "line", "lines")
        );
    }
}

/// What happened to one file in a batch.
enum Processed {
    /// `--detect`: the charset only.
    Detected(Detection),
    /// The pipeline ran; `changed` says whether the output differs from the
    /// input; `diff` is the unified diff, with `--diff`.
    Normalized { outcome: Box<Outcome>, changed: bool, diff: Option<String> },
}

/// `--write`, `--out-dir`, `--check` and `--detect` over files, in parallel.
/// Each file's result is printed as soon as it and every file before it are
/// done, so the output is in input order and memory holds only the results
/// of the files in flight, never the whole batch's diffs. `destinations`
/// are the inputs' mirrors under `--out-dir`; `backups` is how many files
/// the walk passed over as backups, for the summary.
fn run_batch(
    mode: Mode,
    inputs: &[Found],
    destinations: Option<&[Result<PathBuf, String>]>,
    backups: usize,
    args: &Args,
    options: &Options,
) -> anyhow::Result<Status> {
    let started = Instant::now();
    let progress = progress_bar(inputs.len(), args);
    let out_created = args.out_dir.as_deref().filter(|out| mode == Mode::OutDir && !out.exists());
    let mut printer = BatchPrinter::new(mode, args);
    printer.backups = backups;
    let process = |i: usize| {
        let result = match &inputs[i] {
            Ok(input) => process_file(mode, input, destinations.map(|d| &d[i]), args, options),
            // Walk errors are printed in order, as errors.
            Err((_, err)) => Err(zhnorm::Error::Io(io::Error::other(walk::reason(err)))),
        };
        if let Some(progress) = &progress {
            progress.inc(1);
        }
        result
    };
    let window = rayon::current_num_threads() * RESULTS_HELD_PER_THREAD;
    for_each_in_order(inputs.len(), window, process, |i, result| {
        let path = match &inputs[i] {
            Ok(input) => &input.path,
            Err((path, _)) => path,
        };
        match &progress {
            Some(progress) => progress.suspend(|| printer.print(path, result)),
            None => printer.print(path, result),
        }
    });
    if let Some(progress) = progress {
        progress.finish_and_clear();
    }
    printer.suggest_write();
    // A large file's mirror folders are made before it is read; a run
    // that failed leaves none of them empty.
    if let Some(out) = out_created {
        remove_empty_folders(out);
    }
    Ok(printer.finish(started.elapsed().as_secs_f64()))
}

/// Removes `folder` and the folders under it that hold nothing, deepest
/// first; folders that hold something stay.
fn remove_empty_folders(folder: &Path) {
    if let Ok(entries) = fs::read_dir(folder) {
        for entry in entries.flatten() {
            if entry.file_type().is_ok_and(|kind| kind.is_dir()) {
                remove_empty_folders(&entry.path());
            }
        }
    }
    let _ = fs::remove_dir(folder);
}

/// How many results a batch holds per thread, done but waiting for an
/// earlier file: enough that a slow file does not leave the threads idle
/// at once, few enough that a batch of large diffs stays small.
const RESULTS_HELD_PER_THREAD: usize = 4;

/// Runs `work` on items `0..count` on rayon's threads, started in order,
/// and hands each result to `take` in order, as soon as it and all before
/// it are done. At most `window` items are started and not yet taken: a
/// slow item holds back the start of new ones, not the results' memory.
fn for_each_in_order<R: Send>(
    count: usize,
    window: usize,
    work: impl Fn(usize) -> R + Sync,
    mut take: impl FnMut(usize, R),
) {
    let (sender, receiver) = std::sync::mpsc::channel();
    let work = &work;
    rayon::in_place_scope(|scope| {
        let mut done = std::collections::BTreeMap::new();
        let (mut started, mut taken) = (0, 0);
        while taken < count {
            while started < count && started - taken < window {
                let (sender, item) = (sender.clone(), started);
                // A panic is sent on to this thread, which would otherwise
                // wait for the result for ever.
                scope.spawn(move |_| {
                    let _ = sender.send((item, std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(item)))));
                });
                started += 1;
            }
            let Ok((item, result)) = receiver.recv() else { break };
            done.insert(item, result.unwrap_or_else(|panic| std::panic::resume_unwind(panic)));
            while let Some(result) = done.remove(&taken) {
                take(taken, result);
                taken += 1;
            }
        }
    });
}

fn progress_bar(total: usize, args: &Args) -> Option<indicatif::ProgressBar> {
    if args.quiet || !io::stderr().is_terminal() || total < 2 {
        return None;
    }
    let bar = indicatif::ProgressBar::new(total as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} files {rate} {elapsed}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            // indicatif's {per_sec} prints four decimals (`91.3003/s`).
            .with_key("rate", |state: &indicatif::ProgressState, out: &mut dyn std::fmt::Write| {
                let _ = write!(out, "{:.0}/s", state.per_sec());
            }),
    );
    Some(bar)
}

/// The mirrored path of each input under `--out-dir` (its place, from
/// [`walk::once_each`]), or why there is none (a path that cannot be
/// mirrored, one already taken by another input, or an input itself:
/// `--out-dir` never writes over what it reads).
fn mirror_destinations(placed: &[walk::Placed<Result<PathBuf, String>>]) -> Vec<Result<PathBuf, String>> {
    let sources: std::collections::HashSet<&PathBuf> =
        placed.iter().filter_map(|placed| placed.canonical.as_ref()).collect();
    let mut taken = std::collections::HashSet::new();
    placed
        .iter()
        .map(|placed| {
            let Some(destination) = &placed.place else { return Err(String::new()) };
            let destination = destination.clone()?;
            let absolute = absolute(&destination).map_err(|err| err.to_string())?;
            if sources.contains(&existing_prefix_canonical(&absolute)) {
                return Err(format!(
                    "its mirror {} is an input; --out-dir does not write over inputs",
                    walk::display_path(&destination)
                ));
            }
            if !taken.insert(destination.clone()) {
                return Err(format!(
                    "{} is also the mirror of another input; not written",
                    walk::display_path(&destination)
                ));
            }
            Ok(destination)
        })
        .collect()
}

/// Files up to this size are read whole, normalized in memory and compared
/// at once (fewest system calls, and an unchanged file costs no temporary
/// file); larger ones stream through the pipeline in bounded memory.
const IN_MEMORY_UP_TO: u64 = 8 << 20;

fn process_file(
    mode: Mode,
    input: &Input,
    destination: Option<&Result<PathBuf, String>>,
    args: &Args,
    options: &Options,
) -> Result<Processed, zhnorm::Error> {
    let path = &input.path;
    // Before opening: a named pipe with no writer would block the open. A
    // broken link fails here and gets its message from walk::open.
    if let (Mode::Write | Mode::OutDir, Ok(metadata)) = (mode, fs::metadata(path)) {
        zhnorm::write::refuse_special_file(&metadata)?;
    }
    if mode == Mode::Detect {
        return Ok(Processed::Detected(detect_prefix(walk::open(path)?)?));
    }
    let (options, charset) = options_for(path, args, options)?;
    let mut file = walk::open(path)?;
    let metadata = file.metadata()?;
    // A link stays a link: --write rewrites the file it leads to.
    let target = || match fs::symlink_metadata(path) {
        Ok(link) if link.file_type().is_symlink() => fs::canonicalize(path),
        _ => Ok(path.clone()),
    };
    // --diff shows the whole text, so it reads the whole file.
    if metadata.len() > IN_MEMORY_UP_TO && !args.diff {
        // A refused change leaves the temporary file unused.
        let normalize_allowed = |read: &mut dyn Read, mut out: &mut dyn Write| {
            let (outcome, changed) = zhnorm::normalize_compared(read, &mut out, &options)?;
            refuse_out_of_charset(charset, &outcome, changed)?;
            Ok::<_, zhnorm::Error>((outcome, changed))
        };
        let (outcome, changed) = match (mode, destination) {
            (Mode::Write, _) => zhnorm::write::replace_with(&target()?, file, args.backup.as_deref(), |read, temp| {
                let (outcome, changed) = normalize_allowed(read, temp)?;
                Ok(((outcome, changed), changed))
            })?,
            (Mode::OutDir, Some(Ok(destination))) => {
                zhnorm::write::create_with(destination, metadata.permissions(), |temp| {
                    let (outcome, changed) = normalize_allowed(&mut file, temp)?;
                    let text = matches!(outcome, Outcome::Text(_));
                    Ok(((outcome, changed), text))
                })?
            }
            _ => normalize_allowed(&mut file, &mut io::sink())?,
        };
        refuse_unmirrored(mode, destination, &outcome)?;
        return Ok(Processed::Normalized { outcome: Box::new(outcome), changed, diff: None });
    }
    normalize_whole(path, file, &options, args, |bytes, normalized, outcome, changed| {
        refuse_unmirrored(mode, destination, outcome)?;
        refuse_out_of_charset(charset, outcome, changed)?;
        if matches!(outcome, Outcome::Text(_)) {
            match (mode, destination) {
                (Mode::Write, _) if changed => {
                    let backup = args.backup.as_deref().map(|suffix| (suffix, bytes));
                    zhnorm::write::replace_atomically(&target()?, normalized, backup)?;
                }
                (Mode::OutDir, Some(Ok(destination))) => {
                    zhnorm::write::create_atomically(destination, normalized, metadata.permissions())?
                }
                _ => {}
            }
        }
        Ok(())
    })
}

/// Reads `input` whole and normalizes it in memory; `keep` gets the bytes
/// read, the bytes written, the outcome and whether they differ, to refuse
/// them or write them somewhere, before the diff (with `--diff`) is made.
fn normalize_whole(
    name: &Path,
    mut input: impl Read,
    options: &Options,
    args: &Args,
    keep: impl FnOnce(&[u8], &[u8], &Outcome, bool) -> Result<(), zhnorm::Error>,
) -> Result<Processed, zhnorm::Error> {
    let mut bytes = Vec::new();
    input.read_to_end(&mut bytes)?;
    let mut normalized = Vec::with_capacity(bytes.len() + bytes.len() / 2);
    let outcome = normalize(&bytes[..], &mut normalized, options)?;
    let changed = matches!(outcome, Outcome::Text(_)) && normalized != bytes;
    keep(&bytes, &normalized, &outcome, changed)?;
    let diff = diff_if_asked(name, &bytes, &normalized, &outcome, changed, args);
    Ok(Processed::Normalized { outcome: Box::new(outcome), changed, diff })
}

/// A text file without a place in `--out-dir` is an error (a binary one is
/// skipped anyway).
fn refuse_unmirrored(
    mode: Mode,
    destination: Option<&Result<PathBuf, String>>,
    outcome: &Outcome,
) -> Result<(), zhnorm::Error> {
    match (mode, destination, outcome) {
        (Mode::OutDir, Some(Err(reason)), Outcome::Text(_)) => Err(io::Error::other(reason.clone()).into()),
        _ => Ok(()),
    }
}

/// A change that would write a file out of the charset its `.editorconfig`
/// sets is an error; a file left as it is stays in it.
fn refuse_out_of_charset(
    charset: Option<EditorConfigCharset>,
    outcome: &Outcome,
    changed: bool,
) -> Result<(), zhnorm::Error> {
    match (charset, outcome) {
        (Some(charset), Outcome::Text(report)) if changed && !charset.admits(report.output_is_ascii()) => {
            Err(zhnorm::Error::EditorConfigCharset {
                charset: charset.value(),
                written: if charset.admits(true) { "UTF-8 beyond ASCII" } else { "UTF-8" },
            })
        }
        _ => Ok(()),
    }
}

/// The charset of an input from its first bytes alone.
fn detect_prefix(input: impl Read) -> io::Result<Detection> {
    let mut prefix = Vec::new();
    input.take(detect::PREFIX_LEN as u64).read_to_end(&mut prefix)?;
    Ok(detect::detect(&prefix, prefix.len() < detect::PREFIX_LEN))
}

/// The options for one file, and the charset `.editorconfig` sets for it:
/// a UTF-8 one gives the BOM unless a flag or the settings file did.
type FileOptions<'a> = (Cow<'a, Options>, Option<EditorConfigCharset>);

fn options_for<'a>(path: &Path, args: &Args, options: &'a Options) -> Result<FileOptions<'a>, zhnorm::Error> {
    let charset = if args.no_editorconfig { None } else { zhnorm::settings::editorconfig_charset(path)? };
    let mut options = Cow::Borrowed(options);
    if let Some(EditorConfigCharset::Utf8(bom)) = charset {
        if !args.bom_fixed && bom != options.bom {
            options.to_mut().bom = bom;
        }
    }
    if let Some(protect) = protect_for(path, &options) {
        options.to_mut().protect = protect;
    }
    Ok((options, charset))
}

/// With a conversion, the `--protect` patterns and the markup of a
/// subtitle format that must not be converted (font and style names of
/// `*.ass`); `None` when `options.protect` is all.
fn protect_for(path: &Path, options: &Options) -> Option<Vec<regex::Regex>> {
    let markup = options.convert.is_some() && is_ass(path);
    markup.then(|| options.protect.iter().chain(ASS_MARKUP.iter()).cloned().collect())
}

/// What of an ASS/SSA subtitle file (Advanced SubStation Alpha, the format
/// of most fansubs) is markup naming things outside its text, to be left as
/// it is (added to [`Options::protect`] for files named `*.ass` and `*.ssa`
/// when converting): `Style:` lines, whose font (`微软雅黑`) is looked up by
/// name; the fields before the text of a `Dialogue:` or `Comment:` line,
/// where a style is named as its `Style:` line names it; and override tags
/// in braces (`{\fn微软雅黑}`), which start with a backslash. A note in
/// braces without one (`{翻译注：…}`) is text that players hide, and is
/// converted with the rest.
static ASS_MARKUP: std::sync::LazyLock<[regex::Regex; 3]> = std::sync::LazyLock::new(|| {
    [r"^Style:[^\r\n]*", r"^(?:Dialogue|Comment):(?:[^,\r\n]*,){9}", r"\{[^}\\\r\n]*\\[^}\r\n]*\}"]
        .map(|pattern| regex::Regex::new(pattern).expect("the patterns are valid"))
});

/// Whether `path` names an ASS or SSA subtitle file (see [`ASS_MARKUP`]).
fn is_ass(path: &Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("ass") || e.eq_ignore_ascii_case("ssa"))
}

/// With `--diff`, the unified diff of a file that would change: the text as
/// decoded against the text written. The `---`/`+++` lines name the
/// charsets after a tab, where `patch` expects a date and ignores it, so a
/// file whose text stays and whose charset or BOM changes still shows.
fn diff_if_asked(
    name: &Path,
    bytes: &[u8],
    normalized: &[u8],
    outcome: &Outcome,
    changed: bool,
    args: &Args,
) -> Option<String> {
    let Outcome::Text(report) = outcome else { return None };
    if !args.diff || !changed {
        return None;
    }
    let old = decoded(bytes, report);
    let new = String::from_utf8_lossy(if report.bom_written { &normalized[3..] } else { normalized });
    let with_bom = |bom: bool| if bom { ", bom" } else { "" };
    let mut diff = format!(
        "--- {name}\t{}{}\n+++ {name}\tutf-8{}\n",
        report.encoding().name().to_ascii_lowercase(),
        with_bom(report.bom_found),
        with_bom(report.bom_written),
        name = diff_name(name)
    );
    for hunk in similar::TextDiff::from_lines(&*old, &*new).unified_diff().context_radius(3).iter_hunks() {
        diff.push_str(&hunk.to_string());
    }
    Some(diff)
}

/// `path` as a diff's header names it: as it is, or, when it holds a
/// backslash, a double quote, a control character or a byte that is not
/// UTF-8, quoted with C escapes (octal for bytes), as `git diff` writes it
/// and GNU `patch` and `git apply` read it (`ls -b`'s `\xD6` they do not).
fn diff_name(path: &Path) -> Cow<'_, str> {
    let escaped = |c: char| c == '\\' || c == '"' || c.is_control();
    if let Some(name) = path.to_str().filter(|name| !name.contains(escaped)) {
        return name.into();
    }
    let mut quoted = String::from('"');
    let octal = |quoted: &mut String, byte: u8| quoted.push_str(&format!("\\{byte:03o}"));
    for chunk in path.as_os_str().as_encoded_bytes().utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                c if !escaped(c) => quoted.push(c),
                '\\' | '"' | '\t' | '\n' | '\r' => quoted.extend(c.escape_default()),
                c => c.encode_utf8(&mut [0; 4]).bytes().for_each(|byte| octal(&mut quoted, byte)),
            }
        }
        chunk.invalid().iter().for_each(|&byte| octal(&mut quoted, byte));
    }
    quoted.push('"');
    quoted.into()
}

/// The text of `bytes` as the pipeline decoded it, without its BOM.
fn decoded<'a>(bytes: &'a [u8], report: &Report) -> Cow<'a, str> {
    let bom_len = if report.bom_found { encoding_rs::Encoding::for_bom(bytes).map_or(0, |(_, len)| len) } else { 0 };
    report.encoding().decode_without_bom_handling(&bytes[bom_len..]).0
}

/// Colours a diff for a terminal: removed lines red, added green, hunk
/// headers cyan, file headers bold.
fn paint(diff: &str) -> String {
    diff.split_inclusive('\n')
        .map(|line| {
            let code = if line.starts_with("---") || line.starts_with("+++") {
                "1"
            } else if line.starts_with('-') {
                "31"
            } else if line.starts_with('+') {
                "32"
            } else if line.starts_with("@@") {
                "36"
            } else {
                return line.to_owned();
            };
            let (text, end) = line.strip_suffix('\n').map_or((line, ""), |text| (text, "\n"));
            format!("\x1b[{code}m{text}\x1b[0m{end}")
        })
        .collect()
}

/// Prints a batch's per-file lines (or JSON objects) and errors, file by
/// file in input order, and counts them for the summary and the status.
struct BatchPrinter<'a> {
    mode: Mode,
    args: &'a Args,
    colour: bool,
    status: Status,
    files: usize,
    changed_files: usize,
    binary: usize,
    /// Files the walk passed over as backups: not among `files`, as they
    /// were not read, but skipped all the same.
    backups: usize,
    errors: usize,
    /// Files `--check` lists as changing that `--write` would refuse to
    /// rewrite (hard links, a named pipe): left out of the closing line.
    write_refused: usize,
    /// The inputs are files (not standard input), which `--write` could rewrite.
    on_disk: bool,
    bytes: u64,
    /// Standard output is closed or failed: nothing more is printed for the
    /// files, which still count.
    stopped: bool,
}

impl<'a> BatchPrinter<'a> {
    fn new(mode: Mode, args: &'a Args) -> Self {
        let colour =
            args.diff && io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
        BatchPrinter {
            mode,
            args,
            colour,
            status: Status::Success,
            files: 0,
            changed_files: 0,
            binary: 0,
            backups: 0,
            errors: 0,
            write_refused: 0,
            on_disk: true,
            bytes: 0,
            stopped: false,
        }
    }

    fn print(&mut self, path: &Path, result: Result<Processed, zhnorm::Error>) {
        let (mode, args) = (self.mode, self.args);
        self.files += 1;
        let shown = walk::display_path(path);
        let stopped = self.stopped;
        let mut write_refusal = None;
        let line = match result {
            Err(err) => {
                self.errors += 1;
                self.status = Status::Error;
                // --check and --diff write nothing: what fails is the check.
                let (reason, output) = match &err {
                    zhnorm::Error::Output { path: output, source } => (source.to_string(), Some(output)),
                    _ => (error_text(&err, false), None),
                };
                let reason = match mode {
                    Mode::Check => reason.replacen("; not written", "; not checked", 1),
                    _ => reason,
                };
                // Led by the input, as every per-file message is, then the
                // file that failed: `a.txt: writing OUT/a.txt: reason`. On
                // stderr with `--json` too, where the summary counts errors
                // that a reader of the terminal would not see otherwise.
                if !stopped {
                    match output {
                        Some(output) if output == path => note!("{shown}: rewriting: {reason}"),
                        Some(output) => note!("{shown}: writing {}: {reason}", walk::display_path(output)),
                        None => note!("{shown}: {reason}"),
                    }
                }
                args.json.then(|| {
                    let mut value = json!({"status": "error", "error": reason});
                    if let Some(output) = output {
                        value["output"] = json!(json_name(output));
                    }
                    json_path(value, path).to_string()
                })
            }
            Ok(Processed::Detected(detection)) => Some(match (detection, args.json) {
                (Detection::Text(c), false) => format!(
                    "{shown}: {}{} (confidence {:.2}, {})",
                    c.encoding.name().to_ascii_lowercase(),
                    c.mixed_with.map(|other| format!(" + {}", other.name().to_ascii_lowercase())).unwrap_or_default(),
                    c.method.confidence(),
                    serde_json::to_value(c.method).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
                ),
                (Detection::Text(c), true) => json_path(
                    json!({
                        "status": "text",
                        "encoding": c.encoding.name().to_ascii_lowercase(),
                        "bom": c.bom_len > 0,
                        "confidence": c.method.confidence(),
                        "method": c.method,
                        "mixed_with": c.mixed_with.map(|other| other.name().to_ascii_lowercase()),
                    }),
                    path,
                )
                .to_string(),
                (Detection::Binary, false) => format!("{shown}: binary"),
                (Detection::Binary, true) => json_path(json!({"status": "binary"}), path).to_string(),
            }),
            Ok(Processed::Normalized { outcome, changed, diff }) => {
                let outcome: &Outcome = &outcome;
                // A declaration not followed fails the check, also where it is left (a possible heading).
                let damaged = matches!(outcome, Outcome::Text(r) if r.is_damaged());
                if let Outcome::Text(report) = outcome {
                    self.bytes += report.bytes_in;
                }
                self.changed_files += usize::from(changed);
                if matches!(outcome, Outcome::Binary) {
                    self.binary += 1;
                }
                if (mode == Mode::Check && changed) || (damaged && (mode == Mode::Check || args.fail_on_damage)) {
                    self.status = self.status.max(Status::Changes);
                }
                if mode == Mode::Check && changed && self.on_disk {
                    write_refusal = zhnorm::write::refuse_rewrite(path)
                        .err()
                        .map(|err| error_text(&err, false).replacen("; not written", "", 1));
                    self.write_refused += usize::from(write_refusal.is_some());
                }
                if args.json {
                    let mut value = json_path(serde_json::to_value(outcome).unwrap_or_default(), path);
                    value["changed"] = json!(changed);
                    if let Outcome::Text(report) = outcome {
                        value["changes"] = json!(report.changes());
                    }
                    if let Some(diff) = diff {
                        value["diff"] = json!(diff);
                    }
                    if let Some(reason) = &write_refusal {
                        value["write_refused"] = json!(reason);
                    }
                    Some(value.to_string())
                } else {
                    match outcome {
                        Outcome::Binary => {
                            if !args.quiet && !stopped {
                                note_binary(path);
                            }
                            None
                        }
                        Outcome::Text(report) => {
                            if (mode == Mode::Check || !args.quiet) && !stopped {
                                print_damage(path, report, args);
                            }
                            let summary =
                                (args.check && changed).then(|| format!("{shown}: {}\n", report.changes().join(", ")));
                            let diff = diff.map(|diff| if self.colour { paint(&diff) } else { diff });
                            let text = summary.into_iter().chain(diff).collect::<String>();
                            (!text.is_empty()).then(|| text.trim_end_matches('\n').to_owned())
                        }
                    }
                }
            }
        };
        if let Some(line) = line.filter(|_| !stopped) {
            match writeln!(io::stdout().lock(), "{line}") {
                Ok(()) => {}
                // A closed pipe: nobody reads on, the status still counts.
                Err(err) if err.kind() == io::ErrorKind::BrokenPipe => self.stopped = true,
                Err(err) => {
                    note!("{}", writing_stdout(err));
                    self.status = Status::Error;
                    self.stopped = true;
                }
            }
        }
        if let Some(reason) = write_refusal.filter(|_| !args.quiet && !self.stopped) {
            note!("{shown}: zhnorm --write would fail: {reason}");
        }
    }

    /// After `--check` has listed files that would change, one closing line
    /// on how to change them: the checker hook's user sees the list and no
    /// way on. Only those files: damage listed is not mended by a rewrite.
    fn suggest_write(&self) {
        let args = self.args;
        if self.mode == Mode::Check
            && args.check
            && !args.json
            && !args.quiet
            && !self.stopped
            && self.changed_files > 0
        {
            let changing = zhnorm::counted(self.changed_files as u64, "file", "files");
            let rewritable = self.changed_files - self.write_refused;
            match (rewritable, self.write_refused) {
                (_, 0) => {
                    let them = if rewritable == 1 { "it" } else { "them" };
                    note!("{changing} would change: zhnorm --write with the same options rewrites {them}");
                }
                (0, _) => note!("{changing} would change, which zhnorm --write would not rewrite (see above)"),
                (_, refused) => note!(
                    "{changing} would change: zhnorm --write with the same options rewrites {rewritable} of them \
                     (not the {refused} named above)"
                ),
            }
        }
    }

    /// Prints the summary of `--write` and `--out-dir`; returns the exit status.
    fn finish(self, seconds: f64) -> Status {
        if !self.args.quiet && matches!(self.mode, Mode::Write | Mode::OutDir) {
            let verb = if self.mode == Mode::Write { "rewritten" } else { "changed" };
            // A file that failed is not counted in the size: how much of
            // it was read before the fault is not known here.
            let failed = match self.errors {
                0 => String::new(),
                1 => ", not counting the file that failed".to_owned(),
                errors => format!(", not counting the {errors} files that failed"),
            };
            // Every file the walk found is in one of the parts, which add
            // up to the total; skipped says what it holds, as the notes
            // about binary files and backups come before it.
            let unchanged = self.files - self.changed_files - self.binary - self.errors;
            let skipped_kinds = [(self.binary, "binary", "binary"), (self.backups, "backup", "backups")]
                .into_iter()
                .filter(|&(count, _, _)| count > 0)
                .map(|(count, one, many)| zhnorm::counted(count as u64, one, many))
                .collect::<Vec<_>>();
            let skipped = match skipped_kinds.as_slice() {
                [] => "0 skipped".to_owned(),
                kinds => format!("{} skipped ({})", self.binary + self.backups, kinds.join(", ")),
            };
            note!(
                "{}: {} {verb}, {unchanged} unchanged, {skipped}, {} ({}{failed})",
                zhnorm::counted((self.files + self.backups) as u64, "file", "files"),
                self.changed_files,
                zhnorm::counted(self.errors as u64, "error", "errors"),
                size_and_speed(self.bytes, seconds),
            );
        }
        self.status
    }
}

/// How much a run read and how fast, for its summary: `1.5 MB in 0.30 s,
/// 5.0 MB/s`. Under a megabyte the size is in bytes or kilobytes and the
/// speed is left out, as the start-up time is most of such a run and its
/// megabytes per second say nothing of the speed on real work.
fn size_and_speed(bytes: u64, seconds: f64) -> String {
    let megabytes = bytes as f64 / 1e6;
    match bytes {
        0..1_000 => format!("{} in {seconds:.2} s", zhnorm::counted(bytes, "byte", "bytes")),
        // From 999,950 bytes on, the kilobytes would round to `1000.0 KB`.
        1_000..999_950 => format!("{:.1} KB in {seconds:.2} s", bytes as f64 / 1e3),
        _ if seconds > 0.0 => format!("{megabytes:.1} MB in {seconds:.2} s, {:.1} MB/s", megabytes / seconds),
        _ => format!("{megabytes:.1} MB in {seconds:.2} s"),
    }
}

/// `value` with the `--json` path of `path`: as it is when it is UTF-8;
/// otherwise as messages show it, and its bytes too (`path_bytes`), for a
/// program to open it.
fn json_path(mut value: serde_json::Value, path: &Path) -> serde_json::Value {
    value["path"] = json!(json_name(path));
    if path.to_str().is_none() {
        value["path_bytes"] = json!(path.as_os_str().as_encoded_bytes());
    }
    value
}

/// A path as `--json` names it: JSON holds any UTF-8 name as it is, so only
/// a name that is not UTF-8 is shown escaped, as in messages.
fn json_name(path: &Path) -> std::borrow::Cow<'_, str> {
    path.to_str().map_or_else(|| walk::display_path(path), Into::into)
}

/// What leaves files out of a walk, for the note on a folder where
/// nothing was left, with the options that would take them in that were
/// not given: a hint to pass an option already passed would mislead.
fn left_out_by(args: &Args) -> String {
    let globs = !(args.glob.is_empty() && args.iglob.is_empty() && args.exclude.is_empty());
    let rules = [
        (!args.no_ignore).then_some("ignore files"),
        (!args.hidden).then_some("hidden files"),
        globs.then_some("globs"),
    ];
    let rules: Vec<&str> = rules.into_iter().flatten().collect();
    if rules.is_empty() {
        return "version control folders are never walked".to_string();
    }
    let rules = format!("{} and version control folders apply", rules.join(", "));
    let options = [(!args.no_ignore).then_some("--no-ignore"), (!args.hidden).then_some("--hidden")];
    let options: Vec<&str> = options.into_iter().flatten().collect();
    if options.is_empty() {
        rules
    } else {
        format!("{rules}; {}", options.join(", "))
    }
}

/// `--out-dir` inside a folder being walked would feed its own output back
/// in: refuse before anything is written.
fn refuse_out_dir_inside_inputs(out: &Path, paths: &[PathBuf]) -> anyhow::Result<()> {
    let out = absolute(out)?;
    let out = existing_prefix_canonical(&out);
    for root in paths.iter().filter(|p| p.is_dir()) {
        let root_canonical = fs::canonicalize(root)
            .map_err(|err| anyhow::anyhow!("{}: {}", walk::display_path(root), zhnorm::os_reason(&err)))?;
        if out.starts_with(&root_canonical) {
            bail!(
                "refusing --out-dir {}: it is inside the input folder {}, which would be walked",
                walk::display_path(&out),
                walk::display_path(root)
            );
        }
    }
    Ok(())
}

/// Canonicalizes the longest existing ancestor of `path` and appends the rest.
fn existing_prefix_canonical(path: &Path) -> PathBuf {
    let mut missing = Vec::new();
    let mut current = path;
    loop {
        if let Ok(canonical) = fs::canonicalize(current) {
            return missing.iter().rev().fold(canonical, |acc, part| acc.join(part));
        }
        match (current.parent(), current.file_name()) {
            (Some(parent), Some(name)) => {
                missing.push(name.to_owned());
                current = parent;
            }
            _ => return path.to_path_buf(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn diff_headers_quote_names_as_git_diff_does() {
        use std::os::unix::ffi::OsStrExt;
        let name = |bytes: &[u8]| diff_name(Path::new(std::ffi::OsStr::from_bytes(bytes))).into_owned();
        assert_eq!(name("d/中 文.txt".as_bytes()), "d/中 文.txt");
        assert_eq!(name(br"m\x.txt"), r#""m\\x.txt""#);
        assert_eq!(name(b"g\xd6.txt"), r#""g\326.txt""#);
        assert_eq!(name(b"a\"b\nc\x1b"), r#""a\"b\nc\033""#);
    }

    /// Review 12: small runs printed `0.0 MB in 0.04 s, 0.0 MB/s`.
    #[test]
    fn the_summary_gives_small_sizes_in_bytes_or_kilobytes_without_a_speed() {
        assert_eq!(size_and_speed(0, 0.01), "0 bytes in 0.01 s");
        assert_eq!(size_and_speed(1, 0.01), "1 byte in 0.01 s");
        assert_eq!(size_and_speed(999, 0.04), "999 bytes in 0.04 s");
        assert_eq!(size_and_speed(98_304, 0.02), "98.3 KB in 0.02 s");
        assert_eq!(size_and_speed(999_949, 0.5), "999.9 KB in 0.50 s");
        assert_eq!(size_and_speed(999_950, 0.5), "1.0 MB in 0.50 s, 2.0 MB/s");
        assert_eq!(size_and_speed(999_999, 0.5), "1.0 MB in 0.50 s, 2.0 MB/s");
        assert_eq!(size_and_speed(5_000_000, 2.0), "5.0 MB in 2.00 s, 2.5 MB/s");
        assert_eq!(size_and_speed(2_000_000, 0.0), "2.0 MB in 0.00 s");
    }

    #[test]
    fn paint_colours_each_kind_of_diff_line_and_keeps_carriage_returns() {
        let diff = "--- a.txt\tgb18030\n+++ a.txt\tutf-8\n@@ -1,2 +1,2 @@\n 同\n-头发\r\n+頭髮\n";
        assert_eq!(
            paint(diff),
            "\x1b[1m--- a.txt\tgb18030\x1b[0m\n\x1b[1m+++ a.txt\tutf-8\x1b[0m\n\x1b[36m@@ -1,2 +1,2 @@\x1b[0m\n 同\n\
             \x1b[31m-头发\r\x1b[0m\n\x1b[32m+頭髮\x1b[0m\n"
        );
    }
}
