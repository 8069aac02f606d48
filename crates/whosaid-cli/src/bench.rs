//! `whosaid bench`: throughput and memory, as ratios against baselines of the same run.

use std::io::Write;
use std::process::ExitCode;
use std::time::Instant;

use rayon::prelude::*;
use whosaid_core::lexicon::Lexicon;
use whosaid_core::{Options, Tagger, extract};
use whosaid_ingest::{InputSpec, ReadOptions, read_inputs};

use crate::flags::BenchArgs;

/// One measured configuration.
struct Figure {
    name: &'static str,
    threads: usize,
    mb_per_s: f64,
}

/// Runs `whosaid bench`.
pub fn run(args: &BenchArgs) -> anyhow::Result<ExitCode> {
    if args.levels {
        return run_levels(args);
    }
    let inputs: Vec<InputSpec> = args
        .inputs
        .iter()
        .map(|p| InputSpec::from(p.as_path()))
        .collect();
    // Stage 1: reading the inputs (decompression, WARC/JSON parsing, HTML extraction).
    let input_bytes: u64 = args.inputs.iter().map(|p| walk_size(p)).sum();
    let read_started = Instant::now();
    let texts: Vec<String> = read_inputs(&inputs, &ReadOptions::default())
        .filter_map(Result::ok)
        .map(|d| d.text)
        .collect();
    let read_secs = read_started.elapsed().as_secs_f64();
    anyhow::ensure!(!texts.is_empty(), "no documents found in the inputs");
    let bytes: usize = texts.iter().map(String::len).sum();
    // Decompression alone, for compressed inputs.
    let gz: Vec<&std::path::PathBuf> = args
        .inputs
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "gz"))
        .collect();
    let decompress_secs = if gz.is_empty() {
        None
    } else {
        let started = Instant::now();
        for p in &gz {
            let f = std::io::BufReader::new(std::fs::File::open(p)?);
            std::io::copy(
                &mut flate2::bufread::MultiGzDecoder::new(f),
                &mut std::io::sink(),
            )?;
        }
        Some(started.elapsed().as_secs_f64())
    };
    let threads = args
        .threads
        .unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1)
        })
        .max(1);
    let lexicon = Lexicon::get();
    let rules = Options {
        tagger: Tagger::RulesOnly,
        ..Options::default()
    };
    let full = Options::default();
    // A second tagger to compare with the built-in one.
    let other = if args.ensemble || args.model.is_some() {
        let name = if args.ensemble {
            "extract --ensemble"
        } else {
            "extract --model"
        };
        let tagger = crate::extract::tagger_choice(false, args.ensemble, args.model.as_deref())?;
        let options = Options {
            tagger,
            ..Options::default()
        };
        Some((name, options))
    } else {
        None
    };
    // Warm up lazily built tables (lexicon, weights) outside the measurements.
    for options in std::iter::once(&full).chain(other.as_ref().map(|(_, o)| o)) {
        let _ = extract(&texts[0], options);
    }

    let tokenize = |t: &str| whosaid_core::token::tokenize(t, lexicon).len();
    let rules_only = |t: &str| extract(t, &rules).attributions.len();
    let extract_full = |t: &str| extract(t, &full).attributions.len();

    let mut figures = Vec::new();
    let mut quotes = 0;
    for (name, f) in [
        (
            "tokenize (baseline)",
            &tokenize as &(dyn Fn(&str) -> usize + Sync),
        ),
        ("rules only", &rules_only),
        ("extract", &extract_full),
    ] {
        figures.push(Figure {
            name,
            threads: 1,
            mb_per_s: measure(&texts, bytes, args.seconds, 1, f, &mut quotes),
        });
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()?;
    let parallel = pool.install(|| {
        measure(
            &texts,
            bytes,
            args.seconds,
            threads,
            &extract_full,
            &mut quotes,
        )
    });
    figures.push(Figure {
        name: "extract",
        threads,
        mb_per_s: parallel,
    });
    if let Some((name, other)) = &other {
        let f = |t: &str| extract(t, other).attributions.len();
        figures.push(Figure {
            name,
            threads: 1,
            mb_per_s: measure(&texts, bytes, args.seconds, 1, &f, &mut quotes),
        });
    }
    let peak = peak_rss_mb();
    let level = whosaid_core::model::net::cpu::Level::current();

    let single = figures[2].mb_per_s;
    // Time to extract the corpus once on one thread, for the share of each stage.
    let extract_secs = bytes as f64 / 1e6 / single;
    let mut out = std::io::stdout().lock();
    if args.json {
        let v = serde_json::json!({
            "documents": texts.len(),
            "megabytes": bytes as f64 / 1e6,
            "figures": figures.iter().map(|f| serde_json::json!({"name": f.name, "threads": f.threads, "mb_per_s": f.mb_per_s})).collect::<Vec<_>>(),
            "scaling": parallel / single,
            "kernels": level.name(),
            "peak_rss_mb": peak,
            "stages": {
                "input_megabytes": input_bytes as f64 / 1e6,
                "read_seconds": read_secs,
                "decompress_seconds": decompress_secs,
                "extract_seconds": extract_secs,
            },
        });
        writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
    } else {
        writeln!(
            out,
            "corpus: {} documents, {:.2} MB of text; {} threads available",
            texts.len(),
            bytes as f64 / 1e6,
            threads
        )?;
        writeln!(
            out,
            "tagger kernels: {} ({}; cap with {})",
            level.name(),
            level.describe(),
            whosaid_core::model::net::cpu::ENV
        )?;
        writeln!(
            out,
            "{:<22} {:>8} {:>10} {:>22}",
            "measurement", "threads", "MB/s", "ratio"
        )?;
        for f in &figures {
            let ratio = if other.as_ref().is_some_and(|(name, _)| f.name == *name) {
                format!("{:.2}× of extract", f.mb_per_s / single)
            } else if f.threads == 1 {
                format!("{:.2}× of tokenize", f.mb_per_s / figures[0].mb_per_s)
            } else {
                format!("{:.2}× of 1 thread", f.mb_per_s / single)
            };
            writeln!(
                out,
                "{:<22} {:>8} {:>10.2} {:>22}",
                f.name, f.threads, f.mb_per_s, ratio
            )?;
        }
        let total = read_secs + extract_secs;
        writeln!(
            out,
            "stages (one pass, 1 thread): {:.2} MB of input read in {read_secs:.2} s, extraction {extract_secs:.2} s",
            input_bytes as f64 / 1e6
        )?;
        if let Some(d) = decompress_secs {
            writeln!(out, "  decompress {:>5.1}%", 100.0 * d / total)?;
            writeln!(
                out,
                "  parse + HTML extraction {:>5.1}%",
                100.0 * (read_secs - d).max(0.0) / total
            )?;
        } else {
            writeln!(out, "  read + parse {:>5.1}%", 100.0 * read_secs / total)?;
        }
        writeln!(
            out,
            "  whosaid extraction {:>5.1}%",
            100.0 * extract_secs / total
        )?;
        match peak {
            Some(mb) => writeln!(out, "peak memory (RSS): {mb:.0} MB (corpus held in memory)")?,
            None => writeln!(out, "peak memory: not available on this platform")?,
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs `f` over every text until `seconds` have passed (at least once); returns MB/s.
fn measure(
    texts: &[String],
    bytes: usize,
    seconds: f64,
    threads: usize,
    f: &(dyn Fn(&str) -> usize + Sync),
    sink: &mut usize,
) -> f64 {
    let started = Instant::now();
    let mut passes = 0usize;
    loop {
        let n: usize = if threads == 1 {
            texts.iter().map(|t| f(t)).sum()
        } else {
            texts.par_iter().map(|t| f(t)).sum()
        };
        *sink = sink.wrapping_add(n);
        passes += 1;
        if started.elapsed().as_secs_f64() >= seconds {
            break;
        }
    }
    (bytes * passes) as f64 / 1e6 / started.elapsed().as_secs_f64()
}

/// Peak resident memory of this process in MB (Linux: VmHWM), if known.
pub fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// Total size in bytes of a file, or of the files under a directory.
fn walk_size(p: &std::path::Path) -> u64 {
    if p.is_file() {
        return p.metadata().map(|m| m.len()).unwrap_or(0);
    }
    std::fs::read_dir(p)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| walk_size(&e.path()))
                .sum()
        })
        .unwrap_or(0)
}

