//! Indirect and mixed speech: from cues to speakers and contents.

use super::Attribution;
use super::content::{content_after, content_before, skip_adjuncts};
use super::direct::clause_subject;
use super::speaker::{subject_after, subject_before};
use crate::cue::Cue;
use crate::document::Document;
use crate::lexicon::{CueClass, Frames, Lexicon};
use crate::np::{basic_np_starting_at, with_attachments};
use crate::pos::Tag;
use crate::segment::TokenRange;
use crate::token::TokenKind;

/// Attributes the cues the direct pass left unused.
pub fn attribute_indirect(
    doc: &Document,
    lexicon: &Lexicon,
    used: &[bool],
    out: &mut Vec<Attribution>,
) {
    let mut direct_spans: Vec<TokenRange> = out
        .iter()
        .flat_map(|a| a.content_tokens.iter().copied())
        .collect();
    direct_spans.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
    // The longest end among spans starting at or before each position, for containment
    // tests by binary search.
    let mut reach = Vec::with_capacity(direct_spans.len());
    let mut far = 0u32;
    for r in &direct_spans {
        far = far.max(r.end);
        reach.push(far);
    }
    let inside_direct = |c: TokenRange| {
        let k = direct_spans.partition_point(|d| d.start <= c.start);
        k > 0 && reach[k - 1] >= c.end
    };
    // Speakers found so far, by sentence (for participial cues: ", adding that …").
    let mut speakers: rustc_hash::FxHashMap<u32, Vec<TokenRange>> =
        rustc_hash::FxHashMap::default();
    for a in out.iter() {
        if let Some(r) = a.speaker_tokens {
            speakers.entry(a.sentence).or_default().push(r);
        }
    }
    for (k, cue) in doc.cues.iter().enumerate() {
        if used[k] {
            continue;
        }
        let found = if cue.lemma(lexicon) == "according to" {
            according_to(doc, lexicon, cue)
        } else if let Some(content) = asked(doc, lexicon, cue) {
            Some((None, content, super::Shape::CueThenContent))
        } else {
            reported(
                doc,
                lexicon,
                cue,
                speakers
                    .get(&cue.sentence)
                    .map(Vec::as_slice)
                    .unwrap_or(&[]),
            )
        };
        let Some((speaker, content, shape)) = found else {
            continue;
        };
        // Never re-attribute the inside of a direct quotation already attributed.
        if inside_direct(content) {
            continue;
        }
        let kind = super::kind_of(doc, &[content]);
        let class = cue.class(lexicon);
        let mut confidence = match class {
            CueClass::Speech => 0.85,
            CueClass::Thought | CueClass::Evidence => 0.65,
            CueClass::Intent => 0.6,
            CueClass::Stance => 0.55,
        };
        if speaker.is_none() {
            confidence -= 0.2;
        }
        if let Some(r) = speaker {
            speakers.entry(cue.sentence).or_default().push(r);
        }
        out.push(Attribution {
            kind,
            content: vec![doc.token_span(content.start as usize, content.end as usize)],
            content_tokens: vec![content],
            cue: Some(cue.span(doc)),
            cue_tokens: Some(cue.tokens),
            cue_lemma: Some(cue.lemma(lexicon).to_string()),
            cue_class: Some(class),
            speaker: speaker.map(|r| doc.token_span(r.start as usize, r.end as usize)),
            speaker_tokens: speaker,
            speaker_mention: None,
            entity: None,
            when: None,
            confidence,
            shape,
            sentence: cue.sentence,
        });
    }
}

/// "according to X, …" and "…, according to X."
fn according_to(
    doc: &Document,
    lexicon: &Lexicon,
    cue: &Cue,
) -> Option<(Option<TokenRange>, TokenRange, super::Shape)> {
    let s = doc.sentences[cue.sentence as usize];
    let (s_start, s_end) = (s.tokens.start as usize, s.tokens.end as usize);
    let src_np = basic_np_starting_at(doc, cue.tokens.end as usize, s_end)?;
    let src_np = with_attachments(doc, src_np, s_end);
    let src = TokenRange::new(src_np.start, src_np.end);
    let before = cue.aux_start as usize;
    let lead = (s_start..before).all(|i| {
        matches!(doc.tags[i], Tag::CC | Tag::RB | Tag::Comma)
            || doc.tokens[i].kind == TokenKind::Quote
    });
    let content = if lead {
        content_after(doc, lexicon, src.end as usize, s_end)?
    } else {
        content_before(doc, s_start, before)?
    };
    Some((Some(src), content, super::Shape::AccordingTo))
}

