//! `WHOSAID_CPU`, the cap on the tagger kernels' instruction sets: rejected when misspelt,
//! reported by `bench`, and the same output from levels that compute the same integers.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use whosaid_core::model::net::cpu::{ENV, Level};

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

fn run(level: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_whosaid"))
        .env(ENV, level)
        .args(args)
        .output()
        .expect("runs")
}

#[test]
fn a_misspelt_level_is_an_error_naming_the_levels() {
    let o = run("avx-512", &["extract", "-"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("WHOSAID_CPU") && err.contains("avx2-vnni, avx512"),
        "{err}"
    );
}

#[test]
fn bench_reports_the_capped_level() {
    let dir = examples();
    for (cap, expected) in [
        ("portable", Level::Portable),
        ("avx2", Level::best_up_to(Level::Avx2)),
        ("", Level::best_up_to(Level::Avx512)),
    ] {
        let o = run(
            cap,
            &["bench", dir.to_str().unwrap(), "--seconds", "0", "--json"],
        );
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
        assert_eq!(v["kernels"], expected.name(), "cap {cap:?}");
        assert!(v["figures"][2]["mb_per_s"].as_f64().unwrap() > 0.0);
    }
}

#[test]
fn the_256_and_512_bit_integer_kernels_give_the_same_output() {
    if !(Level::Avx512.available() && Level::Avx2Vnni.available()) {
        return;
    }
    let dir = examples();
    let args = ["extract", "--format", "jsonl", dir.to_str().unwrap()];
    let wide = run("avx512", &args);
    let narrow = run("avx2-vnni", &args);
    assert!(wide.status.success() && narrow.status.success());
    assert!(wide.stdout.len() > 1000);
    assert_eq!(
        String::from_utf8_lossy(&wide.stdout),
        String::from_utf8_lossy(&narrow.stdout)
    );
}

#[test]
fn every_level_extracts_the_examples() {
    let dir = examples();
    let args = ["extract", "--format", "jsonl", dir.to_str().unwrap()];
    let reference = run("", &args);
    assert!(reference.status.success());
    let lines = |o: &Output| String::from_utf8_lossy(&o.stdout).lines().count();
    for level in ["portable", "avx2", "avx2-vnni", "avx512"] {
        let o = run(level, &args);
        assert!(
            o.status.success(),
            "{level}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert_eq!(lines(&o), lines(&reference), "{level}");
        assert!(
            String::from_utf8_lossy(&o.stdout).contains("\"quotes\""),
            "{level}"
        );
    }
}
