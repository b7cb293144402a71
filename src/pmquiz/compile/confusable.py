"""Explanations the page does not write: what a list item or a term-list entry is most
easily confused with.

An item's meaning, shown alone, teaches nothing beyond the answer (the old explanation only
said which list it belongs to); set beside its closest neighbour in the same list (by
meaning, with the bundled embedding) it teaches the difference a learner must see, in the
page's own words. Definitions are left alone: another definition is not an explanation of
this one, and a page that gives no reason leaves the card for the author (lint says so)."""

from __future__ import annotations

from pmquiz.compile.wording import lower_first


def closest(texts: list[str]) -> list[int]:
    """For each text, the index of the most similar other text (itself when alone)."""
    if len(texts) < 2:
        return list(range(len(texts)))
    from pmquiz.meaning import embedder, unit_rows

    rows = unit_rows(embedder().embed(texts))
    scores = rows @ rows.T
    for i in range(len(texts)):
        scores[i, i] = -2.0
    return [int(scores[i].argmax()) for i in range(len(texts))]


def not_to_confuse(term: str, meaning: str) -> str:
    """`Not to be confused with “Discontinue”: withdraw or divest the product.`"""
    return f"Not to be confused with “{term}”: {lower_first(meaning.strip()).rstrip('.')}."
