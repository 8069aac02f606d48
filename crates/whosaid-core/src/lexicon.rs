//! Lexicons: word lists compiled into the binary and indexed once.
//!
//! Every list lives in a data file under `lexicon/` with a header saying where its words come
//! from; this module only parses and indexes them. The [`Lexicon`] is built lazily on first
//! use and shared by all documents (it is immutable and `Sync`).
//!
//! Lookups are case-insensitive: keys are stored lowercased and [`lower`] lowercases a
//! token into a small buffer without allocating for ASCII words.

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use rustc_hash::{FxHashMap, FxHashSet};

use crate::pos::Tag;

/// The kind of attribution a cue expresses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CueClass {
    /// Saying, writing, telling.
    Speech,
    /// Believing, thinking, knowing.
    Thought,
    /// Wanting, planning, promising.
    Intent,
    /// Evidence from documents, polls, studies ("a poll shows").
    Evidence,
    /// Evaluating something or someone ("criticized", "endorsed").
    Stance,
}

/// The shapes of content a cue can take (a set of flags).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Frames(u16);

impl Frames {
    /// A clause complement, with or without "that".
    pub const CLAUSE: u16 = 1;
    /// Introduces a direct quotation.
    pub const QUOTE: u16 = 1 << 1;
    /// Allows inversion after a quotation ("said the mayor").
    pub const INVERSION: u16 = 1 << 2;
    /// A noun-phrase object is the content.
    pub const OBJECT: u16 = 1 << 3;
    /// A to-infinitive is the content.
    pub const INFINITIVE: u16 = 1 << 4;
    /// A wh-/if/whether clause is the content.
    pub const WH: u16 = 1 << 5;
    /// A recipient may come before the content ("told reporters that").
    pub const RECIPIENT: u16 = 1 << 6;
    /// An -ing clause is the content.
    pub const GERUND: u16 = 1 << 7;

    fn parse(s: &str) -> Frames {
        let mut f = 0;
        for c in s.chars() {
            f |= match c {
                'T' => Self::CLAUSE,
                'Q' => Self::QUOTE,
                'I' => Self::INVERSION,
                'O' => Self::OBJECT,
                'V' => Self::INFINITIVE,
                'W' => Self::WH,
                'R' => Self::RECIPIENT,
                'G' => Self::GERUND,
                _ => 0,
            };
        }
        Frames(f)
    }

    /// Whether all bits of `flag` are set.
    #[inline]
    pub fn has(self, flag: u16) -> bool {
        self.0 & flag == flag
    }
}

/// The inflected form of a cue verb.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum VerbForm {
    /// Base form ("say").
    Base,
    /// Third person singular present ("says").
    ThirdSingular,
    /// Past tense ("said").
    Past,
    /// Past participle ("said", "written").
    Participle,
    /// Present participle or gerund ("saying").
    Ing,
}

/// One reporting verb or verb phrase of the cue lexicon.
#[derive(Clone, Debug)]
pub struct CueEntry {
    /// Lemma as written in the lexicon ("say", "point out").
    pub lemma: String,
    /// What kind of attribution it expresses.
    pub class: CueClass,
    /// Which content shapes it takes.
    pub frames: Frames,
}

/// A form of a cue entry: which entry, which inflection, and the words after the first.
#[derive(Clone, Debug)]
pub struct CueForm {
    /// Index into [`Lexicon::cue_entries`].
    pub entry: u32,
    /// Inflection of the first word.
    pub form: VerbForm,
    /// Lowercased words that must follow the first one ("out" in "pointed out").
    pub rest: Vec<String>,
}

/// Grammatical gender as far as pronoun resolution needs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Gender {
    /// Masculine ("he").
    Male,
    /// Feminine ("she").
    Female,
    /// Non-personal ("it").
    Neuter,
    /// Plural ("they").
    Plural,
    /// Unknown.
    Unknown,
}

impl Gender {
    fn parse(s: &str) -> Gender {
        match s {
            "m" => Gender::Male,
            "f" => Gender::Female,
            "n" => Gender::Neuter,
            "p" => Gender::Plural,
            _ => Gender::Unknown,
        }
    }
}

