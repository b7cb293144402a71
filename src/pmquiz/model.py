"""Plain data: modules, cards, card states, reviews, ratings. Standard library only."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import IntEnum, StrEnum
from typing import Any

# A picture or sound in card text: `[image: NAME]`, then ` (media/deck/NAME)` once saved.
MEDIA_REF = re.compile(r"\[(image|sound): ([^\]\n]+)\](?: \(([^)\n]+)\))?")


def without_media(text: str) -> str:
    """The text's words without its pictures and sounds (a text that is only media stays)."""
    if "[" not in text:
        return text
    words = MEDIA_REF.sub(" ", text)
    return " ".join(words.split()) if words.strip() else text


class Kind(StrEnum):
    """How a card asks and how its answer is graded."""

    BASIC = "basic"
    CHOICE = "choice"
    CLASSIFY = "classify"
    LIST = "list"
    CLOZE = "cloze"


class Rating(IntEnum):
    """FSRS ratings, numbered as Anki and FSRS number them."""

    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4

    @property
    def label(self) -> str:
        """The word shown to the learner."""
        return self.name.capitalize()


class State(IntEnum):
    """FSRS card states plus NEW for a card never reviewed (state 0 in the database)."""

    NEW = 0
    LEARNING = 1
    REVIEW = 2
    RELEARNING = 3


@dataclass(frozen=True)
class Module:
    """One module of the course: the metadata part of a deck file."""

    slug: str
    title: str
    phase: int
    phase_title: str = ""
    order: int = 0
    source: str = ""
    resources: tuple[str, ...] = ()
    next_module: str = ""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return {
            "slug": self.slug,
            "title": self.title,
            "phase": self.phase,
            "phase_title": self.phase_title,
            "order": self.order,
            "source": self.source,
            "resources": list(self.resources),
            "next_module": self.next_module,
        }


CLOZE_GAP = re.compile(r"\{\{(.+?)\}\}")


