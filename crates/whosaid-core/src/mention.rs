//! Mentions: the names, pronouns and descriptions that can refer to a speaker.
//!
//! Three kinds are found in each sentence:
//! - **names**: runs of capitalised words ("US Defense Secretary Mark Esper", "World
//!   Meteorological Organization"), split into the titles part and the name part with the
//!   title lexicon, and typed as person, organisation or group from titles, given names,
//!   organisation words and known acronyms;
//! - **pronouns**: personal pronouns with their gender and number;
//! - **descriptions**: noun phrases headed by a word for people or an institution ("the
//!   mayor", "Union leaders", "the company's lawyer").

use crate::document::Document;
use crate::lexicon::{EntityKind, Gender, Lexicon, PronounRole};
use crate::np::basic_np_ending_at;
use crate::pos::Tag;
use crate::segment::TokenRange;
use crate::span::Span;
use crate::token::{TokenFlags, TokenKind};

/// The form a mention takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MentionKind {
    /// A proper name, possibly with titles ("Gen. Mark Milley").
    Name,
    /// A pronoun ("she", "they", "who").
    Pronoun,
    /// A common noun phrase ("the mayor", "officials").
    Description,
}

/// A mention of a possible speaker or referent.
#[derive(Clone, Debug, PartialEq)]
pub struct Mention {
    /// The whole mention as written.
    pub span: Span,
    /// Its tokens.
    pub tokens: TokenRange,
    /// The name part ("Mark Esper"), for names.
    pub name: Option<TokenRange>,
    /// The titles part ("US Defense Secretary"), when present.
    pub titles: Option<TokenRange>,
    /// The head token.
    pub head: u32,
    /// Name, pronoun or description.
    pub kind: MentionKind,
    /// Person, organisation, group, or unknown.
    pub entity_kind: EntityKind,
    /// Gender, when known.
    pub gender: Gender,
    /// Whether the mention is plural.
    pub plural: bool,
    /// Pronoun role, for pronouns.
    pub pronoun_role: Option<PronounRole>,
    /// Sentence index.
    pub sentence: u32,
    /// The entity the mention belongs to, once coreference has run.
    pub entity: Option<u32>,
}

/// Modifiers that may precede a title ("former President", "acting mayor").
const TITLE_MODIFIERS: &[&str] = &[
    "former",
    "acting",
    "deputy",
    "interim",
    "then",
    "senior",
    "top",
    "chief",
    "longtime",
    "veteran",
    "assistant",
    "incoming",
    "outgoing",
    "new",
    "late",
    "associate",
    "executive",
    "vice",
    "general",
    "presidential",
    "democratic",
    "republican",
];

/// Lowercase words that join capitalised words inside names ("Bank of England").
const NAME_JOINERS: &[&str] = &[
    "of", "for", "de", "del", "della", "la", "le", "van", "von", "der", "den", "bin", "ibn", "al",
    "el", "da", "du", "&",
];

/// Finds all mentions in the document, in text order.
pub fn find_mentions(doc: &Document, lexicon: &Lexicon) -> Vec<Mention> {
    let mut out = Vec::new();
    for (s_idx, s) in doc.sentences.iter().enumerate() {
        let (a, b) = (s.tokens.start as usize, s.tokens.end as usize);
        let title_case = is_title_case(doc, lexicon, a, b);
        let mut covered_until = a;
        let mut i = a;
        while i < b {
            if i < covered_until || doc.meta.dateline_tokens.is_some_and(|r| r.contains(i)) {
                i += 1;
                continue;
            }
            if is_name_token(doc, lexicon, i, a, title_case) {
                let end = name_run_end(doc, lexicon, i, b, a, title_case);
                let m = name_mention(doc, lexicon, i, end, a, s_idx);
                covered_until = m.tokens.end as usize;
                out.push(m);
                i = covered_until;
                continue;
            }
            if let Some(m) = pronoun_mention(doc, i, s_idx) {
                out.push(m);
                i += 1;
                continue;
            }
            if let Some(m) = description_mention(doc, lexicon, i, a, b, s_idx) {
                // Descriptions are found at their head; drop earlier mentions they swallow.
                while out.last().is_some_and(|p: &Mention| {
                    p.tokens.start >= m.tokens.start && p.sentence == m.sentence
                }) {
                    out.pop();
                }
                out.push(m);
            }
            i += 1;
        }
    }
    out.sort_by_key(|m| (m.tokens.start, m.tokens.end));
    out
}

