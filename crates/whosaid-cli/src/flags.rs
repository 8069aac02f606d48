//! Every command-line flag of `whosaid`, in one place. The doc comment of each option is
//! its help text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// whosaid: who said what, about whom, where and when — quotations in news reports.
#[derive(Parser, Debug)]
#[command(name = "whosaid", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// whosaid's commands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Extract quotations, speakers and metadata from news reports.
    ///
    /// Reads plain text, HTML, JSON Lines (news-please) and WARC/WARC.gz, from files,
    /// directories or standard input; uses every core; streams in bounded memory; keeps
    /// the output in input order.
    ///
    /// Examples:
    ///   whosaid extract examples/harbor-strike.txt
    ///   whosaid extract --format json --date 2020-02-15 report.txt
    ///   cat report.txt | whosaid extract --format jsonl
    ///   whosaid extract --format csv -o quotes.csv news-please.jsonl
    ///   whosaid extract --format parquet -o quotes.parquet CC-NEWS-*.warc.gz
    #[command(verbatim_doc_comment)]
    Extract(ExtractArgs),
    /// Measure accuracy against an annotated corpus.
    ///
    /// Examples:
    ///   whosaid eval polnear ../shared/data/polnear/dev
    ///   whosaid eval polnear ../shared/data/polnear/dev --cofenet ../shared/data/cofenet-polnear/valid.txt
    ///   whosaid eval polnear ../shared/data/polnear/dev --errors 20
    #[command(verbatim_doc_comment)]
    Eval(EvalArgs),
    /// Train the attribution tagger on the PolNeAR train split (a reproducible command).
    ///
    /// Example:
    ///   whosaid train ../shared/data/polnear/train -o crates/whosaid-core/model/tagger.bin
    #[command(verbatim_doc_comment)]
    Train(TrainArgs),
    /// Measure extraction throughput (MB/s of article text) and peak memory on a corpus.
    ///
    /// Runs the corpus single-threaded and on all threads, against baselines measured in the
    /// same run (tokenising only; the rule-based passes alone). Reports which instruction
    /// set the tagger's kernels use; the environment variable WHOSAID_CPU caps it
    /// (avx512, avx2-vnni, avx2, portable) for every command, e.g. to compare two levels on
    /// one machine or to get the same output on every machine of a cluster.
    ///
    /// Examples:
    ///   whosaid bench ../shared/data/polnear/train/text
    ///   WHOSAID_CPU=avx2 whosaid bench ../shared/data/polnear/train/text
    ///   whosaid bench ../shared/data/polnear/train/text --levels --rounds 2
    ///   whosaid bench ../shared/data/polnear/train/text --ensemble
    #[command(verbatim_doc_comment)]
    Bench(BenchArgs),
    /// Index news reports into a corpus store (SQLite), extracting their quotations.
    ///
    /// Re-indexing a document (same id or same text) replaces it; each batch is one
    /// transaction, so an interrupted run keeps what it committed.
    ///
    /// Examples:
    ///   whosaid index --db corpus.db news/*.txt
    ///   whosaid index --db corpus.db --rebuild crawl.jsonl
    #[command(verbatim_doc_comment)]
    Index(IndexArgs),
    /// Search the quotations of a corpus store.
    ///
    /// Examples:
    ///   whosaid search taliban --speaker Stoltenberg --since 2020-01-01
    ///   whosaid search '"peace deal"' --kind direct --format json
    ///   whosaid search "" --speaker Trump
    #[command(verbatim_doc_comment)]
    Search(SearchArgs),
    /// List the most quoted speakers of a corpus store.
    ///
    /// Example: whosaid speakers --top 10
    #[command(verbatim_doc_comment)]
    Speakers(SpeakersArgs),
    /// Show one stored document with its quotations.
    ///
    /// Example: whosaid show kabul-nato-report
    #[command(verbatim_doc_comment)]
    Show(ShowArgs),
    /// Serve the HTTP API and the web viewer.
    ///
    /// The API is described at /openapi.json; the viewer is at /. Without --db only
    /// extraction (POST /v1/extract) and the viewer's extract page are served.
    ///
    /// Examples:
    ///   whosaid serve --db corpus.db
    ///   whosaid serve --db corpus.db --addr 0.0.0.0:8080 --read-only
    ///   whosaid serve --max-body 8M --timeout 60
    #[command(verbatim_doc_comment)]
    Serve(ServeArgs),
}

