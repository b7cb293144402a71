"""HTML field text -> plain text, and plain text -> HTML for Anki fields."""

from __future__ import annotations

import html
import re
from collections import OrderedDict
from functools import lru_cache

from pmquiz.interop.html_scan import TOKEN, attributes_of, scan
from pmquiz.interop.markdown_out import Node, markdown_of
from pmquiz.interop.markers import shaped_markdown
from pmquiz.interop.tex_macros import without_definitions

BLOCK = {"br", "div", "p", "li", "tr", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol"}


SPACES = re.compile(r"[ \t]+")
WHITESPACE = re.compile(r"[ \t\r\n]+")
BLANK_LINES = re.compile(r"\n{3,}")
MARKUP = re.compile(r"</?[a-zA-Z][^<>]*>|&[a-zA-Z][a-zA-Z0-9]*;|&#(?:\d+|[xX][0-9a-fA-F]+);")


def to_text(fragment: str) -> str:
    """Visible text of an HTML fragment: tags dropped, entities decoded, images named
    (cached by field text up to 64 KB, as `to_markdown` is)."""
    return _cached_text(fragment) if len(fragment) <= 65536 else text_once(fragment)


@lru_cache(maxsize=4096)
def _cached_text(fragment: str) -> str:
    return text_once(fragment)


def text_once(fragment: str) -> str:
    """`to_text` not kept in its cache: for a text read once (a long field's head)."""
    parts: list[str] = []
    for kind, value, closing, attributes in scan(fragment):
        if kind == "text":
            parts.append(value)
        elif value == "img" and not closing:
            values = attributes_of(attributes)
            parts.append(f"[image: {values.get('alt') or values.get('src') or 'image'}]")
        elif value in BLOCK:
            parts.append("\n")
    text = "".join(parts).replace("\xa0", " ")
    lines = [SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


# What can make text of a fragment's tags, or hide text between them: an image, a script or
# style element, a comment, CDATA or a declaration.
NOT_PLAIN_TAGS = re.compile(r"<[!?]|<(?:img|script|style)", re.IGNORECASE)
PLAIN_TAG = re.compile(r"</?[a-zA-Z][^>]*(?:>|\Z)")  # a tag as `scan` reads one


def has_text(fragment: str) -> bool:
    """Whether `to_text(fragment)` is not blank, without converting it: the text between
    plain tags is looked at until one piece is not blank (a section test on a 28 KB
    glossary read all of it, a fifth of a large import)."""
    if "<" not in fragment and "&" not in fragment:
        return not fragment.isspace() and bool(fragment)
    if NOT_PLAIN_TAGS.search(fragment):
        # read as `to_text` reads it, up to the first visible piece: an image names itself
        # (a glossary of 12 KB with an image or a comment read whole was 15 % of an import)
        for kind, value, closing, _ in scan(fragment):
            if kind == "text" and value and not value.isspace():
                return True
            if kind == "tag" and value == "img" and not closing:
                return True
        return False
    unescape = html.unescape
    return any(not (unescape(piece) if "&" in piece else piece).isspace()
               for piece in PLAIN_TAG.split(fragment) if piece)


def looks_like_html(text: str) -> bool:
    """True when the text holds tags or entities."""
    # [^<>]: a tag's pattern stops at the next "<" (linear on "<a <a <a …")
    return bool(MARKUP.search(text))


def to_html(text: str) -> str:
    """Plain text as an HTML field (escaped, new lines as <br>)."""
    return html.escape(text).replace("\n", "<br>")


# Tags kept when an Anki field becomes Markdown, with the attributes that matter.
KEPT = {"b": (), "strong": (), "i": (), "em": (), "u": (), "s": (), "sup": (), "sub": (),
        "a": ("href",), "ul": (), "ol": (), "li": (), "br": (), "p": (), "div": (),
        "table": (), "thead": (), "tbody": (), "tr": (), "td": (), "th": (), "code": (),
        "pre": (), "h1": (), "h2": (), "h3": (), "h4": (), "h5": (), "h6": (), "hr": (),
        "blockquote": ()}
VOID = {"br", "hr"}
MAX_NESTING = 32  # kept tags nested deeper are dropped (markdownify recurses per level)
MARKUP_LIMIT = 100_000  # a longer field is read as plain text (the parser would take minutes)


def kept_tree(fragment: str, media: dict[str, str] | None = None) -> tuple[Node, bool]:
    """The fragment's element tree of known tags (with their useful attributes, as escaped
    `name="value"` text), everything else dropped, text unescaped, source line breaks read
    as spaces (as a browser does; `<br>` and blocks make the breaks), images and sounds as
    `[image: NAME]` / `[sound: NAME]` (with `media` mapping a file name to where it was
    saved). A stray closing tag is ignored and an unclosed element ends with its parent, as
    a browser reads them; kept tags nested deeper than `MAX_NESTING` are dropped, their text
    kept. Also whether any tag was read. One pass over `scan`'s pieces: Markdown is
    written from the tree, so a 6,000-note package converts in a fraction of a second."""
    root = Node("")
    stack = [root]
    open_tags = [""]  # the stack's tags: the root's "" is no tag's name
    children = root.children
    pre = 0
    depth = 0  # open kept tags; deeper ones are dropped, their text kept
    tags = False
    skip = 0  # open script and style elements: their text and tags are dropped
    unescape = html.unescape
    # `scan`'s pieces read in place (text, then a tag's three groups, then text…), without
    # a generator's tuple for each
    pieces = TOKEN.split(fragment)
    last = len(pieces) - 1
    for index in range(0, len(pieces), 4):
        text = pieces[index]
        if text and not skip:
            if "&" in text:
                text = unescape(text)
            if "[sound:" in text:
                text = _sounds(text, media)
            if not pre and ("  " in text or "\n" in text or "\t" in text or "\r" in text):
                text = WHITESPACE.sub(" ", text)
            children.append(text)
        if index == last:
            break
        name = pieces[index + 2]
        if name is None:
            continue  # a comment, CDATA or a declaration
        value = name.lower()
        closing = pieces[index + 1] == "/"
        if value in ("script", "style"):
            skip = max(0, skip - 1) if closing else skip + 1
            continue
        if skip:
            continue
        if value == "img":
            if not closing:
                values = attributes_of(pieces[index + 3])
                name = values.get("src") or values.get("alt") or "image"
                children.append(_media_label("image", name, media))
            continue
        wanted = KEPT.get(value)
        if wanted is None:
            continue
        if value == "pre":
            pre = max(0, pre - 1) if closing else pre + 1
        if closing:
            if value not in VOID:
                if depth <= MAX_NESTING:
                    tags = True
                    if value in open_tags:
                        while open_tags.pop() != value:
                            stack.pop()
                        stack.pop()
                        children = stack[-1].children
                depth = max(0, depth - 1)
            continue
        if value not in VOID:
            depth += 1
            if depth > MAX_NESTING:
                continue
        tags = True
        kept = ""
        if wanted:
            values = attributes_of(pieces[index + 3])
            kept = "".join(f' {name}="{html.escape(values[name])}"' for name in wanted
                           if name in values and not values[name].lower().startswith(
                               ("javascript:", "data:")))
        node = Node(value, kept)
        children.append(node)
        if value not in VOID:
            stack.append(node)
            open_tags.append(value)
            children = node.children
    return root, tags


SOUND = re.compile(r"\[sound:([^\]]+)\]")


def _sounds(text: str, media: dict[str, str] | None) -> str:
    if "[sound:" not in text:
        return text
    return SOUND.sub(lambda m: _media_label("sound", m.group(1), media), text)


def _media_label(kind: str, name: str, media: dict[str, str] | None) -> str:
    saved = (media or {}).get(name)
    return f"[{kind}: {name}]" + (f" ({saved})" if saved else "")


MARKDOWN_CACHE = 4096  # field texts whose Markdown is kept, the oldest dropped first
# ordered so the oldest goes in one step: a plain dict's first key after thousands of
# deletions is found by skipping every deleted slot (3 % of a large package's reading)
_markdown: OrderedDict[str, str] = OrderedDict()


def to_markdown(fragment: str, media: dict[str, str] | None = None) -> str:
    """See `_to_markdown`; without media names the result is kept by field text (fields up
    to 64 KB, the last `MARKDOWN_CACHE` of them: never more than a few hundred MB)."""
    if media is not None or len(fragment) > 65536:
        return _to_markdown(fragment, media)
    found = _markdown.get(fragment)
    if found is None:
        found = _to_markdown(fragment, None)
        if len(_markdown) >= MARKDOWN_CACHE:
            _markdown.popitem(last=False)
        _markdown[fragment] = found
    return found


def known_markdown(fragment: str) -> str | None:
    """`to_markdown(fragment)` if it was made lately, else None (nothing is converted): a
    note's origin asks whether a card's text is one of its fields this way first."""
    return _markdown.get(fragment)


def _to_markdown(fragment: str, media: dict[str, str] | None = None) -> str:
    """An Anki field as Markdown: lists with their markers and numbers, links with their
    URL, tables, bold and italics, line breaks where the field breaks lines, and stray
    source line breaks read as spaces (`markdown_out` on `kept_tree`). Packages
    repeat field texts (a note type's template, shared values): each distinct one is
    converted once."""
    if not looks_like_html(fragment) and "[sound:" not in fragment:
        text = fragment.replace("\xa0", " ") if "\xa0" in fragment else fragment
        if "  " not in text and "\t" not in text and text.isprintable():
            return text.strip()  # one line (no line break is printable) with single spaces
        return "\n".join(SPACES.sub(" ", line).strip()
                         for line in text.splitlines()).strip()
    if len(fragment) > MARKUP_LIMIT:  # one linear pass, whatever the field: its text
        return _sounds(to_text(fragment), media)
    if media is None:  # a field of a shape seen before: its words put in that Markdown
        shaped = shaped_markdown(fragment, _html_markdown)
        if shaped is not None:
            return shaped
    return _html_markdown(fragment, media)


def _html_markdown(fragment: str, media: dict[str, str] | None = None) -> str:
    root, tags = kept_tree(fragment, media)
    if not tags:  # no markup left: the text as it reads
        return " ".join("".join(root.children).split())  # type: ignore[arg-type]
    return markdown_of(root)


HIDING = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
ANY_TAG = re.compile(r"<(/?)([a-zA-Z][\w-]*)([^<>]*)>")
EMPTY_ELEMENTS = frozenset("area base br col embed hr img input link meta source track wbr".split())


# An opening tag whose attributes mention a style or a class: the only tags that can hide
# an element (the name is possessive, so "<xstyle=…>" is no tag "x" with a style).
STYLED = re.compile(r"<([a-zA-Z][\w-]*+)([^<>]*?(?:style|class)[^<>]*)>")


def without_hidden(fragment: str, classes: frozenset[str] = frozenset()) -> str:
    """The fragment without what a card never shows: elements with an inline `display:none`
    or `visibility:hidden` style, or a class the note type's CSS hides (a `{{FrontSide}}`
    kept for Anki's layout only), and TeX macro definitions, which MathJax draws as nothing
    however their element is styled (`tex_macros`)."""
    return without_definitions(_without_hidden_elements(fragment, classes))


def _without_hidden_elements(fragment: str, classes: frozenset[str]) -> str:
    """Linear: the regex skips to the tags with a style or a class, and a hidden element's
    own tags are walked to its end."""
    if "<" not in fragment or ("style" not in fragment and
                               not (classes and "class" in fragment)):
        return fragment  # nothing can hide anything
    out: list[str] = []
    kept_from = 0
    position = 0
    while (match := STYLED.search(fragment, position)) is not None:
        name, attributes = match.group(1).lower(), match.group(2)
        position = match.end()
        if name in EMPTY_ELEMENTS or not _hides(attributes, classes):
            continue
        out.append(fragment[kept_from:match.start()])
        kept_from = position = _element_end(fragment, name, position)
    out.append(fragment[kept_from:])
    return "".join(out)


def _hides(attributes: str, classes: frozenset[str]) -> bool:
    # most tags carry neither a hiding style nor a hidden class: no attributes parsed for them
    styled = "style" in attributes and HIDING.search(attributes) is not None
    if not styled and not (classes and "class" in attributes
                           and any(name in attributes for name in classes)):
        return False
    found = attributes_of(attributes)
    return HIDING.search(found.get("style", "")) is not None or \
        bool(classes and classes & set(found.get("class", "").split()))


def _element_end(fragment: str, name: str, start: int) -> int:
    """Where the element of tag `name` opened just before `start` ends (after its closing
    tag, nested ones of the same name counted), or the fragment's end if it never closes."""
    depth = 1
    for match in ANY_TAG.finditer(fragment, start):
        if match.group(2).lower() == name and not match.group(3).rstrip().endswith("/"):
            depth += -1 if match.group(1) == "/" else 1
            if depth == 0:
                return match.end()
    return len(fragment)


CSS_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")


def hidden_classes(css: str) -> frozenset[str]:
    """Class names a note type's CSS hides (`.off { display: none }`, `div.hint, .x {…}`)."""
    found: set[str] = set()
    for selectors, body in CSS_RULE.findall(css):
        if HIDING.search(body):
            for selector in selectors.split(","):
                simple = re.fullmatch(r"\s*[a-zA-Z]*\.([\w-]+)\s*", selector)
                if simple:
                    found.add(simple.group(1))
    return frozenset(found)
