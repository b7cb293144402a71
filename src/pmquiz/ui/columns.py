"""Tables that fit the terminal: a label column (module titles) shortened with an ellipsis
rather than wrapped over lines, and figure columns that never lose a value. When the figures
do not fit beside a readable label, they are split over two or more tables, each with the
labels again."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pmquiz.ui.text import clean

if TYPE_CHECKING:
    from rich.table import Table

SEPARATOR = 3  # " │ " between two columns (no outer edge)
LABEL_MIN = 20  # narrower than this, a title says too little: split the figures instead


def shorten(text: str, width: int) -> str:
    """The text cut at a word boundary to fit `width`, with an ellipsis when cut."""
    text = " ".join(clean(text).split()) if "\n" in text else clean(text)
    if len(text) <= width:
        return text
    if width <= 1:
        return "…"[:width]
    cut = text[:width - 1]
    space = cut.rstrip().rfind(" ")
    if space >= width // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:·-–") + "…"


@dataclass
class Row:
    """One row: its label, its figures (one per column) and a style."""

    label: str
    cells: list[str]
    style: str = ""
    indent: int = 0  # spaces before the label (kept when the label is shortened)


@dataclass
class Columns:
    """A table to fit: a label header, figure headers, rows, and where sections start."""

    label: str
    headers: list[str]
    rows: list[Row] = field(default_factory=list)
    sections: set[int] = field(default_factory=set)  # row indexes preceded by a rule

    def widths(self) -> list[int]:
        """Each figure column's width: its header or its widest value."""
        return [max([len(h), *(len(r.cells[i]) for r in self.rows)])
                for i, h in enumerate(self.headers)]

    def groups(self, width: int) -> list[list[int]]:
        """Figure columns in as few groups as fit beside a label of at least `LABEL_MIN`,
        as even in size as they can be (no lone column on a table of its own)."""
        widths = self.widths()
        for count in range(1, len(widths) + 1):
            size = -(-len(widths) // count)  # ceiling: columns per group
            groups = [list(range(start, min(start + size, len(widths))))
                      for start in range(0, len(widths), size)]
            if all(LABEL_MIN + sum(widths[i] + SEPARATOR for i in g) <= width for g in groups):
                return groups
        return [[i] for i in range(len(widths))]

    def tables(self, width: int, title: str = "") -> list[Table]:
        """Rich tables, each at most `width` wide."""
        from rich.table import Table

        from pmquiz.ui.text import literal

        widths = self.widths()
        longest = max([len(self.label), *(r.indent + len(clean(r.label)) for r in self.rows)])
        tables = []
        for number, group in enumerate(self.groups(width)):
            room = width - sum(widths[i] + SEPARATOR for i in group)
            label_width = max(1, min(longest, room))
            table = Table(title=title if number == 0 else None, title_justify="left",
                          show_edge=False, pad_edge=False)
            table.add_column(shorten(self.label, label_width), width=label_width,
                             no_wrap=True, overflow="ellipsis")
            for i in group:
                table.add_column(self.headers[i], justify="right", no_wrap=True,
                                 width=widths[i])
            for index, row in enumerate(self.rows):
                if index in self.sections:
                    table.add_section()
                label = " " * row.indent + shorten(row.label, label_width - row.indent)
                table.add_row(literal(label, row.style), *(row.cells[i] for i in group),
                              style=row.style or None)
            tables.append(table)
        return tables
