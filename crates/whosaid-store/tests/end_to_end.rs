//! The engine's records, indexed and searched. Only robust facts of the extraction are
//! relied on: plain `“…,” said NAME.` quotations are found and attributed to NAME.

use whosaid_store::{DocumentInput, OpenMode, QuoteQuery, Store};

fn extracted(id: &str, date: &str, text: &str) -> DocumentInput {
    let options = whosaid_core::Options {
        published: date.parse().ok(),
        ..Default::default()
    };
    let doc = whosaid_core::extract(text, &options);
    let record = whosaid_core::schema::to_record(
        &doc,
        Some(id),
        Some(&format!("https://news.example/{id}")),
    );
    DocumentInput::new(id, text, record)
}

#[test]
fn engine_records_round_trip_and_group_across_outlets() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path().join("corpus.db"), OpenMode::ReadWrite).unwrap();
    let quote =
        "“The strike will go on until the port authority listens to the workers,” said Jane Doe.";
    let docs = [
        extracted(
            "wire",
            "2020-02-15",
            &format!("HAMBURG — Dock workers walked out on Friday.\n\n{quote}\n"),
        ),
        extracted(
            "paper",
            "2020-02-16",
            &format!("The harbour was quiet on Saturday.\n\n{quote}\n"),
        ),
        extracted(
            "blog",
            "2020-02-17",
            "“Nobody wins a long strike,” said John Roe.\n",
        ),
    ];
    let stats = store.index_batch(&docs).unwrap();
    assert_eq!(stats.added, 3);

    for doc in &docs {
        let stored = store.document(&doc.id).unwrap().expect("stored");
        assert_eq!(stored.record, doc.record);
        assert_eq!(stored.text, doc.text);
    }

    let page = store
        .search(&QuoteQuery {
            q: "port authority".into(),
            ..QuoteQuery::default()
        })
        .unwrap();
    assert_eq!(page.total, 2);
    for hit in &page.quotes {
        assert_eq!(hit.speaker_name.as_deref(), Some("Jane Doe"));
        assert_eq!(hit.group_size, 2, "the same quotation in two outlets");
        assert_eq!(hit.group_first_date, "2020-02-15".parse().ok());
    }
    let top = store.speakers(5).unwrap();
    assert_eq!(top[0].name, "Jane Doe");
    assert_eq!(top[0].quote_count, 2);
    let roe = store
        .search(&QuoteQuery {
            speaker: Some("roe".into()),
            ..QuoteQuery::default()
        })
        .unwrap();
    assert_eq!(roe.total, 1);
    assert_eq!(roe.quotes[0].doc_id, "blog");
}