/// Whether the sentence `[a, b)` is written in title case (a headline): several words the
/// lexicon knows as common words ("Hints", "Could", "Over") are capitalised inside it.
fn is_title_case(doc: &Document, lexicon: &Lexicon, a: usize, b: usize) -> bool {
    let mut capitalised = 0usize;
    let mut common = 0usize;
    for i in a + 1..b {
        let t = &doc.tokens[i];
        if t.kind != TokenKind::Word || !t.is_capitalized() || t.has(TokenFlags::ALL_CAPS) {
            continue;
        }
        capitalised += 1;
        let w = doc.lower(i);
        let known_common = doc
            .lexeme(i)
            .pos
            .is_some_and(|(t1, t2)| !t1.is_proper() && !t2.is_some_and(Tag::is_proper));
        if known_common && lexicon.title(w).is_none() && !doc.tokens[i - 1].is_capitalized()
            || known_common
                && matches!(
                    doc.tags[i],
                    Tag::MD | Tag::VBZ | Tag::VBD | Tag::IN | Tag::TO | Tag::CC
                )
        {
            common += 1;
        }
    }
    common >= 2 && common * 10 >= capitalised * 3
}

/// Whether token `i` can be part of a proper name.
fn is_name_token(
    doc: &Document,
    lexicon: &Lexicon,
    i: usize,
    sentence_start: usize,
    title_case: bool,
) -> bool {
    let t = &doc.tokens[i];
    if t.kind != TokenKind::Word || !t.is_capitalized() {
        return false;
    }
    let w = doc.word(i);
    let lexeme = doc.lexeme(i);
    if lexeme.time_word.is_some() {
        return false;
    }
    let tag = doc.tags[i];
    if w == "I" || (lexeme.pronoun.is_some() && !t.has(TokenFlags::ALL_CAPS)) {
        return false;
    }
    if tag.is_proper() || t.has(TokenFlags::ALL_CAPS) || lexicon.is_title_abbreviation(w) {
        return true;
    }
    // In a title-case line ("Ted Cruz Hints Trump Could …") capitals say nothing: only
    // proper nouns count.
    if title_case {
        return false;
    }
    let function_word = matches!(
        tag,
        Tag::DT
            | Tag::IN
            | Tag::CC
            | Tag::PRP
            | Tag::PRPS
            | Tag::WRB
            | Tag::WP
            | Tag::WDT
            | Tag::MD
            | Tag::TO
            | Tag::EX
            | Tag::RB
            | Tag::UH
    ) || tag.is_verb();
    if i == sentence_start || starts_after_quote(doc, i) {
        // Sentence-initial capitals are only names when the lexicon does not know the word
        // as something else, or when it is a title.
        // A common noun opening a sentence ("Consumer advocates argued") starts a name only
        // when a name follows it ("Consumer Reports said") or it is a known organisation.
        let common_noun = lexeme
            .pos
            .is_some_and(|(t1, t2)| !t1.is_proper() && !t2.is_some_and(Tag::is_proper));
        let next_is_name = i + 1 < doc.tokens.len()
            && doc.tokens[i + 1].is_capitalized()
            && doc.tags[i + 1].is_proper();
        return !function_word
            && (lexeme.pos.is_none()
                || lexicon.title(doc.lower(i)).is_some()
                || lexicon.is_org_name(w)
                || tag.is_noun() && (!common_noun || next_is_name));
    }
    !function_word || lexicon.title(doc.lower(i)).is_some()
}

