"""Anki field HTML to Markdown (`interop/markdown_out.py`), on any HTML: it never fails,
keeps every word of the text, and reads markup as a Markdown reader would (issue #28)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmquiz.interop.html import to_markdown

TAGS = ["b", "i", "em", "strong", "u", "s", "sup", "sub", "p", "div", "ul", "ol", "li",
        "br", "hr", "table", "tr", "td", "th", "pre", "code", "a href='x'", "h2",
        "blockquote", "span", "font color=red"]
WORDS = st.text(alphabet="abcdefghijkl ", min_size=1, max_size=12)


@st.composite
def fragments(draw: st.DrawFn, depth: int = 0) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 4))):
        if depth < 4 and draw(st.booleans()):
            tag = draw(st.sampled_from(TAGS))
            name = tag.split()[0]
            inner = draw(fragments(depth + 1))  # type: ignore[call-arg]
            closed = draw(st.integers(0, 9)) > 0  # sometimes left open, as fields are
            parts.append(f"<{tag}>{inner}" + (f"</{name}>" if closed else ""))
        else:
            parts.append(draw(WORDS))
    return "".join(parts)


@settings(max_examples=300, deadline=None)
@given(fragments())
def test_any_field_converts_and_keeps_its_words(field: str) -> None:
    markdown = to_markdown(field)
    words = re.findall(r"[a-l]+", re.sub(r"<[^>]*>", " ", field))
    kept = re.findall(r"[a-l]+", markdown)
    if "<table" in field:  # text standing between cells moves before its table, as in browsers
        assert sorted("".join(words)) == sorted("".join(kept))
    else:
        assert "".join(words) == "".join(kept)  # every letter, in order
    assert "<" not in markdown  # no tag reaches a card


def test_markup_reads_as_markdown_readers_read_it() -> None:
    assert to_markdown("<b>bold <br>on two lines</b>") == "**bold**\n**on two lines**"
    assert to_markdown("a <i> spaced </i>b") == "a *spaced* b"
    assert to_markdown("<ol><li>one</li><li>two<ul><li>x</li></ul></li></ol>") == \
        "1. one\n2. two\n   - x"
    assert to_markdown('<a href="https://e.org">site</a>') == "[site](https://e.org)"
    assert to_markdown("<table><tr><th>a</th></tr><tr><td>1</td><td>2</td></tr></table>") \
        == "| a |  |\n| --- | --- |\n| 1 | 2 |"
    assert to_markdown("<pre><code>x = 1\ny</code></pre>") == "```\nx = 1\ny\n```"
    assert to_markdown("<p>one</p><p>two</p>") == "one\n\ntwo"


def _scan_by_matches(fragment: str) -> list[tuple[str, str, bool, str]]:
    """The scanner as first written, one match object a token: the reference `scan` must
    equal."""
    import html

    from pmquiz.interop.html_scan import TOKEN

    out: list[tuple[str, str, bool, str]] = []
    skip = last = 0
    for match in TOKEN.finditer(fragment):
        if match.start() > last and not skip:
            out.append(("text", html.unescape(fragment[last:match.start()]), False, ""))
        last = match.end()
        if match.group(2) is None:
            continue
        tag, closing = match.group(2).lower(), match.group(1) == "/"
        if tag in ("script", "style"):
            skip = max(0, skip - 1) if closing else skip + 1
        elif not skip:
            out.append(("tag", tag, closing, match.group(3)))
    if last < len(fragment) and not skip:
        out.append(("text", html.unescape(fragment[last:]), False, ""))
    return out


SCAN_BITS = ["a", " ", "\n", "<", ">", "&amp;", "&nb", "sp;", "&", "<b>", "</B>", "<br/>",
             "<p class='x'>", "<script>", "</script>", "<style x>", "</Style>", "<!--", "-->",
             "<![CDATA[", "]]>", "<?x>", "<!x>", "<img src=a>", "<a\nhref=b>"]


@settings(max_examples=300)
@given(st.lists(st.sampled_from(SCAN_BITS), max_size=16).map("".join))
def test_the_scanner_reads_every_fragment_as_one_match_per_token_does(fragment: str) -> None:
    from pmquiz.interop.html_scan import scan

    assert list(scan(fragment)) == _scan_by_matches(fragment)


def _tree_in_two_passes(fragment: str) -> tuple[object, bool]:
    """The kept-tag tree as first built: `scan`'s tokens filtered into kept tokens, then a
    second walk that nests them (the reference `kept_tree` must equal), as nested tuples."""
    import html

    from pmquiz.interop.html import KEPT, MAX_NESTING, VOID, WHITESPACE
    from pmquiz.interop.html_scan import attributes_of, scan

    tokens: list[tuple[str, str, bool, str]] = []
    pre = depth = 0
    for kind, value, closing, attributes in scan(fragment):
        if kind == "text":
            text = WHITESPACE.sub(" ", value) if not pre else value
            tokens.append(("text", text, False, ""))
        elif value == "img" and not closing:
            name = attributes_of(attributes).get("src") or \
                attributes_of(attributes).get("alt") or "image"
            tokens.append(("text", f"[image: {name}]", False, ""))
        elif value in KEPT:
            if value == "pre":
                pre = max(0, pre - 1) if closing else pre + 1
            if closing:
                if value not in VOID:
                    if depth <= MAX_NESTING:
                        tokens.append(("tag", value, True, ""))
                    depth = max(0, depth - 1)
                continue
            if value not in VOID:
                depth += 1
                if depth > MAX_NESTING:
                    continue
            values = attributes_of(attributes)
            kept = "".join(f' {n}="{html.escape(values[n])}"' for n in KEPT[value]
                           if n in values and not values[n].lower().startswith(
                               ("javascript:", "data:")))
            tokens.append(("tag", value, False, kept))
    root: list[object] = ["", ""]
    stack, names = [root], [""]
    for kind, value, closing, attributes in tokens:
        if kind == "text":
            stack[-1].append(value)
        elif closing:
            if value in names:
                while names[-1] != value:
                    stack.pop()
                    names.pop()
                stack.pop()
                names.pop()
        else:
            node: list[object] = [value, attributes]
            stack[-1].append(node)
            if value not in VOID:
                stack.append(node)
                names.append(value)

    def frozen(node: object) -> object:
        return tuple(frozen(c) for c in node) if isinstance(node, list) else node

    return frozen(root), any(kind == "tag" for kind, *_ in tokens)


TREE_BITS = ["a b", "  ", "\n", "<b>", "</b>", "<i>", "</i>", "<ul>", "<li>", "</li>", "</ul>",
             "<pre>", "</pre>", "<br>", "</br>", "<hr>", "<span>", "</span>", "<img src=p.png>",
             "<a href='javascript:x'>", "<a href=u>", "</a>", "&amp;", "<script>", "</script>",
             "<table>", "<tr>", "<td>", "</td>", "<div>" * 20, "</div>" * 20, "<!-- c -->"]


@settings(max_examples=300)
@given(st.lists(st.sampled_from(TREE_BITS), max_size=24).map("".join))
def test_the_kept_tree_is_the_tree_the_two_pass_reading_built(fragment: str) -> None:
    """One pass over the scanner builds what filtering its tokens and then nesting them
    built (deep nesting past `MAX_NESTING`, stray closing tags, `pre` whitespace, images,
    unsafe links): the Markdown of every field is unchanged by the faster reading."""
    from pmquiz.interop.html import kept_tree
    from pmquiz.interop.markdown_out import Node

    def frozen(node: Node | str) -> object:
        if isinstance(node, str):
            return node
        return (node.tag, node.attrs, *(frozen(c) for c in node.children))

    root, tags = kept_tree(fragment)
    assert (frozen(root), tags) == _tree_in_two_passes(fragment)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab .,\t\n\r\x0b\x0c\x1c\x85\xa0\u2028\u200b\u3000é")),
               max_size=30))
def test_plain_text_reads_as_its_lines_with_single_spaces(text: str) -> None:
    """A field with no markup: each line (as `str.splitlines` breaks them) with its runs of
    spaces and tabs made one, and the whole stripped; the one-line shortcut says the same."""
    import re

    from pmquiz.interop.html import _to_markdown

    lines = text.replace("\xa0", " ").splitlines()
    assert _to_markdown(text) == "\n".join(re.sub(r"[ \t]+", " ", line).strip()
                                           for line in lines).strip()


def test_the_markdown_cache_keeps_the_latest_field_texts(monkeypatch: pytest.MonkeyPatch) -> None:
    from pmquiz.interop import html

    monkeypatch.setattr(html, "MARKDOWN_CACHE", 8)
    html._markdown.clear()
    for n in range(20):
        assert html.to_markdown(f"<b>{n}</b>") == f"**{n}**"
    assert list(html._markdown) == [f"<b>{n}</b>" for n in range(12, 20)]
    assert html.known_markdown("<b>19</b>") == "**19**" and html.known_markdown("<b>3</b>") is None


@pytest.mark.parametrize("href", [
    "https://e.org/wiki/您", "plecoapi://x-callback-url/s?q=N/PN (Neg)(A) SV[, N 也 SV]",
    "https://e.org/a_(b)", "https://e.org/a b", "https://e.org/<x>", "https://e.org/a\nb"])
def test_a_link_reads_as_a_link_to_its_url(href: str) -> None:
    """A real Chinese deck's dictionary links hold spaces and parentheses (`?q=S ( 的 O)`):
    written bare, `[p](…)` ended at the first space or ")" and read as text. CommonMark
    (markdown-it, as rich uses it) reads each as one link to the whole URL."""
    import html as html_module
    from urllib.parse import unquote

    from markdown_it import MarkdownIt

    escaped = html_module.escape(href)
    field = f'<a href="{escaped}">p</a> and <a href="{escaped}">{escaped}</a>'
    tokens = MarkdownIt().parseInline(to_markdown(field))[0].children or []
    links = [t.attrGet("href") for t in tokens if t.type == "link_open"]
    assert [unquote(str(link)) for link in links] == [href, href]


@pytest.mark.parametrize(("field", "shown"), [
    ("Ce que j&#x27;ai dit", "Ce que j'ai dit"),  # as a real French package writes them
    ("x&sup2; + y&sup2;", "x² + y²"),  # a named reference with a digit in its name
    ("&#X41;&#66;", "AB"),
    ("R&D, a &amp b", "R&D, a &amp b"),  # no reference: the text as it is
])
def test_a_field_without_tags_shows_its_character_references_decoded(field: str,
                                                                      shown: str) -> None:
    assert to_markdown(field) == shown


@given(st.lists(st.one_of(st.sampled_from(["&#x27;", "&#39;", "&eacute;", "&sup2;", "&amp;",
                                           "&#X263A;", "&lt;"]),
                          st.text(alphabet="abc xyz.,'", min_size=1, max_size=5)),
                min_size=1, max_size=8))
def test_character_references_read_as_the_browser_reads_them(pieces: list[str]) -> None:
    import html

    field = "".join(pieces)
    assert to_markdown(field) == " ".join(html.unescape(field).split())
