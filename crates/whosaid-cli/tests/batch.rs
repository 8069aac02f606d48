//! Batch extraction: real input formats, bad records among good ones, output formats, and
//! parallel output identical to single-threaded output.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output};

use flate2::Compression;
use flate2::write::GzEncoder;

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_whosaid"))
        .args(args)
        .output()
        .expect("runs")
}

fn lines(o: &Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

fn article(n: usize) -> String {
    format!(
        "Officials in district {n} said the new bridge would open in May.\n\n“We are proud of this work,” said Mayor Ana Silva{n}. “It took {n} years.”\n\nCritics argued that the project had cost too much."
    )
}

fn jsonl_fixture(path: &Path, n: usize, bad_line: Option<usize>) {
    let mut f = std::fs::File::create(path).unwrap();
    for i in 0..n {
        if Some(i) == bad_line {
            writeln!(f, "{{\"maintext\": \"unterminated").unwrap();
            continue;
        }
        let rec = serde_json::json!({
            "url": format!("https://news.example/{i}"),
            "maintext": article(i),
            "date_publish": "2021-06-04 09:15:00",
            "title": format!("Bridge {i}"),
        });
        writeln!(f, "{rec}").unwrap();
    }
}

#[test]
fn jsonl_bad_line_is_reported_and_the_rest_processed() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("dump.jsonl");
    jsonl_fixture(&p, 6, Some(3));
    let o = run(&["extract", "--format", "jsonl", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("dump.jsonl:4:"), "line number in {err}");
    let docs = lines(&o);
    assert_eq!(docs.len(), 5);
    let ids: Vec<&str> = docs.iter().map(|d| d["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [
            "https://news.example/0",
            "https://news.example/1",
            "https://news.example/2",
            "https://news.example/4",
            "https://news.example/5"
        ]
    );
    for d in &docs {
        assert_eq!(d["meta"]["published"], "2021-06-04");
        assert!(
            d["url"]
                .as_str()
                .unwrap()
                .starts_with("https://news.example/")
        );
        assert!(
            d["meta"]["headline"]
                .as_str()
                .unwrap()
                .starts_with("Bridge")
        );
        assert!(d["quotes"].as_array().unwrap().len() >= 2);
    }
}

fn warc_record(uri: &str, date: &str, html: &str) -> Vec<u8> {
    let http = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\r\n{html}",
        html.len()
    );
    let mut rec = format!(
        "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {uri}\r\nWARC-Date: {date}\r\nWARC-Record-ID: <urn:uuid:{uri}>\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: {}\r\n\r\n",
        http.len()
    )
    .into_bytes();
    rec.extend_from_slice(http.as_bytes());
    rec.extend_from_slice(b"\r\n\r\n");
    rec
}

