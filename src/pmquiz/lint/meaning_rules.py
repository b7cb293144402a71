"""Lint rules judged by meaning with the bundled word embedding: an explanation that only
restates the card, a contrast whose halves are about different things, and two questions
that ask for the same term in other words.

Words are compared by stem first, then by their embedding: two words whose vectors' cosine
is at least WORD_CLOSE mean the same here. Measured with the bundled model, single words
score low even when they are synonyms (kept/retained 0.55, customers/users 0.32, fast/quick
0.70) and related words can score high (cost/price 0.68), so the bar stays high: in practice
it joins forms the stemmer misses, and an explanation is judged new unless it adds at most
one word of its own.

Asked terms are compared as wholes: over the 57 distinct terms asked by definition questions
in the shipped, round-3 and held-out page decks, two different terms never scored above 0.73
("metric" / "North Star metric"); SUBJECT_CLOSE is 0.9."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from pmquiz.grading import STOPWORDS, normalize, stem
from pmquiz.kinds import expected_answer
from pmquiz.model import Card, Deck, Kind

if TYPE_CHECKING:
    from pmquiz.lint.structure import Problem

WORD_CLOSE = 0.75
RESTATES_AT_MOST = 1  # new words an explanation may add and still say nothing new
CONTRAST_APART = 0.3  # sentence cosine under which two halves sharing no word are unrelated
SUBJECT_CLOSE = 0.9  # cosine of two asked-about terms that name one thing (see above)
PAIR_BLOCK = 1000  # terms compared against all earlier ones at a time
# Position and count words say where an item sits in its list, which the list card asks.
NUMBERS = frozenset("""one two three four five six seven eight nine ten first second third
fourth fifth sixth seventh eighth ninth tenth last""".split())
TABLE_ROW = re.compile(r"^[^:.;]{1,40}: for ")  # "Horizon: for the roadmap, …"
CONTRAST = re.compile(r"\bBy contrast,?\s*", re.IGNORECASE)
SECTION_NOTE = re.compile(r"\bcourse lists this under\b", re.IGNORECASE)
ASKED = [re.compile(p, re.IGNORECASE) for p in (
    r"what does [“\"']?(?P<term>[^”\"'?]+?)[”\"']? mean\b",
    r"^(?:[^:?]*:\s*)?(?:at its core,\s*)?what (?:is|are) (?:an? |the )?(?P<term>[^?]+?)\s*\?\s*$",
    r"^define (?:an? |the )?(?P<term>[^?.]+)")]


def words(text: str) -> list[str]:
    """The content words of a text as written (not stemmed), for the embedding."""
    return [w for w in normalize(text).split() if w not in STOPWORDS]


class Vocabulary:
    """Words known from a card's own text, matched by stem or by meaning."""

    def __init__(self, texts: Iterable[str]):
        self.words = {w for text in texts for w in words(text)}
        self.stems = {stem(w) for w in self.words}
        self._rows: Any = None

    def covers(self, word: str) -> bool:
        if word in self.words or stem(word) in self.stems or word in NUMBERS:
            return True
        if not self.words:
            return False
        return _best_cosine(word, sorted(self.words), self) >= WORD_CLOSE

    def new_words(self, text: str) -> list[str]:
        return [w for w in words(text) if not self.covers(w)]


def _best_cosine(word: str, known: Sequence[str], vocabulary: Vocabulary) -> float:
    from pmquiz.meaning import embedder, unit_rows

    model = embedder()
    if vocabulary._rows is None:
        vocabulary._rows = unit_rows(model.embed(list(known)))
    row = unit_rows(model.embed([word]))[0]
    return float((vocabulary._rows @ row).max())


def meaning_problems(card: Card, deck: Deck) -> list[Problem]:
    """The meaning rules for one card."""
    found: list[Problem] = []
    if card.explain.strip():
        found += _restates(card, deck)
    if card.kind is Kind.CLASSIFY:
        found += _contrast_unrelated(card)
    return found


