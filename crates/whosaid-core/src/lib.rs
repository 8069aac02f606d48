/*!
whosaid-core: the text model and extraction pipeline of whosaid.

Given the text of one news report, [`extract`] finds every attribution in it — direct,
indirect and mixed quotations with their cue and speaker — resolves speakers to people and
organisations, and reads the article's own metadata (headline, source line, dateline), all
as exact spans of the input.

```
use whosaid_core::{extract, Options};

let text = "“We will appeal,” the lawyer said. “This ruling ignores the evidence.”";
let doc = extract(text, &Options::default());
let q = &doc.attributions[0];
assert_eq!(q.content.len(), 2);
assert_eq!(&doc.text[q.speaker.unwrap()], "the lawyer");
```

# Design

**One document, many small passes.** Like spaCy's `Doc`, a [`Document`] owns the text and
flat arrays of layers over it — tokens, part-of-speech tags, paragraphs, sentences,
quotation-mark pairs, mentions, entities, attributions, metadata. Each pass is a module that
reads the layers before it and adds one; layers refer to the text and to each other by
index and [`Span`], never by copying. This keeps every pass small and testable on its own,
lets later passes use everything earlier ones learned (the attribution pass sees quotation
pairs, sentence bounds and tags at once), and makes the JSON output a serialisation of the
document rather than a second model built beside it.

**Byte offsets inside, code points outside.** Inside the pipeline every span is a byte range
(`u32` start/end): slicing the `&str` is free, spans are 8 bytes, and no pass pays for
character counting. Users index text by characters (Python's `str`, JavaScript, PolNeAR's
annotations), so the [`schema`] module converts spans to Unicode code points once, at the
boundary, with a single forward scan over the sorted offsets.

**No I/O, no failure.** The pipeline takes `&str` and always returns a `Document`; there is
no input for which it errors or panics (property-tested and fuzzed). Reading files,
decoding bytes and choosing formats belong to `whosaid-ingest` and `whosaid-cli`.
*/
#![deny(missing_docs)]

#[cfg(feature = "arrow")]
pub mod arrow;
pub mod attribution;
pub mod cue;
pub mod document;
pub mod entity;
pub mod lexicon;
pub mod mention;
pub mod meta;
pub mod model;
pub mod np;
pub mod paragraph;
pub mod pos;
pub mod quotes;
pub mod schema;
pub mod segment;
pub mod sentence;
pub mod span;
pub mod token;
pub mod when;

pub use attribution::{Attribution, QuoteKind, Shape};
pub use document::{Document, Options, Tagger, extract};
pub use entity::Entity;
pub use lexicon::{EntityKind, Gender};
pub use mention::Mention;
pub use meta::Meta;
pub use segment::{Segment, TokenRange};
pub use span::Span;
