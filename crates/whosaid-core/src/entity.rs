//! Entities: mentions clustered by coreference.
//!
//! Mentions are visited in text order and each joins an existing entity or starts one:
//! - a **name** joins the entity that has the same full name, or whose surname it is
//!   ("Stoltenberg", "Mr. Okafor") when first names do not conflict; organisations also join
//!   by exact name;
//! - a **pronoun** ("he", "she", "they", "it") joins the most salient compatible entity of
//!   the last few sentences: compatible in gender and number, salient by recency with a
//!   bonus for entities that speak, and "who" joins the noun phrase just before it;
//! - a **description** ("the mayor") joins the most recent entity that bore that title;
//!   other descriptions ("officials") stand for themselves.
//!
//! Pronouns inside quotations are left alone: their referents are the speaker's business,
//! not the reporter's. Entities that never speak and have no known kind (mostly places) are
//! dropped from the output; their mentions keep no entity.

use rustc_hash::FxHashMap;

use crate::document::Document;
use crate::lexicon::{EntityKind, Gender, Lexicon, PronounRole};
use crate::mention::{Mention, MentionKind};
use crate::span::Span;

/// A person, organisation or group the document mentions.
#[derive(Clone, Debug, PartialEq)]
pub struct Entity {
    /// Canonical name: the longest name seen without titles ("Mark Esper"), or the first
    /// description ("the mayor").
    pub name: String,
    /// Person, organisation, group or unknown.
    pub kind: EntityKind,
    /// Gender, when known.
    pub gender: Gender,
    /// Titles seen with the name ("US Defense Secretary"), in order of appearance.
    pub titles: Vec<String>,
    /// Indices of its mentions, in text order.
    pub mentions: Vec<u32>,
    /// Whether the entity speaks in some attribution.
    pub speaks: bool,
}

/// How many sentences back a pronoun looks for its antecedent.
const PRONOUN_WINDOW: u32 = 6;

struct Cluster {
    entity: Entity,
    /// Lowercased words of each full name.
    names: Vec<Vec<String>>,
    /// Lowercased title words seen.
    title_words: Vec<String>,
    last_sentence: u32,
    last_subject_sentence: Option<u32>,
    /// Whether some mention lies outside quotations (only those make an antecedent).
    outside: bool,
}

/// Lookups over the clusters built so far, so that resolution stays linear in the number of
/// mentions however long the document.
#[derive(Default)]
struct Index {
    /// The latest cluster with this exact (lowercased) full name.
    full: FxHashMap<Vec<String>, usize>,
    /// Clusters with a name ending in this word, in order of creation.
    surname: FxHashMap<String, Vec<usize>>,
    /// The latest cluster that bore this title word.
    titles: FxHashMap<String, usize>,
    /// (sentence, cluster) for every mention outside quotations, in text order.
    recent: Vec<(u32, usize)>,
}

impl Index {
    /// Records what cluster `c` learned from mention `mi`.
    fn note(&mut self, doc: &Document, clusters: &[Cluster], c: usize, mi: usize) {
        let words = name_words(doc, mi);
        if let Some(last) = words.last() {
            let list = self.surname.entry(last.clone()).or_default();
            if list.last() != Some(&c) {
                list.push(c);
            }
            self.full.insert(words, c);
        }
        for w in &clusters[c].title_words {
            self.titles.insert(w.clone(), c);
        }
        if clusters[c].outside && clusters[c].last_sentence == doc.mentions[mi].sentence {
            self.recent.push((doc.mentions[mi].sentence, c));
        }
    }
}

