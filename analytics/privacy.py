"""What may be shown: DESE's small-cell rule, made to hold under arithmetic across every view and output.

The rule (PRODUCT.md, "Privacy"): a figure about a group is hidden when fewer than 6 people in it are of
color or fewer than 6 are not, zero included; a group of fewer than 6 in all shows nothing.

Hiding each small figure on its own is not enough: the state minus the regions shown, one filter minus
another, a cohort's size minus its visible statuses all give a hidden figure back. So every figure shown is
made a sum over whole *blocks*, groups of organizations that each pass the rule:

1. Per measure and school year, the cells a filter can pick (region × type; cohort × region × type for
   Fellows) that fail the rule are merged with another cell, choosing the merge that hides the fewest
   region, type (and cohort) views, until every block passes.
2. Within a block of cells, an organization that passes on its own becomes a block of its own while what
   is left still passes (so a district's profile can show its teachers).
3. A view (the state, a filter, one row of a breakdown, one organization) is shown only when it is exactly
   a union of blocks (`tabulate`).

Any sum or difference of shown figures is then a sum of whole blocks, which passes the rule too: there is
nothing left to difference. Breakdowns of a shown figure into categories (race make-up, Fellows' statuses)
hide, block by block, every category that fails the rule plus enough others that the hidden ones together
pass (`hidden_categories`), so that "all of color minus the visible races" is never one small group.

This module decides; metrics.py applies it to every figure before anything is drawn, captioned, exported
or put on a slide. Nothing else in the project re-decides it.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
import pandas as pd

from analytics.definitions import SMALL_CELL_THRESHOLD

THRESHOLD = SMALL_CELL_THRESHOLD
_EPS = 1e-6  # FTE are decimals: 5.9999999 of color is 6 people's worth, as written in the file
SUPPRESSED = "suppressed"
BLOCK = "block"
BLOCK_PASSES = "block_passes"


def passes(counts: np.ndarray) -> np.ndarray:
    """Row by row: every count (people of color, people not of color, ...) is at least the threshold."""
    counts = np.atleast_2d(np.asarray(counts, dtype=float))
    return (counts >= THRESHOLD - _EPS).all(axis=1)


# --- step 1: cells into blocks ----------------------------------------------------------------------


def _merge_cells(
    values: np.ndarray,
    dim_codes: Sequence[np.ndarray],
    dim_weights: Sequence[int],
    start: np.ndarray | None = None,
):
    """Block number for each cell (rows of `values`, the counts the rule tests): failing blocks merged
    (starting from one block per cell, or from the blocks `start` numbers), each time with the partner
    that leaves the fewest (weighted) dimension views cut through by a block. `dim_codes` give each cell's
    value of each dimension (region, type, ...) as integers."""
    n = len(values)
    if n == 1:
        return np.zeros(1, dtype=np.int64)
    if start is None and passes(values).all():
        return np.arange(n, dtype=np.int64)  # every cell passes on its own: nothing to merge
    # The views that matter: every value of every dimension (one region, one type, one cohort), weighted;
    # a view that fails the rule on its own is hidden whatever the blocks, so cutting it costs nothing.
    views, view_weights = [], []
    for column, weight in zip(dim_codes, dim_weights, strict=True):
        for value in np.unique(column):
            inside = column == value
            views.append(inside)
            view_weights.append(weight * bool(passes(values[inside].sum(axis=0))[0]))
    view_in = np.array(views, dtype=float)  # views × cells
    view_out = 1.0 - view_in
    w = np.array(view_weights, dtype=float)
    if start is None:
        member = np.eye(n, dtype=bool)  # blocks × cells
    else:
        member = np.array([start == b for b in pd.unique(start)], dtype=bool)
    sums = member.astype(float) @ values
    totals = sums.sum(axis=1)

    def cut(masks: np.ndarray) -> np.ndarray:  # blocks × views: the block lies partly in, partly out
        m = masks.astype(float)
        return (m @ view_in.T > 0) & (m @ view_out.T > 0)

    cuts = cut(member)
    while len(member) > 1:
        failing = np.flatnonzero(~passes(sums))
        if not len(failing):
            break
        i = failing[np.lexsort((failing, totals[failing]))[0]]  # the smallest failing block first
        others = np.array([j for j in range(len(member)) if j != i])
        merged = member[others] | member[i]
        merged_cuts = cut(merged)
        base = cuts.sum(axis=0)  # how many blocks cut each view now
        after = base[None, :] - cuts[i][None, :] - cuts[others] + merged_cuts  # per candidate partner
        cost = (after > 0) @ w
        merged_sums = sums[others] + sums[i]
        still_failing = ~passes(merged_sums)
        pick = others[np.lexsort((others, totals[others], still_failing, cost))[0]]
        member[pick] |= member[i]
        sums[pick] += sums[i]
        totals[pick] = sums[pick].sum()
        cuts[pick] = cut(member[pick : pick + 1])[0]
        keep = np.arange(len(member)) != i
        member, sums, totals, cuts = member[keep], sums[keep], totals[keep], cuts[keep]
    block = np.empty(n, dtype=np.int64)
    for b, row in enumerate(member):
        block[row] = b
    return block


def build_blocks(
    atoms: pd.DataFrame,
    *,
    keys: Sequence[str],
    dims: Sequence[str],
    counts: Sequence[str],
    unit: str | None = None,
    weights: dict[str, int] | None = None,
    start: str | None = None,
) -> pd.DataFrame:
    """`atoms` (one row per unit — an organization — and key, e.g. school year) with a `block` column.

    `dims` are what filters pick (region, org_type, ...); `counts` the figures the rule tests (people of
    color and people not of color). With `unit`, units that pass on their own are split off into blocks of
    their own where what remains still passes. With `start` (a column of `atoms`, constant within a cell),
    merging starts from those blocks instead of single cells: blocks for a finer breakdown (races) built
    from the blocks of a coarser one (of color or not), so every view of the one is a view of the other.
    Block numbers are unique across keys."""
    weights = weights or {}
    out = atoms.reset_index(drop=True).copy()
    out[BLOCK] = np.int64(-1)
    out[BLOCK_PASSES] = False
    if out.empty:
        return out
    out = out.drop(columns=BLOCK_PASSES)
    key_list = list(keys)
    cell_cols = [*key_list, *dims]
    aggregations = {c: "sum" for c in counts} | ({start: "first"} if start else {})
    cells = out.groupby(cell_cols, dropna=False, sort=True, observed=True).agg(aggregations).reset_index()
    # Rounded, so that the same cells summed in another order (organization by organization here, in SQL
    # elsewhere) merge the same way: ties are broken by these numbers.
    cells[list(counts)] = cells[list(counts)].round(6)
    # Cells are sorted by key: merge each key's run of cells, on plain arrays.
    key_codes = cells.groupby(key_list, sort=False, observed=True).ngroup().to_numpy()
    values = cells[list(counts)].to_numpy(dtype=float)
    dim_codes = [pd.factorize(cells[dim])[0] for dim in dims]
    dim_weights = [weights.get(dim, 1) for dim in dims]
    initial = cells[start].to_numpy() if start else None
    local = np.zeros(len(cells), dtype=np.int64)
    bounds = np.flatnonzero(np.r_[True, key_codes[1:] != key_codes[:-1], True])
    for a, b in itertools.pairwise(bounds):
        local[a:b] = _merge_cells(
            values[a:b], [c[a:b] for c in dim_codes], dim_weights, None if initial is None else initial[a:b]
        )
    cells["cell_block"] = local
    cells["cell_block"] = cells.groupby([*key_list, "cell_block"], sort=True, observed=True).ngroup()
    # A block that still fails is everything for its key merged into one: nothing of it can be shown.
    block_sums = cells.groupby("cell_block")[list(counts)].transform("sum").to_numpy(dtype=float)
    cells[BLOCK_PASSES] = passes(block_sums)
    out = out.merge(cells[[*cell_cols, "cell_block", BLOCK_PASSES]], on=cell_cols, how="left")
    if unit is None:
        out[BLOCK] = out["cell_block"].to_numpy(np.int64)
        return out.drop(columns="cell_block")
    # Step 2: organizations that pass alone become blocks of their own, smallest first, while the rest of
    # their block of cells still passes (or nothing is left).
    values = out[list(counts)].to_numpy(dtype=float)
    alone = passes(values)
    out["_total"] = values.sum(axis=1)
    out["_alone"] = alone
    order = out.sort_values(
        ["cell_block", "_alone", "_total", unit], ascending=[True, False, True, True]
    ).index
    out = out.loc[order].reset_index(drop=True)
    values = out[list(counts)].to_numpy(dtype=float)
    group = out["cell_block"].to_numpy()
    block_sums = pd.DataFrame(values).groupby(group).transform("sum").to_numpy()
    taken = np.where(out["_alone"].to_numpy()[:, None], values, 0.0)
    running = pd.DataFrame(taken).groupby(group).cumsum().to_numpy()
    rest = block_sums - running
    rest_ok = passes(rest)
    rest_empty = np.isclose(rest.sum(axis=1), 0.0) & (
        out.groupby("cell_block")["_alone"].transform("all").to_numpy()
    )
    # Taking this unit is allowed while every unit up to it passes alone and what remains passes.
    ok = out["_alone"].to_numpy() & (rest_ok | rest_empty)
    ok = pd.Series(ok).groupby(group).cummin().to_numpy().astype(bool)
    # Units split off get their own block numbers after all the cell blocks.
    own = np.cumsum(ok) - 1 + int(group.max()) + 1
    out[BLOCK] = np.where(ok, own, group).astype(np.int64)
    return out.drop(columns=["cell_block", "_total", "_alone"])


# --- step 3: what a view may show -----------------------------------------------------------------


def tabulate(
    blocks: pd.DataFrame, in_view: np.ndarray | pd.Series, *, keys: Sequence[str], figures: Sequence[str]
) -> pd.DataFrame:
    """Per key (e.g. school year) with any unit in view: the sum of `figures` over the units in view, and
    `suppressed` when the view is not exactly a union of blocks that pass the rule."""
    key_list = list(keys)
    mask = np.asarray(in_view, dtype=bool)
    columns = [*key_list, *figures, SUPPRESSED]
    if not mask.any():
        return pd.DataFrame(columns=columns)
    frame = blocks[[*key_list, BLOCK, BLOCK_PASSES, *figures]].assign(_in=mask)
    per_block = frame.groupby([*key_list, BLOCK], sort=False, observed=True).agg(
        inside=("_in", "sum"), units=("_in", "count"), ok=(BLOCK_PASSES, "all")
    )
    cut = ((per_block["inside"] > 0) & (per_block["inside"] < per_block["units"])) | (
        (per_block["inside"] > 0) & ~per_block["ok"]
    )
    cut_keys = cut.groupby(level=key_list, observed=True).any()
    shown = frame[mask]
    sums = shown.groupby(key_list, sort=True, observed=True)[list(figures)].sum()
    out = sums.join(cut_keys.rename(SUPPRESSED)).reset_index()
    out[SUPPRESSED] = out[SUPPRESSED].fillna(False).astype(bool)
    return out[columns]


def hidden_categories(counts: pd.DataFrame, totals: pd.Series | None = None) -> pd.DataFrame:
    """For each row (a block), which category columns must be hidden: each that fails the rule within the
    row (fewer than 6 in it, or fewer than 6 outside it), then the smallest others until at least two are
    hidden and the hidden ones together pass — so no single hidden category follows from a total that is
    shown. `totals` is the whole the categories are part of (default: their sum); pass it when the
    categories are only some of the people (the races of color, whose sum is shown elsewhere)."""
    values = counts.to_numpy(dtype=float)
    whole = values.sum(axis=1) if totals is None else np.asarray(totals, dtype=float)
    total = whole.reshape(-1, 1)
    hide = (values < THRESHOLD - _EPS) | (total - values < THRESHOLD - _EPS)
    for r in np.flatnonzero(hide.any(axis=1)):
        row, hidden = values[r], hide[r]
        for c in np.argsort(row, kind="stable"):
            together = row[hidden].sum()
            if (
                hidden.sum() >= 2
                and together >= THRESHOLD - _EPS
                and total[r, 0] - together >= THRESHOLD - _EPS
            ):
                break
            hidden[c] = True
        hide[r] = hidden
    return pd.DataFrame(hide, index=counts.index, columns=counts.columns)


class BlockViews:
    """Many views of one key's blocks at once (the Fellows in view, and per cohort): what `tabulate`
    decides, and which categories `hidden_categories` hides in the blocks a view touches, with the
    per-block work done once. `partitions` are lists of category
    columns, each a partition of the units' people."""

    def __init__(self, blocks: pd.DataFrame, figures: Sequence[str], partitions: Sequence[Sequence[str]]):
        self.block = blocks[BLOCK].to_numpy(dtype=np.int64)
        size = int(self.block.max()) + 1 if len(self.block) else 0
        self.units = np.bincount(self.block, minlength=size)
        passing = blocks[BLOCK_PASSES].to_numpy(dtype=bool)
        self.ok = np.ones(size, dtype=bool)
        np.logical_and.at(self.ok, self.block, passing)
        self.values = blocks[list(figures)].to_numpy(dtype=float)
        self.columns = {c: i for i, c in enumerate(figures)}
        self.hidden: dict[str, np.ndarray] = {}  # category -> hidden in each block
        for categories in partitions:
            idx = [self.columns[c] for c in categories]
            per_block = np.zeros((size, len(idx)))
            np.add.at(per_block, self.block, self.values[:, idx])
            hide = hidden_categories(pd.DataFrame(per_block, columns=list(categories))).to_numpy()
            for j, c in enumerate(categories):
                self.hidden[c] = hide[:, j]

    def view(self, mask: np.ndarray) -> dict[str, float | None] | None:
        """Every figure's sum over the units in `mask`; None for the whole view when it is not a union of
        passing blocks, and None for a category hidden in any block it touches."""
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return None
        inside = np.bincount(self.block[mask], minlength=len(self.units))
        touched = inside > 0
        if ((inside < self.units) & touched).any() or (~self.ok & touched).any():
            return None
        sums = self.values[mask].sum(axis=0)
        return {
            c: None if c in self.hidden and self.hidden[c][touched].any() else float(sums[i])
            for c, i in self.columns.items()
        }


def blank_hidden(frame: pd.DataFrame, keep: Sequence[str]) -> pd.DataFrame:
    """Every column but `keep` and `suppressed` emptied on suppressed rows: a hidden row carries no figure,
    derived or not, in any output."""
    out = frame.copy()
    hidden = out[SUPPRESSED].to_numpy(dtype=bool)
    if not hidden.any():
        return out
    for col in out.columns:
        if col in keep or col == SUPPRESSED:
            continue
        kind = out[col].dtype
        if not pd.api.types.is_float_dtype(kind):  # bools, integers and text can't hold NaN as they are
            out[col] = out[col].astype(object)
        out.loc[hidden, col] = np.nan if pd.api.types.is_float_dtype(kind) else None
    return out
