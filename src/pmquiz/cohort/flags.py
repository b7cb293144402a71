"""Findings from the cohort's figures, with the thresholds the README lists, and what an
author should change for each.

A card is judged only when at least `MIN_LEARNERS` learners met it (fewer say too little).
Options come from the deck when the report is given the decks (the key is the card's answer,
the distractors its options), so an option nobody picked is seen; without the deck only
picked options are known.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pmquiz.cohort.analysis import Figures
from pmquiz.model import Card, Kind

MIN_LEARNERS = 20
TOO_EASY = 0.95  # facility at or above …
GIVEAWAY_MS = 4000  # … with a median first answer this fast: a give-away
TOO_HARD = 0.20  # facility at or below (or no better than guessing among the options)
CHANCE_MARGIN = 0.05  # "no better than guessing": facility ≤ 1/options + this
LOW_DISCRIMINATION = 0.15  # item-rest correlation below (negative: below 0)
DEAD_DISTRACTOR = 0.02  # an option picked by fewer first meetings than this share
DEAD_MIN_PICKS = 50  # … judged only with this many first-meeting answers
OVERRULED = 0.20  # share of "wrong" grades the learners overrule, at or above …
OVERRULED_MIN = 10  # … with at least this many overrides
FREQUENT_WRONG = 0.30  # one wrong typed answer: at least this share of wrong first answers …
FREQUENT_MIN = 0.03  # … and given by at least this share of the learners (and 5 of them)

THRESHOLDS = {
    "too-easy": f"facility ≥ {TOO_EASY:.2f} and median first answer ≤ {GIVEAWAY_MS / 1000:g} s",
    "too-hard": f"facility ≤ {TOO_HARD:.2f}, or (choice and classify cards) no better than "
                f"guessing: ≤ 1/options + {CHANCE_MARGIN:.2f}",
    "low-discrimination": f"item-rest correlation < {LOW_DISCRIMINATION:.2f} (on cards "
                          "neither too easy nor too hard)",
    "negative-discrimination": "item-rest correlation < 0",
    "dead-distractor": f"an option picked by < {DEAD_DISTRACTOR:.0%} of first answers "
                       f"(with ≥ {DEAD_MIN_PICKS} answers)",
    "likely-wrong-key": "the top third of learners picks one wrong option more often than "
                        "the key",
    "often-overruled": f"learners overrule ≥ {OVERRULED:.0%} of the grades that said wrong "
                       f"(≥ {OVERRULED_MIN} overrides)",
    "frequent-wrong-answer": f"one wrong typed answer is ≥ {FREQUENT_WRONG:.0%} of the wrong "
                             f"first answers, from ≥ {FREQUENT_MIN:.0%} of the learners "
                             "(and ≥ 5)",
}
ADVICE = {
    "too-easy": "the prompt gives the answer away: reword it so it asks for the idea",
    "too-hard": "check the answer is taught on the page, or split the card",
    "low-discrimination": "strong and weak learners do equally well: the card tests "
                          "something else than the module (wording, a trick)",
    "negative-discrimination": "strong learners do worse: the key or the wording is likely "
                               "wrong",
    "dead-distractor": "replace the option nobody picks with a plausible one",
    "likely-wrong-key": "check the key: the strongest learners agree on another option",
    "often-overruled": "add the answers learners keep defending as accepted wordings "
                       "(`also`)",
    "frequent-wrong-answer": "explain why the frequent wrong answer is wrong, or accept it "
                             "if it is right",
}


@dataclass
class Flag:
    """One finding on one card."""

    key: str  # module/card
    rule: str
    detail: str

    @property
    def advice(self) -> str:
        return ADVICE[self.rule]


@dataclass
class CardReport:
    """A card's figures, its options by third, frequent wrong answers, and its flags."""

    figures: dict[str, Any]
    options: list[dict[str, Any]] = field(default_factory=list)
    wrong: list[dict[str, Any]] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.figures['module']}/{self.figures['card']}"


def judge(figures: Figures, decks: dict[str, Card] | None = None) -> list[CardReport]:
    """Every card's report, flagged. `decks` maps `module/card` to the card (for keys and
    options)."""
    decks = decks or {}
    picks: dict[str, list[dict[str, Any]]] = {}
    for row in figures.picks:
        picks.setdefault(f"{row['module']}/{row['card']}", []).append(row)
    wrong: dict[str, list[dict[str, Any]]] = {}
    for row in figures.wrong:
        wrong.setdefault(f"{row['module']}/{row['card']}", []).append(row)
    reports = []
    for row in figures.cards:
        report = CardReport(row)
        card = decks.get(report.key)
        report.options = _options(picks.get(report.key, []), card)
        report.wrong = wrong.get(report.key, [])
        if row["learners"] >= MIN_LEARNERS:
            report.flags = _flags(report)
        reports.append(report)
    return reports