fn starts_after_quote(doc: &Document, i: usize) -> bool {
    i > 0 && doc.tokens[i - 1].kind == TokenKind::Quote
}

/// One past the last token of the name run starting at `i`.
fn name_run_end(
    doc: &Document,
    lexicon: &Lexicon,
    i: usize,
    b: usize,
    a: usize,
    title_case: bool,
) -> usize {
    let mut end = i + 1;
    while end < b {
        if is_name_token(doc, lexicon, end, a, title_case) {
            end += 1;
            continue;
        }
        let w = doc.lower(end);
        if NAME_JOINERS.contains(&w)
            && end + 1 < b
            && is_name_token(doc, lexicon, end + 1, a, title_case)
        {
            end += 2;
            continue;
        }
        break;
    }
    end
}

/// Longest title phrase starting at token `i` and ending before `end`; its length.
fn title_at(doc: &Document, lexicon: &Lexicon, i: usize, end: usize) -> usize {
    let max = lexicon.title_max_words().min(end - i);
    if max == 0 {
        return 0;
    }
    // Most words are no title and begin none: no phrase is built for them.
    let first = doc.lower(i);
    let mut best = usize::from(lexicon.title(first).is_some());
    if !lexicon.is_title_prefix(first) {
        return best;
    }
    let mut phrase = first.to_string();
    for k in 1..max {
        phrase.push(' ');
        phrase.push_str(doc.lower(i + k));
        if lexicon.title(&phrase).is_some() {
            best = k + 1;
        }
        if !lexicon.is_title_prefix(&phrase) {
            break;
        }
    }
    best
}

fn name_mention(
    doc: &Document,
    lexicon: &Lexicon,
    a: usize,
    b: usize,
    sentence_start: usize,
    s_idx: usize,
) -> Mention {
    // Titles inside the run: everything up to the end of the last title phrase.
    let mut title_end = a;
    let mut k = a;
    while k < b {
        let n = title_at(doc, lexicon, k, b);
        if n > 0 {
            title_end = k + n;
            k += n;
        } else {
            k += 1;
        }
    }
    // Lowercase titles and modifiers just before the run ("former president", "spokesman").
    let mut start = a;
    while start > sentence_start {
        let p = start - 1;
        let w = doc.lower(p);
        if doc.tokens[p].kind != TokenKind::Word {
            break;
        }
        let n = title_ending_at(doc, lexicon, p, sentence_start);
        if n > 0 {
            start = p + 1 - n;
            continue;
        }
        if TITLE_MODIFIERS.contains(&w) {
            start = p;
            continue;
        }
        break;
    }
    let has_title_before = start < a || title_end > a;
    if has_title_before && start > sentence_start && matches!(doc.lower(start - 1), "the") {
        start -= 1;
    }
    let titles_range = if title_end > a || start < a {
        let t_start = start;
        let t_end = if title_end > a { title_end } else { a };
        Some(TokenRange::new(t_start, t_end))
    } else {
        None
    };
    let name_start = title_end.max(a);
    let name = if name_start < b {
        Some(TokenRange::new(name_start, b))
    } else {
        None
    };
    let head = b - 1;
    let (entity_kind, gender, plural) = classify_name(doc, lexicon, start, a, name, b);
    let kind = if name.is_some() {
        MentionKind::Name
    } else {
        MentionKind::Description
    };
    Mention {
        span: doc.token_span(start, b),
        tokens: TokenRange::new(start, b),
        name,
        titles: titles_range,
        head: head as u32,
        kind,
        entity_kind,
        gender,
        plural,
        pronoun_role: None,
        sentence: s_idx as u32,
        entity: None,
    }
}

