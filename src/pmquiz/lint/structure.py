"""Lint rules about a card's shape: what its wording gives away, and whether its deck keys
grade what its prompt asks (order, open sets, gaps that may swap)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from pmquiz.grading import content_words, normalize
from pmquiz.grading_lists import interchangeable
from pmquiz.model import Card, Deck, Kind

Problem = tuple[str, str, str]  # (rule, what is wrong, how to fix it)

ORDER_CUE = re.compile(r"\bin (?:the )?(?:right |correct )?order\b|\bsteps?\b|\bsequence\b|"
                       r"\bmoves? through\b|\bfrom first to last\b", re.IGNORECASE)
OPEN_CUE = re.compile(r"\bsuch as\b|\bfor example\b|\be\.g\.|\bfor instance\b", re.IGNORECASE)
COUNT = (r"(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d+)")
# "Name four strategies" without "the"/"all": the author picked some of a larger set
SOME_OF = re.compile(rf"^\s*(?:name|list|give|state)\s+(?:any\s+)?{COUNT}\s+(?!of\b)\w",
                     re.IGNORECASE)
# A count with a noun that names nothing: "a balance of four things"
PLACEHOLDER = re.compile(rf"\b{COUNT}\s+(?:things|items|elements|aspects|parts|points|ones)\b",
                         re.IGNORECASE)
COUNT_FRAME = frozenset(content_words(
    "name list give state them all which what are these those things items elements aspects "
    "parts points ones two three four five six seven eight nine ten"))
# "A, B and C": three or more short parts of one enumeration
PART = r"[\w'-]+(?: [\w'-]+){0,3}"
ENUMERATION = re.compile(rf"\b{PART},\s+{PART},?\s+(?:and|or)\s+\w", re.IGNORECASE)
OVERLOADED_WORDS = 15
CLOZE_TEXT = re.compile(r"\{\{([^}|:]+)[^}]*\}\}")  # a gap's first answer, in place
BELONGS = re.compile(r"belongs? to (?:the )?(?P<own>.+?), not (?:the )?(?P<other>.+?)\?",
                     re.IGNORECASE)


def structure_problems(card: Card, deck: Deck) -> list[Problem]:
    """The shape rules for one card."""
    found: list[Problem] = []
    if not card.explain.strip():
        found.append(("no-explanation", "the card has no explanation", "say why the answer "
                      "is right, or what it looks like in practice (explain = \"…\")"))
    found += _category_word(card, deck)
    if card.kind is Kind.LIST:
        found += _list_rules(card, deck)
    if card.kind is Kind.CLOZE:
        found += _cloze_rules(card, deck)
    if card.kind is Kind.BASIC and len(card.answer.split()) > OVERLOADED_WORDS and \
            ENUMERATION.search(card.answer):
        found.append(("overloaded-answer", f"the answer has {len(card.answer.split())} words "
                      "with a set of three or more inside", "ask for the definition and the "
                      "set in two cards (minimum information: one fact a card)"))
    return found


def _distinct_words(own: str, others: Iterable[str]) -> set[str]:
    """The words of a category's name that the other categories' names do not have."""
    shared = {w for other in others for w in content_words(other)}
    return set(content_words(own)) - shared


def _category_word(card: Card, deck: Deck) -> list[Problem]:
    if card.kind is Kind.CLASSIFY and card.categories:
        own, others, text = card.answer, [c for c in card.categories if c != card.answer], \
            card.prompt
    elif card.kind is Kind.CHOICE and (match := BELONGS.search(card.prompt)):
        own, others, text = match.group("own"), [match.group("other")], card.answer
    else:
        return []
    label, sep, rest = text.partition(": ")
    if sep and len(label.split()) <= 4:
        text = rest  # a table row's label ("Unit of planning: …") names the row, not a side
    # a word the other sides' statements use too tells nothing
    elsewhere = {w for c in deck.cards if c.kind is Kind.CLASSIFY and c.answer != own and
                 normalize(c.answer) in {normalize(o) for o in others}
                 for w in content_words(c.prompt)}
    words = (_distinct_words(own, others) & set(content_words(text))) - elsewhere
    if not words:
        return []
    word = sorted(words)[0]
    where = "statement" if card.kind is Kind.CLASSIFY else "right option"
    return [("category-word", f'the {where} carries its own category\'s word ("{word}", from '
             f'“{own}”)', "say it without the category's name, e.g. \"measures success by "
             "adoption and retention\" rather than \"by product impact\"")]


def _list_rules(card: Card, deck: Deck) -> list[Problem]:
    found: list[Problem] = []
    if not card.ordered and ORDER_CUE.search(card.prompt):
        cue = ORDER_CUE.search(card.prompt)
        found.append(("order-unmarked", f'the prompt says "{cue.group(0) if cue else ""}" but '
                      "the list is graded in any order", "add ordered = true, or drop the "
                      "word from the prompt"))
    if not card.pick and (OPEN_CUE.search(card.prompt) or SOME_OF.search(card.prompt)):
        found.append(("open-set", "the prompt asks for some of a larger set (\"such as\", "
                      "\"name four …\" without \"the\") but every listed item is required",
                      "add pick = N (name any N), or ask for \"the four …\" of a closed set"))
    if PLACEHOLDER.search(card.prompt):
        subject = set(content_words(card.prompt)) - COUNT_FRAME - \
            set(content_words(deck.module.title))
        if len(subject) <= 2:
            found.append(("count-only-set", f'the prompt names the set only by its count '
                          f'("{PLACEHOLDER.search(card.prompt).group(0)}"'  # type: ignore[union-attr]
                          ")", "say what the items are, e.g. \"Name the four skills a product "
                          "manager must balance\""))
    return found


def _cloze_rules(card: Card, deck: Deck) -> list[Problem]:
    found: list[Problem] = []
    title = set(content_words(deck.module.title))
    for gap in card.gaps:
        words = set(content_words(gap[0]))
        if words and words <= title:
            found.append(("title-cloze", f'the gap "{gap[0]}" is the module\'s title term, '
                          "which the learner sees in the module's name", "gap what the "
                          "sentence says about the term, not the term"))
            break
    if not card.any_order and any(len(g) > 1 for g in interchangeable(card.prompt)):
        found.append(("gaps-any-order", "two gaps are joined by \"and\"/\"or\" and may come "
                      "in either order, but are graded in place", "add any_order = true"))
    found += _gap_has_alternative(card, deck)
    return found


def _gap_has_alternative(card: Card, deck: Deck) -> list[Problem]:
    """A cloze that gaps the head of a definition ("the {{strategic practice}} of …") whose
    basic card accepts another wording: the gapped words are not the only right ones."""
    filled = set(content_words(CLOZE_TEXT.sub(r"\1", card.prompt)))
    for other in deck.cards:
        if other.kind is not Kind.BASIC or not other.also:
            continue
        answer = set(content_words(other.answer))
        if not answer or len(answer & filled) < 0.8 * len(answer):
            continue
        head = normalize(other.answer)
        for gap in card.gaps:
            words = set(content_words(gap[0]))
            if words and head.startswith(normalize(gap[0])) and \
                    any(not words <= set(content_words(a)) for a in other.also):
                return [("gap-has-alternative", f'the gap "{gap[0]}" has another right answer: '
                         f'card "{other.id}" also accepts "{other.also[0]}"', "gap words "
                         "that every accepted wording shares, or make the gap accept both "
                         "({{a|b}})")]
    return []

