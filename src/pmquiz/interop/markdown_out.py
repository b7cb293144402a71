"""The Markdown of an Anki field, written in one pass over the tokens of the small,
known-tag HTML that `html.safe_html` makes: no parser tree library, so a 6,000-note package
converts in a fraction of a second. It follows markdownify's conventions (`-` bullets, ATX
headings, `**bold**`, `*italics*`, pipe tables, fenced code) so decks read the same as
before, and splits emphasis at line breaks (`<b>a<br>b</b>` is `**a**` and `**b**` on two
lines, which every Markdown reader shows bold)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from pmquiz.interop.html_scan import scan

BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table",
          "ul", "ol", "hr"}
WRAP = {"b": "**", "strong": "**", "i": "*", "em": "*", "s": "~~"}
VOID = {"br", "hr"}


@dataclass
class Node:
    tag: str
    attrs: str = ""
    children: list[Node | str] = field(default_factory=list)


def _tree(tokens: Iterable[tuple[str, str, bool, str]]) -> Node:
    """The element tree of `safe_html`'s tokens; a stray closing tag is ignored and an
    unclosed element ends with its parent, as a browser reads them."""
    root = Node("")
    stack = [root]
    open_tags = [""]  # the stack's tags: the root's "" is no tag's name
    for kind, value, closing, attributes in tokens:
        if kind == "text":
            stack[-1].children.append(value)
        elif closing:
            if value in open_tags:
                while open_tags[-1] != value:
                    stack.pop()
                    open_tags.pop()
                stack.pop()
                open_tags.pop()
        else:
            node = Node(value, attributes)
            stack[-1].children.append(node)
            if value not in VOID:
                stack.append(node)
                open_tags.append(value)
    return root


BLANK_LINES = re.compile(r"\n{3,}")
HREF = re.compile(r'href="([^"]*)"')


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
        return f"<{href}>" if text == href else f"[{text}]({href})"
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

    def flush() -> None:
        if not run:
            return
        text = "".join(run)
        run.clear()
        if "\n" not in text:
            joined = " ".join(text.split())
        else:
            joined = "\n".join(" ".join(line.split()) for line in text.split("\n")).strip()
        if joined:
            parts.append(joined)

    for child in node.children:
        if isinstance(child, Node) and (child.tag in BLOCKS or child.tag == "li"):
            flush()
            block = _blocks(child) if child.tag != "li" else "- " + _blocks(child)
            if block.strip():
                parts.append(block)
        else:
            run.append(_inline(child))
    flush()
    body = ("\n" if tight else "\n\n").join(parts)
    if tag.startswith("h") and len(tag) == 2 and tag[1].isdigit():
        return f"{'#' * int(tag[1])} {' '.join(body.split())}" if body else ""
    if tag == "blockquote":
        return "\n".join(f"> {line}" if line else ">" for line in body.split("\n"))
    return body


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


def markdown_of(tokens: Iterable[tuple[str, str, bool, str]] | str) -> str:
    """Markdown from `safe_html`'s tokens (or its output text)."""
    text = _blocks(_tree(scan(tokens) if isinstance(tokens, str) else tokens))
    lines = [line.rstrip() for line in text.replace("\xa0", " ").split("\n")]
    return BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