/// Features of a pronoun.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pronoun {
    /// Gender (or plural).
    pub gender: Gender,
    /// 1, 2 or 3.
    pub person: u8,
    /// Grammatical role of the form.
    pub role: PronounRole,
}

/// Role of a pronoun form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PronounRole {
    /// "he", "they".
    Subject,
    /// "him", "them".
    Object,
    /// "his", "their".
    Possessive,
    /// "himself".
    Reflexive,
    /// "who", "which", "that".
    Relative,
}

/// The kind of entity a noun or title describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EntityKind {
    /// One person.
    Person,
    /// An organisation.
    Organization,
    /// A group of people.
    Group,
    /// Unknown.
    Unknown,
}

/// A title or role word ("defense secretary", "mayor").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Title {
    /// Gender the title implies, if any.
    pub gender: Gender,
}

/// A common noun that can denote a speaker ("officials", "the mayor").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PeopleNoun {
    /// Person, group or organisation.
    pub kind: EntityKind,
    /// Whether the noun is plural.
    pub plural: bool,
}

/// Everything the single-word lexicons say about one lowercase word, gathered so that a
/// token is looked up once (spaCy's lexeme): [`crate::document::Document::lexeme`] returns
/// it for each token, and the string lookups of [`Lexicon`] read it too.
#[derive(Clone, Debug, Default)]
pub struct Lexeme {
    /// The part-of-speech entry: most frequent tag and a frequent second one.
    pub pos: Option<(Tag, Option<Tag>)>,
    /// The cue forms whose first word this is.
    pub cue_forms: Vec<CueForm>,
    /// The pronoun, if the word is one.
    pub pronoun: Option<Pronoun>,
    /// The people noun, if the word is one.
    pub people_noun: Option<PeopleNoun>,
    /// The gender a given name is usually borne with.
    pub given_name: Option<Gender>,
    /// The calendar word (weekday or month), if it is one.
    pub time_word: Option<TimeWord>,
    flags: u8,
}

impl Lexeme {
    const ORG_WORD: u8 = 1;
    const ADJUNCT_PREP: u8 = 1 << 1;
    const ADJUNCT_HEAD: u8 = 1 << 2;
    const WORK_NOUN: u8 = 1 << 3;
    const EVIDENCE_NOUN: u8 = 1 << 4;

    /// Whether the word marks an organisation name ("ministry", "corp.").
    pub fn is_org_word(&self) -> bool {
        self.flags & Self::ORG_WORD != 0
    }

    /// Whether the word is a preposition that opens an adjunct between a speaker and a cue
    /// ([`Lexicon::is_adjunct_prep`]).
    pub fn is_adjunct_prep(&self) -> bool {
        self.flags & Self::ADJUNCT_PREP != 0
    }

    /// Whether the word heads a time, occasion or medium adjunct
    /// ([`Lexicon::is_adjunct_head`]).
    pub fn is_adjunct_head(&self) -> bool {
        self.flags & Self::ADJUNCT_HEAD != 0
    }

    /// Whether the word names a kind of work ([`Lexicon::is_work_noun`]).
    pub fn is_work_noun(&self) -> bool {
        self.flags & Self::WORK_NOUN != 0
    }

    /// Whether the word names a document or measurement ([`Lexicon::is_evidence_noun`]).
    pub fn is_evidence_noun(&self) -> bool {
        self.flags & Self::EVIDENCE_NOUN != 0
    }
}

/// The number of a [`Lexeme`] in the lexicon (0: a word no single-word lexicon lists).
pub type LexemeId = u32;

/// The 64-bit FNV-1a hash of a (lowercased) word: the key of lexeme and cue-statistics
/// lookups and the tagger's word input, computed once per token
/// ([`crate::document::Document::lower_hash`]). It is the same on every run and platform,
/// which the saved weights need.
///
/// Lookups compare hashes, not strings (as spaCy's string store does): no two words of
/// the lexicons share a hash (a test checks), and a word outside them takes a listed
/// word's hash with a probability of about one in 10^15 per token.
#[inline]
pub fn word_hash(word: &str) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in word.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}

