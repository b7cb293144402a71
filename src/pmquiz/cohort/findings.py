"""The cohort's flags as lint findings (`pmquiz lint --cohort LOGS`), at the card's line."""

from __future__ import annotations

from pmquiz.cohort.analysis import Figures
from pmquiz.cohort.flags import judge
from pmquiz.lint import Finding
from pmquiz.model import Deck


def cohort_findings(figures: Figures, decks: list[Deck]) -> list[Finding]:
    """One finding per flag on a card of these decks (rules named `cohort-…`)."""
    cards = {card.key: (deck, card) for deck in decks for card in deck.cards}
    found = []
    for report in judge(figures, {k: c for k, (_, c) in cards.items()}):
        where = cards.get(report.key)
        if where is None:
            continue
        deck, card = where
        for flag in report.flags:
            found.append(Finding(path=str(deck.path), line=card.line, card=card.id,
                                 rule=f"cohort-{flag.rule}",
                                 problem=f"the cohort's logs: {flag.rule} ({flag.detail})",
                                 fix=flag.advice))
    return found
