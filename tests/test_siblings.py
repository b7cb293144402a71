"""Siblings apart: cards that test the same fact are not asked on the same day, and a day's
session over the shipped decks rarely asks for what an earlier card just showed."""

from __future__ import annotations

import random
import re
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pexpect
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmquiz.grading import normalize
from pmquiz.model import Card

from helpers import own_decks_only, scripted_session, spawn, write_deck

DEFINITION = ('[[cards]]\nid = "what-is"\nkind = "basic"\nprompt = "What is a widget?"\n'
              'answer = "A small part that does one job."\ngroup = "widget"\n\n'
              '[[cards]]\nid = "widget-cloze"\nkind = "cloze"\n'
              'prompt = "A widget is a small {{part}} that does one job."\ngroup = "widget"\n\n'
              '[[cards]]\nid = "other"\nkind = "basic"\nprompt = "What is a gadget?"\n'
              'answer = "A clever device."\n')


def asked(home: Path) -> list[str]:
    conn = sqlite3.connect(home / "pmquiz.db")
    try:
        return [r[0] for r in conn.execute(
            "SELECT c.card_id FROM reviews r JOIN cards c ON c.id = r.card ORDER BY r.id")]
    finally:
        conn.close()


def test_a_definitions_cloze_waits_for_the_next_day(home: Path) -> None:
    write_deck(own_decks_only(home), "alpha", DEFINITION)
    child = spawn(home, "study")
    child.expect("What is a widget")
    child.expect("Your answer:")
    child.sendline("a small part")
    child.expect("rate:")
    child.send("4")  # Easy: the card is done for today
    child.expect("What is a gadget")  # the cloze sibling is skipped
    child.expect("Your answer:")
    child.sendline("a device")
    child.expect("rate:")
    child.send("4")
    child.expect("Session")
    child.expect(pexpect.EOF)
    child.close()
    assert asked(home) == ["what-is", "other"]
    # the next learning day the cloze comes
    child = spawn(home, "study", PMQUIZ_NOW="2026-03-03T09:00:00+00:00")
    child.expect("A widget is a small _____ that does one job")
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    child.close()


def test_bury_siblings_can_be_turned_off(home: Path) -> None:
    from typer.testing import CliRunner

    from pmquiz.cli import app

    write_deck(own_decks_only(home), "alpha", DEFINITION)
    (home / "config.toml").write_text("shipped_decks = false\nbury_siblings = false\n",
                                      encoding="utf-8")
    CliRunner().invoke(app, ["study"], input="x\neasy\npart\n\nx\neasy\n",
                       env={"PMQUIZ_NOW": "2026-03-02T09:00:00+00:00"})
    assert sorted(asked(home)) == ["other", "what-is", "widget-cloze"]


def _shown(card: Card) -> str:
    return " ".join([card.prompt, card.answer, card.explain, *card.options, *card.items])


def answer_of(card: Card) -> list[str]:
    """What a card asks the learner to produce (classify categories excepted)."""
    if card.kind.value == "cloze":
        return [g[0] for g in card.gaps]
    if card.kind.value == "list":
        return list(card.items)
    if card.kind.value == "classify":
        return []
    return [card.answer]


def test_one_days_session_over_the_shipped_decks_leaks_few_answers(home: Path) -> None:
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text('timezone = "UTC"\nnew_per_day = 1000\n',
                                      encoding="utf-8")
    now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    scripted_session(home, now.isoformat(), random.Random(7), right=0.9, rating="easy")
    conn = sqlite3.connect(home / "pmquiz.db")
    import json

    order = [Card.from_dict(json.loads(body)) for (body,) in conn.execute(
        "SELECT c.body FROM reviews r JOIN cards c ON c.id = r.card ORDER BY r.id")]
    conn.close()
    first_time = []
    seen_keys: set[str] = set()
    for card in order:  # each card's first showing
        if card.key not in seen_keys:
            seen_keys.add(card.key)
            first_time.append(card)
    leaks = []
    for index, card in enumerate(first_time):
        earlier = normalize(" ".join(_shown(c) for c in first_time[:index]))
        if any(len(normalize(a)) > 3 and f" {normalize(a)} " in f" {earlier} "
               for a in answer_of(card)):
            leaks.append(card.key)
    assert len(first_time) >= 20  # one card of each sibling group (shared facts) a day
    print(f"{len(leaks)} leaks in {len(first_time)} cards: {leaks}")
    assert len(leaks) <= 0.10 * len(first_time), leaks