/// Arguments of `whosaid bench`.
#[derive(Args, Debug)]
pub struct BenchArgs {
    /// Corpus: files or directories in any input format `extract` reads.
    ///
    /// Example: ../shared/data/polnear/train/text
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,

    /// Minimum seconds to spend on each measurement.
    #[arg(long, default_value_t = 3.0)]
    pub seconds: f64,

    /// Threads for the parallel measurement (default: all cores).
    #[arg(long, short = 'j')]
    pub threads: Option<usize>,

    /// Print the figures as JSON.
    #[arg(long)]
    pub json: bool,

    /// Measure every kernel level this CPU has (avx512, avx2-vnni, avx2, portable), each in
    /// a child process with WHOSAID_CPU set, in alternation, with ratios to the portable
    /// level of the same round.
    #[arg(long)]
    pub levels: bool,

    /// With --levels: how many rounds over the levels.
    #[arg(long, default_value_t = 1, requires = "levels")]
    pub rounds: usize,

    /// Also measure tagger weights from this file (e.g. one from `whosaid train`) on one
    /// thread, as a ratio to the built-in tagger in the same run.
    #[arg(long, conflicts_with = "levels")]
    pub model: Option<PathBuf>,

    /// Also measure every network of the built-in tagger (`extract --ensemble`) on one
    /// thread, as a ratio to the built-in tagger in the same run.
    #[arg(long, conflicts_with_all = ["levels", "model"])]
    pub ensemble: bool,
}

/// Corpora `eval` can score against.
#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum Corpus {
    /// PolNeAR (BRAT standoff): a split directory with text/ and attributions/.
    Polnear,
}

/// Arguments of `whosaid eval`.
#[derive(Args, Debug)]
pub struct EvalArgs {
    /// The corpus format.
    #[arg(value_enum)]
    pub corpus: Corpus,

    /// The split directory (holding text/*.txt and attributions/*.ann).
    ///
    /// Example: ../shared/data/polnear/dev
    pub dir: PathBuf,

    /// Score under the CofeNet sentence protocol, with this CofeNet file (valid.txt).
    ///
    /// Example: --cofenet ../shared/data/cofenet-polnear/valid.txt
    #[arg(long)]
    pub cofenet: Option<PathBuf>,

    /// Print the figures as one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,

    /// List the N most frequent kinds of miss and false alarm, with examples.
    #[arg(long, value_name = "N")]
    pub errors: Option<usize>,

    /// Fail (exit 1) when an F1 drops more than --tolerance points below this baseline
    /// JSON file (a report printed by --json).
    ///
    /// Example: --baseline docs/accuracy-baseline.json
    #[arg(long)]
    pub baseline: Option<PathBuf>,

    /// Write the headline figures of this run (per role and protocol, the direct-quote and
    /// pronoun breakdowns; not the noisy per-lemma ones) to FILE, as a new baseline.
    ///
    /// Example: --write-baseline docs/accuracy-baseline-cofenet.json
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,

    /// Points an F1 may drop below the baseline before --baseline fails.
    #[arg(long, default_value_t = 1.0)]
    pub tolerance: f64,

    /// Score only attributions whose confidence is at least this.
    #[arg(long, default_value_t = 0.0)]
    pub min_confidence: f32,

    /// Score the rule-based passes alone, without the learned tagger.
    #[arg(long)]
    pub rules_only: bool,

    /// Score with tagger weights from this file instead of the built-in ones.
    #[arg(long)]
    pub model: Option<PathBuf>,

    /// Score with every network of the built-in tagger, their scores averaged: +0.2 to
    /// +1.1 F1 on PolNeAR dev (docs/accuracy.md) at about 0.55× the speed.
    #[arg(long, conflicts_with_all = ["rules_only", "model"])]
    pub ensemble: bool,