fn gz(bytes: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

#[test]
fn warc_gz_with_a_corrupt_record_loses_only_that_record() {
    let page = |n: usize| {
        format!(
            "<html><head><title>Story {n}</title></head><body><article><h1>Story {n}</h1><p>“The harbour will reopen on Monday,” said port director Lena Ahl{n}.</p><p>Union leaders said they were relieved and ready to return to work.</p><p>The city council is expected to vote on the budget next week.</p></article></body></html>"
        )
    };
    let mut file = Vec::new();
    file.extend(gz(&warc_record(
        "https://a.example/1",
        "2022-03-01T10:00:00Z",
        &page(1),
    )));
    let mut bad = gz(&warc_record(
        "https://a.example/2",
        "2022-03-01T10:00:00Z",
        &page(2),
    ));
    let mid = bad.len() / 2;
    for b in &mut bad[mid..mid + 20] {
        *b ^= 0x5a;
    }
    file.extend(bad);
    file.extend(gz(&warc_record(
        "https://a.example/3",
        "2022-03-02T10:00:00Z",
        &page(3),
    )));
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("crawl.warc.gz");
    std::fs::write(&p, file).unwrap();
    let o = run(&["extract", "--format", "jsonl", p.to_str().unwrap()]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let docs = lines(&o);
    let ids: Vec<&str> = docs.iter().map(|d| d["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["https://a.example/1", "https://a.example/3"]);
    assert_eq!(docs[1]["meta"]["published"], "2022-03-02");
    let q = &docs[0]["quotes"][0];
    assert!(
        q["text"].as_str().unwrap().contains("harbour will reopen"),
        "{q}"
    );
}

#[test]
fn html_in_a_legacy_charset() {
    let html = b"<html><head><meta charset=\"windows-1252\"><title>Caf\xe9 owners</title></head><body><article><p>\x93We cannot raise prices again,\x94 said caf\xe9 owner Ren\xe9 Dubois.</p><p>Other owners said the rent had doubled since the spring and that several shops would close.</p></article></body></html>";
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("page.html");
    std::fs::write(&p, html).unwrap();
    let o = run(&["extract", "--format", "jsonl", p.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let d = &lines(&o)[0];
    let q = d["quotes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["text"].as_str().unwrap().contains("raise prices"))
        .expect("quote");
    assert_eq!(
        q["speaker"]["text"]
            .as_str()
            .map(|s| s.contains("René Dubois")),
        Some(true),
        "{q}"
    );
}

#[test]
fn csv_has_one_row_per_quotation() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("dump.jsonl");
    jsonl_fixture(&p, 3, None);
    let o = run(&["extract", "--format", "csv", p.to_str().unwrap()]);
    assert!(o.status.success());
    let mut r = csv::Reader::from_reader(o.stdout.as_slice());
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    assert_eq!(header, whosaid_core::schema::QUOTE_ROW_COLUMNS);
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    let expected: usize = {
        let o = run(&["extract", "--format", "jsonl", p.to_str().unwrap()]);
        lines(&o)
            .iter()
            .map(|d| d["quotes"].as_array().unwrap().len())
            .sum()
    };
    assert_eq!(rows.len(), expected);
    assert!(
        rows.iter()
            .any(|r| &r[5] == "Ana Silva1" && &r[4] == "direct"),
        "{rows:?}"
    );
}

#[test]
fn parallel_output_equals_single_threaded_output() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("many.jsonl");
    jsonl_fixture(&p, 300, Some(17));
    for format in ["jsonl", "csv", "text", "json"] {
        let one = run(&[
            "extract",
            "--threads",
            "1",
            "--format",
            format,
            p.to_str().unwrap(),
        ]);
        let many = run(&[
            "extract",
            "--threads",
            "4",
            "--format",
            format,
            p.to_str().unwrap(),
        ]);
        assert_eq!(
            one.stdout, many.stdout,
            "{format} output differs between 1 and 4 threads"
        );
        assert_eq!(one.status.code(), many.status.code());
    }
}

#[test]
fn writes_to_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("dump.jsonl");
    jsonl_fixture(&p, 2, None);
    let out = dir.path().join("out.jsonl");
    let o = run(&[
        "extract",
        "--format",
        "jsonl",
        "-o",
        out.to_str().unwrap(),
        p.to_str().unwrap(),
    ]);
    assert!(o.status.success());
    assert!(o.stdout.is_empty());
    assert_eq!(std::fs::read_to_string(out).unwrap().lines().count(), 2);
}

#[test]
fn parquet_has_typed_rows_matching_csv() {
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("dump.jsonl");
    jsonl_fixture(&p, 40, None);
    let out = dir.path().join("quotes.parquet");
    let o = run(&[
        "extract",
        "--format",
        "parquet",
        "-o",
        out.to_str().unwrap(),
        p.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let reader = ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(&out).unwrap())
        .unwrap()
        .build()
        .unwrap();
    let mut rows = 0;
    for batch in reader {
        let batch = batch.unwrap();
        let names: Vec<String> = batch
            .schema()
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect();
        assert_eq!(names, whosaid_core::schema::QUOTE_ROW_COLUMNS);
        rows += batch.num_rows();
    }
    let csv = run(&["extract", "--format", "csv", p.to_str().unwrap()]);
    let csv_rows = csv::Reader::from_reader(csv.stdout.as_slice())
        .records()
        .count();
    assert_eq!(rows, csv_rows);
    assert!(rows > 40);
}