ROLES = ('[sets]\nroles = ["Product management", "Project management"]\n\n'
         '[[cards]]\nid = "vision"\nkind = "classify"\ncategories = "roles"\n'
         'prompt = "Owns the product vision and strategy."\nanswer = "Product management"\n'
         'explain = "The product manager decides why and what. By contrast, the project '
         'manager keeps the delivery schedule on track."\n\n'
         '[[cards]]\nid = "schedule"\nkind = "classify"\ncategories = "roles"\n'
         'prompt = "Keeps the delivery schedule on track."\nanswer = "Project management"\n'
         'explain = "The project manager decides how and when. By contrast, the product '
         'manager owns the product vision and strategy."\n')


def test_an_explanation_keeps_back_what_tells_a_card_still_to_come(home: Path) -> None:
    """Two statements whose explanations each tell the other's category, asked in one
    session (here with holding off; in a month of study, on a day both were held back):
    the first card's screen leaves out the sentence that tells the second, and the second
    card's screen shows it once the second is answered."""
    from typer.testing import CliRunner

    from pmquiz.cli import app

    write_deck(own_decks_only(home), "roles", ROLES)
    (home / "config.toml").write_text("shipped_decks = false\nbury_siblings = false\n",
                                      encoding="utf-8")
    out = CliRunner().invoke(app, ["study"], input="2\n\n1\n\n",  # both wrong: explained
                             env={"PMQUIZ_NOW": "2026-03-02T09:00:00+00:00"}).output
    first, second = out.split("[card 2 of")[0], out.split("[card 2 of")[1].split("[card 3")[0]
    assert "Owns the product vision" in first and "Keeps the delivery" in second
    assert "The product manager decides why and what." in first
    assert "delivery schedule" not in first.split("Owns the product vision")[1]
    assert "From an earlier card: By contrast, the project manager keeps the delivery " \
           "schedule on track." in second


def test_a_choice_card_is_given_away_only_with_what_it_asks() -> None:
    """Which card shows which answer, on the shipped decks: the list of the four principles
    names "Deliver value fast" but not what it means, so it gives nothing of "Which core
    principle means: … aha …?" away (whose own options show all four); that card shows
    the whole list, and it and the definition card each show the other."""
    from pmquiz.deck import load_file
    from pmquiz.siblings import links_and_told

    decks = Path(__file__).parent.parent / "decks" / "phase-0"
    cards = [c for p in sorted(decks.glob("*.toml")) if ".compile." not in p.name
             for c in load_file(p).cards]
    every, told = links_and_told(cards)
    assert "intro-pm/principles/which-aha" not in every["intro-pm/principles/all"]
    assert "intro-pm/principles/all" in every["intro-pm/principles/which-aha"]
    assert "intro-pm/principles/which-aha" in every["intro-pm/principles/deliver-value-fast"]
    assert "intro-pm/principles/deliver-value-fast" in every["intro-pm/principles/which-aha"]
    # what only an explanation shows is told (held back while that card is still to come)
    vision = "intro-pm/pm-vs-project/owns-vision"
    assert "intro-pm/pm-vs-project/owns-execution" in told[vision]
    assert "intro-pm/pm-vs-project/which-is-product" not in told.get(vision, ())


def test_a_review_is_not_held_beside_a_card_it_would_give_away() -> None:
    """Held reviews all come tomorrow, so two that give each other away must not both be
    held: the second is asked today when its only clash today is a shared group."""
    from pmquiz.agenda import Due, Met, settle

    rows = iter(range(1, 10))

    def due(key: str, groups: tuple[str, ...], links: tuple[str, ...]) -> Due:
        return Due(next(rows), key, "m", True, 0.0, frozenset((key, *groups)), links, None)

    opener = due("m/opener", ("m/fact",), ())
    first = due("m/first", ("m/fact",), ("m/second",))
    second = due("m/second", ("m/fact",), ("m/first",))
    plain = settle([opener, first, second], Met(), 10)
    assert [c.key for c in plain.held] == ["m/first", "m/second"]  # both come tomorrow
    spread = settle([opener, first, second], Met(), 10, reviews=True)
    assert [c.key for c in spread.taken] == ["m/opener", "m/second"]
    assert [c.key for c in spread.held] == ["m/first"]


def test_the_sentence_kept_back_comes_on_the_later_cards_screen_in_a_terminal(
        home: Path) -> None:
    """The same two statements in a real terminal: the first screen's explanation stops
    before the sentence that tells the second card; the second screen shows it."""
    write_deck(own_decks_only(home), "roles", ROLES)
    (home / "config.toml").write_text("shipped_decks = false\nbury_siblings = false\n",
                                      encoding="utf-8")
    child = spawn(home, "study")
    child.expect(r"your answer \[1/2\]")
    first = "vision" if "Owns the product vision" in child.before else "schedule"
    child.send("2" if first == "vision" else "1")  # wrong: the explanation is shown
    child.expect("Enter next")
    screen = child.before
    assert "decides" in screen and "By contrast" not in screen
    child.send("\r")
    child.expect(r"your answer \[1/2\]")
    child.send("1" if first == "vision" else "2")  # wrong again
    child.expect("Enter next")
    assert "From an earlier card" in " ".join(child.before.split())
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    child.close()


