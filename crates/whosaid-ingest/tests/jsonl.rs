//! JSON Lines: bad lines cost one line, gzip is read transparently.

mod common;

use common::*;
use whosaid_ingest::{InputFormat, InputSpec, ReadOptions, read_inputs};

fn line(i: usize) -> String {
    format!(
        r#"{{"url": "https://news.example/{i}", "title": "Story {i}", "maintext": "\"Quote {i},\" she said.\nSecond paragraph.", "date_publish": "2020-02-{:02} 10:32:00", "authors": ["Jane Roe"]}}"#,
        i + 1
    )
}

#[test]
fn a_bad_line_in_the_middle_costs_only_that_line() {
    let mut lines: Vec<String> = (0..6).map(line).collect();
    lines[3] = r#"{"url": "https://news.example/3", "maintext": "unterminated"#.to_string();
    lines.insert(5, r#"{"url": "https://news.example/no-text"}"#.to_string());
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(dir.path(), "news.jsonl", lines.join("\n").as_bytes());
    let (docs, errors) = split(read_inputs(
        &[InputSpec::from(path.as_path())],
        &ReadOptions::default(),
    ));

    let ids: Vec<&str> = docs.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "https://news.example/0",
            "https://news.example/1",
            "https://news.example/2",
            "https://news.example/4",
            "https://news.example/5",
        ]
    );
    assert_eq!(errors.len(), 2, "{errors:?}");
    let name = path.display();
    assert!(
        errors[0].starts_with(&format!("{name}:4: invalid JSON")),
        "{errors:?}"
    );
    assert!(
        errors[1].starts_with(&format!("{name}:6: no text field \"maintext\"")),
        "{errors:?}"
    );

    let first = &docs[0];
    assert_eq!(first.text, "\"Quote 0,\" she said.\nSecond paragraph.");
    assert_eq!(first.title.as_deref(), Some("Story 0"));
    assert_eq!(first.url.as_deref(), Some("https://news.example/0"));
    assert_eq!(first.byline.as_deref(), Some("Jane Roe"));
    assert_eq!(date(first).as_deref(), Some("2020-02-01"));
    assert_eq!(first.origin.line, Some(1));
    assert_eq!(docs[4].origin.line, Some(7));
}

#[test]
fn gzipped_jsonl_in_several_members() {
    let part1: String = (0..3).map(|i| line(i) + "\n").collect();
    let part2: String = (3..5).map(|i| line(i) + "\n").collect();
    let mut bytes = gzip(part1.as_bytes());
    bytes.extend(gzip(part2.as_bytes()));
    let dir = tempfile::tempdir().expect("tempdir");
    let named = write(dir.path(), "dump.jsonl.gz", &bytes);
    let unnamed = write(dir.path(), "dump.bin", &bytes);
    for path in [named, unnamed] {
        let (docs, errors) = split(read_inputs(
            &[InputSpec::from(path.as_path())],
            &ReadOptions::default(),
        ));
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(docs.len(), 5, "{path:?}");
        assert_eq!(docs[4].id, "https://news.example/4");
    }
}

#[test]
fn custom_fields_and_id_fallback() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(
        dir.path(),
        "custom.data",
        b"{\"body\": \"One.\", \"published\": \"2021-05-06T07:08:09Z\"}\n{\"body\": \"Two.\", \"key\": \"k2\"}\n",
    );
    let opts = ReadOptions {
        format: InputFormat::Jsonl,
        text_field: "body".into(),
        id_field: Some("key".into()),
        date_field: Some("published".into()),
        ..ReadOptions::default()
    };
    let (docs, errors) = split(read_inputs(&[InputSpec::from(path.as_path())], &opts));
    assert!(errors.is_empty());
    assert_eq!(docs[0].id, format!("{}:1", path.display()));
    assert_eq!(date(&docs[0]).as_deref(), Some("2021-05-06"));
    assert_eq!(docs[1].id, "k2");
}