/// Clusters mentions into entities, sets `Mention::entity` and `Attribution::entity`, and
/// returns the entities worth reporting.
pub fn resolve(doc: &mut Document, lexicon: &Lexicon) -> Vec<Entity> {
    let speaker_mentions: FxHashMap<u32, ()> = doc
        .attributions
        .iter()
        .filter_map(|a| a.speaker_mention)
        .map(|m| (m, ()))
        .collect();
    let mut clusters: Vec<Cluster> = Vec::new();
    let mut assign: Vec<Option<usize>> = vec![None; doc.mentions.len()];
    let partner = appositions(doc, lexicon);
    let mut waiting: FxHashMap<usize, Vec<usize>> = FxHashMap::default();
    for (d, p) in partner.iter().enumerate() {
        if let Some(n) = *p
            && n > d
        {
            waiting.entry(n).or_default().push(d);
        }
    }
    let mut index = Index::default();
    for mi in 0..doc.mentions.len() {
        let m = &doc.mentions[mi];
        // A description in apposition joins its name: before it, it waits for the name.
        if m.kind == MentionKind::Description
            && let Some(n) = partner[mi]
        {
            if n > mi {
                continue;
            }
            if let Some(c) = assign[n] {
                absorb(
                    doc,
                    lexicon,
                    &mut clusters[c],
                    mi,
                    speaker_mentions.contains_key(&(mi as u32)),
                );
                add_role_title(doc, &mut clusters[c], mi);
                index.note(doc, &clusters, c, mi);
                assign[mi] = Some(c);
                continue;
            }
        }
        let is_speaker = speaker_mentions.contains_key(&(mi as u32));
        let in_quote = doc.quotation_at(m.head as usize).is_some();
        if in_quote && m.kind == MentionKind::Pronoun && !is_speaker {
            continue;
        }
        // Descriptions inside quotations ("my father") are the speaker's, not the report's.
        if in_quote && m.kind == MentionKind::Description && !is_speaker {
            continue;
        }
        let target = match m.kind {
            MentionKind::Name => match_name(doc, lexicon, &clusters, &index, mi),
            MentionKind::Pronoun => match_pronoun(doc, &clusters, &index, &assign, mi),
            MentionKind::Description => match_description(doc, lexicon, &index, mi),
        };
        let c = match target {
            Some(c) => c,
            None => {
                if m.kind == MentionKind::Pronoun && !is_speaker {
                    continue;
                }
                clusters.push(new_cluster(doc, lexicon, mi));
                clusters.len() - 1
            }
        };
        absorb(doc, lexicon, &mut clusters[c], mi, is_speaker);
        index.note(doc, &clusters, c, mi);
        assign[mi] = Some(c);
        // Descriptions in apposition before this name join it now.
        for d in waiting.remove(&mi).unwrap_or_default() {
            if assign[d].is_some() {
                continue;
            }
            absorb(
                doc,
                lexicon,
                &mut clusters[c],
                d,
                speaker_mentions.contains_key(&(d as u32)),
            );
            add_role_title(doc, &mut clusters[c], d);
            index.note(doc, &clusters, c, d);
            assign[d] = Some(c);
        }
    }
    // Keep entities that speak or have a known kind; renumber.
    let mut keep: Vec<Option<u32>> = vec![None; clusters.len()];
    let mut out = Vec::new();
    for (k, c) in clusters.iter().enumerate() {
        if c.entity.speaks || c.entity.kind != EntityKind::Unknown {
            keep[k] = Some(out.len() as u32);
            out.push(c.entity.clone());
        }
    }
    for (mi, a) in assign.iter().enumerate() {
        doc.mentions[mi].entity = a.and_then(|c| keep[c]);
    }
    for a in &mut doc.attributions {
        a.entity = a
            .speaker_mention
            .and_then(|m| doc.mentions[m as usize].entity);
    }
    out
}