/// Lexemes being collected while the lexicon is built.
#[derive(Default)]
struct LexemeTable {
    ids: FxHashMap<String, LexemeId>,
    lexemes: Vec<Lexeme>,
}

impl LexemeTable {
    /// The lexeme of `word` (as the data file spells it), added when new.
    fn entry(&mut self, word: &str) -> &mut Lexeme {
        if self.lexemes.is_empty() {
            self.lexemes.push(Lexeme::default());
        }
        let next = self.lexemes.len() as LexemeId;
        let id = *self.ids.entry(word.to_string()).or_insert(next);
        if id == next {
            self.lexemes.push(Lexeme::default());
        }
        &mut self.lexemes[id as usize]
    }

    fn flag(&mut self, word: &str, flag: u8) {
        self.entry(word).flags |= flag;
    }
}

/// All lexicons, indexed.
pub struct Lexicon {
    abbreviations: FxHashMap<String, bool>,
    /// Every cue entry.
    pub cue_entries: Vec<CueEntry>,
    cue_scanner: AhoCorasick,
    titles: FxHashMap<String, Title>,
    /// The first words (one or more) of the titles of several words ("chief", "chief
    /// executive" for "chief executive officer").
    title_prefixes: FxHashSet<String>,
    title_max_words: usize,
    org_names: FxHashSet<String>,
    org_name_max_words: usize,
    speech_events: FxHashSet<String>,
    speech_event_max_words: usize,
    /// Lexeme number of each word the single-word lexicons list, by [`word_hash`].
    lexeme_ids: FxHashMap<u64, LexemeId>,
    /// The lexemes, row 0 the empty one of unlisted words.
    lexemes: Vec<Lexeme>,
}

/// A calendar word.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeWord {
    /// A weekday, 1 = Monday … 7 = Sunday.
    Weekday(u8),
    /// A month, 1 = January … 12 = December.
    Month(u8),
}

static LEXICON: LazyLock<Lexicon> = LazyLock::new(Lexicon::build);

/// Data lines of a lexicon file: comments and blank lines dropped, columns split on tabs.
fn rows(data: &str) -> impl Iterator<Item = Vec<&str>> {
    data.lines()
        .map(str::trim_end)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| l.split('\t').map(str::trim).collect())
}