/// "In an NBC News poll released Monday, 50 percent of respondents chose Clinton": a
/// sentence that opens with "in" and a poll, survey or study is that document's report.
/// The cue is "In", the source the noun phrase up to the comma, the content the clause after
/// it. Sentences whose clause has a reporting verb of its own are left to that verb; cues
/// inside the source ("released") are marked used.
pub fn attribute_in_documents(doc: &Document, used: &mut [bool], out: &mut Vec<Attribution>) {
    for (k, s) in doc.sentences.iter().enumerate() {
        let (mut a, end) = (s.tokens.start as usize, s.tokens.end as usize);
        while a < end && (doc.tags[a] == Tag::CC || doc.tokens[a].kind == TokenKind::Quote) {
            a += 1;
        }
        if a + 3 >= end || doc.lower(a) != "in" {
            continue;
        }
        // The source runs on ("released Monday", "of 1,000 voters") up to the first comma;
        // a poll, survey or study is among its nouns ("an NBC News/Wall Street Journal poll").
        if basic_np_starting_at(doc, a + 1, end).is_none() {
            continue;
        }
        let Some(comma) = (a + 2..end.min(a + 16)).find(|&i| doc.tags[i] == Tag::Comma) else {
            continue;
        };
        if !(a + 1..comma).any(|i| doc.tags[i].is_noun() && doc.lexeme(i).is_evidence_noun()) {
            continue;
        }
        let Some(content) = super::trim_content(doc, comma + 1, end) else {
            continue;
        };
        let has_verb = content
            .range()
            .any(|i| doc.tags[i].is_verb() || doc.tags[i] == Tag::MD);
        if !has_verb || doc.cue_overlapping(content).is_some() {
            continue;
        }
        let source = TokenRange::new(a + 1, comma);
        for (c, u) in doc.cues.iter().zip(used.iter_mut()) {
            if c.tokens.overlaps(source) {
                *u = true;
            }
        }
        out.push(Attribution {
            kind: super::kind_of(doc, &[content]),
            content: vec![doc.token_span(content.start as usize, content.end as usize)],
            content_tokens: vec![content],
            cue: Some(doc.token_span(a, a + 1)),
            cue_tokens: Some(TokenRange::new(a, a + 1)),
            cue_lemma: Some("in".to_string()),
            cue_class: Some(CueClass::Evidence),
            speaker: Some(doc.token_span(a + 1, comma)),
            speaker_tokens: Some(source),
            speaker_mention: None,
            entity: None,
            when: None,
            confidence: 0.65,
            shape: super::Shape::AccordingTo,
            sentence: k as u32,
        });
    }
}

/// "Asked whether the plan would work, the mayor said …": a question put to the main clause's
/// subject by someone the sentence does not name. The content is the question, up to the
/// comma that ends the participial phrase; the attribution has no source.
fn asked(doc: &Document, lexicon: &Lexicon, cue: &Cue) -> Option<TokenRange> {
    let s = doc.sentences[cue.sentence as usize];
    let (s_start, s_end) = (s.tokens.start as usize, s.tokens.end as usize);
    let head = cue.tokens.start as usize;
    if !matches!(cue.lemma(lexicon), "ask" | "press" | "question")
        || !matches!(doc.tags[head], Tag::VBN | Tag::VBD)
        || cue.aux_start as usize != head
        || !(s_start..head).all(|i| {
            matches!(doc.lower(i), "when" | "and" | "but" | "later" | "then")
                || doc.tokens[i].kind == TokenKind::Quote
        })
    {
        return None;
    }
    // "Asked by reporters on Friday whether …": the question starts within a few words.
    let from = cue.tokens.end as usize;
    let start = (from..s_end.min(from + 10))
        .take_while(|&i| doc.tags[i] != Tag::Comma)
        .find(|&i| {
            matches!(
                doc.lower(i),
                "if" | "whether"
                    | "about"
                    | "to"
                    | "who"
                    | "what"
                    | "why"
                    | "how"
                    | "when"
                    | "where"
                    | "which"
            )
        })?;
    // The phrase ends at the first comma outside a quotation opened inside it, or at the
    // closing mark just after a comma inside one (`whether she “is fit,” voters said`).
    let end = (start..s_end).find_map(|k| {
        if doc.tags[k] != Tag::Comma {
            return None;
        }
        match doc.quotation_at(k) {
            Some(q) if doc.quotations[q].open as usize >= start => {
                let close = doc.quotations[q].close? as usize;
                (close == k + 1).then_some(close + 1)
            }
            _ => Some(k),
        }
    })?;
    // A main clause must follow ("…, the mayor said", "…, 75 percent of voters said no").
    if !(end..s_end).any(|i| doc.tags[i].is_verb()) {
        return None;
    }
    super::trim_content(doc, start, end)
}