/// Pairs of a description and a name in apposition ("The housing minister, Sarah
/// Whitmore", "Ana Ruiz, director of …"): description index → name index.
fn appositions(doc: &Document, lexicon: &Lexicon) -> Vec<Option<usize>> {
    let mut out = vec![None; doc.mentions.len()];
    let is_person_name =
        |n: &Mention| n.kind == MentionKind::Name && n.entity_kind != EntityKind::Organization;
    let by_start: FxHashMap<u32, usize> = doc
        .mentions
        .iter()
        .enumerate()
        .filter(|(_, n)| is_person_name(n))
        .map(|(k, n)| (n.tokens.start, k))
        .collect();
    let by_end: FxHashMap<u32, usize> = doc
        .mentions
        .iter()
        .enumerate()
        .filter(|(_, n)| is_person_name(n))
        .map(|(k, n)| (n.tokens.end, k))
        .collect();
    let comma =
        |i: u32| (i as usize) < doc.tags.len() && doc.tags[i as usize] == crate::pos::Tag::Comma;
    for (d, dm) in doc.mentions.iter().enumerate() {
        if dm.kind != MentionKind::Description || dm.plural {
            continue;
        }
        // Documents are nobody's role: "In the same poll, Obama was winning …".
        let head = doc.lower(dm.head as usize);
        if lexicon.is_evidence_noun(head) || lexicon.is_speech_event(head) {
            continue;
        }
        // "DESC , NAME" or "NAME , DESC".
        let after = comma(dm.tokens.end)
            .then(|| by_start.get(&(dm.tokens.end + 1)))
            .flatten();
        let before = (dm.tokens.start >= 1 && comma(dm.tokens.start - 1))
            .then(|| by_end.get(&(dm.tokens.start - 1)))
            .flatten();
        out[d] = after.or(before).copied();
    }
    out
}

/// Adds an appositive description ("the housing minister") to an entity's titles.
fn add_role_title(doc: &Document, c: &mut Cluster, d: usize) {
    let m = &doc.mentions[d];
    let text = doc.slice(m.span);
    let lowered = text.to_lowercase();
    let text = ["the ", "a ", "an "]
        .iter()
        .find(|p| lowered.starts_with(*p))
        .map(|p| &text[p.len()..])
        .unwrap_or(text)
        .to_string();
    if !c
        .entity
        .titles
        .iter()
        .any(|t| t.eq_ignore_ascii_case(&text))
    {
        c.entity.titles.push(text);
    }
}

fn name_words(doc: &Document, mi: usize) -> Vec<String> {
    let m = &doc.mentions[mi];
    match m.name {
        Some(r) => r
            .range()
            .filter(|&i| doc.tokens[i].kind == crate::token::TokenKind::Word)
            .map(|i| doc.lower(i).to_string())
            .collect(),
        None => Vec::new(),
    }
}

fn name_text(doc: &Document, mi: usize) -> Option<String> {
    let m = &doc.mentions[mi];
    m.name.map(|r| {
        doc.slice(doc.token_span(r.start as usize, r.end as usize))
            .to_string()
    })
}

fn match_name(
    doc: &Document,
    lexicon: &Lexicon,
    clusters: &[Cluster],
    index: &Index,
    mi: usize,
) -> Option<usize> {
    let words = name_words(doc, mi);
    if words.is_empty() {
        return match_description(doc, lexicon, index, mi);
    }
    let m = &doc.mentions[mi];
    // Exact full-name match first, then surname match (most recent cluster wins).
    if let Some(&c) = index.full.get(&words) {
        return Some(c);
    }
    if m.entity_kind == EntityKind::Organization || m.entity_kind == EntityKind::Group {
        return None;
    }
    let last = words.last()?;
    index.surname.get(last)?.iter().rev().copied().find(|&k| {
        let c = &clusters[k];
        c.entity.kind != EntityKind::Organization
            && c.names.iter().any(|n| {
                n.last() == Some(last)
                    && (words.len() == 1
                        || n.len() == 1
                        || n.first() == words.first()
                        || initial_matches(n, &words))
            })
            && gender_ok(c.entity.gender, m.gender)
    })
}

fn initial_matches(a: &[String], b: &[String]) -> bool {
    let fa = a.first().and_then(|w| w.chars().next());
    let fb = b.first().and_then(|w| w.chars().next());
    fa.is_some() && fa == fb && (a[0].len() <= 2 || b[0].len() <= 2)
}

fn gender_ok(entity: Gender, mention: Gender) -> bool {
    entity == Gender::Unknown || mention == Gender::Unknown || entity == mention
}