def _restates(card: Card, deck: Deck) -> list[Problem]:
    if SECTION_NOTE.search(card.explain):
        return [("explain-restates", "the explanation only names the section", _RESTATE_FIX)]
    # what the learner already sees: the card, its section and the list it belongs to
    lists = [c.prompt for c in deck.cards if c.kind is Kind.LIST and c.source == card.source]
    known = Vocabulary([card.prompt, expected_answer(card), *card.items, *card.options,
                        card.source, *card.categories, deck.module.title, *lists])
    new = known.new_words(card.explain)
    if len(set(new)) <= RESTATES_AT_MOST:
        added = f' (it adds only "{new[0]}")' if new else ""
        return [("explain-restates", "the explanation only restates the card, its answer or "
                 f"which list it belongs to{added}", _RESTATE_FIX)]
    return []


_RESTATE_FIX = ("say why the answer is right, what it looks like in practice, or how it "
                "differs from the item it is most often confused with")


def _contrast_unrelated(card: Card) -> list[Problem]:
    parts = CONTRAST.split(card.explain, maxsplit=1)
    if len(parts) != 2:
        return []
    names = " ".join(card.categories)

    def about(text: str) -> list[str]:
        named = set(words(names))
        return [w for w in words(text) if w not in named]

    if TABLE_ROW.match(card.explain):
        return []  # one row of a table: both halves answer the row's question
    first, second = about(parts[0]), about(parts[1])
    if not first or not second or halves_related(" ".join(first), " ".join(second)):
        return []
    return [("contrast-unrelated", "the two halves of the contrast share no meaning: they "
             "describe different things, so the contrast teaches no difference",
             "contrast the statement with the other side's statement about the same thing "
             "(a table row, or the bullet on the same aspect)")]


def halves_related(first: str, second: str) -> bool:
    """Whether two halves of a contrast are about one thing: a word alike (by stem or
    embedding), or sentence vectors at least CONTRAST_APART apart from orthogonal."""
    vocabulary = Vocabulary([first])
    if any(vocabulary.covers(w) for w in words(second) if w not in NUMBERS):
        return True
    from pmquiz.meaning import embedder, unit_rows

    rows = unit_rows(embedder().embed([first, second]))
    return float(rows[0] @ rows[1]) >= CONTRAST_APART


def asked_term(prompt: str) -> str | None:
    """The term a definition question asks about (`What is maturity?`, `…: what does
    “Maturity” mean?`), or None for other questions."""
    for pattern in ASKED:
        match = pattern.search(prompt.strip())
        if match:
            return match.group("term").strip()
    return None


def same_terms(cards: list[tuple[Deck, Card]]) -> list[tuple[int, int]]:
    """Pairs (later, earlier) of definition questions whose terms mean the same."""
    asked = [(i, term) for i, (_, card) in enumerate(cards)
             if card.kind in (Kind.BASIC, Kind.CHOICE) and (term := asked_term(card.prompt))]
    if len(asked) < 2:
        return []
    import numpy as np

    from pmquiz.meaning import embedder, unit_rows

    rows = unit_rows(embedder().embed([term for _, term in asked]))
    names = [normalize(term) for _, term in asked]
    found: set[tuple[int, int]] = set()
    # a block of rows against all earlier ones at a time: a big imported deck's thousands
    # of questions never make one n-by-n matrix, nor a Python loop over every pair
    for start in range(0, len(asked), PAIR_BLOCK):
        block = rows[start:start + PAIR_BLOCK] @ rows[:start + PAIR_BLOCK].T
        for a, b in zip(*np.nonzero(block >= SUBJECT_CLOSE), strict=True):
            if int(b) < start + int(a):
                found.add((start + int(a), int(b)))
    first: dict[str, int] = {}
    for index, name in enumerate(names):
        for earlier in ([first[name]] if name in first else []):
            found.add((index, earlier))
        first.setdefault(name, index)
    return [(asked[a][0], asked[b][0]) for a, b in sorted(found)]
