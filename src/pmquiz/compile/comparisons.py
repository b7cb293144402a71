"""Comparisons of any number of sides, from three shapes of page:

- a heading `A vs B` / `A versus B vs C`, then a heading and a bullet list for each side;
- a heading naming the sides without "vs" (`Now, Next and Later`), then the same;
- a table whose header row names the sides (after any heading, or under a `vs` heading);
  a first column that names no side is the row's aspect (`Horizon`), and each row is a real
  contrast, so the explanations pair its cells.

Each statement becomes a classify card over all the sides; each side gets a choice card
"Which of these belongs to X, not Y or Z?". Explanations contrast a statement with the
statement on another side closest in meaning (shared content words, else the bundled
embedding), not the one in the same position.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from pmquiz.compile.document import Block, Item, Warning_, sentence_case, slugify
from pmquiz.compile.wording import lower_first, named, quoted, upper_first
from pmquiz.grading import content_words, normalize, stem
from pmquiz.model import Card, Kind

VERSUS_SPLIT = re.compile(r"\s+(?:vs\.?|versus)\s+", re.IGNORECASE)
LISTED = re.compile(r"^(.+?)(?:,\s*|\s+)(?:and|or)\s+(.+?)$")
ASPECT_HEADERS = {"", "aspect", "dimension", "criteria", "criterion", "what", "question",
                  "topic", "area", "feature", "compared", "comparison"}

Section = tuple[Block | None, list[Block]]


@dataclass
class Side:
    """One side of a comparison: its category and its statements (with the block each
    came from, for coverage)."""

    category: str
    statements: list[str]
    block: Block | None = None


def versus_sides(heading: str) -> list[str]:
    """`A vs B vs C` -> [A, B, C]; [] when the heading is no `vs` heading."""
    parts = [p.strip(" ?:") for p in VERSUS_SPLIT.split(heading)]
    return parts if len(parts) >= 2 and all(parts) else []


def listed_sides(heading: str) -> list[str]:
    """`Now, Next and Later` -> [Now, Next, Later]; `A and B` -> [A, B]."""
    match = LISTED.match(heading.strip(" ?:"))
    if not match:
        return []
    head = [p.strip() for p in match.group(1).split(",") if p.strip()]
    return [*head, match.group(2).strip()]


def _same(a: str, b: str) -> bool:
    na, nb = normalize(a), normalize(b)
    if not na or not nb:
        return False
    return na == nb or na.startswith(nb) or nb.startswith(na)


def sides_from_headings(sections: list[Section], index: int,
                        names: list[str]) -> list[tuple[Block, list[Item], Block]] | None:
    """The sections right after `index` whose headings name each side and hold bullets:
    (heading, items, bullet block) per side in the order named; None when one is missing."""
    found: dict[int, tuple[Block, list[Item], Block]] = {}
    for sub_heading, blocks in sections[index + 1: index + 1 + 2 * len(names)]:
        if sub_heading is None:
            continue
        bullets = [b for b in blocks if b.kind == "bullets"]
        for n, name in enumerate(names):
            if n not in found and _same(sub_heading.text, name) and bullets:
                found[n] = (sub_heading, [i for b in bullets for i in b.items], bullets[0])
                for block in bullets[1:]:
                    block.made += 1
    if len(found) != len(names):
        return None
    return [found[n] for n in range(len(names))]


def table_sides(table: Block, names: list[str]) -> tuple[list[Side], list[list[int]]] | None:
    """Sides read from a table: its columns named in `names` (a `vs` heading), else every
    column after an aspect column. Returns the sides and, per row, which statement of each
    side it holds (for pairing), or None when the header names no sides."""
    if len(table.rows) < 2:
        return None
    header = table.rows[0]
    columns = [c for c, cell in enumerate(header) if any(_same(cell, n) for n in names)] \
        if names else []
    aspect = 0 if header and (normalize(header[0]) in ASPECT_HEADERS or
                              (columns and 0 not in columns)) else None
    if not columns:
        if aspect is None or len(header) < 3:
            return None
        columns = list(range(1, len(header)))
    if len(columns) < 2:
        return None
    sides = [Side(sentence_case(header[c]), [], table) for c in columns]
    rows: list[list[int]] = []
    for row in table.rows[1:]:
        cells = row + [""] * (len(header) - len(row))
        label = cells[aspect].strip() if aspect is not None else ""
        positions = []
        for side, column in zip(sides, columns, strict=True):
            cell = cells[column].strip()
            if not cell:
                positions.append(-1)
                continue
            side.statements.append(f"{label}: {lower_first(cell)}" if label else cell)
            positions.append(len(side.statements) - 1)
        rows.append(positions)
    if any(not side.statements for side in sides):
        return None
    return sides, rows


def _overlap(a: str, b: str) -> float:
    wa, wb = set(content_words(a)), set(content_words(b))
    if not wa or not wb:
        return 0.0
    return float(len(wa & wb) / (len(wa) * len(wb)) ** 0.5)


def counterparts(sides: list[Side]) -> dict[tuple[int, int], tuple[int, int]]:
    """For each statement (side, position), the statement on another side closest in
    meaning: shared content words, each statement of a side matched once before any is
    reused; by position on the next side where nothing is shared."""
    pairs: dict[tuple[int, int], tuple[int, int]] = {}
    for n, side in enumerate(sides):
        scored = []
        for p, text in enumerate(side.statements):
            for m, other in enumerate(sides):
                if m == n:
                    continue
                for q, other_text in enumerate(other.statements):
                    score = _overlap(text, other_text)
                    if score > 0:
                        scored.append((-score, p, m, q))
        used: set[tuple[int, int]] = set()
        for _, p, m, q in sorted(scored):
            if (n, p) in pairs or (m, q) in used:
                continue
            pairs[(n, p)] = (m, q)
            used.add((m, q))
        for _, p, m, q in sorted(scored):  # statements left over share with a used one
            pairs.setdefault((n, p), (m, q))
        left = [p for p in range(len(side.statements)) if (n, p) not in pairs]
        if left:  # no shared word: the closest in meaning (bundled embedding)
            for p, (m, q) in zip(left, _closest_in_meaning(sides, n, left), strict=True):
                pairs[(n, p)] = (m, q)
    return pairs


def _closest_in_meaning(sides: list[Side], n: int, positions: list[int]) -> list[
        tuple[int, int]]:
    """For statements of side n, the other side's statement whose sentence vector is
    closest (the category names left out, so they do not pull every pair together)."""
    from pmquiz.meaning import embedder, unit_rows

    names = {w for side in sides for w in content_words(side.category)}
    others = [(m, q) for m, other in enumerate(sides) if m != n
              for q in range(len(other.statements))]

    def bare(text: str) -> str:
        return " ".join(w for w in normalize(text).split() if stem(w) not in names)

    texts = [bare(sides[n].statements[p]) for p in positions] + \
        [bare(sides[m].statements[q]) for m, q in others]
    rows = unit_rows(embedder().embed(texts))
    own, theirs = rows[: len(positions)], rows[len(positions):]
    scores = own @ theirs.T
    return [others[int(scores[i].argmax())] for i in range(len(positions))]


def reads_as_predicate(sides: list[Side]) -> bool:
    """Whether statements read as what the side does (`Owns the vision…`, so "Product
    management owns the vision…"): most open with a verb in the third person, or the sides
    are plurals whose statements open with a verb (`Delighters surprise…`)."""
    openers = [s.split()[0].lower() for side in sides for s in side.statements if s.split()]
    if not openers:
        return False
    third_person = sum(1 for w in openers if w.endswith("s") and not w.endswith("ss"))
    plural_sides = all(side.category.split()[-1].lower().endswith("s") for side in sides)
    return third_person >= 0.8 * len(openers) or plural_sides


def comparison_cards(heading: Block, sides: list[Side], slug: str, from_table: bool,
                     table_rows: list[list[int]] | None = None) -> tuple[list[Card], str,
                                                                         tuple[str, ...]]:
    """Classify and choice cards for one comparison; returns the cards, the set name and
    its categories."""
    categories = tuple(side.category for side in sides)
    set_name = slugify(heading.text, 12)
    prefix = slugify(heading.text, 12)
    section = heading.text
    predicate = not from_table and reads_as_predicate(sides)
    pairs = _row_pairs(sides, table_rows) if table_rows is not None else counterparts(sides)

    def says(category: str, text: str) -> str:
        if from_table:
            return f"for {named(category)}, {lower_first(text)}".rstrip(".")
        if predicate:
            return f"{named(category)} {lower_first(text)}".rstrip(".")
        return f"{quoted(category)}: {text}".rstrip(".")

    def name(category: str) -> str:
        return named(category) if from_table or predicate else quoted(category)

    def contrast(n: int, p: int) -> str:
        m, q = pairs[(n, p)]
        text, other = sides[n].statements[p], sides[m].statements[q]
        if from_table:  # "Horizon: quarters…" against "Horizon: the next few weeks"
            label, _, cell = text.partition(": ") if ": " in text else ("", "", text)
            other_cell = other.partition(": ")[2] if label else other
            lead = f"{label}: for " if label else "For "
            return f"{lead}{named(sides[n].category)}, {cell.rstrip('.')}; by contrast, for " \
                   f"{named(sides[m].category)}, {other_cell.rstrip('.')}."
        return f"{upper_first(says(sides[n].category, text))}. By contrast, " \
               f"{says(sides[m].category, other)}."

    ids: dict[str, str] = {}
    cards: list[Card] = []
    for n, side in enumerate(sides):
        for p, text in enumerate(side.statements):
            card_id = f"{prefix}/{slugify(text)}"
            ids[text] = card_id
            cards.append(Card(deck=slug, id=card_id, kind=Kind.CLASSIFY, prompt=text,
                              answer=side.category, categories=categories, source=section,
                              explain=contrast(n, p)))
    for n in range(len(sides)):
        card = _choice_card(sides, n, slug, prefix, section, ids, says, name)
        if card is not None:
            cards.append(card)
    return cards, set_name, categories


def _row_pairs(sides: list[Side], rows: list[list[int]]) -> dict[tuple[int, int],
                                                                 tuple[int, int]]:
    """Table statements contrast with the next side's cell in the same row."""
    pairs: dict[tuple[int, int], tuple[int, int]] = {}
    for positions in rows:
        for n, p in enumerate(positions):
            if p < 0:
                continue
            others = [(m, q) for m, q in enumerate(positions) if m != n and q >= 0]
            if others:
                after = [o for o in others if o[0] > n] or others
                pairs[(n, p)] = after[0]
    fallback = counterparts(sides)
    for key, value in fallback.items():
        pairs.setdefault(key, value)
    return pairs


def _choice_card(sides: list[Side], n: int, slug: str, prefix: str, section: str,
                 ids: dict[str, str], says: Callable[[str, str], str],
                 name: Callable[[str], str]) -> Card | None:
    side = sides[n]
    others = [t for m, s in enumerate(sides) if m != n for t in s.statements]
    if not side.statements or not others:
        return None
    rest = [name(s.category) for m, s in enumerate(sides) if m != n]
    prompt = f"Which of these belongs to {name(side.category)}, not {' or '.join(rest)}?"
    asked = set(content_words(prompt))

    def echoes(text: str) -> bool:
        return bool(asked & set(content_words(text)))

    # wrong options that share the prompt's words too, so the right one is not the only one
    # that repeats them
    shown = sorted(others, key=lambda t: -len(asked & set(content_words(t))))[:3]
    shown = [t for t in others if t in shown]
    answers = list(side.statements)
    if not any(echoes(t) for t in shown):
        answers = [t for t in answers if not echoes(t)]
    if not answers:
        return None  # every right option repeats the prompt's words: a give-away
    # the right option closest in length to the wrong ones, so length gives nothing away
    typical = sorted(len(t) for t in shown)[len(shown) // 2]
    answer = min(answers, key=lambda t: (abs(len(t) - typical), answers.index(t)))
    return Card(deck=slug, id=f"{prefix}/which-is-{slugify(side.category, 3)}",
                kind=Kind.CHOICE, prompt=prompt, answer=answer, options=tuple(shown),
                source=section,
                explain=f"{upper_first(says(side.category, answer))}. The other options "
                        f"belong to {' or '.join(rest)}.",
                # siblings of every statement it shows
                groups=tuple(ids[t] for t in [answer, *shown]))


def find_comparison(sections: list[Section], index: int,
                    warnings: list[Warning_]) -> tuple[list[Side], list[Block], bool,
                                                       list[list[int]] | None] | None:
    """The comparison a section opens, if any: its sides, the headings and blocks it uses,
    whether it came from a table and the table's rows."""
    heading, blocks = sections[index]
    if heading is None:
        return None
    vs_names = versus_sides(heading.text)
    tables = [b for b in blocks if b.kind == "table"]
    for table in tables:
        read = table_sides(table, vs_names)
        if read is not None:
            sides, rows = read
            return sides, [heading, table], True, rows
    names = vs_names or listed_sides(heading.text)
    if names:
        found = sides_from_headings(sections, index, names)
        if found is not None:
            sides = [Side(sentence_case(h.text), [i.text for i in items], block)
                     for h, items, block in found]
            used = [heading, *(h for h, _, _ in found), *(b for _, _, b in found)]
            return sides, used, False, None
    if vs_names:
        warnings.append(Warning_(heading.line, f'"{heading.text}" looks like a comparison '
                                 "but is followed neither by a heading and a bullet list for "
                                 "each side nor by a table naming the sides; no classify "
                                 "cards made"))
    return None