/// Length of a title phrase that ends at token `last` (inclusive).
fn title_ending_at(doc: &Document, lexicon: &Lexicon, last: usize, floor: usize) -> usize {
    let max = lexicon.title_max_words();
    for n in (1..=max).rev() {
        if last + 1 < n || last + 1 - n < floor {
            continue;
        }
        let s = last + 1 - n;
        if title_at(doc, lexicon, s, last + 1) == n {
            return n;
        }
    }
    0
}

fn classify_name(
    doc: &Document,
    lexicon: &Lexicon,
    start: usize,
    run_start: usize,
    name: Option<TokenRange>,
    end: usize,
) -> (EntityKind, Gender, bool) {
    let mut gender = Gender::Unknown;
    let mut person_evidence = false;
    for i in start..end {
        let w = doc.lower(i);
        if let Some(t) = lexicon.title(w) {
            person_evidence = true;
            if t.gender != Gender::Unknown {
                gender = t.gender;
            }
        }
    }
    if start < run_start {
        person_evidence = true;
    }
    let Some(name) = name else {
        return (EntityKind::Person, gender, false);
    };
    let name_text = doc.slice(doc.token_span(name.start as usize, name.end as usize));
    let last = name.end as usize - 1;
    let first = name.start as usize;
    let last_word = doc.word(last);
    if lexicon.is_org_word(last_word)
        || lexicon.is_org_name(name_text)
        || doc.lexeme(first).is_org_word() && name.len() > 1
    {
        let plural = doc.tags[last] == Tag::NNPS && !lexicon.is_org_word(last_word);
        let kind = if plural && lexicon.is_org_name(name_text) {
            EntityKind::Group
        } else {
            EntityKind::Organization
        };
        return (kind, Gender::Unknown, plural);
    }
    if let Some(g) = doc.lexeme(first).given_name {
        if gender == Gender::Unknown {
            gender = g;
        }
        return (EntityKind::Person, gender, false);
    }
    if doc.tokens[last].has(TokenFlags::ALL_CAPS) && name.len() == 1 && !person_evidence {
        return (EntityKind::Organization, Gender::Unknown, false);
    }
    if doc.tags[last] == Tag::NNPS && name.len() == 1 && !person_evidence {
        return (EntityKind::Group, Gender::Plural, true);
    }
    if person_evidence {
        return (EntityKind::Person, gender, false);
    }
    (EntityKind::Unknown, gender, false)
}

fn pronoun_mention(doc: &Document, i: usize, s_idx: usize) -> Option<Mention> {
    let t = &doc.tokens[i];
    if t.kind != TokenKind::Word {
        return None;
    }
    let p = doc.lexeme(i).pronoun?;
    // Relative "that"/"which" are only mentions when the attribution pass uses them.
    if p.role == PronounRole::Relative && !matches!(doc.lower(i), "who") {
        return None;
    }
    // "her" is possessive or object; "it"/"you" rarely speak but count for salience.
    let kind = match p.gender {
        Gender::Plural => EntityKind::Group,
        Gender::Neuter => EntityKind::Unknown,
        _ => EntityKind::Person,
    };
    Some(Mention {
        span: t.span,
        tokens: TokenRange::new(i, i + 1),
        name: None,
        titles: None,
        head: i as u32,
        kind: MentionKind::Pronoun,
        entity_kind: kind,
        gender: p.gender,
        plural: p.gender == Gender::Plural,
        pronoun_role: Some(p.role),
        sentence: s_idx as u32,
        entity: None,
    })
}