fn match_pronoun(
    doc: &Document,
    clusters: &[Cluster],
    index: &Index,
    assign: &[Option<usize>],
    mi: usize,
) -> Option<usize> {
    let m = &doc.mentions[mi];
    let word = doc.lower(m.head as usize);
    if word == "who" {
        // "Trump, who …": the mention just before the comma.
        let head = m.head as usize;
        let mut j = head;
        while j > 0 && doc.tags[j - 1] == crate::pos::Tag::Comma {
            j -= 1;
        }
        return (0..mi)
            .rev()
            .take(3)
            .find(|&k| doc.mentions[k].tokens.end as usize == j)
            .and_then(|k| assign[k]);
    }
    if m.pronoun_role.is_some_and(|r| r == PronounRole::Relative)
        || matches!(
            word,
            "i" | "me" | "my" | "we" | "us" | "our" | "you" | "your"
        )
    {
        return None;
    }
    let s = m.sentence;
    let mut best: Option<(i64, usize)> = None;
    let mut seen: Vec<usize> = Vec::new();
    for &(sentence, k) in index.recent.iter().rev() {
        if s.saturating_sub(sentence) > PRONOUN_WINDOW {
            break;
        }
        if seen.contains(&k) {
            continue;
        }
        seen.push(k);
        let c = &clusters[k];
        if !c.outside || s.saturating_sub(c.last_sentence) > PRONOUN_WINDOW {
            continue;
        }
        let compatible = match m.gender {
            Gender::Male | Gender::Female => {
                (c.entity.kind == EntityKind::Person
                    || c.entity.kind == EntityKind::Unknown
                        && c.entity.speaks
                        && !c.names.is_empty())
                    && gender_ok(c.entity.gender, m.gender)
            }
            Gender::Plural => {
                matches!(c.entity.kind, EntityKind::Group | EntityKind::Organization)
                    || c.entity.gender == Gender::Plural
            }
            Gender::Neuter => c.entity.kind == EntityKind::Organization,
            Gender::Unknown => false,
        };
        if !compatible {
            continue;
        }
        let distance = (s - c.last_sentence.min(s)) as i64;
        let mut score = -10 * distance;
        if c.entity.speaks {
            score += 8;
        }
        if c.last_subject_sentence.is_some_and(|x| s - x.min(s) <= 2) {
            score += 4;
        }
        if c.entity.gender == m.gender {
            score += 3;
        }
        if c.entity.kind == EntityKind::Person && matches!(m.gender, Gender::Male | Gender::Female)
        {
            score += 2;
        }
        if best.is_none_or(|(b, _)| score > b) {
            best = Some((score, k));
        }
    }
    best.map(|(_, k)| k)
}

fn match_description(doc: &Document, lexicon: &Lexicon, index: &Index, mi: usize) -> Option<usize> {
    let m = &doc.mentions[mi];
    if m.plural {
        return None;
    }
    let head = doc.lower(m.head as usize);
    let det = doc.lower(m.tokens.start as usize);
    if det != "the" || lexicon.title(head).is_none() {
        return None;
    }
    index.titles.get(head).copied()
}

fn new_cluster(doc: &Document, _lexicon: &Lexicon, mi: usize) -> Cluster {
    let m = &doc.mentions[mi];
    let name = name_text(doc, mi).unwrap_or_else(|| doc.slice(m.span).to_string());
    Cluster {
        entity: Entity {
            name,
            kind: m.entity_kind,
            gender: m.gender,
            titles: Vec::new(),
            mentions: Vec::new(),
            speaks: false,
        },
        names: Vec::new(),
        title_words: Vec::new(),
        last_sentence: m.sentence,
        last_subject_sentence: None,
        outside: false,
    }
}

