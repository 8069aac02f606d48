//! The CofeNet protocol on the real data, through the public API; skips (with a note) when
//! `../shared/data` is absent.

use std::path::{Path, PathBuf};

use whosaid_eval::cofenet::{CofenetCorpus, evaluate_cofenet, gold_projection_report};
use whosaid_eval::{Attribution, EvalOptions, Protocol, load_polnear, render_table};

fn data_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
    if dir.join("cofenet-polnear/valid.txt").is_file() && dir.join("polnear/dev").is_dir() {
        Some(dir)
    } else {
        eprintln!("skipping: evaluation data not found at {}", dir.display());
        None
    }
}

#[test]
fn cofenet_protocol_end_to_end() {
    let Some(dir) = data_dir() else { return };
    let dev = dir.join("polnear/dev");
    let corpus = CofenetCorpus::load(&dir.join("cofenet-polnear/valid.txt"), &dev).expect("loads");
    let gold = load_polnear(&dev).expect("dev loads");

    let upper_bound = gold_projection_report(&corpus, &gold).expect("ids match");
    eprintln!("gold through projection:\n{}", render_table(&upper_bound));
    assert_eq!(upper_bound.protocol, Protocol::Cofenet);
    assert_eq!(upper_bound.documents, 94);
    assert!(upper_bound.exact.content.f1 > 0.99);

    // Nothing predicted: zero everywhere, every gold span counted.
    let nothing = evaluate_cofenet(&corpus, |_, _| Vec::new(), &EvalOptions::default());
    assert_eq!(nothing.exact.source.f1, 0.0);
    assert_eq!(nothing.exact.source.gold, upper_bound.exact.source.gold);

    // Predicting, for every article, the first annotator's gold (as an extractor would:
    // from the text alone) is close to the upper bound and deterministic.
    let first = |text: &str, _: Option<&str>| -> Vec<Attribution> {
        gold.iter()
            .find(|d| d.text == text)
            .map(|d| d.attributions.clone())
            .unwrap_or_default()
    };
    let a = evaluate_cofenet(&corpus, first, &EvalOptions::default());
    let b = evaluate_cofenet(&corpus, first, &EvalOptions::default());
    assert_eq!(a, b);
    eprintln!("first annotator:\n{}", render_table(&a));
    assert!(a.exact.content.f1 > 0.95 && a.exact.content.f1 <= upper_bound.exact.content.f1);
    let json = a.to_json();
    assert!(json.contains("\"protocol\": \"cofenet\""));
    assert!(json.contains("\"alignment\""));
}