/// "X said (that) …", "…, X said.", "…, said X.", "X wants to …", "X criticized Y".
fn reported(
    doc: &Document,
    lexicon: &Lexicon,
    cue: &Cue,
    earlier_speakers: &[TokenRange],
) -> Option<(Option<TokenRange>, TokenRange, super::Shape)> {
    let s = doc.sentences[cue.sentence as usize];
    let (s_start, s_end) = (s.tokens.start as usize, s.tokens.end as usize);
    let frames = cue.frames(lexicon);
    let class = cue.class(lexicon);
    let head = cue.tokens.start as usize;
    let aux = cue.aux_start as usize;
    let after_comma = aux > s_start && doc.tags[aux - 1] == Tag::Comma;
    let mut speaker = subject_before(doc, lexicon, aux, s_start);
    let mut inverted = false;
    // A cue in the second of two coordinated verb phrases ("Wilson praised Rubio and said
    // …") has the first one's subject.
    let coordinated = aux > s_start + 1
        && matches!(doc.lower(aux - 1), "and" | "but")
        && aux == head
        && matches!(doc.tags[head], Tag::VBD | Tag::VBZ | Tag::VBP);
    if speaker.is_none() && (after_comma && doc.tags[head] == Tag::VBG || coordinated) {
        // Participial cue: the speaker is the main clause's ("…, adding that …").
        speaker = earlier_speakers
            .iter()
            .rev()
            .find(|r| (r.end as usize) <= aux)
            .copied()
            .or_else(|| clause_subject(doc, s_start, aux - 1));
    }
    if speaker.is_none()
        && (after_comma || aux > s_start && doc.tokens[aux - 1].kind == TokenKind::Quote)
        && frames.has(Frames::INVERSION)
    {
        let after = skip_adjuncts(doc, lexicon, cue.tokens.end as usize, s_end);
        speaker = subject_after(doc, after, s_end);
        inverted = speaker.is_some();
    }
    let speaker = speaker?;
    // Passive participles ("was criticized", "is expected") are not reports by the subject.
    if matches!(doc.tags[head], Tag::VBN) && aux < head && (aux..head).any(|i| is_be(doc, i)) {
        return None;
    }
    if doc.tags[head] == Tag::VBN && aux == head && !matches!(class, CueClass::Speech) {
        return None;
    }
    if inverted {
        // "…, said X." — the content is before the cue.
        let end = if after_comma { aux - 1 } else { aux };
        return content_before(doc, s_start, end)
            .map(|c| (Some(speaker), c, super::Shape::ContentThenCue));
    }
    let mut after = skip_adjuncts(doc, lexicon, cue.tokens.end as usize, s_end);
    if frames.has(Frames::RECIPIENT)
        && let Some(np) = basic_np_starting_at(doc, after, s_end)
        && !matches!(doc.lower(np.start), "that" | "this")
    {
        let next = skip_adjuncts(doc, lexicon, np.end, s_end);
        if next < s_end
            && (matches!(
                doc.lower(next),
                "that" | "to" | "if" | "whether" | "about" | "of"
            ) || doc.tags[next] == Tag::Colon
                || doc.tags[next] == Tag::Comma
                || starts_clause(doc, next))
        {
            after = next;
        }
    }
    if after < s_end
        && !matches!(doc.tags[after], Tag::Final)
        && !(doc.tags[after] == Tag::Comma && trailing_only(doc, after, s_end))
    {
        let content = content_after(doc, lexicon, after, s_end)?;
        // Infinitive frames need "to", clause frames anything; objects need a noun phrase.
        return Some((Some(speaker), content, super::Shape::CueThenContent));
    }
    // "…, officials said." — the content is before the speaker.
    let sp_start = speaker.start as usize;
    if sp_start > s_start && doc.tags[sp_start - 1] == Tag::Comma && frames.has(Frames::CLAUSE) {
        return content_before(doc, s_start, sp_start - 1)
            .map(|c| (Some(speaker), c, super::Shape::ContentThenCue));
    }
    None
}

fn trailing_only(doc: &Document, from: usize, s_end: usize) -> bool {
    (from..s_end).all(|i| doc.tags[i].is_punct())
}

fn is_be(doc: &Document, i: usize) -> bool {
    matches!(
        doc.lower(i),
        "is" | "was" | "were" | "are" | "be" | "been" | "being" | "'s"
    )
}