fn absorb(doc: &Document, lexicon: &Lexicon, c: &mut Cluster, mi: usize, is_speaker: bool) {
    let m = &doc.mentions[mi];
    c.entity.mentions.push(mi as u32);
    if doc.quotation_at(m.head as usize).is_none() || is_speaker {
        c.last_sentence = m.sentence;
        c.outside = true;
    }
    if is_speaker {
        c.entity.speaks = true;
        c.last_subject_sentence = Some(m.sentence);
    } else if m.head as usize + 1 < doc.tokens.len() && doc.tags[m.head as usize + 1].is_verb() {
        c.last_subject_sentence = Some(m.sentence);
    }
    let words = name_words(doc, mi);
    if !words.is_empty() {
        if let Some(n) = name_text(doc, mi)
            && (c.names.is_empty() || n.chars().count() > c.entity.name.chars().count())
        {
            c.entity.name = n;
        }
        if !c.names.contains(&words) {
            c.names.push(words);
        }
    }
    if let Some(t) = m.titles {
        let text = doc.slice(doc.token_span(t.start as usize, t.end as usize));
        let text = text.strip_prefix("the ").unwrap_or(text).to_string();
        if m.kind == MentionKind::Name
            && !c.entity.titles.contains(&text)
            && !lexicon.is_title_abbreviation(&text)
        {
            c.entity.titles.push(text);
        }
        for i in t.range() {
            let w = doc.lower(i).to_string();
            if lexicon.title(&w).is_some() && !c.title_words.contains(&w) {
                c.title_words.push(w);
            }
        }
    }
    // Kind and gender sharpen as evidence accumulates.
    if c.entity.kind == EntityKind::Unknown
        && m.entity_kind != EntityKind::Unknown
        && m.kind != MentionKind::Pronoun
    {
        c.entity.kind = m.entity_kind;
    }
    if m.kind == MentionKind::Pronoun
        && c.entity.kind == EntityKind::Unknown
        && matches!(m.gender, Gender::Male | Gender::Female)
    {
        c.entity.kind = EntityKind::Person;
    }
    // A multi-word name that speaks is a person unless something says otherwise.
    if is_speaker && c.entity.kind == EntityKind::Unknown && m.name.is_some_and(|r| r.len() >= 2) {
        c.entity.kind = EntityKind::Person;
    }
    if c.entity.gender == Gender::Unknown
        && m.gender != Gender::Unknown
        && m.gender != Gender::Neuter
    {
        c.entity.gender = m.gender;
    }
}

