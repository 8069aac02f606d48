use super::*;

fn s(a: usize, b: usize) -> CharSpan {
    CharSpan::new(a, b)
}

fn sentence(tokens: &[&str], labels: &[&str]) -> CofenetSentence {
    CofenetSentence {
        tokens: tokens.iter().map(|t| t.to_string()).collect(),
        labels: labels.iter().map(|l| Tag::parse(l).unwrap()).collect(),
    }
}

//                  0         1         2         3         4
//                  0123456789012345678901234567890123456789012345
const TEXT: &str = "“We will win,” he said. Critics said it fails.";

fn tiny() -> (CofenetCorpus, Vec<GoldDocument>) {
    let gold_attributions = vec![
        Attribution {
            source: vec![s(15, 17)],
            cue: vec![s(18, 22)],
            content: vec![s(0, 14)],
        },
        Attribution {
            source: vec![s(24, 31)],
            cue: vec![s(32, 36)],
            content: vec![s(37, 45)],
        },
    ];
    let gold = vec![GoldDocument {
        name: "art_a1".into(),
        article: "art".into(),
        text: TEXT.into(),
        date: Some("2016-09-30".into()),
        attributions: gold_attributions,
    }];
    let doc = CofenetDocument {
        id: "art_a1".into(),
        sentences: vec![
            sentence(
                &["``", "We", "will", "win", ",", "''", "he", "said", "."],
                &[
                    "B-content",
                    "I-content",
                    "I-content",
                    "I-content",
                    "I-content",
                    "I-content",
                    "B-source",
                    "B-cue",
                    "O",
                ],
            ),
            sentence(
                &["Critics", "said", "it", "fails", "."],
                &["B-source", "B-cue", "B-content", "I-content", "O"],
            ),
        ],
    };
    (CofenetCorpus::build(vec![doc], &gold).unwrap(), gold)
}

#[test]
fn build_aligns_and_keeps_articles_once() {
    let (corpus, _) = tiny();
    assert_eq!(corpus.articles.len(), 1);
    let stats = corpus.alignment_stats();
    assert_eq!((stats.tokens, stats.exact, stats.failed), (14, 14, 0));
    assert_eq!(corpus.documents[0].sentences[1].spans[0], s(24, 31));
}

#[test]
fn gold_through_projection_is_perfect_on_the_tiny_corpus() {
    let (corpus, gold) = tiny();
    let r = gold_projection_report(&corpus, &gold).unwrap();
    for role in Role::ALL {
        assert_eq!(r.exact.get(role).f1, 1.0, "{role:?}");
    }
}

#[test]
fn evaluate_cofenet_with_known_answer() {
    let (corpus, _) = tiny();
    // Content one character short (drops the closing quote), the rest right; the second
    // relation missing its source.
    let predicted = vec![
        Attribution {
            source: vec![s(15, 17)],
            cue: vec![s(18, 22)],
            content: vec![s(0, 13)],
        },
        Attribution {
            source: vec![],
            cue: vec![s(32, 36)],
            content: vec![s(37, 45)],
        },
    ];
    let seen_date = std::sync::Mutex::new(None);
    let r = evaluate_cofenet(
        &corpus,
        |_, date| {
            *seen_date.lock().unwrap() = date.map(str::to_string);
            predicted.clone()
        },
        &EvalOptions::default(),
    );
    assert_eq!(seen_date.lock().unwrap().as_deref(), Some("2016-09-30"));
    assert_eq!(r.protocol, Protocol::Cofenet);
    assert_eq!(
        (
            r.exact.source.tp,
            r.exact.source.predicted,
            r.exact.source.gold
        ),
        (1, 1, 2)
    );
    assert_eq!(r.exact.cue.f1, 1.0);
    assert_eq!(
        (
            r.exact.content.tp,
            r.exact.content.predicted,
            r.exact.content.gold
        ),
        (1, 2, 2)
    );
    assert_eq!(r.begin.content.tp, 2);
    let b = r.breakdowns.unwrap();
    assert_eq!(
        (b.content_direct_quote.tp, b.content_direct_quote.gold),
        (0, 1)
    );
    assert_eq!((b.source_pronoun.tp, b.source_pronoun.gold), (1, 1));
    let overlap = r.overlap.unwrap().content;
    assert_eq!((overlap.tp, overlap.predicted, overlap.gold), (7, 7, 8));
    assert!(r.attribution.exact.is_none());
}

