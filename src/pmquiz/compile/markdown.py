"""Reader for Markdown module files: the format authors use for modules that have no page.

Front matter (optional) between `---` lines gives `title`, `phase`, `phase_title`, `slug`,
`order`. The rest is parsed with markdown-it-py (CommonMark, plus its table extension and the
definition-list plugin from mdit-py-plugins): headings with their levels, paragraphs, bullet
or numbered lists (a nested list's points stay under their item and are not items of their
own), pipe tables, definition lists (`Term` then `:   meaning`, which is also what markdownify
makes of an HTML `<dl>`), and meta lines before the first heading; a list item that opens with
a bold term
(`**term** — description`, `**term**: description` or `**term** description`) carries the
term. Emphasis, links and code are read as their words.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from pmquiz.compile.document import Block, Document, Item, Warning_, is_meta_line

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

FRONT = re.compile(r"^([a-z_]+)\s*:\s*(.*)$")
SEPARATOR = re.compile(r"^\s*(?:[—–:]|-(?=\s))\s*")


def parser() -> MarkdownIt:
    """CommonMark with tables and definition lists."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.deflist import deflist_plugin

    return MarkdownIt("commonmark").enable("table").use(deflist_plugin)


def read_markdown(text: str) -> Document:
    """Turn Markdown into a Document."""
    doc = Document()
    lines = text.splitlines()
    offset = _front_matter(lines, doc)
    body = "\n".join(lines[offset:])
    tokens = parser().parse(body)
    depth = 0  # list nesting: items of nested lists join the outer list's block
    table: Block | None = None
    terms: Block | None = None
    in_header = True
    for index, token in enumerate(tokens):
        line = (token.map[0] + 1 + offset) if token.map else 0
        if token.type in ("bullet_list_open", "ordered_list_open"):
            if depth == 0:
                doc.blocks.append(Block("bullets", "", line,
                                        ordered=token.type == "ordered_list_open"))
            depth += 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
        elif token.type == "table_open":
            table = Block("table", "", line)
            doc.blocks.append(table)
        elif token.type == "table_close":
            table = None
        elif token.type == "tr_open" and table is not None:
            table.rows.append([])
        elif token.type == "dl_open" and depth == 0:
            terms = Block("terms", "", line)
            doc.blocks.append(terms)
        elif token.type == "dl_close":
            terms = None
        elif token.type == "inline":
            opener = tokens[index - 1]
            if table is not None and opener.type in ("th_open", "td_open"):
                table.rows[-1].append(_plain(token))
            elif terms is not None and opener.type == "dt_open":
                term = _plain(token)
                terms.items.append(Item(term, line, term=term))
            elif terms is not None and terms.items and opener.type == "paragraph_open":
                item = terms.items[-1]
                meaning = _plain(token)
                item.description = f"{item.description} {meaning}".strip()
                item.text = f"{item.term} — {item.description}"
            elif opener.type == "heading_open":
                title = _plain(token)
                if opener.tag == "h1" and not doc.title:
                    doc.title = title
                elif opener.tag != "h1" or title != doc.title:
                    doc.blocks.append(Block("heading", title, line, level=int(opener.tag[1])))
                    in_header = False
            elif depth and doc.blocks and doc.blocks[-1].kind == "bullets":
                if depth == 1 and _starts_item(tokens, index):
                    doc.blocks[-1].items.append(_item(token, line))
                elif depth == 1 and doc.blocks[-1].items:  # the item's next paragraph
                    _continue_item(doc.blocks[-1].items[-1], _plain(token))
                # items of a nested list are sub-points of their item, not items
            elif opener.type == "paragraph_open":
                text = _plain(token)
                meta = in_header and is_meta_line(text)
                doc.blocks.append(Block("meta" if meta else "paragraph", text, line))
    if not doc.title:
        doc.warnings.append(Warning_(1, "no `# Title` heading: using the file name as title"))
    return doc


def _starts_item(tokens: list[Token], index: int) -> bool:
    """Whether this inline text is the first paragraph of a list item."""
    before = tokens[index - 2] if index >= 2 else None
    return before is not None and before.type == "list_item_open"


def _continue_item(item: Item, more: str) -> None:
    item.text = f"{item.text} {more}".strip()
    if item.term:
        item.description = f"{item.description} {more}".strip()


def _front_matter(lines: list[str], doc: Document) -> int:
    if not lines or lines[0].strip() != "---":
        return 0
    for i in range(1, min(len(lines), 40)):
        line = lines[i].strip()
        if line == "---":
            return i + 1
        match = FRONT.match(line)
        if not match:
            continue
        key, value = match.group(1), match.group(2).strip().strip('"')
        if key == "title":
            doc.title = value
        elif key == "phase" and value.isdecimal():
            doc.phase = int(value)
        elif key == "phase_title":
            doc.phase_title = value
        elif key == "slug":
            doc.slug = value
        elif key == "order" and value.isdecimal():
            doc.order = int(value)
        elif key == "next_module":
            doc.next_module = value
    return 0


def _item(token: Token, line: int) -> Item:
    """A list item; one that opens with bold text followed by more words carries a term."""
    children = list(token.children or [])
    while children and children[0].type == "text" and not children[0].content.strip():
        children.pop(0)  # markdown-it opens with an empty text token
    if len(children) > 3 and children[0].type == "strong_open":
        close = next((i for i, c in enumerate(children) if c.type == "strong_close"), 0)
        term = _words(children[1:close]).strip().rstrip(":").strip()
        rest = SEPARATOR.sub("", _words(children[close + 1:]), count=1).strip()
        if term and rest:
            description = rest[:1].upper() + rest[1:]
            return Item(f"{term} — {description}", line, term=term, description=description)
    return Item(_plain(token), line)


def _plain(token: Token) -> str:
    """An inline token's words: emphasis, links and code kept as their text."""
    return " ".join(_words(token.children or []).split())


def _words(children: list[Token]) -> str:
    parts = []
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "html_inline":
            continue
        elif child.type == "image":
            parts.append(child.content)
    return "".join(parts)
