"""Whether a statement is (nearly) one already known, a card's or a learner's label: then it
is that card's category for certain, with no model asked. Cheap enough to compare against
thousands of card statements (100k cards)."""

from __future__ import annotations

from pmquiz.grading import STOPWORDS, content_words, edit_distance, normalize, shared_words

ON_A_CARD = 0.9  # word overlap from which the statement is taken to be that card


def statements_alike(a: str, b: str, least: float) -> bool:
    """Whether `statement_similarity(a, b) >= least`, without the full edit distance: the
    word overlap first, then the text's edit distance bounded by what `least` allows (a
    check against thousands of card statements at 100k cards)."""
    wa, wb = content_words(a), content_words(b)
    if wa and wb and 2 * shared_words(wa, wb) / (len(wa) + len(wb)) >= least:
        return True
    na, nb = normalize(a[:400]), normalize(b[:400])
    if na == nb:
        return True
    if not na or not nb:
        return False
    longest = max(len(na), len(nb))
    limit = int((1 - least) * longest)
    while 1.0 - (limit + 1) / longest >= least:  # the float bound, exactly as `similarity`
        limit += 1
    while limit >= 0 and 1.0 - limit / longest < least:
        limit -= 1
    return limit >= 0 and edit_distance(na, nb, limit) <= limit


def on_a_card(statement: str, members: list[tuple[int, str, str]]
               ) -> tuple[int, str, str] | None:
    """The classify card (row, statement, category) whose statement this (nearly) is. Only
    statements that could reach ON_A_CARD are compared word by word: text similarity needs
    lengths within 10% (an edit per character of difference), word overlap needs
    content-word counts whose smaller is at least 0.45 of their sum."""
    text = normalize(statement[:400])
    words = sum(1 for w in normalize(statement).split() if w not in STOPWORDS)
    for member in members:
        other = normalize(member[1][:400])
        count = sum(1 for w in normalize(member[1]).split() if w not in STOPWORDS)
        close_text = abs(len(text) - len(other)) <= (1 - ON_A_CARD) * max(len(text),
                                                                          len(other))
        close_words = min(words, count) >= ON_A_CARD / 2 * (words + count) and \
            min(words, count) > 0
        if (close_text or close_words) and statements_alike(statement, member[1], ON_A_CARD):
            return member
    return None