/// The span of an entity's first mention.
pub fn first_span(doc: &Document, e: &Entity) -> Option<Span> {
    e.mentions.first().map(|&m| doc.mentions[m as usize].span)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Options, Tagger, extract};

    /// Runs the rule pipeline (no learned tagger, so the test does not depend on weights),
    /// then the entity pass again, directly, and checks it agrees with the pipeline's run.
    fn resolved(text: &str) -> Document {
        let options = Options {
            tagger: Tagger::RulesOnly,
            ..Options::default()
        };
        let mut doc = extract(text, &options);
        let entities = resolve(&mut doc, Lexicon::get());
        assert_eq!(entities, doc.entities, "resolve is not repeatable");
        doc
    }

    /// The index of the mention with this text (the first one).
    fn mention(doc: &Document, text: &str) -> usize {
        doc.mentions
            .iter()
            .position(|m| doc.slice(m.span) == text)
            .unwrap_or_else(|| panic!("no mention {text:?} in {:?}", texts(doc)))
    }

    fn texts(doc: &Document) -> Vec<&str> {
        doc.mentions.iter().map(|m| doc.slice(m.span)).collect()
    }

    /// The entity of the mention with this text.
    fn entity_of(doc: &Document, text: &str) -> Option<u32> {
        doc.mentions[mention(doc, text)].entity
    }

    /// The texts of an entity's mentions.
    fn mention_texts<'d>(doc: &'d Document, e: &Entity) -> Vec<&'d str> {
        e.mentions
            .iter()
            .map(|&m| doc.slice(doc.mentions[m as usize].span))
            .collect()
    }

    #[test]
    fn titled_name_then_surname_honorific_and_pronoun() {
        let doc = resolved(
            "US Defense Secretary Mark Esper said on Saturday that the alliance was strong. \
             Esper added that he would visit Brussels. “We are ready,” Mr. Esper said.",
        );
        let k = entity_of(&doc, "US Defense Secretary Mark Esper").unwrap();
        let e = &doc.entities[k as usize];
        assert_eq!(e.name, "Mark Esper");
        assert_eq!(e.kind, EntityKind::Person);
        assert_eq!(e.gender, Gender::Male);
        assert_eq!(e.titles, ["US Defense Secretary"]);
        assert!(e.speaks);
        assert_eq!(
            mention_texts(&doc, e),
            [
                "US Defense Secretary Mark Esper",
                "Esper",
                "he",
                "Mr. Esper"
            ]
        );
        // Every attribution of the text is his.
        assert_eq!(doc.attributions.len(), 3);
        assert!(doc.attributions.iter().all(|a| a.entity == Some(k)));
        // A place that never speaks keeps no entity; "We" inside the quotation is the
        // speaker's business.
        assert_eq!(entity_of(&doc, "Brussels"), None);
        assert_eq!(entity_of(&doc, "We"), None);
        assert_eq!(
            first_span(&doc, e).map(|s| doc.slice(s)),
            Some("US Defense Secretary Mark Esper")
        );
    }

    #[test]
    fn pronoun_gender_separates_two_people() {
        // "He" comes after "She" has made Maria Gonzalez the most recent entity: only gender
        // sends it to John Carter.
        let doc = resolved(
            "Maria Gonzalez met John Carter on Monday. She said the talks went well. \
             He said the deal was close.",
        );
        let maria = entity_of(&doc, "Maria Gonzalez").unwrap();
        let john = entity_of(&doc, "John Carter").unwrap();
        assert_ne!(maria, john);
        assert_eq!(doc.entities[maria as usize].gender, Gender::Female);
        assert_eq!(doc.entities[john as usize].gender, Gender::Male);
        assert_eq!(entity_of(&doc, "She"), Some(maria));
        assert_eq!(entity_of(&doc, "He"), Some(john));
        assert_eq!(
            mention_texts(&doc, &doc.entities[maria as usize]),
            ["Maria Gonzalez", "She"]
        );
        assert_eq!(
            mention_texts(&doc, &doc.entities[john as usize]),
            ["John Carter", "He"]
        );
        assert_eq!(doc.attributions[0].entity, Some(maria));
        assert_eq!(doc.attributions[1].entity, Some(john));
    }

    #[test]
    fn same_surname_different_given_names_stay_apart() {
        let doc = resolved(
            "John Carter and Maria Carter arrived on Monday. Ms. Carter said the vote was fair.",
        );
        let john = entity_of(&doc, "John Carter").unwrap();
        let maria = entity_of(&doc, "Maria Carter").unwrap();
        assert_ne!(john, maria);
        assert_eq!(entity_of(&doc, "Ms. Carter"), Some(maria));
    }

    #[test]
    fn organisation_and_neuter_pronoun() {
        let doc = resolved(
            "The World Meteorological Organization said temperatures would rise. \
             It warned of floods.",
        );
        let k = entity_of(&doc, "World Meteorological Organization").unwrap();
        let e = &doc.entities[k as usize];
        assert_eq!(e.name, "World Meteorological Organization");
        assert_eq!(e.kind, EntityKind::Organization);
        assert_eq!(e.gender, Gender::Unknown);
        assert!(e.titles.is_empty());
        assert_eq!(
            mention_texts(&doc, e),
            ["World Meteorological Organization", "It"]
        );
    }

    #[test]
    fn role_description_joins_the_titled_name() {
        let doc = resolved(
            "Mayor Daniel Okafor said the bridge would reopen. \
             The mayor added that repairs were finished.",
        );
        let k = entity_of(&doc, "Mayor Daniel Okafor").unwrap();
        assert_eq!(entity_of(&doc, "The mayor"), Some(k));
        let e = &doc.entities[k as usize];
        assert_eq!(e.name, "Daniel Okafor");
        assert_eq!(e.titles, ["Mayor"]);
        assert_eq!(e.kind, EntityKind::Person);
        assert_eq!(mention_texts(&doc, e), ["Mayor Daniel Okafor", "The mayor"]);
        assert_eq!(doc.attributions[1].entity, Some(k));
    }

    #[test]
    fn description_without_titled_antecedent_stands_for_itself() {
        let doc = resolved("The mayor said the bridge would reopen.");
        let k = entity_of(&doc, "The mayor").unwrap();
        let e = &doc.entities[k as usize];
        assert_eq!(e.name, "The mayor");
        assert_eq!(e.kind, EntityKind::Person);
        assert!(e.speaks);
    }

    #[test]
    fn apposition_and_relative_pronoun() {
        let doc = resolved(
            "The housing minister, Sarah Whitmore, said rents would fall. \
             The talks will resume in May, said the envoy Maria Lopez, who led the talks.",
        );
        let sarah = entity_of(&doc, "Sarah Whitmore").unwrap();
        assert_eq!(entity_of(&doc, "The housing minister"), Some(sarah));
        let e = &doc.entities[sarah as usize];
        assert_eq!(e.name, "Sarah Whitmore");
        assert_eq!(e.titles, ["housing minister"]);
        let maria = entity_of(&doc, "the envoy Maria Lopez").unwrap();
        assert_eq!(entity_of(&doc, "who"), Some(maria));
        assert_eq!(doc.entities[maria as usize].name, "Maria Lopez");
        assert_eq!(doc.entities[maria as usize].titles, ["envoy"]);
        // A document before a comma is no one's role.
        let doc = resolved("Obama said he would win. In the same poll, Obama was winning.");
        let poll = entity_of(&doc, "the same poll");
        assert!(poll.is_none() || poll != entity_of(&doc, "Obama"));
        assert!(doc.entities.iter().all(|e| e.titles.is_empty()));
    }

    #[test]
    fn pronouns_look_back_only_a_few_sentences() {
        let doc = resolved(
            "John Carter arrived. The sky was grey. The road was wet. The bus was late. \
             The hall was cold. The lights were dim. The room was full. The clock was slow. \
             He said the vote was fair.",
        );
        let john = entity_of(&doc, "John Carter");
        let he = entity_of(&doc, "He");
        // "He" speaks, so it is kept, but as an entity of its own.
        assert!(he.is_some());
        assert_ne!(he, john);
    }

    #[test]
    fn every_entity_lists_all_its_mentions() {
        let doc = resolved(
            "US Defense Secretary Mark Esper met Maria Gonzalez on Monday. \
             Esper said he was pleased. She said the World Meteorological Organization \
             agreed.\n\n“We will act,” Mr. Esper said. The organization said it would help. \
             Gonzalez said she was hopeful.",
        );
        assert!(doc.entities.len() >= 3, "{:?}", doc.entities);
        for (k, e) in doc.entities.iter().enumerate() {
            assert!(!e.mentions.is_empty());
            assert!(e.mentions.windows(2).all(|w| w[0] < w[1]), "{e:?}");
            for &m in &e.mentions {
                assert_eq!(doc.mentions[m as usize].entity, Some(k as u32), "{e:?}");
            }
        }
        for (m, mention) in doc.mentions.iter().enumerate() {
            if let Some(k) = mention.entity {
                assert!(doc.entities[k as usize].mentions.contains(&(m as u32)));
            }
        }
        for a in &doc.attributions {
            assert_eq!(
                a.entity,
                a.speaker_mention
                    .and_then(|m| doc.mentions[m as usize].entity)
            );
        }
        let esper = entity_of(&doc, "US Defense Secretary Mark Esper").unwrap();
        assert_eq!(
            mention_texts(&doc, &doc.entities[esper as usize]),
            [
                "US Defense Secretary Mark Esper",
                "Esper",
                "he",
                "Mr. Esper"
            ]
        );
        let maria = entity_of(&doc, "Maria Gonzalez").unwrap();
        assert_eq!(
            mention_texts(&doc, &doc.entities[maria as usize]),
            ["Maria Gonzalez", "She", "Gonzalez", "she"]
        );
    }

    #[test]
    fn empty_document_has_no_entities() {
        let mut doc = extract("", &Options::default());
        assert!(resolve(&mut doc, Lexicon::get()).is_empty());
    }
}
