"""Pure grading: typed answers compared word by word, list and cloze credit, choice answers.

Rules (the README's "How answers are graded" section says the same for learners):
- Both texts are normalised: accents removed, case folded, quotes and punctuation turned into
  spaces, digits 0-12 written as words. A word glued or split ("lifecycle" / "life cycle")
  counts as the same word.
- Key words are the expected answer's content words (not articles, prepositions, pronouns or
  auxiliaries). Every word of a cloze gap is a key word when the gap has no content word.
- A given word matches an expected key word when it is the same word; a typo of it; or another
  form of it (plural, tense, "-ity"/"-ion" derivation, a few irregular verbs).
- A typo is a word within 1 edit (words of 4-5 letters) or 2 edits (6 letters and more; a swap
  of neighbours is one edit) that is not itself a word of the module's cards and that the
  dictionary does not know, or knows as far rarer than the expected word (a known misspelling
  such as "managment"). Words of 3 letters or fewer must be exact. So "project" for "product",
  "majority" for "maturity" or "define" for "decline" is a different word: wrong.
- Verdict: a key word missing -> wrong. All key words there, in order, nothing else of
  substance -> right. All there but in another form, another order or with extra content
  words -> close (rated Hard). An extra word that is a near miss of a key word ("product and
  project management"), an extra word that is a term of the module's cards ("growth,
  maturity" for "growth"), or more extra content words than key words -> wrong: a hedge is
  not an answer.
- Lists: each item is one such comparison; items in any order; right only with every item and
  nothing that is not in the list; otherwise score = (items named - wrong extras) / items,
  at least half -> partly right (Hard), less -> wrong.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache

from pmquiz.model import Rating, without_media

LEADING_ARTICLE = re.compile(r"^(?:the|a|an)\s+")
NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
# Answers longer than this many words are compared on their first words only for hints; a
# typed answer this long to a short gap is graded wrong without fuzzy matching (speed bound).
HINT_WORDS = 500
ALTERNATIVES = re.compile(r"[,;/]|\bor\b", re.IGNORECASE)  # answers given as a list
# A hint looks for typos and other forms of the key words among this many distinct words
# (an answer is rarely longer; a 200 KB paste must not delay the next card).
HINT_FUZZY = 50

NUMBER_WORDS = dict(enumerate("zero one two three four five six seven eight nine ten eleven "
                              "twelve".split()))

FUNCTION_WORDS = frozenset("""a an the and or nor but of to for in on by with as at from into
onto over under about than then so that this these those it its it's is are was were be being
been am do does did doing done has have had having will would shall should can could may might
must i me my we us our you your he him his she her they them their theirs there here if also
very just too any some each such own same other""".split())


class Outcome(StrEnum):
    """How an attempt compares with the expected answer."""

    RIGHT = "right"
    CLOSE = "close"
    PARTIAL = "partial"
    WRONG = "wrong"


OUTCOME_RATING = {
    Outcome.RIGHT: Rating.GOOD,
    Outcome.CLOSE: Rating.HARD,
    Outcome.PARTIAL: Rating.HARD,
    Outcome.WRONG: Rating.AGAIN,
}


class Mark(StrEnum):
    """How one word of a word-level comparison fared."""

    SAME = "same"      # given and expected agree
    TYPO = "typo"      # given word is a typo of the expected one
    FORM = "form"      # another form of the expected word
    EXTRA = "extra"    # given, not expected
    MISSING = "missing"  # expected, not given


@dataclass(frozen=True)
class WordDiff:
    """A word-level comparison of one given text with one expected text, for display."""

    given: tuple[tuple[str, Mark], ...] = ()
    expected: tuple[tuple[str, Mark], ...] = ()


@dataclass(frozen=True)
class Grade:
    """The verdict on one attempt: outcome, the rating it maps to, and the score (0..1)."""

    outcome: Outcome
    score: float
    matched: tuple[str, ...] = ()
    missed: tuple[str, ...] = ()
    extra: tuple[str, ...] = ()
    diffs: tuple[WordDiff, ...] = field(default=(), compare=False)

    @property
    def rating(self) -> Rating:
        """wrong -> Again, close or partial -> Hard, right -> Good."""
        return OUTCOME_RATING[self.outcome]

    @property
    def correct(self) -> bool:
        """Every outcome rated Hard or better is a pass, as Anki counts it: right, close and
        partly right count as correct in accuracy, true retention and summaries alike."""
        return self.outcome is not Outcome.WRONG


def normalize(text: str) -> str:
    """Fold case, accents, quotes and punctuation so only the words remain."""
    if text.isascii():
        stripped = text
    else:
        decomposed = unicodedata.normalize("NFKD", text)
        stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    words = NON_WORD.sub(" ", stripped.casefold()).strip()
    return LEADING_ARTICLE.sub("", words)


def tokens(text: str) -> list[str]:
    """The normalised words of a text, small numbers written out ("4" -> "four"), each in
    its American spelling (British and American spellings are one word: `spelling`)."""
    from pmquiz.spelling import american_words

    return american_words([NUMBER_WORDS.get(int(w), w) if w.isdecimal() and len(w) <= 2 else w
                           for w in normalize(text).split()])


def vocabulary(texts: Iterable[str]) -> frozenset[str]:
    """Every word of some texts (a module's cards): a typed word found here is a real word of
    the course, never a typo of another."""
    return frozenset(w for text in texts for w in tokens(text))


def edit_distance(a: str, b: str, limit: int | None = None) -> int:
    """Levenshtein distance where swapping two neighbouring characters costs one edit.

    With `limit`, stops as soon as the distance must exceed it and returns `limit + 1`, so
    comparing long texts costs at most len(a) x (2 x limit + 1) steps.
    """
    if a == b:
        return 0
    if limit is not None and abs(len(a) - len(b)) > limit:
        return limit + 1
    if not a or not b:
        return max(len(a), len(b))
    big = len(a) + len(b) + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [big] * len(b)
        low, high = 1, len(b)
        if limit is not None:
            low, high = max(1, i - limit), min(len(b), i + limit)
        for j in range(low, high + 1):
            cb = b[j - 1]
            cost = 0 if ca == cb else 1
            best = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                best = min(best, previous2[j - 2] + 1)
            current[j] = best
        if limit is not None and min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    distance = previous[-1]
    return distance if limit is None or distance <= limit else limit + 1


def similarity(a: str, b: str) -> float:
    """1.0 for the same words, falling towards 0.0 as more edits are needed (whole texts; for
    short texts such as card prompts, not for typed answers)."""
    na, nb = normalize(a), normalize(b)
    if na == nb:
        return 1.0
    if not na or not nb:
        return 0.0
    return 1.0 - edit_distance(na, nb) / max(len(na), len(nb))


IRREGULAR = {form: base for base, forms in {
    "build": "built", "make": "made", "run": "ran", "grow": "grew grown", "lead": "led",
    "buy": "bought", "sell": "sold", "bring": "brought", "think": "thought",
    "teach": "taught", "begin": "began begun", "choose": "chose chosen",
    "write": "wrote written", "take": "took taken", "give": "gave given",
    "go": "went gone", "see": "saw seen", "know": "knew known", "find": "found",
    "keep": "kept", "spend": "spent", "send": "sent", "pay": "paid", "say": "said",
    "tell": "told", "hold": "held", "feel": "felt", "meet": "met", "win": "won",
    "lose": "lost", "fall": "fell fallen", "rise": "rose risen", "drive": "drove driven",
    "understand": "understood", "child": "children", "person": "people",
}.items() for form in [base, *forms.split()]}
SUFFIXES = ("ational", "ations", "ation", "ities", "ity", "nesses", "ness", "ments", "ment",
            "ings", "ing", "ions", "ion", "ies", "ied", "edly", "ed", "es", "ly", "s", "e")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A rough common root, so that forms of one word meet: users/user, changing/changes/
    change, virality/viral, strategies/strategy, planned/plan."""
    word = IRREGULAR.get(word, word)
    for ending in ("ically", "ical", "ic"):  # strategic/strategy, economic/economy
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            noun = word[: -len(ending)] + "y"
            from pmquiz.words import zipf

            if zipf(noun) >= 2.5:  # a word of its own (never "metry" from "metric")
                return stem(noun)
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            root = word[: -len(suffix)]
            if suffix in ("ies", "ied", "ities"):
                root += "y"
            if len(root) > 3 and root[-1] == root[-2] and root[-1] not in "aeiouls":
                root = root[:-1]  # planned -> plan, but keep "sell", "access"
            return root.rstrip("e") if len(root) > 3 else root
    return word


def typo_limit(word: str) -> int:
    """Edits allowed for a typo of this expected word."""
    if len(word) <= 3:
        return 0
    return 1 if len(word) <= 5 else 2


@lru_cache(maxsize=65536)
def _letters(word: str) -> frozenset[str]:
    return frozenset(word)


def is_typo(given: str, expected: str, known: frozenset[str] = frozenset()) -> bool:
    """True when `given` is a misspelling of `expected`, not another real word."""
    from pmquiz.words import zipf

    limit = typo_limit(expected)
    if limit == 0 or given == expected or given in known or given.isdigit() or \
            abs(len(given) - len(expected)) > limit or \
            len(_letters(given) ^ _letters(expected)) > 2 * limit:  # cheap: letters differ
        return False
    distance = edit_distance(given, expected, limit)
    if distance > limit:
        return False
    given_zipf = zipf(given)
    if given_zipf == 0.0:
        return True
    # A known word counts as a typo only when far rarer than the word meant (managment 2.2
    # vs management 5.1); a second edit needs a wider gap (affluence 2.7 vs influence 4.8 is
    # a different word).
    gap = zipf(expected) - given_zipf
    return gap >= (1.5 if distance == 1 else 2.5)


INFLECTIONS = (("ies", "y"), ("ied", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", ""))


@lru_cache(maxsize=65536)
def inflection_base(word: str) -> tuple[str, bool]:
    """The word without a plural or tense ending, and whether it had one (needs/need,
    prioritized/prioritize): inflections of one word, not other words of its family."""
    word = IRREGULAR.get(word, word)
    for ending, replacement in INFLECTIONS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            root = word[: -len(ending)] + replacement
            if len(root) > 3 and root[-1] == root[-2] and root[-1] not in "aeiouls":
                root = root[:-1]  # planned -> plan
            return root, True
    return word, False


def inflected(given: str, expected: str) -> bool:
    """One word in two inflections (bundle/bundling, need/needs; never plan/plane)."""
    if given[:3] != expected[:3] or abs(len(given) - len(expected)) > 4:
        return False  # cheap: inflections share their start and differ by an ending
    (a, cut_a), (b, cut_b) = inflection_base(given), inflection_base(expected)
    return a == b or (cut_a and a + "e" == b) or (cut_b and b + "e" == a)


def _mark(given: str, expected: str, known: frozenset[str]) -> Mark | None:
    if given == expected:
        return Mark.SAME
    if is_typo(given, expected, known):
        return Mark.TYPO
    if inflected(given, expected):
        return Mark.TYPO  # the same word inflected: right, and the course's form shown
    if stem(given) == stem(expected):
        return Mark.FORM  # another word of its family: close
    return None


def _glue(words: list[str], targets: set[str]) -> list[str]:
    """Join neighbours whose concatenation is a target word ("life cycle" -> "lifecycle")."""
    out: list[str] = []
    i = 0
    while i < len(words):
        if i + 1 < len(words) and words[i] + words[i + 1] in targets \
                and words[i] not in targets:
            out.append(words[i] + words[i + 1])
            i += 2
        else:
            out.append(words[i])
            i += 1
    return out


@dataclass(frozen=True)
class Comparison:
    """One typed text against one expected text, word by word."""

    outcome: Outcome
    found: int          # key words matched
    keys: int           # key words in all
    diff: WordDiff


def compare_words(attempt: str, expected: str, known: frozenset[str] = frozenset(),
                  hint_only: bool = False) -> Comparison:
    """Compare word by word (the rules are in this module's docstring). A picture or sound
    the expected answer shows is not typed, so its name is no word to type (Anki's answer
    box leaves `[sound:…]` out alike); an answer that is only media stays as it is."""
    expected = without_media(expected)
    want = tokens(expected)
    budget = 12 * HINT_WORDS if hint_only else 20 * len(expected) + 400
    if len(attempt) > budget:
        if not hint_only:
            # Far longer than the answer: wrong whatever it holds (and no scan of all of it).
            return Comparison(Outcome.WRONG, 0, len(want), WordDiff(
                tuple((w, Mark.EXTRA) for w in tokens(attempt[:400])),
                tuple((w, Mark.MISSING) for w in want)))
        attempt = attempt[:budget]
    given = tokens(attempt)
    want = _glue(want, set(given))
    given = _glue(given, set(want))
    keys = [i for i, w in enumerate(want) if w not in FUNCTION_WORDS] or list(range(len(want)))
    key_set = set(keys)
    content_given = [j for j, w in enumerate(given) if w not in FUNCTION_WORDS]
    if not hint_only and len(content_given) > 2 * len(keys) + 12:
        # Far more than asked for: wrong whatever it contains (and no fuzzy scan of it).
        return Comparison(Outcome.WRONG, 0, len(keys), WordDiff(
            tuple((w, Mark.EXTRA) for w in given[:60]),
            tuple((w, Mark.MISSING) for w in want)))
    positions: dict[str, list[int]] = {}
    for j, w in enumerate(given):
        positions.setdefault(w, []).append(j)
    used: dict[int, Mark] = {}
    matched: dict[int, tuple[int, Mark]] = {}
    # Exact words first, so a typo never steals the place of a word given exactly.
    for i in keys:
        for j in positions.get(want[i], ()):
            if j not in used:
                used[j] = Mark.SAME
                matched[i] = (j, Mark.SAME)
                break
    unique: dict[str, int] = {}
    if hint_only:
        # Typos and forms are looked for among the first distinct words only, in the order
        # given: it is a hint, and a long essay must not delay the next card (found in one
        # pass that stops there, not by sorting every distinct word of it).
        for j, w in enumerate(given):
            if w not in FUNCTION_WORDS and w not in unique:
                unique[w] = j
                if len(unique) > HINT_FUZZY:
                    del unique[w]
                    break
        else:
            unique = {}
    if not unique:
        unique = {w: j for j, w in reversed(list(enumerate(given)))
                  if w not in FUNCTION_WORDS}
    for i in keys:
        if i in matched:
            continue
        target = want[i]
        best: tuple[int, Mark] | None = None
        for w, j in unique.items():
            if j in used or abs(len(w) - len(target)) > max(2, len(target) // 2):
                continue
            mark = _mark(w, target, known)
            if mark is Mark.TYPO:
                best = (j, mark)
                break
            if mark is Mark.FORM and best is None:
                best = (j, mark)
        if best is not None:
            used[best[0]] = best[1]
            matched[i] = best
    if hint_only:  # a hint counts the key words found; no word-by-word picture is shown
        found = sum(1 for i in keys if i in matched)
        return Comparison(Outcome.WRONG if found < len(keys) else Outcome.RIGHT, found,
                          len(keys), WordDiff((), ()))
    # Function words of the expected text that were given too are shown as matched.
    for i, w in enumerate(want):
        if i not in key_set and i not in matched:
            for j in positions.get(w, ()):
                if j not in used:
                    used[j] = Mark.SAME
                    matched[i] = (j, Mark.SAME)
                    break
    extras = [j for j in content_given if j not in used]
    extra_set = set(extras)
    found = sum(1 for i in keys if i in matched)
    diff = WordDiff(
        tuple((w, used.get(j, Mark.EXTRA if j in extra_set else Mark.SAME)) for j, w in
              enumerate(given)),
        tuple((w, matched[i][1] if i in matched else
               (Mark.MISSING if i in key_set else Mark.SAME)) for i, w in enumerate(want)))
    if not given or found < len(keys):
        return Comparison(Outcome.WRONG, found, len(keys), diff)
    hedge = any(
        given[j] not in want and any(
            edit_distance(given[j], want[i], typo_limit(want[i])) <= typo_limit(want[i])
            for i in keys) for j in extras)
    # An extra word that is a term of the module names a competing answer: a hedge; so is
    # an extra given as a list ("growth, maturity") where one answer is asked.
    hedge = hedge or any(given[j] in known and given[j] not in want for j in extras)
    hedge = hedge or bool(extras and ALTERNATIVES.search(attempt) and
                          not ALTERNATIVES.search(expected))
    if hedge or len(extras) > max(2, len(keys)):
        return Comparison(Outcome.WRONG, found, len(keys), diff)
    order = [matched[i][0] for i in keys]
    in_order = order == sorted(order)
    exact = all(matched[i][1] in (Mark.SAME, Mark.TYPO) for i in keys)
    outcome = Outcome.RIGHT if exact and in_order and not extras else Outcome.CLOSE
    return Comparison(outcome, found, len(keys), diff)


def compare(attempt: str, expected: str, known: frozenset[str] = frozenset()) -> Outcome:
    """Right, close or wrong for one typed attempt against one accepted answer."""
    return compare_words(attempt, expected, known).outcome


RANK = [Outcome.RIGHT, Outcome.CLOSE, Outcome.PARTIAL, Outcome.WRONG]


def _best(attempt: str, accepted: list[str], known: frozenset[str]) -> Comparison:
    results = [compare_words(attempt, a, known) for a in accepted]
    if not results:
        return Comparison(Outcome.WRONG, 0, 0, WordDiff())
    return min(results, key=lambda c: (RANK.index(c.outcome), -c.found))


def grade_text(attempt: str, accepted: list[str], known: frozenset[str] = frozenset()) -> Grade:
    """Grade a typed answer against any of the accepted answers (the best one counts)."""
    best = _best(attempt, accepted, known)
    score = {Outcome.RIGHT: 1.0, Outcome.CLOSE: 0.5}.get(best.outcome, 0.0)
    return Grade(best.outcome, score, diffs=(best.diff,))


def grade_choice(chosen: str, answer: str) -> Grade:
    """Multiple choice and classification: the chosen option is the answer or it is not."""
    return Grade(Outcome.RIGHT, 1.0) if chosen == answer else Grade(Outcome.WRONG, 0.0)


STOPWORDS = frozenset("""a an the and or of to for in on by with as at from that this these
those it its is are be being been their our your who whom which what when where how why does
do not so than then into over under""".split())


def content_words(text: str) -> list[str]:
    """The meaningful words of a statement, stemmed (timelines -> timeline)."""
    return [stem(w) for w in normalize(text).split() if w not in STOPWORDS]


def shared_words(these: list[str], those: list[str]) -> int:
    """How many words of `these` appear in `those` (each once; a small typo still counts)."""
    unmatched = list(those)
    shared = 0
    for word in these:
        hit = next((w for w in unmatched if w == word or (
            min(len(w), len(word)) > 4 and
            edit_distance(w, word, 1) <= 1)), None)
        if hit is not None:
            unmatched.remove(hit)
            shared += 1
    return shared


def key_words_covered(attempt: str, expected: str,
                      known: frozenset[str] = frozenset()) -> tuple[int, int]:
    """(key words of the expected answer found in the attempt, key words in all): a hint for
    self-rated answers that are neither right nor close."""
    result = compare_words(attempt, expected, known, hint_only=True)
    return result.found, result.keys


def statement_similarity(a: str, b: str) -> float:
    """How close two statements are in meaning-bearing words (0..1), tolerant of rewording:
    the Dice overlap of their content words (words within a typo count as the same), or the
    plain text similarity when that is higher."""
    wa, wb = content_words(a), content_words(b)
    if not wa or not wb:
        return similarity(a[:400], b[:400])
    dice = 2 * shared_words(wa, wb) / (len(wa) + len(wb))
    return max(dice, similarity(a[:400], b[:400]))
