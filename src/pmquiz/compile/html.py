"""Reader for a course page saved from the browser as HTML (`File > Save Page As`).

The page's main content is taken (`<main>`, else `<article>`, else the body) without its
navigation, header, footer, forms, scripts or the "Resources" list, converted to Markdown by
markdownify (bold terms stay `**bold**`), and read by the Markdown reader. What the page
says around the content is kept as module facts: the phase from its breadcrumb, the
resources' titles, and the next module's name.

Each block's line is then looked up in the HTML file (the block's first words, in page
order), so warnings and the coverage report name lines of the file the author has.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from pmquiz.compile.document import Document
from pmquiz.errors import CompileError

if TYPE_CHECKING:
    from bs4 import BeautifulSoup, Tag

PHASE = re.compile(r"\bPhase[\s\-–]*(\d{1,3})\b", re.IGNORECASE)
DROPPED = ("nav", "header", "footer", "aside", "script", "style", "noscript", "form", "button",
           "svg", "iframe", "template", "dialog")
# Blocks whose class or id says they are page furniture, not module content.
FURNITURE = re.compile(r"breadcrumb|crumbs|navbar|sidebar|footer|progress|cookie|consent|gdpr|"
                       r"banner|menu|toolbar|topbar|top-bar|masthead|share|social|newsletter|"
                       r"pagination|pager|skip-link", re.IGNORECASE)
RESOURCES = re.compile(r"^\s*(?:resources|further reading|references)\s*$", re.IGNORECASE)
NEXT = re.compile(r"^\s*next module\s*:?\s*$", re.IGNORECASE)


def looks_like_html(text: str) -> bool:
    """An HTML document rather than copied text or Markdown."""
    head = text.lstrip()[:2000].lower()
    return head.startswith(("<!doctype html", "<html")) or "<body" in head


MAX_DEPTH = 150  # tag nesting read (markdownify recurses once a level; ~1000 is Python's)


def _depth(root: Any) -> int:
    """How deep tags nest below `root`, walked without recursion."""
    deepest = 0
    stack = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in getattr(node, "contents", ())
                     if getattr(child, "name", None))
    return deepest


def read_html(text: str) -> Document:
    """Turn a saved course page into a Document."""
    from bs4 import BeautifulSoup
    from markdownify import markdownify

    from pmquiz.compile.markdown import read_markdown

    soup = BeautifulSoup(text, "html.parser")
    phase = _phase(soup)
    next_module = _next_module(soup)
    main: Any = soup.find("main") or soup.find("article") or \
        soup.find(role="main") or soup.body or soup
    deepest = _depth(main)
    if deepest > MAX_DEPTH:
        raise CompileError(f"the page nests its tags {deepest} deep; pmquiz reads pages nested "
                           f"up to {MAX_DEPTH} deep (a saved course page is under 40). Save the "
                           "page again from the browser, or copy its text into a .txt file.")
    resources = _take_resources(main)
    _drop_navigation(main)
    for tag in main.find_all(DROPPED):
        tag.decompose()
    for tag in main.find_all(_is_furniture):
        tag.decompose()
    markdown = markdownify(str(main), heading_style="ATX", bullets="-", strong_em_symbol="*",
                           strip=["img"])
    doc = read_markdown(_tidy(markdown))
    _lines_in_source(doc, text)
    if doc.phase is None:
        doc.phase = phase
    doc.resources = resources
    doc.next_module = doc.next_module or next_module
    if not doc.title:
        title = soup.find("h1") or soup.find("title")
        if title is not None:
            doc.title = " ".join(title.get_text(" ").split())
    return doc


def _lines_in_source(doc: Document, html: str) -> None:
    """Give each block the line of the HTML file where its first words stand (searching
    forward from the previous block, so repeated phrases keep page order); warnings that
    named a block's Markdown line follow it."""
    import html as entities

    plain = entities.unescape(html)
    moved: dict[int, int] = {}
    body = re.search(r"<body\b", plain, re.IGNORECASE)
    at = body.start() if body else 0
    for block in doc.blocks:
        first = block.text or (block.items[0].term or block.items[0].text if block.items
                               else next((c for r in block.rows for c in r if c), ""))
        words = first.replace("*", "").split()[:4]
        if not words:
            continue
        found = re.search(r"\W+(?:<[^>]*>\W*)*".join(re.escape(w) for w in words), plain[at:])
        if found is None:
            continue
        line = plain.count("\n", 0, at + found.start()) + 1
        moved[block.line] = line
        for item in block.items:
            moved.setdefault(item.line, line)
        block.line = line
        at += found.start()
    for warning in doc.warnings:
        warning.line = moved.get(warning.line, warning.line)


