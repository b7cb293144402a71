"""HTML field text -> plain text, and plain text -> HTML for Anki fields."""

from __future__ import annotations

import html
import re

BLOCK = {"br", "div", "p", "li", "tr", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol"}


TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)([^<>]*)>")
ATTRIBUTE = re.compile(r"""([a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+)""")


def _attributes(text: str) -> dict[str, str]:
    return {name.lower(): html.unescape(value.strip("\"'"))
            for name, value in ATTRIBUTE.findall(text)}


def to_text(fragment: str) -> str:
    """Visible text of an HTML fragment: tags dropped, entities decoded, images named.

    A small scanner, linear in the input (Python's HTMLParser takes minutes on some
    malformed fields and asserts on others): each `<` is looked at once, and a tag's
    pattern cannot run past the next `<`."""
    parts: list[str] = []
    skip = 0
    i, size = 0, len(fragment)
    while i < size:
        start = fragment.find("<", i)
        if start < 0:
            start = size
        if start > i and not skip:
            parts.append(html.unescape(fragment[i:start]))
        if start >= size:
            break
        for opening, closing in (("<!--", "-->"), ("<![CDATA[", "]]>"), ("<!", ">"),
                                 ("<?", ">")):
            if fragment.startswith(opening, start):
                end = fragment.find(closing, start + len(opening))
                i = size if end < 0 else end + len(closing)
                break
        else:
            match = TAG.match(fragment, start)
            if match is None:
                if not skip:
                    parts.append("<")
                i = start + 1
                continue
            closing_tag, tag = match.group(1) == "/", match.group(2).lower()
            if tag in ("script", "style"):
                skip = max(0, skip - 1) if closing_tag else skip + 1
            elif tag == "img" and not closing_tag and not skip:
                values = _attributes(match.group(3))
                parts.append(f"[image: {values.get('alt') or values.get('src') or 'image'}]")
            elif tag in BLOCK and not skip:
                parts.append("\n")
            i = match.end()
    text = "".join(parts).replace("\xa0", " ")
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def looks_like_html(text: str) -> bool:
    """True when the text holds tags or entities."""
    return bool(re.search(r"</?[a-zA-Z][^>]*>|&[a-zA-Z]+;|&#\d+;", text))


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


def safe_html(fragment: str, media: dict[str, str] | None = None) -> str:
    """The fragment rebuilt with the linear scanner: known tags (and their useful
    attributes) kept, everything else dropped, text escaped, source line breaks read as
    spaces (as a browser does; `<br>` and blocks make the breaks), images and sounds as
    `[image: NAME]` / `[sound: NAME]` (with `media` mapping a file name to where it was
    saved). The result is small, well-formed HTML that any parser reads in linear time."""
    out: list[str] = []
    skip = 0
    pre = 0
    i, size = 0, len(fragment)
    while i < size:
        start = fragment.find("<", i)
        if start < 0:
            start = size
        if start > i and not skip:
            text = html.unescape(fragment[i:start])
            text = _sounds(text, media)
            if not pre:
                text = re.sub(r"[ \t\r\n]+", " ", text)
            out.append(html.escape(text, quote=False))
        if start >= size:
            break
        if fragment.startswith("<!--", start):
            end = fragment.find("-->", start + 4)
            i = size if end < 0 else end + 3
            continue
        match = TAG.match(fragment, start)
        if match is None:
            if not skip:
                out.append("&lt;")
            i = start + 1
            continue
        closing, tag = match.group(1) == "/", match.group(2).lower()
        i = match.end()
        if tag in ("script", "style"):
            skip = max(0, skip - 1) if closing else skip + 1
            continue
        if skip:
            continue
        if tag == "img" and not closing:
            values = _attributes(match.group(3))
            name = values.get("src") or values.get("alt") or "image"
            out.append(html.escape(_media_label("image", name, media), quote=False))
            continue
        if tag not in KEPT:
            continue
        if tag == "pre":
            pre = max(0, pre - 1) if closing else pre + 1
        if closing:
            if tag not in VOID:
                out.append(f"</{tag}>")
            continue
        values = _attributes(match.group(3))
        kept = "".join(f' {name}="{html.escape(values[name])}"' for name in KEPT[tag]
                       if name in values and not values[name].lower().startswith(
                           ("javascript:", "data:")))
        out.append(f"<{tag}{kept}>")
    return "".join(out)


SOUND = re.compile(r"\[sound:([^\]]+)\]")


def _sounds(text: str, media: dict[str, str] | None) -> str:
    return SOUND.sub(lambda m: _media_label("sound", m.group(1), media), text)


def _media_label(kind: str, name: str, media: dict[str, str] | None) -> str:
    saved = (media or {}).get(name)
    return f"[{kind}: {name}]" + (f" ({saved})" if saved else "")


def to_markdown(fragment: str, media: dict[str, str] | None = None) -> str:
    """An Anki field as Markdown: lists with their markers and numbers, links with their
    URL, tables, bold and italics, line breaks where the field breaks lines, and stray
    source line breaks read as spaces (markdownify on `safe_html`'s output)."""
    if not looks_like_html(fragment) and "[sound:" not in fragment:
        text = fragment.replace("\xa0", " ")
        return "\n".join(re.sub(r"[ \t]+", " ", line).strip()
                         for line in text.splitlines()).strip()
    from markdownify import markdownify

    markdown = markdownify(safe_html(fragment, media), bullets="-", heading_style="ATX",
                           escape_asterisks=False, escape_underscores=False,
                           escape_misc=False)
    lines = [line.rstrip() for line in markdown.replace("\xa0", " ").splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