impl Lexicon {
    /// The shared lexicon, built on first use.
    pub fn get() -> &'static Lexicon {
        &LEXICON
    }

    fn build() -> Lexicon {
        let mut abbreviations = FxHashMap::default();
        for row in rows(include_str!("../lexicon/abbreviations.txt")) {
            let word = row[0];
            let (word, never_final) = match word.strip_suffix('*') {
                Some(w) => (w, true),
                None => (word, false),
            };
            abbreviations.insert(word.to_string(), never_final);
        }

        let mut table = LexemeTable::default();
        let (cue_entries, cue_forms) = build_cues(include_str!("../lexicon/cue_verbs.tsv"));
        let mut patterns: Vec<&str> = cue_forms.keys().map(String::as_str).collect();
        patterns.sort_unstable();
        let cue_scanner = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .build(&patterns)
            .expect("cue lexicon patterns build an automaton");
        let mut cue_forms: Vec<(String, Vec<CueForm>)> = cue_forms.into_iter().collect();
        cue_forms.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        for (word, forms) in cue_forms {
            table.entry(&word).cue_forms = forms;
        }

        for row in rows(include_str!("../lexicon/pronouns.tsv")) {
            if row.len() < 5 {
                continue;
            }
            let role = match row[4] {
                "subj" => PronounRole::Subject,
                "obj" => PronounRole::Object,
                "poss" => PronounRole::Possessive,
                "refl" => PronounRole::Reflexive,
                _ => PronounRole::Relative,
            };
            let person = row[3].parse().unwrap_or(3);
            table.entry(row[0]).pronoun = Some(Pronoun {
                gender: Gender::parse(row[1]),
                person,
                role,
            });
        }

        let mut titles = FxHashMap::default();
        let mut title_max_words = 1;
        for row in rows(include_str!("../lexicon/titles.tsv")) {
            let gender = Gender::parse(row.get(1).copied().unwrap_or("u"));
            title_max_words = title_max_words.max(row[0].split(' ').count());
            titles.entry(row[0].to_string()).or_insert(Title { gender });
        }
        let mut title_prefixes = FxHashSet::default();
        for title in titles.keys() {
            for (at, _) in title.match_indices(' ') {
                title_prefixes.insert(title[..at].to_string());
            }
        }

        for row in rows(include_str!("../lexicon/org_words.txt")) {
            table.flag(row[0], Lexeme::ORG_WORD);
        }
        let mut org_names = FxHashSet::default();
        let mut org_name_max_words = 1;
        for row in rows(include_str!("../lexicon/org_names.txt")) {
            org_name_max_words = org_name_max_words.max(row[0].split(' ').count());
            org_names.insert(row[0].to_string());
        }

        for row in rows(include_str!("../lexicon/people_nouns.tsv")) {
            let kind = match row.get(1).copied() {
                Some("person") => EntityKind::Person,
                Some("group") => EntityKind::Group,
                Some("org") => EntityKind::Organization,
                _ => EntityKind::Unknown,
            };
            let plural = row.get(2).copied() == Some("p");
            table.entry(row[0]).people_noun = Some(PeopleNoun { kind, plural });
        }

        let mut speech_events = FxHashSet::default();
        let mut speech_event_max_words = 1;
        for row in rows(include_str!("../lexicon/speech_events.txt")) {
            speech_event_max_words = speech_event_max_words.max(row[0].split(' ').count());
            speech_events.insert(row[0].to_string());
        }

        for row in rows(include_str!("../lexicon/given_names.tsv")) {
            if row.len() >= 2 {
                table.entry(row[0]).given_name = Some(Gender::parse(row[1]));
            }
        }

        for row in rows(include_str!("../lexicon/pos.tsv")) {
            let Some(t1) = row.get(1).and_then(|t| Tag::parse(t)) else {
                continue;
            };
            let t2 = row.get(2).and_then(|t| Tag::parse(t));
            table.entry(row[0]).pos = Some((t1, t2));
        }

        for row in rows(include_str!("../lexicon/time_words.tsv")) {
            if row.len() < 3 {
                continue;
            }
            let n: u8 = row[2].parse().unwrap_or(0);
            let w = if row[1] == "weekday" {
                TimeWord::Weekday(n)
            } else {
                TimeWord::Month(n)
            };
            table.entry(row[0]).time_word = Some(w);
        }

        for row in rows(include_str!("../lexicon/adjuncts.tsv")) {
            match row.get(1).copied() {
                Some("prep") => table.flag(row[0], Lexeme::ADJUNCT_PREP),
                Some("head") => table.flag(row[0], Lexeme::ADJUNCT_HEAD),
                _ => continue,
            };
        }

        for row in rows(include_str!("../lexicon/work_nouns.txt")) {
            table.flag(row[0], Lexeme::WORK_NOUN);
        }
        for row in rows(include_str!("../lexicon/evidence_nouns.txt")) {
            table.flag(row[0], Lexeme::EVIDENCE_NOUN);
        }
        if table.lexemes.is_empty() {
            table.lexemes.push(Lexeme::default());
        }

        Lexicon {
            abbreviations,
            cue_entries,
            cue_scanner,
            titles,
            title_prefixes,
            title_max_words,
            org_names,
            org_name_max_words,
            speech_events,
            speech_event_max_words,
            lexeme_ids: table
                .ids
                .iter()
                .map(|(w, &id)| (word_hash(w), id))
                .collect(),
            lexemes: table.lexemes,
        }
    }

    /// The lexeme number of `word`, which must already be lowercased the way [`lower`]
    /// does it ([`crate::document::Document::lower`] is): 0 for a word no single-word
    /// lexicon lists.
    #[inline]
    pub fn lexeme_id(&self, lowercased: &str) -> LexemeId {
        self.lexeme_id_by_hash(word_hash(lowercased))
    }

    /// The lexeme number of the lowercased word whose [`word_hash`] is `hash`.
    #[inline]
    pub fn lexeme_id_by_hash(&self, hash: u64) -> LexemeId {
        self.lexeme_ids.get(&hash).copied().unwrap_or(0)
    }

    /// The lexeme numbered `id` (the empty lexeme when out of range).
    #[inline]
    pub fn lexeme_at(&self, id: LexemeId) -> &Lexeme {
        self.lexemes.get(id as usize).unwrap_or(&self.lexemes[0])
    }

    /// The lexeme number of each of `tokens` (for tests that run passes without a
    /// [`crate::document::Document`]).
    #[cfg(test)]
    pub(crate) fn lexeme_ids_of(
        &self,
        text: &str,
        tokens: &[crate::token::Token],
    ) -> Vec<LexemeId> {
        tokens
            .iter()
            .map(|t| with_lower(&text[t.span], |w| self.lexeme_id(w)))
            .collect()
    }

    /// The lexeme of `word` (any case).
    #[inline]
    pub fn lexeme(&self, word: &str) -> &Lexeme {
        self.lexeme_at(with_lower(word, |w| self.lexeme_id(w)))
    }

    /// Whether `word` (with its final period) is a known abbreviation.
    pub fn is_abbreviation(&self, word: &str) -> bool {
        with_lower(word, |w| self.abbreviations.contains_key(w))
    }

    /// Whether `word` is an abbreviation that never ends a sentence (a title before a name).
    pub fn is_title_abbreviation(&self, word: &str) -> bool {
        with_lower(word, |w| self.abbreviations.get(w).copied()).unwrap_or(false)
    }

    /// The cue forms whose first word is `word` (any case).
    pub fn cue_forms(&self, word: &str) -> &[CueForm] {
        &self.lexeme(word).cue_forms
    }

    /// A case-insensitive automaton over the first words of all cue forms: a fast
    /// prefilter that tells whether a stretch of text can hold a cue at all.
    pub fn cue_scanner(&self) -> &AhoCorasick {
        &self.cue_scanner
    }

    /// The pronoun `word`, if it is one.
    pub fn pronoun(&self, word: &str) -> Option<Pronoun> {
        self.lexeme(word).pronoun
    }

    /// The title spelled by `words` (lowercased, joined with single spaces), if any.
    pub fn title(&self, phrase: &str) -> Option<Title> {
        self.titles.get(phrase).copied()
    }

    /// Whether `phrase` (lowercase, words separated by one space) begins a longer title.
    pub fn is_title_prefix(&self, phrase: &str) -> bool {
        self.title_prefixes.contains(phrase)
    }

    /// The longest number of words of any title.
    pub fn title_max_words(&self) -> usize {
        self.title_max_words
    }

    /// Whether `word` marks an organisation name ("Ministry", "Corp.").
    pub fn is_org_word(&self, word: &str) -> bool {
        self.lexeme(word).is_org_word()
    }

    /// Whether `phrase` (as written) is a known organisation name or acronym.
    pub fn is_org_name(&self, phrase: &str) -> bool {
        self.org_names.contains(phrase)
    }

    /// The longest number of words of any known organisation name.
    pub fn org_name_max_words(&self) -> usize {
        self.org_name_max_words
    }

    /// The people noun `word`, if it is one.
    pub fn people_noun(&self, word: &str) -> Option<PeopleNoun> {
        self.lexeme(word).people_noun
    }

    /// Whether `phrase` (lowercased, single spaces) names an occasion of speech.
    pub fn is_speech_event(&self, phrase: &str) -> bool {
        self.speech_events.contains(phrase)
    }

    /// The longest number of words of any speech event.
    pub fn speech_event_max_words(&self) -> usize {
        self.speech_event_max_words
    }

    /// The gender a given name is usually borne with.
    pub fn given_name_gender(&self, word: &str) -> Option<Gender> {
        self.lexeme(word).given_name
    }

    /// The calendar word `word` (weekday or month), if it is one.
    pub fn time_word(&self, word: &str) -> Option<TimeWord> {
        self.lexeme(word).time_word
    }

    /// Whether `word` is a preposition that opens an adjunct between a speaker and a cue
    /// ("in", "at", "following": "Esper *in* a statement said").
    pub fn is_adjunct_prep(&self, word: &str) -> bool {
        self.lexeme(word).is_adjunct_prep()
    }

    /// Whether `word` is a head noun that makes the object of an adjunct preposition a time,
    /// occasion or medium rather than a speaker ("on *Twitter*", "at a news *conference*",
    /// "over the *weekend*"). Calendar words and speech events count too, but are not in
    /// this list (see [`Lexicon::time_word`] and [`Lexicon::is_speech_event`]).
    pub fn is_adjunct_head(&self, word: &str) -> bool {
        self.lexeme(word).is_adjunct_head()
    }

    /// Whether `word` names a kind of work whose title may follow in quotation marks
    /// ("the documentary", "a spot titled").
    pub fn is_work_noun(&self, word: &str) -> bool {
        self.lexeme(word).is_work_noun()
    }

    /// Whether `word` names a document or measurement that reports findings itself ("poll",
    /// "survey", "study").
    pub fn is_evidence_noun(&self, word: &str) -> bool {
        self.lexeme(word).is_evidence_noun()
    }

    /// The part-of-speech entry for `word`: most frequent tag and a frequent second one.
    pub fn pos(&self, word: &str) -> Option<(Tag, Option<Tag>)> {
        self.lexeme(word).pos
    }
}

