//! Tests on the real PolNeAR data; each skips (with a note) when `../shared/data` is absent.

use std::path::{Path, PathBuf};

use whosaid_eval::text::is_pronoun;
use whosaid_eval::{
    Attribution, EvalOptions, GoldDocument, Role, analyze_errors, evaluate, load_polnear_split,
    pieces_text, predict, render_errors, render_table,
};

fn data_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
    if dir.join("polnear").is_dir() {
        Some(dir)
    } else {
        eprintln!("skipping: evaluation data not found at {}", dir.display());
        None
    }
}

struct Counts {
    relations: usize,
    with_source: usize,
    pronoun_sources: usize,
}

fn counts(docs: &[GoldDocument]) -> Counts {
    let mut c = Counts {
        relations: 0,
        with_source: 0,
        pronoun_sources: 0,
    };
    for d in docs {
        let text: Vec<char> = d.text.chars().collect();
        for a in &d.attributions {
            c.relations += 1;
            if !a.source.is_empty() {
                c.with_source += 1;
                if is_pronoun(&pieces_text(&a.source, &text)) {
                    c.pronoun_sources += 1;
                }
            }
        }
    }
    c
}

#[test]
fn brat_counts_match_the_readme() {
    let Some(dir) = data_dir() else { return };
    for (split, relations, with_source, files) in
        [("train", 22_501, 20_841, 919), ("dev", 2_320, 2_186, 94)]
    {
        let loaded = load_polnear_split(&dir.join("polnear").join(split)).expect("split loads");
        let c = counts(&loaded.documents);
        eprintln!(
            "{split}: {} documents, {} relations, {} with source, {} pronoun sources; {:?}; {} pieces out of range",
            loaded.documents.len(),
            c.relations,
            c.with_source,
            c.pronoun_sources,
            loaded.stats,
            loaded.out_of_range_pieces
        );
        assert_eq!(loaded.documents.len(), files, "{split}");
        assert_eq!(c.relations, relations, "{split}");
        assert_eq!(c.with_source, with_source, "{split}");
        assert_eq!(loaded.out_of_range_pieces, 0, "{split}");
        assert!(
            loaded.documents.iter().all(|d| d.date.is_some()),
            "{split}: every article has a date"
        );
    }
}

#[test]
fn gold_scored_against_itself_is_perfect_except_where_annotators_disagree() {
    let Some(dir) = data_dir() else { return };
    let docs = load_polnear_split(&dir.join("polnear/dev"))
        .expect("dev loads")
        .documents;
    // A perfect extractor for single-annotator articles: return that annotator's gold.
    let single: Vec<GoldDocument> = docs
        .iter()
        .filter(|d| docs.iter().filter(|o| o.article == d.article).count() == 1)
        .cloned()
        .collect();
    let oracle = |text: &str, _: Option<&str>| -> Vec<Attribution> {
        single
            .iter()
            .find(|d| d.text == text)
            .map(|d| d.attributions.clone())
            .unwrap_or_default()
    };
    let report = evaluate(&single, oracle, &EvalOptions::default());
    for role in Role::ALL {
        assert_eq!(report.exact.get(role).f1, 1.0, "{role:?}");
    }
    assert_eq!(report.attribution.exact.map(|s| s.f1), Some(1.0));

    // On all documents, the multi-annotator articles score one annotator against the others.
    let first_annotator = |text: &str, _: Option<&str>| -> Vec<Attribution> {
        docs.iter()
            .find(|d| d.text == text)
            .map(|d| d.attributions.clone())
            .unwrap_or_default()
    };
    let report = evaluate(&docs, first_annotator, &EvalOptions::default());
    eprintln!("{}", render_table(&report));
    assert_eq!(report.documents, 94);
    assert!(report.exact.content.f1 < 1.0 && report.exact.content.f1 > 0.9);
}

/// A deliberately naive extractor: every `said` is a cue, the word before it a source, the
/// rest of the sentence the content.
fn naive(text: &str, _date: Option<&str>) -> Vec<Attribution> {
    let chars: Vec<char> = text.chars().collect();
    let sentences = whosaid_eval::text::sentences(&chars);
    let words = whosaid_eval::text::word_tokens(&chars);
    let mut out = Vec::new();
    for (i, w) in words.iter().enumerate() {
        if w.slice(&chars) != "said" || i == 0 {
            continue;
        }
        let Some(sentence) = sentences.iter().find(|s| s.contains(*w)) else {
            continue;
        };
        let source = words[i - 1];
        let mut content = whosaid_eval::CharSpan::new(w.end, sentence.end);
        while content.start < content.end && chars[content.start].is_whitespace() {
            content.start += 1;
        }
        if source.start < sentence.start || content.is_empty() {
            continue;
        }
        out.push(Attribution {
            source: vec![source],
            cue: vec![*w],
            content: vec![content],
        });
    }
    out
}

#[test]
fn naive_extractor_report_and_error_analysis() {
    let Some(dir) = data_dir() else { return };
    let docs = load_polnear_split(&dir.join("polnear/dev"))
        .expect("dev loads")
        .documents;
    let report = evaluate(&docs, naive, &EvalOptions::default());
    eprintln!("{}", render_table(&report));
    assert!(report.exact.cue.precision > 0.5, "{:?}", report.exact.cue);
    assert!(report.exact.cue.recall > 0.05 && report.exact.cue.recall < 0.5);
    let cue_lemmas = &report.breakdowns.as_ref().expect("breakdowns").cue_lemmas;
    assert_eq!(cue_lemmas.first().map(|l| l.lemma.as_str()), Some("said"));

    let predictions = predict(&docs, naive);
    let again = whosaid_eval::score_documents(&docs, &predictions, &EvalOptions::default());
    assert_eq!(again, report, "scoring is deterministic");
    let errors = analyze_errors(&docs, &predictions, 12);
    eprintln!("{}", render_errors(&errors));
    assert_eq!(errors.len(), 12);
    assert!(errors.windows(2).all(|w| w[0].count >= w[1].count));
    assert!(
        errors
            .iter()
            .all(|k| !k.examples.is_empty() && k.examples.len() <= 3)
    );
}
