"""How compiled cards word things: categories inside a sentence, counts, case."""

from __future__ import annotations

import re

COUNTS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight",
          9: "nine", 10: "ten", 11: "eleven", 12: "twelve"}
ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
            "ninth", "tenth", "eleventh", "twelfth")
# A name read without an article: a discipline or an activity ("product management",
# "product-led thinking", "usability"), a plural ("leading indicators"), a proper name.
# Everything else is a thing with an article: "the problem space", "the designer".
MASS_ENDINGS = ("ment", "ing", "ics", "ity", "ness", "ship", "ism", "ology", "ance", "ence",
                "design", "research", "marketing", "strategy", "discovery", "delivery")


def lower_first(text: str) -> str:
    """`Owns the vision` -> `owns the vision`; a first word with capitals inside (`PLC`,
    `A/B`) stays."""
    first = text.split(" ", 1)[0]
    if any(ch.isupper() for ch in first[1:]):
        return text
    return text[:1].lower() + text[1:]


def upper_first(text: str) -> str:
    """`the product life cycle` -> `The product life cycle`."""
    return text[:1].upper() + text[1:]


def needs_article(category: str) -> bool:
    """Whether a category reads with "the" inside a sentence."""
    words = category.split()
    if not words or re.match(r"^(?:the|a|an)$", words[0], re.IGNORECASE):
        return False
    last = words[-1].lower()
    if len(words) == 1 and words[0][:1].isupper() and not words[0][1:].islower():
        return False  # an acronym or a name: "PLC", "iOS"
    if last.endswith("s") and not last.endswith(("ss", "us", "is")):
        return False  # a plural: "leading indicators"
    return not last.endswith(MASS_ENDINGS)


def named(category: str) -> str:
    """A category as it reads inside a sentence: `the product life cycle`, `product
    management`, `the designer`."""
    text = lower_first(category)
    if re.match(r"^(?:the|a|an)\s", text, re.IGNORECASE):
        return text[:1].lower() + text[1:]  # "The metrics stack" -> "the metrics stack"
    return f"the {text}" if needs_article(text) else text


def quoted(category: str) -> str:
    """A category that does not read as a noun (`Now`, `Later`), in quotes."""
    return f"“{category}”"


def count_word(count: int) -> str:
    """`four` for 4; digits beyond twelve."""
    return COUNTS.get(count, str(count))


def term_case(term: str, had_article: bool) -> str:
    """A term as it reads mid-sentence: a capital that only opened the sentence goes
    (`Product management` -> `product management`); names keep theirs (`Kano model`, `North
    Star metric`, `PRD`)."""
    words = term.split()
    if had_article or not words:
        return term
    first = words[0]
    if not first[:1].isupper() or any(ch.isupper() for ch in first[1:]):
        return term
    if any(w[:1].isupper() for w in words[1:]):
        return term  # "North Star metric"
    return term[:1].lower() + term[1:]