#[test]
fn unknown_id_is_an_error() {
    let doc = CofenetDocument {
        id: "nothing_here".into(),
        sentences: vec![],
    };
    assert!(matches!(
        CofenetCorpus::build(vec![doc], &[]),
        Err(EvalError::Mismatch(_))
    ));
}

// ---- tests on the real data (skipped when ../shared/data is absent) ----

fn data_dir() -> Option<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
    if dir.join("cofenet-polnear/valid.txt").is_file() && dir.join("polnear/dev").is_dir() {
        Some(dir)
    } else {
        eprintln!("skipping: evaluation data not found at {}", dir.display());
        None
    }
}

fn real() -> Option<(CofenetCorpus, Vec<GoldDocument>)> {
    let dir = data_dir()?;
    let gold = load_polnear(&dir.join("polnear/dev")).expect("PolNeAR dev loads");
    let docs = load_cofenet(&dir.join("cofenet-polnear/valid.txt")).expect("valid.txt loads");
    Some((CofenetCorpus::build(docs, &gold).expect("ids match"), gold))
}

#[test]
fn data_alignment_is_near_complete() {
    let Some((corpus, _)) = real() else { return };
    let a = corpus.alignment_stats();
    eprintln!("alignment: {a:?}");
    assert_eq!(corpus.documents.len(), 94);
    assert_eq!(corpus.articles.len(), 84);
    let aligned = (a.tokens - a.failed) as f64 / a.tokens as f64;
    assert!(
        aligned >= 0.999,
        "only {:.3}% of tokens aligned: {a:?}",
        100.0 * aligned
    );
}

fn label_agreement(corpus: &CofenetCorpus, gold: &[GoldDocument], rule: &Rule) -> (usize, usize) {
    let mut same = 0;
    let mut total = 0;
    for d in &corpus.documents {
        let g = gold.iter().find(|g| g.name == d.id).expect("gold document");
        for sentence in &d.sentences {
            let p = project(rule, &sentence.spans, &g.attributions);
            same += p.iter().zip(&sentence.gold).filter(|(a, b)| a == b).count();
            total += p.len();
        }
    }
    (same, total)
}

#[test]
fn data_gold_through_projection_reproduces_valid_txt() {
    let Some((corpus, gold)) = real() else { return };
    let r = gold_projection_report(&corpus, &gold).unwrap();
    let (same, total) = label_agreement(&corpus, &gold, &PROJECTION);
    eprintln!(
        "gold through projection: exact F1 source {:.2} cue {:.2} content {:.2}; labels {same}/{total}",
        100.0 * r.exact.source.f1,
        100.0 * r.exact.cue.f1,
        100.0 * r.exact.content.f1
    );
    for role in Role::ALL {
        assert!(
            r.exact.get(role).f1 >= 0.99,
            "{role:?}: {:?}",
            r.exact.get(role)
        );
        assert!(
            r.begin.get(role).f1 >= 0.99,
            "{role:?}: {:?}",
            r.begin.get(role)
        );
    }
    assert!(same as f64 >= 0.999 * total as f64);
}

#[test]
fn data_projection_rule_is_the_best_measured() {
    let Some((corpus, gold)) = real() else { return };
    let f1_sum = |rule: &Rule| {
        let r = gold_projection_with(&corpus, &gold, rule).unwrap();
        Role::ALL
            .iter()
            .map(|&role| r.exact.get(role).f1)
            .sum::<f64>()
    };
    let best = f1_sum(&PROJECTION);
    for membership in [
        Membership::Inside,
        Membership::Overlap,
        Membership::EndInside,
    ] {
        for priority in [Priority::LaterWins, Priority::Longest] {
            for run in [RunKey::AttributionRole, RunKey::Piece] {
                let rule = Rule {
                    membership,
                    priority,
                    run,
                };
                let score = f1_sum(&rule);
                eprintln!("{rule:?}: summed exact F1 {:.4}", score);
                assert!(score <= best + 1e-12, "{rule:?} beats the chosen rule");
            }
        }
    }
}
