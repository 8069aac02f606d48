//! Damaged and random inputs in every format: every reader answers and none panics.

mod common;

use common::*;
use whosaid_ingest::{InputFormat, ReadOptions, read_reader};

/// A small deterministic generator (xorshift), so failures can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Rounds to run: `default`, or `WHOSAID_FUZZ_ROUNDS` for a longer local run.
fn rounds(default: usize) -> usize {
    std::env::var("WHOSAID_FUZZ_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn seeds() -> Vec<Vec<u8>> {
    let page = news_page(
        "Seed",
        &["\u{201C}Fine,\u{201D} he said.", FILLER],
        "<meta charset=utf-8>",
    );
    let record = response(
        "https://news.example/s",
        "2020-01-01T00:00:00Z",
        "Content-Type: text/html\r\n",
        page.as_bytes(),
    );
    let mut warc = record.clone();
    warc.extend_from_slice(&record);
    let jsonl = b"{\"maintext\": \"a\", \"date_publish\": \"2020-01-01\"}\n{\"maintext\": \"b\"}\n"
        .to_vec();
    vec![
        page.clone().into_bytes(),
        warc.clone(),
        [gzip(&record), gzip(&record)].concat(),
        jsonl.clone(),
        gzip(&jsonl),
        b"plain text\r\nwith lines".to_vec(),
    ]
}

/// Flips, deletes, duplicates or truncates a few bytes.
fn mutate(rng: &mut Rng, mut bytes: Vec<u8>) -> Vec<u8> {
    for _ in 0..=rng.below(4) {
        if bytes.is_empty() {
            break;
        }
        let at = rng.below(bytes.len());
        match rng.below(5) {
            0 => bytes[at] ^= 1 << rng.below(8),
            1 => {
                bytes.remove(at);
            }
            2 => bytes.truncate(at),
            3 => {
                let end = (at + rng.below(64)).min(bytes.len());
                let copy = bytes[at..end].to_vec();
                bytes.splice(at..at, copy);
            }
            _ => bytes[at] = rng.next() as u8,
        }
    }
    bytes
}

#[test]
fn damaged_inputs_never_panic() {
    let mut rng = Rng(0x5eed_1234_abcd_ef01);
    let seeds = seeds();
    let formats = [
        InputFormat::Auto,
        InputFormat::Text,
        InputFormat::Jsonl,
        InputFormat::Html,
        InputFormat::Warc,
    ];
    for round in 0..rounds(400) {
        let seed = seeds[round % seeds.len()].clone();
        let input = mutate(&mut rng, seed);
        let format = formats[rng.below(formats.len())];
        let opts = ReadOptions {
            format,
            ..ReadOptions::default()
        };
        let count = read_reader(std::io::Cursor::new(input), "fuzz.input", &opts)
            .take(1000)
            .count();
        assert!(count <= 1000);
    }
}

#[test]
fn random_bytes_never_panic() {
    let mut rng = Rng(42);
    for round in 0..rounds(200) {
        let len = rng.below(4096);
        let mut input: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        // Give some inputs a plausible start so that deeper code runs.
        let prefix: &[u8] = match round % 4 {
            0 => b"WARC/1.0\r\nContent-Length: 100\r\n\r\n",
            1 => &[0x1f, 0x8b, 0x08, 0],
            2 => b"<html><meta charset=",
            _ => b"{\"maintext\": \"",
        };
        input.splice(0..0, prefix.iter().copied());
        for format in [InputFormat::Auto, InputFormat::Warc, InputFormat::Html] {
            let opts = ReadOptions {
                format,
                ..ReadOptions::default()
            };
            let _ = read_reader(std::io::Cursor::new(input.clone()), "random", &opts)
                .take(1000)
                .count();
        }
    }
}
