"""Placement lists reduced to the few numbers the catalogue's placement measures read.

A placement measure of a term depends on that term's list alone: how many placements a selection
holds, the total of a money field over them (and how many had it filled in), or how many
placements each value of a column (a provider, say) has. Those numbers are a term's tally. A
stored list is tallied where it is kept (services/tallies.py, in the database), so the rows never
travel; a list in memory (an upload being previewed, a test's) is tallied here. The measures are
then worked out from the tallies alone (kpis/computations.py), the same way for both.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from kpis import period_keys
from kpis.specs import (
    PLACEMENT_FIELDS,
    PlacementAverage,
    PlacementCount,
    PlacementFilter,
    PlacementRatio,
)

if TYPE_CHECKING:
    from kpis.catalogue import Measure
    from kpis.returns import Returns

ACTIVE = "active"

# A selection of a term's placements: those matching a filter, among those active in the term,
# or those that began (new) or ended (ceased) in it.
Selection = tuple[PlacementFilter, str]
# A money column (the placement table's: cost, saving) totalled over a selection.
Total = tuple[Selection, str]
# A column (need, provider, provision) whose values are counted among a filter's placements.
Values = tuple[PlacementFilter, str]


@dataclass(frozen=True)
class Questions:
    """What a catalogue's placement measures ask of each term's list."""

    selections: tuple[Selection, ...] = ()
    totals: tuple[Total, ...] = ()
    values: tuple[Values, ...] = ()

    def __or__(self, other: Questions) -> Questions:
        """Both sets of questions, each asked once: what several catalogues ask together."""
        return Questions(
            selections=tuple(dict.fromkeys(self.selections + other.selections)),
            totals=tuple(dict.fromkeys(self.totals + other.totals)),
            values=tuple(dict.fromkeys(self.values + other.values)),
        )

    @property
    def filters(self) -> tuple[PlacementFilter, ...]:
        """Every filter asked about, once each."""
        found = [where for where, _ in self.selections]
        found += [where for (where, _), _ in self.totals]
        found += [where for where, _ in self.values]
        return tuple(dict.fromkeys(found))


def placement_questions(measures: Iterable[Measure]) -> Questions:
    """Every number the placement measures among ``measures`` (a catalogue's, say) read from a
    term's list."""
    selections: list[Selection] = []
    totals: list[Total] = []
    values: list[Values] = []
    for measure in measures:
        spec = measure.spec
        if isinstance(spec, PlacementCount):
            if spec.distinct is None:
                selections.append((spec.where, ACTIVE))
            else:
                values.append((spec.where, spec.distinct))
        elif isinstance(spec, PlacementAverage):
            selected = (spec.where, spec.flow)
            selections.append(selected)  # the count the average rests on
            totals.append((selected, PLACEMENT_FIELDS[spec.field]))
        elif isinstance(spec, PlacementRatio):
            selections += [(spec.numerator, ACTIVE), (spec.denominator, ACTIVE)]
    return Questions(
        selections=tuple(dict.fromkeys(selections)),
        totals=tuple(dict.fromkeys(totals)),
        values=tuple(dict.fromkeys(values)),
    )


@dataclass(frozen=True)
class TermTally:
    """One term's list, as the placement measures read it. ``submission_id`` names the stored
    list it was tallied from; None for rows held in memory."""

    submission_id: int | None
    rows: Mapping[Selection, int] = field(default_factory=dict)
    # the column's total over the selection, and how many of its placements had it filled in
    totals: Mapping[Total, tuple[int, int]] = field(default_factory=dict)
    values: Mapping[Values, Mapping[str, int]] = field(default_factory=dict)


Tallies = Mapping[str, TermTally]  # term -> its tally, in time order


# ---- a list in memory ---------------------------------------------------------------------


def _matching(frame: pd.DataFrame, where: PlacementFilter) -> np.ndarray:
    mask = np.ones(len(frame), dtype=bool)
    if where.provision is not None:
        mask &= frame["provision"].isin(where.provision).to_numpy()
    if where.need is not None:
        mask &= frame["need"].isin(where.need).to_numpy()
    if where.in_county is not None:
        mask &= (frame["in_county"] == where.in_county).to_numpy()
    age = frame["age"].to_numpy(dtype="float64")
    if where.age == "under_16":
        mask &= age < 16
    elif where.age == "16_and_over":
        mask &= age >= 16
    elif isinstance(where.age, tuple):
        mask &= (age >= where.age[0]) & (age <= where.age[1])
    if where.has is not None:
        mask &= frame[PLACEMENT_FIELDS[where.has]].notna().to_numpy()
    return mask


def _in_flow(frame: pd.DataFrame, flow: str) -> np.ndarray:
    """Placements that began (new) or ended (ceased) within their list's term; or all."""
    if flow == ACTIVE:
        return np.ones(len(frame), dtype=bool)
    day = frame["start" if flow == "new" else "end"]
    return ((day >= frame["term_start"]) & (day <= frame["term_end"])).to_numpy()


def tally_frame(frame: pd.DataFrame, questions: Questions) -> dict[str, TermTally]:
    """Each term's tally of a placements table (kpis.returns.placements_frame), for every term
    it holds a placement in, in time order."""
    if frame.empty:
        return {}
    terms = sorted({str(t) for t in frame["term"].unique()}, key=period_keys.sort_key)
    index = {term: n for n, term in enumerate(terms)}
    codes = frame["term"].astype(str).map(index).to_numpy(dtype="int64")
    matching = {where: _matching(frame, where) for where in questions.filters}
    flows = {flow: _in_flow(frame, flow) for flow in {f for _, f in questions.selections}}
    for (_, flow), _ in questions.totals:
        flows.setdefault(flow, _in_flow(frame, flow))

    def per_term(mask: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        return np.bincount(codes[mask], weights=weights, minlength=len(terms))

    rows = {s: per_term(matching[s[0]] & flows[s[1]]) for s in questions.selections}
    totals = {}
    for total in questions.totals:
        (where, flow), column = total
        amounts = frame[column].to_numpy(dtype="float64")
        held = matching[where] & flows[flow] & ~np.isnan(amounts)
        # whole pence, so every partial sum of a float64 is exact and the total is too
        totals[total] = (per_term(held, amounts[held]), per_term(held))
    values = {key: _value_counts(frame, matching[key[0]], key[1]) for key in questions.values}
    return {
        term: TermTally(
            submission_id=None,
            rows={s: int(counts[n]) for s, counts in rows.items()},
            totals={t: (int(sums[n]), int(held[n])) for t, (sums, held) in totals.items()},
            values={key: found.get(term, {}) for key, found in values.items()},
        )
        for term, n in index.items()
    }


def _value_counts(frame: pd.DataFrame, mask: np.ndarray, column: str) -> dict[str, dict[str, int]]:
    """Term -> value -> placements, among the rows ``mask`` picks; a missing value is no value."""
    picked = frame.loc[mask, ["term", column]]
    picked = picked[picked[column].notna()]
    out: dict[str, dict[str, int]] = {}
    counts = picked.groupby(["term", column], observed=True).size()
    for (term, value), count in zip(counts.index.to_list(), counts.to_list(), strict=True):
        out.setdefault(str(term), {})[str(value)] = int(count)
    return out


# ---- the tallies a computation reads --------------------------------------------------------


def term_tallies(returns: Returns, questions: Questions) -> dict[str, TermTally]:
    """Every term's tally, in time order: the rows held in memory tallied now, and the stored
    tallies of the other terms, each only while the list it was tallied from is the term's
    current High Needs Block return (an upload being previewed replaces it)."""
    found = {**returns.stored_tallies(), **tally_frame(returns.placements, questions)}
    return dict(sorted(found.items(), key=lambda item: period_keys.sort_key(item[0])))


def merged_values(tallies: Iterable[TermTally], key: Values) -> set[str]:
    """The distinct values of a column among the placements of several terms."""
    found: set[str] = set()
    for tally in tallies:
        found.update(tally.values.get(key, {}))
    return found
