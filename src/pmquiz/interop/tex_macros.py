"""TeX macro definitions in a card's MathJax: they typeset to nothing, so a side shows none.

Note types for mathematics often open every front with a block of `\\def`s or
`\\newcommand`s inside `\\( … \\)`, kept out of sight by a class whose CSS may only set its
height to 0: MathJax reads the definitions and draws nothing for them. Read as text they
would start every prompt with hundreds of characters, so definitions at the start of a
math segment are taken out, and a segment left with nothing is taken out whole.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Cheap test first: a side without any of these words has no definition to look for.
HINTS = ("def", "newcommand", "DeclareMathOperator", "\\let")  # \\def, \\gdef, \\renewcommand…

# A math segment as Anki writes one: inline \( … \) or display \[ … \] (lazy: no nesting).
SEGMENT = re.compile(r"\\\((.*?)\\\)|\\\[(.*?)\\\]", re.DOTALL)
# What a definition block may hold between definitions: spaces, line breaks, `<br>`s.
FILLER = re.compile(r"(?:\s|&nbsp;|<br\s*/?>)*", re.IGNORECASE)
DEF = re.compile(r"\\[gex]?def(?![a-zA-Z])")
NEWCOMMAND = re.compile(r"\\(?:re|provide)?newcommand\*?(?![a-zA-Z])|\\DeclareMathOperator\*?")
LET = re.compile(r"\\let(?![a-zA-Z])")
NAME = re.compile(r"\s*\\(?:[a-zA-Z]+|.)")  # a control sequence: letters, or one other sign
OPTION = re.compile(r"\s*\[[^\]]*\]")


def without_definitions(side: str) -> str:
    """`side` with the macro definitions that open its math segments taken out: a segment
    of definitions only goes whole, one that goes on to a formula keeps the formula."""
    if ("\\(" not in side and "\\[" not in side) or not any(hint in side for hint in HINTS):
        return side
    return SEGMENT.sub(_segment, side)


def _segment(match: re.Match[str]) -> str:
    inline = match.group(1) is not None
    return _segment_shown(match.group(1) if inline else match.group(2), inline, match.group(0))


@lru_cache(maxsize=1024)  # a note type repeats its preamble on every card
def _segment_shown(body: str, inline: bool, whole: str) -> str:
    end = _definitions_end(body)
    if end == 0:
        return whole
    rest = body[end:]
    if not rest.strip():
        return ""
    return f"\\({rest}\\)" if inline else f"\\[{rest}\\]"


def _definitions_end(body: str) -> int:
    """Where the definitions at the start of `body` and the spaces and line breaks after
    them end (0 when it opens with none)."""
    position = found = 0
    while True:
        position = FILLER.match(body, position).end()  # type: ignore[union-attr]
        after = _definition_end(body, position)
        if after is None:
            return position if found else 0
        position, found = after, found + 1


def _definition_end(body: str, start: int) -> int | None:
    """The end of the one definition starting at `start`, or None if none starts there."""
    if (match := DEF.match(body, start)) is not None:
        name = NAME.match(body, match.end())
        if name is None:
            return None
        brace = body.find("{", name.end())  # parameters (#1#2, delimiters) run to the body
        return None if brace < 0 or "}" in body[name.end():brace] else _group_end(body, brace)
    if (match := NEWCOMMAND.match(body, start)) is not None:
        position = _skip_spaces(body, match.end())
        named = _group_end(body, position) if body.startswith("{", position) else \
            (name.end() if (name := NAME.match(body, position)) is not None else None)
        if named is None:
            return None
        position = named
        while (option := OPTION.match(body, position)) is not None:
            position = option.end()  # the argument count, then an optional default
        position = _skip_spaces(body, position)
        return _group_end(body, position) if body.startswith("{", position) else None
    if (match := LET.match(body, start)) is not None:
        name = NAME.match(body, match.end())
        if name is None:
            return None
        position = _skip_spaces(body, name.end())
        if body.startswith("=", position):
            position += 1
        other = NAME.match(body, position)
        return other.end() if other is not None else None
    return None


def _skip_spaces(body: str, position: int) -> int:
    while position < len(body) and body[position].isspace():
        position += 1
    return position


def _group_end(body: str, start: int) -> int | None:
    """The end of the brace group opening at `start` (escaped braces skipped), or None if
    it never closes."""
    depth = 0
    position = start
    while position < len(body):
        char = body[position]
        if char == "\\":
            position += 2
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return position + 1
        position += 1
    return None