def _phase(soup: BeautifulSoup) -> int | None:
    """The phase named in the breadcrumb or title (`Home / Phase-2 / …`, `Phase 2`)."""
    for where in (soup.find(class_=re.compile("breadcrumb", re.I)), soup.find("nav"),
                  soup.find("title"), soup):
        if where is None:
            continue
        found = PHASE.search(where.get_text(" "))
        if found:
            return int(found.group(1))
    return None


def _next_module(soup: BeautifulSoup) -> str:
    """The name given after a `Next module:` label."""
    label = soup.find(string=NEXT)
    if label is None:
        return ""
    for following in label.find_all_next(string=True, limit=8):
        text = " ".join(str(following).split())
        if text and not NEXT.match(text) and text.lower() != "next module":
            return text
    return ""


def _drop_navigation(main: Any) -> None:
    """The `Next module:` label and the name after it, `Done with this module?`, `Back to
    Phase N`: navigation, wherever the page puts them."""
    from pmquiz.compile.page import NAV_LINES

    label = main.find(string=NEXT)
    if label is not None and label.parent is not None:
        box = label.parent
        following = box.find_next_sibling()
        if following is not None and len(following.get_text(" ").split()) <= 12:
            following.decompose()
        box.decompose()
    for text in list(main.find_all(string=NAV_LINES)):
        if text.parent is not None and text.parent is not main:
            text.parent.decompose()


def _take_resources(main: Any) -> list[str]:
    """Remove the "Resources" heading and what follows it up to the next heading of the same
    or a higher level; return the resources' titles (`Source: Title`)."""
    from pmquiz.compile.page import NAV_LINES

    heading = main.find(lambda t: t.name in ("h1", "h2", "h3", "h4", "h5", "h6") and
                        RESOURCES.match(t.get_text(" ")))
    if heading is None:
        return []
    level = int(heading.name[1])
    found: list[str] = []
    removed = []
    for sibling in list(heading.find_next_siblings()):
        if sibling.name in ("h1", "h2", "h3", "h4", "h5", "h6")[:level]:
            break
        for link in sibling.find_all("a"):
            title = " ".join(link.get_text(" ").split())
            if not title or title.lower() == "open resource" or NAV_LINES.match(title):
                continue
            # the publisher: the rest of the link's box, buttons left out
            box = link.parent if link.parent is not sibling.parent else link
            rest = " ".join(t for t in box.find_all(string=True)
                            if t.parent is not link and t.parent.name != "button")
            source = " ".join(rest.replace("Open Resource", "").split())
            found.append(f"{source}: {title}" if source and source != title else title)
        removed.append(sibling)
    for tag in [heading, *removed]:
        tag.decompose()
    return found


def _is_furniture(tag: Tag) -> bool:
    names = " ".join([*(tag.get("class") or []), str(tag.get("id") or "")])
    return bool(names.strip()) and FURNITURE.search(names) is not None


def _tidy(markdown: str) -> str:
    """markdownify leaves runs of blank lines and trailing spaces; CommonMark does not mind,
    but warnings' line numbers read better without them."""
    lines = [line.rstrip() for line in markdown.splitlines()]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
