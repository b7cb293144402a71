"""What a statement check finds (`statement_check`): the verdict on one statement, how
sure, why there is none, the nearest cards, and the other comparisons it was judged in."""

from __future__ import annotations

from dataclasses import dataclass, field

from pmquiz.model import StoredCard

SEVERAL = "several comparisons"  # the reason when no comparison leads


@dataclass(frozen=True)
class Match:
    """A classify card close to a statement."""

    card: StoredCard
    score: float

    def to_dict(self) -> dict[str, object]:
        """The JSON form."""
        card = self.card.card
        return {"card": card.key, "statement": card.prompt, "category": card.answer,
                "category_set": card.category_set, "module": self.card.module_title,
                "phase": self.card.phase_number, "score": round(self.score, 3),
                "source": card.source}


@dataclass(frozen=True)
class Check:
    """The verdict on one statement: a category with how sure it is, or none and why."""

    statement: str
    category_set: str | None
    category: str | None
    margin: float
    related: float
    scores: dict[str, float]
    nearest: list[Match]
    reason: str = ""
    on_card: StoredCard | None = None
    labelled: str = ""  # the learner's own label that decided it (`classify --is`)
    by_label: bool = False  # a label of the learner's gave the leading score (a paraphrase)
    sure: tuple[float, float] = (1.0, 1.0)  # the model's "sure" / "fairly sure" margins
    # the other sets it was judged in (without --set); every set, the best first, when no
    # set leads (reason SEVERAL)
    others: list[Check] = field(default_factory=list)

    @property
    def confidence(self) -> str:
        """"on a card", "sure", "fairly sure", "leaning", or "" without a verdict."""
        if self.category is None:
            return ""
        if self.on_card is not None:
            return "on a card"
        if self.labelled:
            return "your label"
        if self.margin >= self.sure[0]:
            return "sure"
        return "fairly sure" if self.margin >= self.sure[1] else "leaning"

    def to_dict(self) -> dict[str, object]:
        """The JSON form."""
        return {"statement": self.statement, "category": self.category,
                "category_set": self.category_set, "confidence": self.confidence or None,
                "margin": round(self.margin, 3), "related": round(self.related, 3),
                "scores": {k: round(v, 3) for k, v in self.scores.items()},
                "reason": self.reason or None,
                "match": Match(self.on_card, 1.0).to_dict() if self.on_card else None,
                "labelled": self.labelled or None,
                "others": [{"category_set": o.category_set, "category": o.category,
                            "confidence": o.confidence or None, "margin": round(o.margin, 3),
                            "related": round(o.related, 3), "reason": o.reason or None}
                           for o in self.others],
                "source": self.nearest[0].card.card.source
                if self.category and self.nearest else None,
                "nearest": [m.to_dict() for m in self.nearest]}