@dataclass(frozen=True)
class Card:
    """One question. `id` is unique within its deck and carries the card's history."""

    deck: str
    id: str
    kind: Kind
    prompt: str
    answer: str = ""
    options: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    items: tuple[str, ...] = ()
    explain: str = ""
    source: str = ""
    line: int = 0
    keep: bool = False
    groups: tuple[str, ...] = ()  # sibling groups: cards that test the same fact
    also: tuple[str, ...] = ()  # basic cards: other wordings of the answer, also right
    ordered: bool = False  # list cards: the items must come in their order
    pick: int = 0  # list cards: name this many of the items (an open list), 0 = all
    any_order: bool = False  # cloze cards: the gaps' answers may come in any order
    # Keys of the cards whose answer this card shows (found when decks are synced, see
    # `siblings.links`): siblings too, never written to a deck file.
    links: tuple[str, ...] = ()
    # Of `links`, the cards whose answer only its explanation shows (held back on a day
    # both are asked: `session.withheld`).
    told: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """The card's identity across decks: `module-slug/card-id`."""
        return f"{self.deck}/{self.id}"

    @property
    def group_keys(self) -> frozenset[str]:
        """What siblings share: `module/group` for each of its groups, and `module/id` (a card
        is a group of its own, so a group may name another card's id)."""
        return frozenset({f"{self.deck}/{self.id}", *(f"{self.deck}/{g}" for g in self.groups)})

    @property
    def gaps(self) -> list[list[str]]:
        """For a cloze card, the accepted answers of each gap (`{{a|b}}` accepts a or b;
        `{{a::hint}}` shows the hint)."""
        return [[alt.strip() for alt in m.split("::")[0].split("|")]
                for m in CLOZE_GAP.findall(self.prompt)]

    @property
    def category_set(self) -> str:
        """The name of a classify card's category set, e.g. `A/B`."""
        return "/".join(self.categories)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form, kept in the database so unchanged decks need no parsing."""
        data: dict[str, Any] = {"deck": self.deck, "id": self.id, "kind": self.kind.value,
                                "prompt": self.prompt}
        for name in ("answer", "explain", "source"):
            if getattr(self, name):
                data[name] = getattr(self, name)
        for name in ("options", "categories", "items"):
            if getattr(self, name):
                data[name] = list(getattr(self, name))
        if self.line:
            data["line"] = self.line
        if self.keep:
            data["keep"] = True
        if self.groups:
            data["group"] = list(self.groups)
        if self.also:
            data["also"] = list(self.also)
        if self.links:
            data["links"] = list(self.links)
        if self.told:
            data["told"] = list(self.told)
        for name in ("ordered", "any_order"):
            if getattr(self, name):
                data[name] = True
        if self.pick:
            data["pick"] = self.pick
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Card:
        """The inverse of `to_dict`."""
        return cls(
            deck=data["deck"],
            id=data["id"],
            kind=Kind(data["kind"]),
            prompt=data["prompt"],
            answer=data.get("answer", ""),
            options=tuple(data.get("options", ())),
            categories=tuple(data.get("categories", ())),
            items=tuple(data.get("items", ())),
            explain=data.get("explain", ""),
            source=data.get("source", ""),
            line=data.get("line", 0),
            keep=bool(data.get("keep", False)),
            groups=tuple(data.get("group", ())),
            also=tuple(data.get("also", ())),
            links=tuple(data.get("links", ())),
            told=tuple(data.get("told", ())),
            ordered=bool(data.get("ordered", False)),
            pick=int(data.get("pick", 0)),
            any_order=bool(data.get("any_order", False)),
        )


def _filled_at_once(cls: type) -> None:
    """Give a frozen dataclass without `__post_init__` an `__init__` that fills the
    instance's `__dict__` in one update, as the generated one does one field at a time
    through `object.__setattr__` (a Card: 8 µs to 3.5 µs; an import of 6,000 notes makes
    each card twice). Same parameters, defaults and result; the class stays frozen."""
    import dataclasses

    names = [f.name for f in dataclasses.fields(cls)]
    scope: dict[str, Any] = {}
    params = []
    for f in dataclasses.fields(cls):
        # every default here is an immutable value (no default_factory)
        assert f.default_factory is dataclasses.MISSING and f.init
        if f.default is dataclasses.MISSING:
            params.append(f.name)
        else:
            scope[f"_default_{f.name}"] = f.default
            params.append(f"{f.name}=_default_{f.name}")
    source = (f"def __init__(self, {', '.join(params)}):\n"
              f"    self.__dict__.update({', '.join(f'{n}={n}' for n in names)})\n")
    made: dict[str, Any] = {}
    exec(source, scope, made)  # built from the class's own field names only
    made["__init__"].__qualname__ = f"{cls.__qualname__}.__init__"
    cls.__init__ = made["__init__"]  # type: ignore[misc]


_filled_at_once(Card)


def copied(card: Card, **changes: Any) -> Card:
    """`dataclasses.replace(card, **changes)` four times faster, by copying the frozen
    card's attributes: a Card has no checks on construction to skip (tested equal)."""
    made: Card = object.__new__(Card)
    made.__dict__.update(card.__dict__, **changes)
    return made


@dataclass(frozen=True)
class Deck:
    """A module and its cards, as read from one deck file."""

    module: Module
    cards: tuple[Card, ...]
    path: str = ""
    category_sets: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class CardState:
    """Where a card stands in FSRS terms. A card never reviewed is `State.NEW`."""

    state: State = State.NEW
    step: int | None = None
    stability: float | None = None
    difficulty: float | None = None
    due: datetime | None = None
    last_review: datetime | None = None
    reps: int = 0
    lapses: int = 0


@dataclass(frozen=True)
class StoredCard:
    """A card as the database knows it: its row id, content and current state."""

    row: int
    card: Card
    phase_number: int
    module_title: str
    state: CardState
    # The start of the learning day it was first held back by a sibling (see `agenda`).
    held: datetime | None = None

    @property
    def key(self) -> str:
        """`Card.key`."""
        return self.card.key

    @property
    def group_keys(self) -> frozenset[str]:
        """`Card.group_keys`."""
        return self.card.group_keys

    @property
    def links(self) -> tuple[str, ...]:
        """`Card.links`."""
        return self.card.links

    @property
    def told(self) -> tuple[str, ...]:
        """`Card.told`."""
        return self.card.told



@dataclass(frozen=True)
class Answer:
    """What the learner gave for one card and how it was graded."""

    rating: Rating
    response: str
    correct: bool | None
    grade: str
    duration_ms: int
    override: str = ""  # "right" or "wrong": the learner overruled the automatic verdict
