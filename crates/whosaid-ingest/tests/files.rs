//! Plain text files and directories: decoding, binary files, empty files, walking, globs.

mod common;

use common::*;
use whosaid_ingest::{InputSpec, ReadOptions, read_inputs};

#[test]
fn text_file_decoding() {
    let dir = tempfile::tempdir().expect("tempdir");
    let lossy = write(
        dir.path(),
        "lossy.txt",
        b"Caf\xe9 owner said: \"fine\".\r\n",
    );
    let binary = write(
        dir.path(),
        "data.txt",
        b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0",
    );
    let empty = write(dir.path(), "empty.txt", b"");
    let bom = write(
        dir.path(),
        "bom.txt",
        "\u{feff}“Yes,” he said.\r\n".as_bytes(),
    );
    let missing = dir.path().join("missing.txt");
    let inputs: Vec<InputSpec> = [&lossy, &binary, &empty, &missing, &bom]
        .iter()
        .map(|p| InputSpec::from(p.as_path()))
        .collect();
    let results: Vec<_> = read_inputs(&inputs, &ReadOptions::default()).collect();
    assert_eq!(results.len(), 5);

    let doc = results[0].as_ref().expect("lossy text is a document");
    assert_eq!(doc.text, "Caf\u{FFFD} owner said: \"fine\".\r\n");
    assert_eq!(doc.warnings.len(), 1);
    assert!(
        doc.warnings[0].contains("invalid UTF-8"),
        "{:?}",
        doc.warnings
    );
    assert_eq!(doc.id, lossy.display().to_string());

    let err = results[1]
        .as_ref()
        .err()
        .map(ToString::to_string)
        .unwrap_or_default();
    assert!(
        err.starts_with(&format!("{}: binary file, skipped", binary.display())),
        "{err}"
    );

    let doc = results[2].as_ref().expect("empty file is a document");
    assert_eq!(doc.text, "");
    assert!(doc.warnings.is_empty());

    let err = results[3]
        .as_ref()
        .err()
        .map(ToString::to_string)
        .unwrap_or_default();
    assert!(
        err.starts_with(&format!("{}: ", missing.display())),
        "{err}"
    );

    let doc = results[4].as_ref().expect("BOM text is a document");
    assert_eq!(doc.text, "“Yes,” he said.\r\n");
}

#[test]
fn directory_walk_is_sorted_filtered_and_recursive() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, text) in [
        ("b.txt", "b"),
        ("a.txt", "a"),
        ("sub/c.txt", "c"),
        ("sub/deeper/d.txt", "d"),
        ("sub/notes.md", "not matched"),
        (".hidden/e.txt", "hidden"),
        ("sub/.f.txt", "hidden"),
    ] {
        write(dir.path(), name, text.as_bytes());
    }
    let opts = ReadOptions {
        glob: Some("*.txt".into()),
        ..ReadOptions::default()
    };
    let (docs, errors) = split(read_inputs(&[InputSpec::from(dir.path())], &opts));
    assert!(errors.is_empty(), "{errors:?}");
    let texts: Vec<&str> = docs.iter().map(|d| d.text.as_str()).collect();
    assert_eq!(texts, ["a", "b", "c", "d"]);
    assert_eq!(
        docs[3].id,
        dir.path().join("sub/deeper/d.txt").display().to_string()
    );

    // A glob with a directory part matches the path below the walked directory.
    let opts = ReadOptions {
        glob: Some("sub/*/*.txt".into()),
        ..ReadOptions::default()
    };
    let (docs, _) = split(read_inputs(&[InputSpec::from(dir.path())], &opts));
    let texts: Vec<&str> = docs.iter().map(|d| d.text.as_str()).collect();
    assert_eq!(texts, ["d"]);

    // Without a glob every visible file is read; explicit files ignore the glob.
    let (docs, _) = split(read_inputs(
        &[InputSpec::from(dir.path())],
        &ReadOptions::default(),
    ));
    assert_eq!(docs.len(), 5);
    let explicit = dir.path().join("sub/notes.md");
    let opts = ReadOptions {
        glob: Some("*.txt".into()),
        ..ReadOptions::default()
    };
    let (docs, _) = split(read_inputs(&[InputSpec::from(explicit.as_path())], &opts));
    assert_eq!(docs.len(), 1);
}

#[test]
fn mixed_directory_reads_each_format() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "1.txt", b"plain");
    write(
        dir.path(),
        "2.jsonl",
        b"{\"maintext\": \"json one\"}\n{\"maintext\": \"json two\"}\n",
    );
    write(
        dir.path(),
        "3.html",
        news_page("Head", &["From HTML.", FILLER], "").as_bytes(),
    );
    write(
        dir.path(),
        "4",
        b"<html><body><p>sniffed html</p></body></html>",
    );
    let (docs, errors) = split(read_inputs(
        &[InputSpec::from(dir.path())],
        &ReadOptions::default(),
    ));
    assert!(errors.is_empty(), "{errors:?}");
    let texts: Vec<&str> = docs
        .iter()
        .map(|d| d.text.split("\n\n").next().unwrap_or(""))
        .collect();
    assert_eq!(
        texts,
        [
            "plain",
            "json one",
            "json two",
            "From HTML.",
            "sniffed html"
        ]
    );
}

#[test]
fn oversized_single_document_is_skipped() {
    let dir = tempfile::tempdir().expect("tempdir");
    let big = write(dir.path(), "big.txt", &[b'a'; 100]);
    let small = write(dir.path(), "small.txt", b"ok");
    let opts = ReadOptions {
        max_record_bytes: 50,
        ..ReadOptions::default()
    };
    let inputs = [
        InputSpec::from(big.as_path()),
        InputSpec::from(small.as_path()),
    ];
    let (docs, errors) = split(read_inputs(&inputs, &opts));
    assert_eq!(docs.len(), 1);
    assert_eq!(errors.len(), 1);
    assert!(errors[0].contains("larger than the limit"), "{errors:?}");
}
