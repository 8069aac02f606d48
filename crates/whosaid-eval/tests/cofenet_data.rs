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

#[test]
fn annotators_agree_with_each_other_as_measured() {
    use whosaid_eval::agreement::{agreement_cofenet, multi_annotated_cofenet};
    let Some(dir) = data_dir() else { return };
    let dev = dir.join("polnear/dev");
    let corpus = CofenetCorpus::load(&dir.join("cofenet-polnear/valid.txt"), &dev).expect("loads");
    let gold = load_polnear(&dev).expect("dev loads");
    let humans = agreement_cofenet(&corpus, &gold).expect("ids match");
    // Two dev articles have six annotators each: 2 × 6 × 5 ordered pairs.
    assert_eq!(humans.documents, 60);
    assert_eq!(multi_annotated_cofenet(&corpus).documents.len(), 12);
    for role in whosaid_eval::Role::ALL {
        let s = humans.exact.get(role);
        // Every pair is counted both ways: pooled precision equals recall.
        assert_eq!(s.predicted, s.gold);
        assert!(s.f1 > 0.5 && s.f1 < 1.0, "{role:?} agreement {}", s.f1);
    }
    // The annotators disagree on direct quotations too: far from the 100 a copy would get.
    let dq = &humans
        .breakdowns
        .as_ref()
        .expect("breakdowns")
        .content_direct_quote;
    eprintln!("annotators against each other:\n{}", render_table(&humans));
    assert!(dq.gold > 100 && dq.f1 > 0.5 && dq.f1 < 0.99, "{dq:?}");
}