/// Calls `f` with `word` lowercased exactly as [`lower`] does, without allocating for
/// short ASCII words (most tokens): they are lowercased in a buffer on the stack.
#[inline]
pub fn with_lower<R>(word: &str, f: impl FnOnce(&str) -> R) -> R {
    const MAX: usize = 48;
    let bytes = word.as_bytes();
    if bytes.is_ascii() {
        if !bytes.iter().any(u8::is_ascii_uppercase) {
            return f(word);
        }
        if bytes.len() <= MAX {
            let mut buf = [0u8; MAX];
            let b = &mut buf[..bytes.len()];
            b.copy_from_slice(bytes);
            b.make_ascii_lowercase();
            // ASCII stays ASCII, so this never fails; the fallback only keeps it panic-free.
            if let Ok(w) = std::str::from_utf8(b) {
                return f(w);
            }
        }
    }
    f(lower(word).as_ref())
}

/// Lowercases `word`, borrowing it when it already is lowercase.
pub fn lower(word: &str) -> std::borrow::Cow<'_, str> {
    use std::borrow::Cow;
    if word.is_ascii() {
        if word.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(word.to_ascii_lowercase())
        } else {
            Cow::Borrowed(word)
        }
    } else if word
        .chars()
        .all(|c| c != '’' && (c.is_lowercase() || !c.is_alphabetic()))
    {
        // Already lowercase: quotation marks, dashes, "café" (the common non-ASCII tokens).
        Cow::Borrowed(word)
    } else {
        Cow::Owned(word.to_lowercase().replace('’', "'"))
    }
}

