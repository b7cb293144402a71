"""The Markdown of an Anki field, written from the tree of known tags that `html.kept_tree`
reads: no parser tree library, so a 6,000-note package converts in a fraction of a second.
It follows markdownify's conventions (`-` bullets, ATX headings, `**bold**`, `*italics*`,
pipe tables, fenced code) so decks read the same as before, and splits emphasis at line
breaks (`<b>a<br>b</b>` is `**a**` and `**b**` on two lines, which every Markdown reader
shows bold)."""

from __future__ import annotations

import re

BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table",
          "ul", "ol", "hr"}
WRAP = {"b": "**", "strong": "**", "i": "*", "em": "*", "s": "~~"}
VOID = {"br", "hr"}


class Node:
    """An element: its tag, its kept attributes as text, and its children in order."""

    __slots__ = ("attrs", "children", "tag")

    def __init__(self, tag: str, attrs: str = "") -> None:
        self.tag = tag
        self.attrs = attrs
        self.children: list[Node | str] = []


BLANK_LINES = re.compile(r"\n{3,}")
HREF = re.compile(r'href="([^"]*)"')
LINK_BREAKERS = re.compile(r"[\s()<>]")  # what ends or breaks a bare link target


def _inline(node: Node | str, pre: bool = False) -> str:
    """Inline Markdown of a node whose block structure is handled by the caller."""
    if isinstance(node, str):
        return node
    tag = node.tag
    if tag == "br":
        return "\n"
    inner = "".join(_inline(child, pre) for child in node.children)
    if tag in WRAP:
        return _wrapped(inner, WRAP[tag])
    if tag == "code" and not pre:
        return _wrapped(inner, "`") if "\n" not in inner else inner
    if tag == "a":
        found = HREF.search(node.attrs)
        href = _unescaped(found.group(1)) if found else ""
        text = inner.strip()
        if not href or not text:
            return inner
        if not LINK_BREAKERS.search(href):
            return f"<{href}>" if text == href else f"[{text}]({href})"
        # a URL with spaces or parentheses (a dictionary lookup's `?q=N (Neg) SV`) is a
        # link only between angle brackets, where "<", ">" and a line break cannot stand
        target = href.replace("<", "%3C").replace(">", "%3E").replace("\n", "%0A")
        return f"[{text}](<{target}>)"
    if tag in BLOCKS or tag == "li":
        return "\n" + _blocks(node) + "\n"
    return inner


def _unescaped(text: str) -> str:
    import html

    return html.unescape(text)


def _wrapped(text: str, mark: str) -> str:
    """`mark` around each line's words, spaces kept outside (as markdownify does)."""
    lines = []
    for line in text.split("\n"):
        words = line.strip()
        if not words:
            lines.append(line)
            continue
        lead = line[:len(line) - len(line.lstrip())]
        trail = line[len(line.rstrip()):]
        lines.append(f"{lead}{mark}{words}{mark}{trail}")
    return "\n".join(lines)


def _blocks(node: Node, tight: bool = False) -> str:
    """The Markdown of a node's children: inline runs, and each block apart."""
    tag = node.tag
    if tag == "hr":
        return "---"
    if tag == "pre":
        body = "".join(_inline(child, pre=True) for child in node.children).strip("\n")
        return f"```\n{body}\n```"
    if tag == "table":
        return _table(node)
    if tag in ("ul", "ol"):
        return _list(node)
    parts: list[str] = []
    run: list[str] = []
    for child in node.children:
        if isinstance(child, str):
            run.append(child)
        elif child.tag in BLOCKS or child.tag == "li":
            if run:
                _flush(run, parts)
            block = _blocks(child) if child.tag != "li" else "- " + _blocks(child)
            if block.strip():
                parts.append(block)
        else:
            run.append(_inline(child))
    if run:
        _flush(run, parts)
    body = ("\n" if tight else "\n\n").join(parts)
    if tag.startswith("h") and len(tag) == 2 and tag[1].isdigit():
        return f"{'#' * int(tag[1])} {' '.join(body.split())}" if body else ""
    if tag == "blockquote":
        return "\n".join(f"> {line}" if line else ">" for line in body.split("\n"))
    return body


def _flush(run: list[str], parts: list[str]) -> None:
    """An inline run's text, its spaces collapsed line by line, added to `parts` (if any)."""
    text = "".join(run)
    run.clear()
    if "\n" not in text:
        joined = " ".join(text.split())
    else:
        joined = "\n".join(" ".join(line.split()) for line in text.split("\n")).strip()
    if joined:
        parts.append(joined)


def _list(node: Node) -> str:
    ordered = node.tag == "ol"
    lines: list[str] = []
    number = 0
    for child in node.children:
        if isinstance(child, str):
            if child.strip():
                lines.append(child.strip())
            continue
        if child.tag != "li":
            lines.append(_blocks(child))
            continue
        number += 1
        marker = f"{number}. " if ordered else "- "
        body = _blocks(child, tight=True)
        first, *rest = body.split("\n") if body else [""]
        lines.append(marker + first)
        pad = " " * len(marker)
        lines.extend(pad + line if line else "" for line in rest)
    return "\n".join(lines)


def _table(node: Node) -> str:
    """A pipe table; what stands in the table outside any cell is put before it, as a
    browser does ("foster parenting")."""
    rows: list[tuple[list[str], bool]] = []
    stray = Node("div")

    def collect(parent: Node) -> None:
        for child in parent.children:
            if isinstance(child, Node) and child.tag == "tr":
                cells = [c for c in child.children if isinstance(c, Node)
                         and c.tag in ("td", "th")]
                stray.children.extend(c for c in child.children if c not in cells)
                rows.append(([" ".join(_blocks(c).split()) for c in cells],
                             any(c.tag == "th" for c in cells)))
            elif isinstance(child, Node) and child.tag in ("thead", "tbody", "tfoot"):
                collect(child)
            else:
                stray.children.append(child)

    collect(node)
    before = _blocks(stray)
    if not rows:
        return before
    width = max(1, *(len(cells) for cells, _ in rows))
    out = []
    for index, (cells, _) in enumerate(rows):
        padded = cells + [""] * (width - len(cells))
        out.append("| " + " | ".join(padded) + " |")
        if index == 0:
            out.append("| " + " | ".join(["---"] * width) + " |")
    return "\n\n".join(filter(None, [before, "\n".join(out)]))


def markdown_of(root: Node) -> str:
    """Markdown from `html.kept_tree`'s tree."""
    text = _blocks(root)
    joined = "\n".join([line.rstrip() for line in text.replace("\xa0", " ").split("\n")])
    return (BLANK_LINES.sub("\n\n", joined) if "\n\n\n" in joined else joined).strip()