    /// With --cofenet: list every sentence where predicted and gold spans differ, as
    /// bracketed tokens (for error analysis).
    #[arg(long, requires = "cofenet")]
    pub diff: bool,

    /// Measure the annotators against each other instead: on the articles that several
    /// people annotated, score every annotator against every other one (the ceiling of the
    /// metric), then whosaid against the same annotators, under the chosen protocol.
    #[arg(long, conflicts_with_all = ["baseline", "write_baseline", "errors", "diff"])]
    pub agreement: bool,
}

/// Arguments of `whosaid train`.
#[derive(Args, Debug)]
pub struct TrainArgs {
    /// The PolNeAR train split (text/ and attributions/). Never the dev or test split.
    ///
    /// Example: ../shared/data/polnear/train
    pub train: PathBuf,

    /// Where to write the weights.
    #[arg(
        long,
        short = 'o',
        default_value = "crates/whosaid-core/model/tagger.bin"
    )]
    pub out: PathBuf,

    /// Passes over the training data (per network).
    #[arg(long, default_value_t = 32)]
    pub epochs: usize,

    /// Folds for the out-of-fold cue statistics the inputs read while training.
    #[arg(long, default_value_t = 4)]
    pub folds: usize,

    /// Networks to train, each with its own seed (the first with --seed). The engine
    /// tags with the first alone by default and averages the scores of all of them with
    /// `--ensemble`.
    #[arg(long, default_value_t = 2)]
    pub ensemble: usize,

    /// LSTM hidden size per direction.
    #[arg(long, default_value_t = 64)]
    pub hidden: usize,

    /// Stacked bidirectional LSTM layers: 2 (the shipped shape; the second reads both
    /// directions of the first) or 1 (the shape shipped until 2026-12-08: about twice as
    /// fast to tag with, less accurate).
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u8).range(1..=2))]
    pub layers: u8,

    /// Embedding widths of the 21 input columns, comma-separated, in the order of
    /// `FeatureContext::inputs` (default: the built-in widths). Wider embeddings cost
    /// training time and model-loading time, not extraction time: each column's rows are
    /// projected into the LSTM's gates once, when the weights load.
    #[arg(long, value_delimiter = ',')]
    pub dims: Option<Vec<usize>>,

    /// Seed of the first network's weights, shuffling and dropout.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,

    /// Dropout rate on the embeddings and the LSTM outputs.
    #[arg(long, default_value_t = 0.3)]
    pub dropout: f32,

    /// Share of words replaced by the unknown word while training (the shipped weights
    /// were trained with the default).
    #[arg(long, default_value_t = 0.05)]
    pub word_dropout: f32,

    /// Adam learning rate.
    #[arg(long, default_value_t = 2e-3)]
    pub lr: f32,

    /// Keep the mean of the parameters at the end of each epoch from this one on (0: the
    /// last epoch's parameters).
    #[arg(long, default_value_t = 17)]
    pub average_from: usize,

    /// Threads computing gradients.
    #[arg(long, default_value_t = 2)]
    pub threads: usize,

    /// Weight of the out-of-fold teachers in the networks' targets (0: gold labels
    /// alone, and no teachers are trained). For each of the --folds folds a teacher of
    /// --teachers networks is trained on the other folds and labels this fold's
    /// documents; the networks then learn towards (1 - weight) * gold + weight * the
    /// teacher's label probabilities. The teachers take most of the training time.
    #[arg(long, default_value_t = 0.5)]
    pub distill: f32,

    /// Networks per teacher (with --distill).
    #[arg(long, default_value_t = 2)]
    pub teachers: usize,

    /// Stacked LSTM layers of the teachers' networks (with --distill): 1 or 2.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u8).range(1..=2))]
    pub teacher_layers: u8,

    /// Directory keeping the teachers' weights (fold1.bin, …): read when present, written
    /// when trained, so that several --distill runs share one set of teachers. Only
    /// teachers trained from the same split with the same settings belong there.
    #[arg(long, value_name = "DIR")]
    pub teacher_cache: Option<PathBuf>,
}