fn build_cues(data: &str) -> (Vec<CueEntry>, FxHashMap<String, Vec<CueForm>>) {
    let mut entries: Vec<CueEntry> = Vec::new();
    let mut by_lemma: FxHashMap<String, u32> = FxHashMap::default();
    let mut forms: FxHashMap<String, Vec<CueForm>> = FxHashMap::default();
    for row in rows(data) {
        if row.len() < 3 {
            continue;
        }
        let lemma = row[0].to_string();
        let class = match row[1] {
            "speech" => CueClass::Speech,
            "thought" => CueClass::Thought,
            "intent" => CueClass::Intent,
            "evidence" => CueClass::Evidence,
            _ => CueClass::Stance,
        };
        let frames = Frames::parse(row[2]);
        // A lemma listed twice keeps its first class and unites the frames.
        let idx = match by_lemma.get(&lemma) {
            Some(&i) => {
                entries[i as usize].frames.0 |= frames.0;
                i
            }
            None => {
                let i = entries.len() as u32;
                entries.push(CueEntry {
                    lemma: lemma.clone(),
                    class,
                    frames,
                });
                by_lemma.insert(lemma.clone(), i);
                i
            }
        };
        let inflected: Vec<(String, VerbForm)> = match row.get(3) {
            Some(list) => explicit_forms(&lemma, list),
            None => regular_forms(&lemma),
        };
        for (form_text, form) in inflected {
            let mut words = form_text.split(' ');
            let first = words.next().unwrap_or_default().to_string();
            let rest: Vec<String> = words.map(str::to_string).collect();
            let list = forms.entry(first).or_default();
            if !list
                .iter()
                .any(|f| f.entry == idx && f.form == form && f.rest == rest)
            {
                list.push(CueForm {
                    entry: idx,
                    form,
                    rest,
                });
            }
        }
    }
    (entries, forms)
}