fn description_mention(
    doc: &Document,
    lexicon: &Lexicon,
    i: usize,
    a: usize,
    b: usize,
    s_idx: usize,
) -> Option<Mention> {
    let t = &doc.tokens[i];
    if t.kind != TokenKind::Word || !doc.tags[i].is_noun() {
        return None;
    }
    let w = doc.lower(i);
    let noun = doc.lexeme(i).people_noun;
    let title = lexicon.title(w);
    if noun.is_none() && title.is_none() {
        return None;
    }
    // The head is the last noun of a compound: "union leaders", not "union".
    if i + 1 < b && doc.tags[i + 1].is_noun() && doc.tokens[i + 1].kind == TokenKind::Word {
        return None;
    }
    let np = basic_np_ending_at(doc, i, a)?;
    let plural = noun.map(|n| n.plural).unwrap_or(false) || doc.tags[i] == Tag::NNS;
    let has_det = np.start < i;
    if !has_det && !plural {
        return None;
    }
    let entity_kind = match noun {
        Some(n) => n.kind,
        None => EntityKind::Person,
    };
    let gender = if plural {
        Gender::Plural
    } else {
        title.map(|t| t.gender).unwrap_or(Gender::Unknown)
    };
    Some(Mention {
        span: doc.token_span(np.start, np.end),
        tokens: TokenRange::new(np.start, np.end),
        name: None,
        titles: Some(TokenRange::new(i, i + 1)),
        head: i as u32,
        kind: MentionKind::Description,
        entity_kind,
        gender,
        plural,
        pronoun_role: None,
        sentence: s_idx as u32,
        entity: None,
    })
}

#[cfg(test)]
mod tests {
    use crate::document::{Options, extract};
    use crate::lexicon::{EntityKind, Gender};

    /// Text, name part, titles part, kind and gender of a mention.
    type Row = (String, Option<String>, Option<String>, EntityKind, Gender);

    fn mentions(text: &str) -> Vec<Row> {
        let doc = extract(text, &Options::default());
        doc.mentions
            .iter()
            .map(|m| {
                let r = |x: Option<crate::segment::TokenRange>| {
                    x.map(|r| {
                        doc.slice(doc.token_span(r.start as usize, r.end as usize))
                            .to_string()
                    })
                };
                (
                    doc.slice(m.span).to_string(),
                    r(m.name),
                    r(m.titles),
                    m.entity_kind,
                    m.gender,
                )
            })
            .collect()
    }

    #[test]
    fn names_with_titles() {
        let m = mentions(
            "US Defense Secretary Mark Esper met NATO Secretary General Jens Stoltenberg.",
        );
        assert_eq!(m[0].0, "US Defense Secretary Mark Esper");
        assert_eq!(m[0].1.as_deref(), Some("Mark Esper"));
        assert_eq!(m[0].2.as_deref(), Some("US Defense Secretary"));
        assert_eq!(m[0].3, EntityKind::Person);
        assert_eq!(m[0].4, Gender::Male);
        assert_eq!(m[1].1.as_deref(), Some("Jens Stoltenberg"));
        assert_eq!(m[1].2.as_deref(), Some("NATO Secretary General"));
    }

    #[test]
    fn organisations_and_pronouns() {
        let m = mentions("The World Meteorological Organization said she would speak.");
        assert_eq!(m[0].0, "World Meteorological Organization");
        assert_eq!(m[0].3, EntityKind::Organization);
        assert_eq!(m[1].0, "she");
        assert_eq!(m[1].4, Gender::Female);
    }

    #[test]
    fn descriptions() {
        let m = mentions("Union leaders and the company's lawyer spoke; the mayor too.");
        let texts: Vec<&str> = m.iter().map(|x| x.0.as_str()).collect();
        assert!(texts.contains(&"Union leaders"), "{texts:?}");
        assert!(texts.contains(&"the company's lawyer"), "{texts:?}");
        assert!(texts.contains(&"the mayor"), "{texts:?}");
    }

    #[test]
    fn lowercase_titles_before_names() {
        let m = mentions("He thanked campaign manager Jeff Weaver and Mr. Okafor.");
        assert!(
            m.iter()
                .any(|x| x.0 == "campaign manager Jeff Weaver"
                    && x.1.as_deref() == Some("Jeff Weaver")),
            "{m:?}"
        );
        assert!(
            m.iter().any(|x| x.0 == "Mr. Okafor" && x.4 == Gender::Male),
            "{m:?}"
        );
    }
}
