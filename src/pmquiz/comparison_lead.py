"""Which comparison leads a check made without --set, where the comparisons have worked
examples: a fit over every comparison's evidence, examples and labels."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from typing import TYPE_CHECKING

from pmquiz.check_result import SEVERAL, Check
from pmquiz.worked_verdict import fit, kept_fit, scores_of

if TYPE_CHECKING:
    import numpy as np

    from pmquiz.store.cache import Cache

# Where comparisons have worked examples and two or more give a verdict, a fit over all of
# them decides which leads, not `statement_check.LEAD_GAP` (a ridge regression from sentence
# vectors to comparisons, as `worked_verdict` fits categories): the comparison it puts first
# leads when it gives a verdict and leads the next by this much. A verdict decided by the
# learner's label leads; a lone verdict leads, as before. Leave-one-file-out on the fourteen
# statement files up to round 14 (1,216 statements, each file without its own examples):
# led right / led wrong / no lead 572 / 26 / 618, against 541 / 31 / 644 for the leading
# score and LEAD_GAP (0.35: 646 / 32 / 538; 0.3: 721 / 43 / 452); a "wrong" lead is any
# other comparison or category than the file's.
COMPARISON_LEAD = 0.4
# A comparison without worked examples that leans to a category but is short of its lead
# (`statement_check.UNTAUGHT_MARGIN`) is a contender: beside it a lone verdict does not lead
# by itself, the fit decides. Without it, 31 of the 246 statements of rounds 19 and 20
# (written for such comparisons) were led by another comparison; with it 21 (as many as
# before those comparisons needed the lead), while the statements of rounds 4 to 18 lost 7
# of 677 right leads and 2 of 30 wrong ones (each file without its own examples, in a home
# with all eleven comparisons).


def led_by_fit(cache: Cache, statement: str, checks: list[Check],
               matrices: list[np.ndarray], texts: list[list[str]], said: np.ndarray,
               contenders: Collection[str] = ()) -> Check:
    """Without --set: which comparison's check leads, the others listed under it (in the
    fit's order where it was needed, else by their leading category's score); "several
    comparisons" when two or more give a verdict (or one, beside `contenders`) and none
    leads. `texts` are the rows of
    `matrices` as text: the fit is cached under them (keyed by the 3,000 rows' vectors, a
    check with three verdicts took 564 ms against 528 as a whole process; by their texts,
    593 against 584, the machine busier)."""
    from pmquiz.meaning import unit_rows

    def by_score(check: Check) -> float:
        return -max(check.scores.values(), default=-1.0)

    given = [c for c in checks if c.category is not None]
    leaning = [c for c in checks if c.category_set in contenders]
    first = next((c for c in given if c.by_label), None) or \
        (given[0] if len(given) == 1 and not leaning else None)
    if first is not None or not given:  # the learner's label, a lone verdict, or none
        lead = first or min(checks, key=by_score)
        return replace(lead, others=sorted((c for c in checks if c is not lead), key=by_score))
    names = tuple(c.category_set or "" for c in checks)
    scores = _scores(cache, names, matrices, texts, unit_rows(said)[0])
    best, *others = sorted(checks, key=lambda c: -scores.get(c.category_set or "", 0.0))
    margin = scores.get(best.category_set or "", 0.0) - \
        scores.get(others[0].category_set or "", 0.0)
    if best.category is not None and margin >= COMPARISON_LEAD:
        return replace(best, others=others)
    return Check(statement, None, None, margin, best.related, {}, best.nearest, SEVERAL,
                 sure=best.sure, others=[best, *others])


def _scores(cache: Cache, names: tuple[str, ...], matrices: list[np.ndarray],
            texts: list[list[str]], said: np.ndarray) -> dict[str, float]:
    """Each comparison's score for `said` by the fit over their rows, kept in the cache."""
    import numpy as np

    from pmquiz.meaning import unit_rows

    named = [name for name, m in zip(names, matrices, strict=True) for _ in range(len(m))]
    fitted = kept_fit(cache, "lead", "\n".join(names), "\n\n".join(
        "\n".join(given) for given in texts).encode(), len(said) * (len(names) + 1),
        lambda: fit(unit_rows(np.vstack(matrices)), named, names))
    return {} if fitted is None else scores_of(fitted, names, said)