/// Whether a clause (subject + verb) starts at token `i`.
fn starts_clause(doc: &Document, i: usize) -> bool {
    let t = doc.tags[i];
    matches!(t, Tag::PRP | Tag::DT | Tag::NNP | Tag::NNPS | Tag::EX)
        && doc.tokens[i].kind == TokenKind::Word
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attribution::{QuoteKind, Shape};
    use crate::document::extract_rules as rules;

    /// The indirect pass alone, with no cue used by the direct pass.
    fn indirect(text: &str) -> (Document, Vec<Attribution>) {
        let doc = rules(text);
        let used = vec![false; doc.cues.len()];
        let mut out = Vec::new();
        attribute_indirect(&doc, Lexicon::get(), &used, &mut out);
        (doc, out)
    }

    /// Speaker, cue, content and shape of the only attribution found.
    fn one(text: &str) -> (String, String, String, Shape) {
        let (doc, out) = indirect(text);
        assert_eq!(out.len(), 1, "{text}: {out:#?}");
        let a = &out[0];
        let s = |x: Option<crate::span::Span>| x.map(|s| doc.slice(s).to_string());
        (
            s(a.speaker).unwrap_or_default(),
            s(a.cue).unwrap_or_default(),
            doc.slice(a.content[0]).to_string(),
            a.shape,
        )
    }

    fn owned(s: &str, c: &str, t: &str, shape: Shape) -> (String, String, String, Shape) {
        (s.to_string(), c.to_string(), t.to_string(), shape)
    }

    #[test]
    fn speaker_cue_then_content() {
        assert_eq!(
            one("The minister said that the plan would fail."),
            owned(
                "The minister",
                "said",
                "that the plan would fail",
                Shape::CueThenContent
            )
        );
        let (_, out) = indirect("The minister said that the plan would fail.");
        assert_eq!(out[0].kind, QuoteKind::Indirect);
        assert_eq!(out[0].cue_lemma.as_deref(), Some("say"));
        assert_eq!(out[0].confidence, 0.85);
    }

    #[test]
    fn recipient_before_the_content() {
        assert_eq!(
            one("The minister told reporters that the plan would fail."),
            owned(
                "The minister",
                "told",
                "that the plan would fail",
                Shape::CueThenContent
            )
        );
    }

    #[test]
    fn content_before_the_cue() {
        assert_eq!(
            one("The plan would fail, officials said."),
            owned(
                "officials",
                "said",
                "The plan would fail",
                Shape::ContentThenCue
            )
        );
        assert_eq!(
            one("The plan would fail, said the minister."),
            owned(
                "the minister",
                "said",
                "The plan would fail",
                Shape::ContentThenCue
            )
        );
    }

    #[test]
    fn according_to_before_and_after() {
        assert_eq!(
            one("According to the ministry, the plan would fail."),
            owned(
                "the ministry",
                "According to",
                "the plan would fail",
                Shape::AccordingTo
            )
        );
        assert_eq!(
            one("The plan would fail, according to the ministry."),
            owned(
                "the ministry",
                "according to",
                "The plan would fail",
                Shape::AccordingTo
            )
        );
    }

    #[test]
    fn participial_cue_takes_the_main_subject() {
        assert_eq!(
            one("The mayor spoke on Friday, adding that the plan would fail."),
            owned(
                "The mayor",
                "adding",
                "that the plan would fail",
                Shape::CueThenContent
            )
        );
    }

    /// Speaker, cue and content of every attribution the whole rule pipeline keeps.
    fn kept(text: &str) -> Vec<(String, String, String)> {
        let doc = rules(text);
        let s = |x: Option<crate::span::Span>| x.map(|s| doc.slice(s).to_string());
        doc.attributions
            .iter()
            .map(|a| {
                (
                    s(a.speaker).unwrap_or_default(),
                    s(a.cue).unwrap_or_default(),
                    doc.slice(a.content[0]).to_string(),
                )
            })
            .collect()
    }

    fn triple(s: &str, c: &str, t: &str) -> (String, String, String) {
        (s.to_string(), c.to_string(), t.to_string())
    }

    #[test]
    fn a_closing_frame_is_the_outer_attribution() {
        // The inner cue's content stops before ", a source said." and the outer one stands.
        assert_eq!(
            kept("Officials decided to change course, a source said."),
            [triple(
                "a source",
                "said",
                "Officials decided to change course"
            )]
        );
        assert_eq!(
            kept("The plan called for more troops, said the minister."),
            [triple(
                "the minister",
                "said",
                "The plan called for more troops"
            )]
        );
        // Not a closing frame: the clause goes on after the verb.
        let (doc, out) = indirect("Officials decided to cut taxes, a move critics said was rash.");
        assert_eq!(
            doc.slice(out[0].content[0]),
            "to cut taxes, a move critics said was rash"
        );
    }

    #[test]
    fn coordinated_cues_share_the_subject() {
        assert_eq!(
            kept("Wilson praised the plan and said the senator would win."),
            [
                triple("Wilson", "praised", "the plan"),
                triple("Wilson", "said", "the senator would win"),
            ]
        );
        // Only a finite reporting verb after "and" ends the first content.
        let (doc, out) = indirect("Wilson said prices rose and wages fell.");
        assert_eq!(doc.slice(out[0].content[0]), "prices rose and wages fell");
    }

    #[test]
    fn asked_questions_have_no_source() {
        let (doc, out) = indirect("Asked if he was ever bullied, the candidate said no.");
        let asked = out
            .iter()
            .find(|a| a.cue.is_some_and(|c| doc.slice(c) == "Asked"))
            .expect("an attribution for Asked");
        assert_eq!(asked.speaker, None);
        assert_eq!(doc.slice(asked.content[0]), "if he was ever bullied");
        let (doc, out) =
            indirect("Asked by reporters on Friday whether taxes would rise, he said no.");
        assert!(
            out.iter()
                .any(|a| doc.slice(a.content[0]) == "whether taxes would rise")
        );
        // A comma inside a quotation does not end the question.
        let (doc, out) = indirect(
            "Asked whether she “has the integrity to serve,” 75 percent of voters said yes.",
        );
        assert!(
            out.iter()
                .any(|a| doc.slice(a.content[0]) == "whether she “has the integrity to serve,”")
        );
        // "Asked" with a subject of its own is an ordinary cue.
        let (doc, out) = indirect("The mayor asked whether taxes would rise.");
        assert_eq!(out[0].speaker.map(|s| doc.slice(s)), Some("The mayor"));
    }

    #[test]
    fn a_poll_reports_the_clause_after_it() {
        assert_eq!(
            kept(
                "In an NBC News/Wall Street Journal poll released Monday, 50 percent of \
                 respondents chose Clinton."
            ),
            [triple(
                "an NBC News/Wall Street Journal poll released Monday",
                "In",
                "50 percent of respondents chose Clinton"
            )]
        );
        let doc = rules("In the same poll, Obama was winning by 28 points.");
        assert_eq!(doc.attributions[0].cue_class, Some(CueClass::Evidence));
        assert_eq!(doc.attributions[0].shape, Shape::AccordingTo);
        // The clause's own reporting verb wins; an interview is not a document that reports.
        assert_eq!(
            kept("In the latest survey, most voters said they liked her."),
            [triple("most voters", "said", "they liked her")]
        );
        assert!(kept("In an interview on Friday, the plan was dropped.").is_empty());
    }

    #[test]
    fn confidence_follows_the_cue_class() {
        let (_, out) = indirect("The minister believes the plan will fail.");
        assert_eq!(out[0].cue_class, Some(CueClass::Thought));
        assert_eq!(out[0].confidence, 0.65);
        let (doc, out) = indirect("The minister wants to raise taxes.");
        assert_eq!(doc.slice(out[0].content[0]), "to raise taxes");
        assert_eq!(
            (out[0].cue_class, out[0].confidence),
            (Some(CueClass::Intent), 0.6)
        );
    }

    #[test]
    fn passives_are_not_reports() {
        let (doc, out) = indirect("The plan was criticized by the minister.");
        assert_eq!(doc.cues.len(), 1);
        assert!(out.is_empty());
    }

    #[test]
    fn used_cues_and_direct_quotations_are_left_alone() {
        let lex = Lexicon::get();
        let doc = rules("The minister said that the plan would fail.");
        let mut out = Vec::new();
        attribute_indirect(&doc, lex, &[true], &mut out);
        assert!(out.is_empty());
        // A content inside one the direct pass already attributed is not reported again,
        // even when its cue is offered again.
        let doc = rules("The mayor tweeted that, “the plan is dead and buried for good now.”");
        let mut used = vec![false; doc.cues.len()];
        let mut out = super::super::direct::attribute_direct(&doc, lex, &mut used);
        assert_eq!((out.len(), used.as_slice()), (1, &[true][..]));
        attribute_indirect(&doc, lex, &[false], &mut out);
        assert_eq!(out.len(), 1);
        // Without the direct attribution, the cue yields one.
        let mut alone = Vec::new();
        attribute_indirect(&doc, lex, &[false], &mut alone);
        assert_eq!(alone.len(), 1);
        assert_eq!(
            doc.slice(alone[0].content[0]),
            "that, “the plan is dead and buried for good now.”"
        );
        assert_eq!(alone[0].kind, QuoteKind::Mixed);
    }
}
