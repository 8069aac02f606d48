//! Fuzz target: any bytes, decoded lossily, must extract without panicking, with every span
//! valid and exactly its text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use whosaid_core::schema::to_record;
use whosaid_core::{Options, extract};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let doc = extract(&text, &Options::default());
    let chars: Vec<char> = text.chars().collect();
    let record = to_record(&doc, None, None);
    for q in &record.quotes {
        for c in &q.content {
            assert!(c.span[0] <= c.span[1] && c.span[1] <= chars.len());
            assert_eq!(chars[c.span[0]..c.span[1]].iter().collect::<String>(), c.text);
        }
        if let Some(s) = &q.speaker {
            assert_eq!(chars[s.span[0]..s.span[1]].iter().collect::<String>(), s.text);
        }
        if let Some(c) = &q.cue {
            assert_eq!(chars[c.span[0]..c.span[1]].iter().collect::<String>(), c.text);
        }
    }
});
