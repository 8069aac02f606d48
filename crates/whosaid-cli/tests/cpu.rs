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

#[test]
fn bench_levels_measures_every_available_level_against_portable() {
    let dir = examples();
    let o = run(
        "avx2",
        &[
            "bench",
            dir.to_str().unwrap(),
            "--seconds",
            "0",
            "--levels",
            "--rounds",
            "2",
            "--json",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let levels = v["levels"].as_array().expect("levels");
    // Every level this CPU has, widest first, whatever the parent's own cap.
    let expected: Vec<&str> = Level::ALL
        .iter()
        .rev()
        .filter(|l| l.available())
        .map(|l| l.name())
        .collect();
    let names: Vec<&str> = levels
        .iter()
        .map(|l| l["kernels"].as_str().unwrap())
        .collect();
    assert_eq!(names, expected);
    for l in levels {
        let rounds = l["rounds"].as_array().unwrap();
        assert_eq!(rounds.len(), 2);
        assert!(rounds.iter().all(|r| r["mb_per_s"].as_f64().unwrap() > 0.0));
    }
    let portable = &levels.last().unwrap()["rounds"][0];
    assert_eq!(portable["ratio_to_portable"].as_f64(), Some(1.0));
}
