"""Explanations that would tell a card still to come this session.

An explanation names what a card is most easily confused with ("By contrast, the project
manager owns execution…"), so it may hold another card's answer. The plan keeps such cards
on different days when it can; on a day both come (a card held back yesterday is asked
whatever its siblings do), the sentences that tell the card still to come are held back
from the first card's screen and shown on the second card's, once it is answered: the
contrast is still taught, and nothing is given away.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from pmquiz.model import StoredCard
from pmquiz.siblings import facts, screen, shows, words_of

SENTENCE_END = re.compile(r"(?<=[.!?;])\s+")
EARLIER = "From an earlier card: "


@dataclass
class _Waiting:
    sentence: str
    tells: frozenset[int]  # rows of the cards it would give away
    source: tuple[int, int]  # the card it belongs to (row) and its place in the explanation


class Withheld:
    """What one session held back, and what each card's screen may show."""

    def __init__(self) -> None:
        self._asked: set[int] = set()
        self._waiting: list[_Waiting] = []

    def shown(self, stored: StoredCard, upcoming: list[StoredCard]) -> StoredCard:
        """The card as its screen shows it: explanation sentences that tell a card of
        `upcoming` not yet asked are held back, and sentences held back earlier that now
        tell nothing still to come are added (marked as from an earlier card)."""
        self._asked.add(stored.row)
        ready = [w for w in self._waiting if w.tells <= self._asked]
        self._waiting = [w for w in self._waiting if not w.tells <= self._asked]
        card = stored.card
        own = [s for s in SENTENCE_END.split(card.explain.strip()) if s] \
            if card.explain.strip() else []
        sentences = own + [EARLIER + w.sentence for w in ready]
        sources = [(stored.row, i) for i in range(len(own))] + [w.source for w in ready]
        if not sentences:
            return stored
        wanted = set(card.told)
        later = [s for s in upcoming if s.row not in self._asked and
                 (s.card.key in wanted or any(s.row in w.tells for w in ready))]
        kept, held = _split(stored, sentences, later) if later else \
            (list(range(len(sentences))), set())
        for index in held:
            sentence = sentences[index].removeprefix(EARLIER)
            said = words_of(sentence)
            tells = frozenset(s.row for s in later if any(said & (fact.words | fact.asked)
                                                          for fact in facts(s.card)))
            # a card asked again (a failed one, within the session) holds it back once
            if all(w.source != sources[index] for w in self._waiting):
                self._waiting.append(_Waiting(sentence, tells, sources[index]))
        explain = " ".join(sentences[i] for i in kept)
        if explain == card.explain:
            return stored
        return replace(stored, card=replace(card, explain=explain))


def _split(stored: StoredCard, sentences: list[str], later: list[StoredCard]
           ) -> tuple[list[int], set[int]]:
    """Which sentences stay and which are held back: for each later card whose answer the
    screen would show only through the explanation, the sentences sharing most of its
    words go first, until the rest no longer shows it. An answer the screen shows anyway
    (in the prompt, options or answer) is the plan's to keep apart, not this."""
    base = screen(replace(stored.card, explain=""))
    said = [words_of(s) for s in sentences]
    held: set[int] = set()

    def showing() -> frozenset[str]:
        return base.union(*(said[i] for i in range(len(sentences)) if i not in held))

    for other in later:
        for fact in facts(other.card):
            if shows(base, fact):
                continue
            for index in sorted((i for i in range(len(sentences)) if i not in held),
                                key=lambda i: (-len(said[i] & fact.words), i)):
                if not shows(showing(), fact) or not said[index] & (fact.words | fact.asked):
                    break
                held.add(index)
    return [i for i in range(len(sentences)) if i not in held], held