/// Output formats of `extract`.
#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A readable summary: each quotation with its speaker, cue and kind.
    Text,
    /// One pretty-printed JSON object (an array when there are several documents).
    Json,
    /// One JSON object a line, one line per document (schema whosaid/1).
    Jsonl,
    /// One quotation a row: document id, url, date, speaker, titles, kind, cue, text,
    /// offsets (header included).
    Csv,
    /// One quotation a row with typed columns, for pandas, Spark and DuckDB (needs -o or a
    /// pipe).
    Parquet,
}

/// Input formats.
#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum InputKind {
    /// Decide by file extension, then by content.
    Auto,
    /// Plain text, one document per file.
    Text,
    /// JSON Lines, one article per line (news-please output by default).
    Jsonl,
    /// An HTML page: the article body, headline, byline and date are extracted.
    Html,
    /// WARC or WARC.gz: every HTML response record is an article.
    Warc,
}

/// What to read, and how: shared by `extract` and `index`.
#[derive(Args, Debug)]
pub struct InputArgs {
    /// Files or directories to read (directories recursively); `-` or nothing reads
    /// standard input.
    ///
    /// Example: whosaid extract a.txt news/ crawl.warc.gz
    pub inputs: Vec<PathBuf>,

    /// Publication date (YYYY-MM-DD) of documents that carry none: resolves relative
    /// dates such as "on Saturday".
    ///
    /// Example: --date 2020-02-15
    #[arg(long, value_parser = parse_date)]
    pub date: Option<jiff::civil::Date>,

    /// Input format.
    ///
    /// Example: --input jsonl
    #[arg(long = "input", value_enum, default_value_t = InputKind::Auto)]
    pub input_format: InputKind,

    /// In directories, read only files matching this glob.
    ///
    /// Example: --glob '*.txt'
    #[arg(long)]
    pub glob: Option<String>,

    /// JSON Lines: the field holding the article text.
    ///
    /// Example: --text-field maintext
    #[arg(long, default_value = "maintext")]
    pub text_field: String,

    /// JSON Lines: the field holding the document id (falls back to the URL, then
    /// FILE:LINE).
    #[arg(long, default_value = "id")]
    pub id_field: String,

    /// JSON Lines: the field holding the publication date.
    ///
    /// Example: --date-field date_publish
    #[arg(long, default_value = "date_publish")]
    pub date_field: String,

    /// JSON Lines: the field holding the headline.
    #[arg(long, default_value = "title")]
    pub title_field: String,

    /// JSON Lines: the field holding the article URL.
    #[arg(long, default_value = "url")]
    pub url_field: String,

    /// Worker threads (default: all cores).
    ///
    /// Example: --threads 2
    #[arg(long, short = 'j')]
    pub threads: Option<usize>,

    /// No progress bar and no summary line.
    #[arg(long, short = 'q')]
    pub quiet: bool,

    /// Use the rule-based passes alone, without the learned tagger.
    #[arg(long)]
    pub rules_only: bool,

    /// Use tagger weights from this file instead of the built-in ones.
    #[arg(long)]
    pub model: Option<PathBuf>,

    /// Use every network of the built-in tagger, their scores averaged: +0.2 to +1.1 F1
    /// on PolNeAR dev (docs/accuracy.md) at about 0.55× the speed.
    #[arg(long, conflicts_with_all = ["rules_only", "model"])]
    pub ensemble: bool,
}

/// Arguments of `whosaid extract`.
#[derive(Args, Debug)]
pub struct ExtractArgs {
    /// What to read.
    #[command(flatten)]
    pub input: InputArgs,

    /// Output format.
    ///
    /// Example: --format jsonl
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// Write the output to FILE instead of standard output.
    ///
    /// Example: -o quotes.parquet
    #[arg(long = "output", short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Arguments of `whosaid index`.
#[derive(Args, Debug)]
pub struct IndexArgs {
    /// What to read.
    #[command(flatten)]
    pub input: InputArgs,

    /// The corpus store (created when missing).
    #[arg(long, default_value = "whosaid.db", value_name = "PATH")]
    pub db: PathBuf,

    /// Discard the store's contents first (needed when another whosaid version wrote it).
    #[arg(long)]
    pub rebuild: bool,