def _options(rows: list[dict[str, Any]], card: Card | None) -> list[dict[str, Any]]:
    """Per option: picks overall and share of each ability third's answers, the key
    marked (from the deck, else from the answers graded right)."""
    by_third: dict[int, int] = {}
    for row in rows:
        by_third[row["third"]] = by_third.get(row["third"], 0) + row["picks"]
    names: list[str] = []
    key = ""
    if card is not None and card.kind is Kind.CHOICE:
        names, key = [card.answer, *card.options], card.answer
    right = {row["answer"] for row in rows if row["right"]}
    for row in rows:
        if row["answer"] not in names:
            names.append(row["answer"])
    total = sum(by_third.values())
    options = []
    for name in names:
        counts = {t: sum(r["picks"] for r in rows if r["answer"] == name and r["third"] == t)
                  for t in (1, 2, 3)}
        options.append({
            "option": name, "key": name == key if key else name in right,
            "picks": sum(counts.values()),
            "share": sum(counts.values()) / total if total else 0.0,
            "thirds": {t: counts[t] / by_third[t] if by_third.get(t) else 0.0
                       for t in (1, 2, 3)}})
    return options


def _flags(report: CardReport) -> list[Flag]:
    row, key = report.figures, report.key
    flags = []
    # judged as the report prints them (4 places): a correlation that is 0 but summed in
    # another order by another log reader (-1e-17, 1e-17) gets one verdict, not two
    facility = round(row["facility"], 4) + 0.0
    rest = None if row["item_rest"] is None else round(row["item_rest"], 4) + 0.0  # no -0.0
    if facility >= TOO_EASY and (row["first_ms"] or 0) <= GIVEAWAY_MS:
        flags.append(Flag(key, "too-easy", f"facility {facility:.2f}, first answers in "
                                           f"{(row['first_ms'] or 0) / 1000:.1f} s"))
    chance = 1 / len(report.options) if len(report.options) > 1 else 0.0
    if facility <= max(TOO_HARD, chance + CHANCE_MARGIN if chance else 0.0):
        flags.append(Flag(key, "too-hard", f"facility {facility:.2f}" + (
            f", guessing gives {chance:.2f}" if chance else "")))
    if rest is not None and rest < 0:
        flags.append(Flag(key, "negative-discrimination", f"item-rest r {rest:.2f}"))
    elif rest is not None and rest < LOW_DISCRIMINATION and not any(
            f.rule == "too-hard" for f in flags) and facility < TOO_EASY:
        flags.append(Flag(key, "low-discrimination", f"item-rest r {rest:.2f}"))
    flags += _option_flags(report)
    overrides = round((row["override_rate"] or 0.0) * row["reviews"])
    of_wrong = row["overruled_of_wrong"] or 0.0
    if of_wrong >= OVERRULED and overrides >= OVERRULED_MIN:
        flags.append(Flag(key, "often-overruled", f"{of_wrong:.0%} of the grades that said "
                                                  f"wrong ({overrides} overrides)"))
    for said in report.wrong[:1]:
        share = said["times"] / said["wrong"] if said["wrong"] else 0.0
        if share >= FREQUENT_WRONG and said["times"] >= max(5, FREQUENT_MIN * row["learners"]):
            flags.append(Flag(key, "frequent-wrong-answer",
                              f'"{said["said"]}": {share:.0%} of the wrong first answers, '
                              f"{said['times']} learners"))
    return flags


def _option_flags(report: CardReport) -> list[Flag]:
    options, key = report.options, report.key
    flags = []
    total = sum(o["picks"] for o in options)
    keyed = [o for o in options if o["key"]]
    if total >= DEAD_MIN_PICKS:
        for option in options:
            if not option["key"] and option["share"] < DEAD_DISTRACTOR:
                flags.append(Flag(key, "dead-distractor", f'"{option["option"]}" picked by '
                                                          f'{option["share"]:.0%}'))
    if keyed:
        top = keyed[0]["thirds"][3]
        rivals = [o for o in options if not o["key"] and o["thirds"][3] > top]
        if rivals:
            best = max(rivals, key=lambda o: o["thirds"][3])
            flags.append(Flag(key, "likely-wrong-key",
                              f'top third: "{best["option"]}" {best["thirds"][3]:.0%}, '
                              f"the key {top:.0%}"))
    return flags