fn explicit_forms(lemma: &str, list: &str) -> Vec<(String, VerbForm)> {
    let parts: Vec<&str> = list.split(',').map(str::trim).collect();
    let mut out = vec![(lemma.to_string(), VerbForm::Base)];
    let kinds = [
        VerbForm::ThirdSingular,
        VerbForm::Past,
        VerbForm::Participle,
        VerbForm::Ing,
    ];
    for (p, k) in parts.iter().zip(kinds) {
        if *p == "-" {
            continue;
        }
        out.push((p.to_string(), k));
    }
    out
}

/// Regular English inflection of the first word of `lemma`.
fn regular_forms(lemma: &str) -> Vec<(String, VerbForm)> {
    let (head, tail) = match lemma.split_once(' ') {
        Some((h, t)) => (h, format!(" {t}")),
        None => (lemma, String::new()),
    };
    let consonant_y = head.ends_with('y')
        && !head.ends_with("ay")
        && !head.ends_with("ey")
        && !head.ends_with("oy")
        && !head.ends_with("uy");
    let third = if consonant_y {
        format!("{}ies", &head[..head.len() - 1])
    } else if ["s", "x", "z", "ch", "sh", "o"]
        .iter()
        .any(|s| head.ends_with(s))
    {
        format!("{head}es")
    } else {
        format!("{head}s")
    };
    let past = if consonant_y {
        format!("{}ied", &head[..head.len() - 1])
    } else if head.ends_with('e') {
        format!("{head}d")
    } else {
        format!("{head}ed")
    };
    let ing = if let Some(stem) = head.strip_suffix("ie") {
        format!("{stem}ying")
    } else if head.ends_with('e') && !head.ends_with("ee") && head.len() > 2 {
        format!("{}ing", &head[..head.len() - 1])
    } else {
        format!("{head}ing")
    };
    vec![
        (format!("{head}{tail}"), VerbForm::Base),
        (format!("{third}{tail}"), VerbForm::ThirdSingular),
        (format!("{past}{tail}"), VerbForm::Past),
        (format!("{past}{tail}"), VerbForm::Participle),
        (format!("{ing}{tail}"), VerbForm::Ing),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_two_lexicon_words_share_a_hash() {
        // Every lexeme but the empty one is reached by exactly one hash: a collision would
        // have dropped a word from the index when the lexicon was built.
        let lex = Lexicon::get();
        let mut ids: Vec<LexemeId> = lex.lexeme_ids.values().copied().collect();
        ids.sort_unstable();
        let expected: Vec<LexemeId> = (1..lex.lexemes.len() as LexemeId).collect();
        assert_eq!(ids, expected);
        assert!(lex.lexemes.len() > 15_000);
        assert_eq!(
            lex.lexeme_id("said"),
            lex.lexeme_id_by_hash(word_hash("said"))
        );
        assert_ne!(lex.lexeme_id("said"), 0);
        assert_eq!(lex.lexeme_id("zorblat"), 0);
    }

    #[test]
    fn regular_inflection() {
        let f: Vec<String> = regular_forms("argue").into_iter().map(|x| x.0).collect();
        assert_eq!(f, ["argue", "argues", "argued", "argued", "arguing"]);
        let f: Vec<String> = regular_forms("point out")
            .into_iter()
            .map(|x| x.0)
            .collect();
        assert_eq!(
            f,
            [
                "point out",
                "points out",
                "pointed out",
                "pointed out",
                "pointing out"
            ]
        );
        let f: Vec<String> = regular_forms("testify").into_iter().map(|x| x.0).collect();
        assert_eq!(f[1], "testifies");
        assert_eq!(f[2], "testified");
        let f: Vec<String> = regular_forms("stress").into_iter().map(|x| x.0).collect();
        assert_eq!(f[1], "stresses");
    }

    #[test]
    fn lexicon_loads() {
        let lex = Lexicon::get();
        assert!(
            lex.cue_forms("Said")
                .iter()
                .any(|f| lex.cue_entries[f.entry as usize].lemma == "say")
        );
        assert!(lex.cue_forms("pointed").iter().any(|f| f.rest == ["out"]));
        assert!(lex.is_abbreviation("Gen.") && lex.is_title_abbreviation("Mr."));
        assert!(!lex.is_title_abbreviation("Inc."));
        assert_eq!(lex.pronoun("She").map(|p| p.gender), Some(Gender::Female));
        assert!(lex.title("defense secretary").is_some());
        assert_eq!(lex.given_name_gender("Mark"), Some(Gender::Male));
        assert!(lex.pos("said").is_some());
        assert!(lex.is_org_name("NATO"));
    }

    #[test]
    fn adjuncts_load_by_kind() {
        let lex = Lexicon::get();
        let data = include_str!("../lexicon/adjuncts.tsv");
        let (mut preps, mut heads) = (0, 0);
        for row in rows(data) {
            assert_eq!(row.len(), 2, "two columns in {row:?}");
            match row[1] {
                "prep" => {
                    preps += 1;
                    assert!(lex.is_adjunct_prep(row[0]) && !lex.is_adjunct_head(row[0]));
                }
                "head" => {
                    heads += 1;
                    assert!(lex.is_adjunct_head(row[0]) && !lex.is_adjunct_prep(row[0]));
                }
                kind => panic!("unknown kind {kind:?} for {:?}", row[0]),
            }
        }
        assert_eq!((preps, heads), (12, 19));
        let count = |f: fn(&Lexeme) -> bool| lex.lexemes.iter().filter(|l| f(l)).count();
        assert_eq!(count(Lexeme::is_adjunct_prep), preps);
        assert_eq!(count(Lexeme::is_adjunct_head), heads);
        // Case-insensitive, and the two kinds are kept apart.
        assert!(lex.is_adjunct_prep("Following") && lex.is_adjunct_prep("via"));
        assert!(lex.is_adjunct_head("Twitter") && lex.is_adjunct_head("weekend"));
        assert!(!lex.is_adjunct_prep("week") && !lex.is_adjunct_head("in"));
        assert!(!lex.is_adjunct_prep("of") && !lex.is_adjunct_head("minister"));
    }

    #[test]
    fn work_nouns_load() {
        let lex = Lexicon::get();
        assert!(lex.is_work_noun("documentary") && lex.is_work_noun("Titled"));
        assert!(!lex.is_work_noun("minister") && !lex.is_work_noun("said"));
    }

    #[test]
    fn evidence_nouns_load() {
        let lex = Lexicon::get();
        assert!(lex.is_evidence_noun("poll") && lex.is_evidence_noun("Surveys"));
        assert!(!lex.is_evidence_noun("interview") && !lex.is_evidence_noun("minister"));
    }
}