    /// Documents written per transaction.
    #[arg(long, default_value_t = 500, value_name = "N")]
    pub batch: usize,
}

/// Quotation kinds, for filters.
#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum KindArg {
    /// Every content piece in quotation marks.
    Direct,
    /// Reported speech.
    Indirect,
    /// Reported speech with a quoted fragment.
    Mixed,
}

/// Output formats of `search` and `speakers`.
#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum ListFormatArg {
    /// Readable lines, matches highlighted on a terminal.
    Text,
    /// One JSON array.
    Json,
    /// A header line, then one row per item.
    Csv,
}

/// Arguments of `whosaid search`.
#[derive(Args, Debug)]
pub struct SearchArgs {
    /// Words to find ("a phrase", prefix*, a OR b); empty lists every quotation, newest
    /// first.
    ///
    /// Example: whosaid search taliban --speaker Stoltenberg
    #[arg(default_value = "")]
    pub query: String,

    /// Only quotations by speakers whose name or an alias contains these words.
    ///
    /// Example: --speaker Trump
    #[arg(long, value_name = "NAME")]
    pub speaker: Option<String>,

    /// Only quotations from documents mentioning someone whose name or an alias contains
    /// these words.
    #[arg(long, value_name = "ENTITY")]
    pub mentions: Option<String>,

    /// Only documents dated on or after this day (YYYY-MM-DD).
    #[arg(long, value_parser = parse_date, value_name = "DATE")]
    pub since: Option<jiff::civil::Date>,

    /// Only documents dated on or before this day (YYYY-MM-DD).
    #[arg(long, value_parser = parse_date, value_name = "DATE")]
    pub until: Option<jiff::civil::Date>,

    /// Only quotations of this kind.
    #[arg(long, value_enum)]
    pub kind: Option<KindArg>,

    /// At most this many quotations.
    #[arg(long, default_value_t = 20, value_name = "N")]
    pub limit: usize,

    /// Skip this many first (paging).
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub offset: usize,

    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = ListFormatArg::Text)]
    pub format: ListFormatArg,

    /// The corpus store.
    #[arg(long, default_value = "whosaid.db", value_name = "PATH")]
    pub db: PathBuf,
}

/// Arguments of `whosaid speakers`.
#[derive(Args, Debug)]
pub struct SpeakersArgs {
    /// How many speakers to list.
    #[arg(long, default_value_t = 20, value_name = "N")]
    pub top: usize,

    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = ListFormatArg::Text)]
    pub format: ListFormatArg,

    /// The corpus store.
    #[arg(long, default_value = "whosaid.db", value_name = "PATH")]
    pub db: PathBuf,
}

/// Arguments of `whosaid show`.
#[derive(Args, Debug)]
pub struct ShowArgs {
    /// The document's id (as printed by `search`).
    pub doc_id: String,

    /// The corpus store.
    #[arg(long, default_value = "whosaid.db", value_name = "PATH")]
    pub db: PathBuf,
}

/// Parses a `YYYY-MM-DD` date.
pub fn parse_date(s: &str) -> Result<jiff::civil::Date, String> {
    s.parse::<jiff::civil::Date>()
        .map_err(|e| format!("expected a date like 2020-02-15: {e}"))
}

/// Arguments of `whosaid serve`.
#[derive(Args, Debug)]
pub struct ServeArgs {
    /// The corpus store to serve (built by `whosaid index`); without it only extraction
    /// is served.
    #[arg(long, value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// The address to listen on (port 0 picks a free one).
    #[arg(long, default_value = whosaid_server::DEFAULT_ADDR, value_name = "HOST:PORT")]
    pub addr: String,

    /// Open the store with SQLite's read-only flag, so no write can reach the file.
    #[arg(long)]
    pub read_only: bool,

    /// The largest request body accepted (413 above it): bytes, or 512K, 2M, 1G.
    #[arg(long, default_value = "2M", value_parser = whosaid_server::parse_size, value_name = "SIZE")]
    pub max_body: usize,

    /// How long a request may take (503 after it): seconds, or 500ms, 2m.
    #[arg(long, default_value = "30", value_parser = whosaid_server::parse_duration, value_name = "DURATION")]
    pub timeout: std::time::Duration,
}