/// `whosaid bench --levels`: the benchmark once per kernel level this CPU has, each in a
/// child process with `WHOSAID_CPU` set (a process's level is fixed when its tagger loads),
/// the levels alternated round after round so that they share the machine's state; each
/// level's extraction throughput is also given as a ratio to the portable level's in the
/// same round.
fn run_levels(args: &BenchArgs) -> anyhow::Result<ExitCode> {
    use anyhow::Context;
    use whosaid_core::model::net::cpu::{ENV, Level};
    let exe = std::env::current_exe().context("finding the whosaid executable")?;
    let levels: Vec<Level> = Level::ALL
        .into_iter()
        .rev()
        .filter(|l| l.available())
        .collect();
    // Per level, per round: (1-thread MB/s, all-thread MB/s, threads).
    let mut runs: Vec<Vec<(f64, f64, u64)>> = vec![Vec::new(); levels.len()];
    let mut corpus = (0u64, 0f64);
    for _ in 0..args.rounds.max(1) {
        for (level, out) in levels.iter().zip(&mut runs) {
            let mut cmd = std::process::Command::new(&exe);
            cmd.env(ENV, level.name())
                .arg("bench")
                .args(&args.inputs)
                .args(["--seconds", &args.seconds.to_string(), "--json"]);
            if let Some(t) = args.threads {
                cmd.args(["--threads", &t.to_string()]);
            }
            let child = cmd
                .output()
                .context("running the benchmark in a child process")?;
            anyhow::ensure!(
                child.status.success(),
                "the benchmark at level {} failed: {}",
                level.name(),
                String::from_utf8_lossy(&child.stderr).trim()
            );
            let v: serde_json::Value =
                serde_json::from_slice(&child.stdout).context("reading the child's figures")?;
            anyhow::ensure!(
                v["kernels"] == level.name(),
                "the child ran level {} instead of {}",
                v["kernels"],
                level.name()
            );
            let extract: Vec<&serde_json::Value> = v["figures"]
                .as_array()
                .map(|f| f.iter().filter(|f| f["name"] == "extract").collect())
                .unwrap_or_default();
            let figure = |i: usize, key: &str| extract.get(i).and_then(|f| f[key].as_f64());
            let (Some(one), Some(all), Some(threads)) = (
                figure(0, "mb_per_s"),
                figure(1, "mb_per_s"),
                figure(1, "threads"),
            ) else {
                anyhow::bail!("the child's figures lack the extraction measurements");
            };
            out.push((one, all, threads as u64));
            corpus = (
                v["documents"].as_u64().unwrap_or(0),
                v["megabytes"].as_f64().unwrap_or(0.0),
            );
        }
    }
    // Ratios to the portable level of the same round (always available, measured last).
    let base: Vec<f64> = runs
        .last()
        .map(|r| r.iter().map(|x| x.0).collect())
        .unwrap_or_default();
    let mut out = std::io::stdout().lock();
    if args.json {
        let v = serde_json::json!({
            "documents": corpus.0,
            "megabytes": corpus.1,
            "levels": levels.iter().zip(&runs).map(|(l, r)| serde_json::json!({
                "kernels": l.name(),
                "describe": l.describe(),
                "rounds": r.iter().zip(&base).map(|(&(one, all, threads), b)| serde_json::json!({
                    "mb_per_s": one,
                    "threads": threads,
                    "mb_per_s_threads": all,
                    "ratio_to_portable": one / b,
                })).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        });
        writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(
        out,
        "corpus: {} documents, {:.2} MB of text; {} round(s), levels alternated, each in a child process with {ENV} set",
        corpus.0,
        corpus.1,
        args.rounds.max(1)
    )?;
    let join = |xs: Vec<String>| xs.join(" / ");
    for (level, r) in levels.iter().zip(&runs) {
        let threads = r.first().map_or(1, |x| x.2);
        writeln!(out, "{:<10} {}", level.name(), level.describe())?;
        writeln!(
            out,
            "           1 thread {} MB/s ({} of portable); {threads} threads {} MB/s",
            join(r.iter().map(|x| format!("{:.2}", x.0)).collect()),
            join(
                r.iter()
                    .zip(&base)
                    .map(|(x, b)| format!("{:.2}×", x.0 / b))
                    .collect()
            ),
            join(r.iter().map(|x| format!("{:.2}", x.1)).collect()),
        )?;
    }
    Ok(ExitCode::SUCCESS)
}
