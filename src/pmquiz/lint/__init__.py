"""`pmquiz lint`: cards a learner would stumble on, each with where it is and how to fix it.

The rules read the cards as a learner meets them: a card must not give its answer away (in
its own prompt, by the wording of its right option, by its category's own word), must have
one right answer (gaps that may swap, a gap the deck answers otherwise in another card), must
grade what it asks (order, open sets), two cards must not ask one thing with two answers or
nearly the same thing twice, and an explanation must teach more than the answer it follows.
`catalog.py` says what each rule checks, with a bad and a good card (`pmquiz lint
--explain`); `structure.py` holds the rules about shape, `meaning_rules.py` those judged by
the bundled embedding.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pmquiz.grading import content_words, normalize, statement_similarity
from pmquiz.kinds import expected_answer
from pmquiz.kinds.choice import distractors
from pmquiz.lint.catalog import CATALOG
from pmquiz.lint.meaning_rules import meaning_problems, same_terms
from pmquiz.lint.structure import structure_problems
from pmquiz.model import Card, Deck, Kind

NEAR_DUPLICATE = 0.6  # statement_similarity from which two statements read as one
LONGER = 1.6  # a right option this many times longer than every wrong one stands out
LONGER_BY = 15  # ... and by at least this many characters
WHICH_IS_THIS = re.compile(r"^\s*which\b[^:?]{0,60}\bis\s+this\b\s*:\s*(?P<rest>.+)$",
                           re.IGNORECASE | re.DOTALL)
# Words that say how to answer a list, not what it is about.
LIST_FRAME = frozenset(content_words(
    "name list give state the four three five six seven eight nine ten 4 3 5 6 7 8 9 10 2 "
    "canonical main key typical core stages steps phases items options principles order in "
    "its their what are which"))


@dataclass(frozen=True)
class Finding:
    """One problem: where, which card, what is wrong and how to fix it."""

    path: str
    line: int
    card: str
    rule: str
    problem: str
    fix: str

    def describe(self) -> str:
        """`path:line: card "id": what is wrong — how to fix it`."""
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f'{where}: card "{self.card}": {self.problem} — {self.fix}'

    def to_dict(self) -> dict[str, object]:
        """The JSON form."""
        return {"path": self.path, "line": self.line, "card": self.card, "rule": self.rule,
                "problem": self.problem, "fix": self.fix}


RULES = tuple(rule.name for rule in CATALOG)


def lint(decks: Iterable[Deck]) -> list[Finding]:
    """Every finding over the decks, in file and line order."""
    decks = list(decks)
    findings: list[Finding] = []
    for deck in decks:
        for card in deck.cards:
            for rule, problem, fix in card_problems(card, deck):
                findings.append(Finding(deck.path, card.line, card.id, rule, problem, fix))
    findings += _across(decks)
    unique = {(f.path, f.line, f.card, f.rule, f.problem): f for f in findings}
    return sorted(unique.values(), key=lambda f: (f.path, f.line, f.card, f.rule))


def card_problems(card: Card, deck: Deck) -> list[tuple[str, str, str]]:
    """(rule, problem, fix) for one card on its own (and its module's other cards)."""
    found: list[tuple[str, str, str]] = []
    which = WHICH_IS_THIS.match(card.prompt)
    if which and not which.group("rest").rstrip().endswith("?"):
        found.append(("which-statement", "the prompt says \"which … is this\" and then makes "
                      "a statement", "ask a real question, e.g. \"Which principle means: "
                      "help users reach the aha moment within minutes?\""))
    if card.kind is Kind.CLASSIFY and len(normalize(card.prompt).split()) <= 2:
        found.append(("short-statement", f'the statement "{card.prompt.strip()}" is one or two '
                      "words, not a statement to classify", "write what the term does or "
                      "means, in a sentence, or make it a basic card"))
    found += _answer_in_prompt(card)
    if card.kind is Kind.CHOICE:
        found += _guessable(card, deck.cards)
    if card.kind is Kind.LIST:
        found += _item_names_subject(card)
    return found + structure_problems(card, deck) + meaning_problems(card, deck)


def _answer_in_prompt(card: Card) -> list[tuple[str, str, str]]:
    prompt = f" {normalize(card.prompt)} "
    if card.kind in (Kind.BASIC, Kind.CHOICE, Kind.CLASSIFY):
        answer = normalize(card.answer)
        if answer and content_words(card.answer) and f" {answer} " in prompt:
            return [("answer-in-prompt", f'the answer "{card.answer}" is in the prompt',
                     "reword the prompt so it asks for the answer without saying it")]
    if card.kind is Kind.LIST:
        shown = [item for item in card.items if normalize(item) and
                 f" {normalize(item)} " in prompt and content_words(item)]
        if shown:
            return [("answer-in-prompt", f'the item "{shown[0]}" is in the prompt',
                     "leave the items out of the prompt")]
    return []


def _guessable(card: Card, module_cards: Iterable[Card]) -> list[tuple[str, str, str]]:
    wrong = list(distractors(card, module_cards))
    if not wrong:
        return []
    found: list[tuple[str, str, str]] = []
    prompt = set(content_words(card.prompt))
    right_shares = bool(prompt & set(content_words(card.answer)))
    if right_shares and not any(prompt & set(content_words(w)) for w in wrong):
        shared = sorted(prompt & set(content_words(card.answer)))
        found.append(("guessable-option", f'only the right option shares a word with the prompt '
                      f'("{shared[0]}")', "reword the prompt or pick wrong options that use "
                      "the prompt's words too"))
    longest = max(len(w) for w in wrong)
    if len(card.answer) >= LONGER * longest and len(card.answer) - longest >= LONGER_BY:
        found.append(("guessable-option", f"the right option is much longer than the others "
                      f"({len(card.answer)} characters against at most {longest})",
                      "shorten it, or give wrong options of the same length"))
    if _form(card.answer) not in {_form(w) for w in wrong}:
        found.append(("guessable-option", "the right option has a different form from every "
                      "wrong one (a sentence among names, or the other way round)",
                      "give all options the same form"))
    return found


def _form(option: str) -> str:
    """A sentence (ends with a stop, several words) or a name."""
    text = option.strip()
    return "sentence" if text.endswith((".", "!", "?")) and len(text.split()) >= 4 else "name"


def _item_names_subject(card: Card) -> list[tuple[str, str, str]]:
    subject = set(content_words(card.prompt)) - LIST_FRAME
    found = []
    for item in card.items:
        words = set(content_words(item))
        if len(words) >= 2 and words <= subject:
            found.append(("item-names-subject", f'the item "{item}" is the list\'s own subject',
                          "drop the item, or name the step it stands for"))
    return found


def _unlabelled(a: str, b: str) -> tuple[str, str]:
    """Two statements without the label they share (`Horizon: …` from one table row): the
    label says which row, the rest is what must differ."""
    label_a, sep_a, rest_a = a.partition(": ")
    label_b, sep_b, rest_b = b.partition(": ")
    if sep_a and sep_b and label_a == label_b and rest_a and rest_b:
        return rest_a, rest_b
    return a, b


def _across(decks: list[Deck]) -> list[Finding]:
    """Rules over pairs of cards: one question with two answers, near-duplicate statements."""
    findings: list[Finding] = []
    asked: dict[str, tuple[Deck, Card]] = {}
    statements: list[tuple[Deck, Card]] = []
    for deck in decks:
        for card in deck.cards:
            if card.kind in (Kind.BASIC, Kind.CHOICE, Kind.LIST):
                key = question_key(card.prompt)
                first = asked.get(key)
                if first is None:
                    asked[key] = (deck, card)
                elif normalize(expected_answer(first[1])) != normalize(expected_answer(card)):
                    findings.append(Finding(
                        deck.path, card.line, card.id, "same-question",
                        f'asks what card "{first[1].id}" ({_where(first)}) asks, with another '
                        "answer", "keep one card and give it the other wording as a right answer "
                        "too (also = [\"…\"]), or ask two different things"))
            if card.kind is Kind.CLASSIFY:
                statements.append((deck, card))
    findings += _same_terms(decks)
    for index, (deck, card) in enumerate(statements):
        for other_deck, other in statements[:index]:
            if normalize(card.prompt) == normalize(other.prompt) or \
                    statement_similarity(*_unlabelled(card.prompt, other.prompt)) >= \
                    NEAR_DUPLICATE:
                same_set = card.category_set == other.category_set
                findings.append(Finding(
                    deck.path, card.line, card.id, "near-duplicate",
                    f'nearly the same statement as card "{other.id}" '
                    f"({_where((other_deck, other))})"
                    + ("" if same_set else ", in another category set"),
                    "keep one, or make them say different things"))
                break
    return findings


def _same_terms(decks: list[Deck]) -> list[Finding]:
    """Two definition questions about one term in other words (`What is maturity?` and
    `The product life cycle: what does “Maturity” mean?`) with different answers; a
    definition's own sibling cards (one group) are meant to overlap."""
    cards = [(deck, card) for deck in decks for card in deck.cards]
    findings = []
    for later, earlier in same_terms(cards):
        (deck, card), (first_deck, first) = cards[later], cards[earlier]
        if card.group_keys & first.group_keys or card.kind is not first.kind or \
                normalize(expected_answer(card)) == normalize(expected_answer(first)):
            continue
        for (d, c), (od, o) in (((deck, card), (first_deck, first)),
                                ((first_deck, first), (deck, card))):
            findings.append(Finding(
                d.path, c.line, c.id, "same-question",
                f'asks for the same term as card "{o.id}" ({_where((od, o))}), with another '
                "answer", "keep one card (give it the other wording as also = [\"…\"]), or "
                "ask two different things"))
    return findings


def question_key(prompt: str) -> str:
    """What a prompt asks, without a lead-in: `At its core, what is product management?`
    and `What is product management?` ask the same."""
    text = normalize(prompt)
    found = re.search(r"\b(what (?:is|are|does|do) .+)$", text)
    return found.group(1) if found else text


def _where(entry: tuple[Deck, Card]) -> str:
    deck, card = entry
    return f"{Path(deck.path).name}:{card.line}" if card.line else Path(deck.path).name