FACTS = ["keeps the delivery schedule", "owns the product vision", "tracks the project budget",
         "interviews early customers", "prioritises the roadmap items",
         "coordinates release dependencies"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.lists(st.integers(-1, 5), max_size=3)),
                min_size=2, max_size=6, unique_by=lambda c: c[0]))
def test_a_session_shows_every_explanation_sentence_once_and_none_early(
        cards: list[tuple[int, list[int]]]) -> None:
    """Cards whose explanations name other cards' statements (-1: a sentence naming none),
    asked in order: every sentence of every explanation is shown exactly once, on its own
    card or on a later one, and no screen shows the statement of a card still to come."""
    from pmquiz.model import CardState, Kind, StoredCard
    from pmquiz.session.withheld import EARLIER, Withheld
    from pmquiz.siblings import facts, screen, shows, with_links

    def sentence(fact: int, owner: int) -> str:
        return f"Unlike card {owner}, it {FACTS[fact]}." if fact >= 0 else \
            f"Card {owner} is about roles."

    made = [Card(deck="m", id=f"c{fact}", kind=Kind.CLASSIFY, prompt=FACTS[fact].capitalize(),
                 answer="A", categories=("A", "B"),
                 explain=" ".join(sentence(f, fact) for f in told if f != fact))
            for fact, told in cards]
    stored = [StoredCard(row=i + 1, card=c, phase_number=0, module_title="M",
                         state=CardState()) for i, c in enumerate(with_links(made))]
    withheld = Withheld()
    shown_sentences: list[str] = []
    for index, card in enumerate(stored):
        later = stored[index + 1:]
        on_screen = withheld.shown(card, [card, *later])
        text = on_screen.card.explain
        for other in later:
            for fact in facts(other.card):
                if not shows(screen(replace(card.card, explain="")), fact):
                    assert not shows(screen(on_screen.card), fact), (text, other.card.prompt)
        shown_sentences += [s.removeprefix(EARLIER) for s in
                            re.split(r"(?<=\.)\s+(?=Unlike|Card|From)", text) if s]
    wanted = [s for c in made for s in re.split(r"(?<=\.)\s+", c.explain) if s]
    assert sorted(shown_sentences) == sorted(wanted)


def test_the_question_is_asked_before_the_explanation_is_worked_out(
        home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Working out which sentences to keep back reads word stems, which load with the
    dictionary (about 0.3 s): it waits until the question is on screen, so the first
    question comes as fast as before."""
    from typer.testing import CliRunner

    from pmquiz.cli import app
    from pmquiz.session import withheld
    from pmquiz.ui.study import LineStudyUI

    events: list[str] = []
    asking, splitting = LineStudyUI.ask, withheld._split
    monkeypatch.setattr(LineStudyUI, "ask", lambda self, q: (events.append("ask"),
                                                             asking(self, q))[1])
    monkeypatch.setattr(withheld, "_split", lambda *a: (events.append("split"),
                                                        splitting(*a))[1])
    write_deck(own_decks_only(home), "roles", ROLES)
    (home / "config.toml").write_text("shipped_decks = false\nbury_siblings = false\n",
                                      encoding="utf-8")
    CliRunner().invoke(app, ["study"], input="2\n\n1\n\n",
                       env={"PMQUIZ_NOW": "2026-03-02T09:00:00+00:00"})
    assert events[:2] == ["ask", "split"]


def test_a_card_asked_again_keeps_its_sentence_back_once() -> None:
    """A card failed and asked again before the card its explanation tells: the kept-back
    sentence is shown once on the later card's screen, not once per asking."""
    from pmquiz.deck import parse_deck
    from pmquiz.model import CardState, StoredCard
    from pmquiz.session.withheld import EARLIER, Withheld
    from pmquiz.siblings import with_links

    deck = parse_deck(Path("roles.toml"), ('[module]\nslug = "roles"\ntitle = "Roles"\n'
                                          f"phase = 0\n{ROLES}").encode())
    vision, schedule = (StoredCard(row=n, card=c, phase_number=0, module_title="Roles",
                                   state=CardState())
                        for n, c in enumerate(with_links(deck.cards), 1))
    withheld = Withheld()
    for _ in range(2):  # failed, then asked again within the session
        assert "delivery schedule" not in withheld.shown(vision, [schedule]).card.explain
    later = withheld.shown(schedule, []).card.explain
    assert later.count(EARLIER) == 1, later
