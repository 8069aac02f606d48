"""A generator of fictional news-please records for tests and benchmarks.

Every record is made up: invented people, organisations and places, with quotations in the
shapes news reports use — a direct quote before or after its speaker, reported speech with
"that", anonymous officials, a quote spread over two pieces, a mixed quote, a colon
introduction, "according to". Records carry the news-please fields ``maintext``,
``date_publish`` ("2020-02-15 10:32:00"), ``title``, ``url``, ``language``, ``authors`` and
usually ``id``; a few lack an id, a date or a text, as real crawls do.

    python newsgen.py 300 > news.jsonl
"""

from __future__ import annotations

import datetime
import json
import random
import sys

FIRST = ["Jane", "Omar", "Lucía", "Wei", "Amara", "Pieter", "Siobhan", "Rahul", "Ingrid", "Tomás",
         "Grace", "Dmitri", "Aiko", "Kwame", "Élodie", "Marcus"]
LAST = ["Doe", "Haddad", "Fernández", "Zhang", "Okafor", "van Dijk", "Byrne", "Mehta", "Lindqvist",
        "Ruiz", "Whitfield", "Volkov", "Tanaka", "Mensah", "Moreau", "Hale"]
TITLES = ["Mayor", "Finance Minister", "Police Chief", "Senator", "Governor", "Health Secretary",
          "council member", "union leader", "chief executive"]
ORGS = ["the Ministry of Transport", "Northfield City Council", "the Harbor Workers Union",
        "Brightwater Energy", "the Regional Health Authority", "the Coastal Ports Authority"]
PLACES = ["Northfield", "Port Alder", "Kelsey Bay", "Marrow Hill", "San Ilario", "Västerby"]
TOPICS = ["the new bridge", "the budget", "the harbor strike", "the water rationing plan",
          "the hospital merger", "the tram extension", "the school closures"]
VERDICTS = ["is a step in the right direction", "will cost more than anyone admits",
            "was rushed through without consultation", "will be finished by the spring",
            "protects the jobs of thousands of families", "needs another year of study"]
DAYS = ["on Monday", "on Tuesday", "on Wednesday", "on Thursday", "on Friday", "last week",
        "on Saturday", "yesterday"]


def _person(rng: random.Random) -> tuple[str, str]:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}", rng.choice(TITLES)


def _paragraph(rng: random.Random) -> str:
    name, title = _person(rng)
    topic, verdict, org = rng.choice(TOPICS), rng.choice(VERDICTS), rng.choice(ORGS)
    day, place = rng.choice(DAYS), rng.choice(PLACES)
    surname = name.split(" ", 1)[1]
    shapes = [
        f"“{topic.capitalize()} {verdict},” said {name}.",
        f"“We will not accept {topic} as it stands,” {name}, the {title.lower()}, said {day}.",
        f"{title} {name} said that {topic} {verdict}.",
        f"Officials said that {topic} {verdict}.",
        f"“This is not over,” {surname} told reporters in {place}. “We will be back next week.”",
        f"{name} called {topic} “a disgrace to the city” and said residents deserved better.",
        f"In a statement {day}, {org} said {topic} {verdict}.",
        f"{name} told reporters {day}: “Nobody asked the people of {place}.”",
        f"According to {org}, {topic} {verdict}.",
        f"“I have seen the numbers,” she added. “They do not add up.”",
        f"The vote on {topic} is expected {rng.choice(['next month', 'in March', 'after the summer'])}.",
        f"Residents of {place} gathered outside the town hall {day} — some carrying signs.",
        f"{title} {name} denied the report, saying it was “based on rumours.”",
    ]
    sentences = rng.sample(shapes, k=rng.randint(1, 3))
    return " ".join(sentences)


def record(rng: random.Random, n: int) -> dict:
    """The ``n``-th fictional record drawn from ``rng``."""
    published = datetime.datetime(2020, 2, 1, 6, 0) + datetime.timedelta(
        days=rng.randint(0, 20), minutes=rng.randint(0, 900))
    place = rng.choice(PLACES)
    paragraphs = [f"{place.upper()} — {_paragraph(rng)}"]
    paragraphs += [_paragraph(rng) for _ in range(rng.randint(2, 7))]
    rec: dict = {
        "url": f"https://news.example/{published:%Y/%m/%d}/story-{n}",
        "title": f"{rng.choice(TOPICS).capitalize()} divides {place}",
        "date_publish": published.strftime("%Y-%m-%d %H:%M:%S"),
        "language": "en",
        "authors": [f"{rng.choice(FIRST)} {rng.choice(LAST)}"],
        "maintext": "\n".join(paragraphs),
    }
    roll = rng.random()
    if roll < 0.85:
        rec["id"] = f"doc-{n:05d}"
    if 0.85 <= roll < 0.90:
        rec["date_publish"] = None
    if n % 97 == 13:
        rec["maintext"] = None
    return rec


def records(count: int, seed: int = 7) -> list[dict]:
    """``count`` fictional records, the same for the same seed."""
    rng = random.Random(seed)
    return [record(rng, n) for n in range(count)]


def write_jsonl(path, recs: list[dict]) -> None:
    """Writes records as JSON Lines (UTF-8, non-ASCII kept as is)."""
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for rec in recs:
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    for rec in records(int(sys.argv[1]) if len(sys.argv) > 1 else 100):
        print(json.dumps(rec, ensure_ascii=False))
