"""What may be shown: DESE's small-cell rule, made to hold under arithmetic across every view and output.

The rule: a figure about a group is hidden when fewer than THRESHOLD people in it are of color or fewer
than THRESHOLD are not, zero included; a group of fewer than THRESHOLD in all shows nothing. THRESHOLD is
SMALL_CELL_THRESHOLD in analytics/definitions.py (6: DESE's rule for what it publishes).

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
pass (`hidden_categories`), so that "all of color minus the visible races" is never one small group; for
Fellows, also with any one organization's own Fellows taken out (it knows their statuses).

This module decides; metrics.py applies it to every figure before anything is drawn, captioned, exported
or put on a slide. Nothing else in the project re-decides it.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

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


def block_passes(sums: np.ndarray, tops: np.ndarray | None = None, members: np.ndarray | None = None):
    """Row by row: a block's counts pass the rule, and so do they with any one member taken out (the
    insider: an organization knows its own figures, so a block of several must not leave a small
    remainder). `tops` are the largest count any one member holds, column by column; `members` how many
    members hold any (a block of one member is exempt: what it shows is that member's own)."""
    sums = np.atleast_2d(np.asarray(sums, dtype=float))
    ok = passes(sums)
    if tops is None:
        return ok
    alone = np.asarray(members) <= 1
    return ok & (alone | passes(sums - np.atleast_2d(tops)))


def _merge_cells(
    values: np.ndarray,
    dim_codes: Sequence[np.ndarray],
    dim_weights: Sequence[int],
    start: np.ndarray | None = None,
    tops: np.ndarray | None = None,
    members: np.ndarray | None = None,
    holdings: np.ndarray | None = None,
):
    """Block number for each cell (rows of `values`, the counts the rule tests): failing blocks merged
    (starting from one block per cell, or from the blocks `start` numbers), each time with the partner
    that leaves the fewest (weighted) dimension views cut through by a block. `dim_codes` give each cell's
    value of each dimension (region, type, ...) as integers. With `tops` and `members` (per cell: the
    largest counts one insider holds, and how many insiders), a block passes only when it also passes
    with any one insider taken out; `holdings` (cells × insiders × counts) where an insider holds counts in
    several cells, so a merged block's largest insider is worked out from what each holds in it."""
    n = len(values)
    if tops is None:
        tops = np.zeros_like(values, dtype=float)
        members = np.zeros(n)
        checked = None
    else:
        checked = True
    if n == 1:
        return np.zeros(1, dtype=np.int64)
    if start is None and block_passes(values, tops if checked else None, members).all():
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
    w = np.array(view_weights, dtype=float)
    if start is None:
        member = np.eye(n, dtype=bool)  # blocks × cells
    else:
        member = np.array([start == b for b in pd.unique(start)], dtype=bool)
    as_float = member.astype(float)
    sums = as_float @ values
    totals = sums.sum(axis=1)
    counted = np.asarray(members, dtype=float)
    block_members = as_float @ counted
    block_hold = None
    if holdings is not None:
        block_hold = np.einsum("bc,cik->bik", as_float, holdings)  # blocks × insiders × counts
        block_tops = block_hold.max(axis=1)
        block_members = (block_hold.sum(axis=2) > 0).sum(axis=1).astype(float)
    elif start is None:
        block_tops = np.array(tops, dtype=float)
    else:
        block_tops = np.array([tops[row].max(axis=0) for row in member])

    def ok(s_, t_, m_):
        return block_passes(s_, t_ if checked else None, m_)

    # Blocks are disjoint sets of cells, so a merged block's cells in (and out of) each view are the two
    # blocks' counts added: a block cuts a view when it has cells both in it and out of it.
    inside = as_float @ view_in.T  # blocks × views
    outside = member.sum(axis=1, dtype=float)[:, None] - inside
    cuts = (inside > 0) & (outside > 0)
    passing = ok(sums, block_tops, block_members)  # row by row: kept up to date as blocks merge
    alive = np.ones(len(member), dtype=bool)  # merged-away blocks stay in place, out of play
    while alive.sum() > 1:
        failing = np.flatnonzero(~passing & alive)
        if not len(failing):
            break
        i = failing[np.lexsort((failing, totals[failing]))[0]]  # the smallest failing block first
        others = np.flatnonzero(alive)
        others = others[others != i]
        merged_in = inside[others] + inside[i]
        merged_out = outside[others] + outside[i]
        merged_cuts = (merged_in > 0) & (merged_out > 0)
        base = cuts.sum(axis=0)  # how many blocks cut each view now (merged-away blocks cut none)
        after = base[None, :] - cuts[i][None, :] - cuts[others] + merged_cuts  # per candidate partner
        cost = (after > 0) @ w
        merged_sums = sums[others] + sums[i]
        if block_hold is not None:
            merged_hold = block_hold[others] + block_hold[i]
            merged_tops = merged_hold.max(axis=1)
            merged_members = (merged_hold.sum(axis=2) > 0).sum(axis=1).astype(float)
        else:
            merged_tops = np.maximum(block_tops[others], block_tops[i])
            merged_members = block_members[others] + block_members[i]
        still_failing = ~ok(merged_sums, merged_tops, merged_members)
        chosen = np.lexsort((others, totals[others], still_failing, cost))[0]
        pick = others[chosen]
        member[pick] |= member[i]
        sums[pick] += sums[i]
        block_tops[pick] = merged_tops[chosen]
        block_members[pick] = merged_members[chosen]
        passing[pick] = not still_failing[chosen]
        if block_hold is not None:
            block_hold[pick] += block_hold[i]
        totals[pick] = sums[pick].sum()
        inside[pick] += inside[i]
        outside[pick] += outside[i]
        cuts[pick] = merged_cuts[chosen]
        cuts[i] = False
        alive[i] = False
    member = member[alive]
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
    insider: str | None = None,
) -> pd.DataFrame:
    """`atoms` (one row per unit — an organization — and key, e.g. school year) with a `block` column.

    `dims` are what filters pick (region, org_type, ...); `counts` the figures the rule tests (people of
    color and people not of color). With `unit`, units that pass on their own are split off into blocks of
    their own where what remains still passes. With `start` (a column of `atoms`, constant within a cell),
    merging starts from those blocks instead of single cells: blocks for a finer breakdown (races) built
    from the blocks of a coarser one (of color or not), so every view of the one is a view of the other.
    With `insider` (a column naming who knows its own figures: the organization), every block of more
    than one insider also passes with any one of them taken out, so no member recovers another's figures
    by subtracting its own (`unit`, when given, is the insider). Block numbers are unique across keys."""
    weights = weights or {}
    insider = unit or insider
    if atoms.empty:
        out = atoms.reset_index(drop=True).copy()
        out[BLOCK] = np.int64(-1)
        out[BLOCK_PASSES] = False
        return out
    # Worked out on plain arrays: text columns as integer codes in their values' sorted order (empty last),
    # so that every grouping and ordering is the one the text gives, and sums per group by np.bincount.
    count_list = list(counts)
    values = atoms[count_list].to_numpy(dtype=float)
    key_codes = [_sorted_codes(atoms[c]) for c in keys]
    dim_codes = [_sorted_codes(atoms[c]) for c in dims]
    # The cells a filter can pick (key × dims), in sorted order, and each atom's cell.
    cell, first = _group_rows([*key_codes, *dim_codes])
    n_cells = len(first)
    # Rounded, so that the same cells summed in another order (organization by organization here, in SQL
    # elsewhere) merge the same way: ties are broken by these numbers.
    cell_values = np.round(_sum_by(cell, values, n_cells), 6)
    key_of_cell = _group_rows([c[first] for c in key_codes])[0]
    who = _sorted_codes(atoms[insider]) if insider is not None else None
    tops = members = None
    holdings: dict[int, np.ndarray] = {}
    if who is not None:
        tops, members, holdings = _insiders(cell, who, values, key_of_cell, n_cells)
    # Cells are sorted by key: merge each key's run of cells.
    cell_dims = [c[first] for c in dim_codes]
    dim_weights = [weights.get(dim, 1) for dim in dims]
    initial = atoms[start].to_numpy()[first] if start else None
    local = np.zeros(n_cells, dtype=np.int64)
    bounds = np.flatnonzero(np.r_[True, key_of_cell[1:] != key_of_cell[:-1], True])
    for a, b in itertools.pairwise(bounds):
        local[a:b] = _merge_cells(
            cell_values[a:b],
            [c[a:b] for c in cell_dims],
            dim_weights,
            None if initial is None else initial[a:b],
            None if tops is None else tops[a:b],
            None if members is None else members[a:b],
            holdings.get(int(a)),
        )
    cell_block = _group_rows([key_of_cell, local])[0]  # numbered in key order: unique across keys
    # A block that still fails is everything for its key merged into one: nothing of it can be shown.
    n_blocks = int(cell_block.max()) + 1
    block_sums = _sum_by(cell_block, cell_values, n_blocks)[cell_block]
    atom_block = cell_block[cell]
    if who is None:
        cell_passes = passes(block_sums)
    else:  # exactly: each insider's holding in each block
        owner, _, held = _holdings(atom_block, who, values)
        block_tops, block_members = _largest_holdings(owner, held, n_blocks)
        cell_passes = block_passes(block_sums, block_tops[cell_block], block_members[cell_block])
    rows, block, atom_passes = np.arange(len(atoms)), atom_block, cell_passes[cell]
    if unit is not None:
        work = pd.DataFrame({c: values[:, j] for j, c in enumerate(count_list)})
        work[unit] = who
        work["cell_block"] = atom_block
        work[BLOCK_PASSES] = atom_passes
        work["_row"] = rows
        split = _split_off(work, count_list, unit)
        rows = split["_row"].to_numpy()
        block, atom_passes = split[BLOCK].to_numpy(), split[BLOCK_PASSES].to_numpy()
    out = atoms.iloc[rows].reset_index(drop=True)
    out[BLOCK] = block.astype(np.int64)
    out = out.drop(columns=BLOCK_PASSES, errors="ignore")
    out[BLOCK_PASSES] = atom_passes.astype(bool)
    return out


def _sorted_codes(column: pd.Series) -> np.ndarray:
    """A column's values as integers in their sorted order, missing values after every other."""
    codes, uniques = pd.factorize(column, sort=True)
    return np.where(codes < 0, len(uniques), codes).astype(np.int64)


def _group_rows(codes: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Rows grouped by their values of `codes` (integer columns, none negative): each row's group, the groups
    numbered in sorted order of those values, and each group's first row."""
    combined = np.zeros(len(codes[0]), dtype=np.int64)
    if not len(combined):
        return combined, combined.copy()
    for column in codes:
        size = int(column.max()) + 1
        if int(combined.max()) >= 2**62 // size:  # the next column would not fit: renumber first
            combined = pd.factorize(combined, sort=True)[0]
        combined = combined * size + column
    group, uniques = pd.factorize(combined, sort=True)
    first = np.full(len(uniques), len(combined), dtype=np.int64)
    np.minimum.at(first, group, np.arange(len(combined)))
    return group.astype(np.int64), first


def _sum_by(group: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
    """Column by column, the sum of `values` in each of `size` groups."""
    return np.column_stack(
        [np.bincount(group, weights=values[:, j], minlength=size) for j in range(values.shape[1])]
    ).reshape(size, values.shape[1])


def _holdings(group, who, values) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """What each insider (`who`) holds in each group, where it holds any: (group, insider, counts) per
    such pair."""
    pair, first = _group_rows([group, who])
    held = _sum_by(pair, values, len(first))
    holding = held.sum(axis=1) > 0
    return group[first][holding], who[first][holding], held[holding]


def _largest_holdings(owner, held, size) -> tuple[np.ndarray, np.ndarray]:
    """Per group (0 to `size`): the largest counts any one insider holds in it, column by column (0 where
    none holds any), and how many insiders hold any; from `_holdings`' groups and counts."""
    tops = np.full((size, held.shape[1]), -np.inf)
    np.maximum.at(tops, owner, held)
    members = np.bincount(owner, minlength=size).astype(float)
    tops[members == 0] = 0.0
    return tops, members


def _insiders(cell, who, values, key_of_cell, n_cells):
    """Per cell: the largest counts any one insider holds (column by column) and how many insiders hold any;
    and, for each key where an insider holds counts in more than one cell (a home organization's Fellows in
    several cohorts), every insider's holding in every cell of it (cells × insiders × counts), keyed by the
    key's first cell row, so that merged blocks are judged exactly."""
    pair_cell, pair_who, held = _holdings(cell, who, values)
    tops, members = _largest_holdings(pair_cell, held, n_cells)
    pair_key = key_of_cell[pair_cell]
    key_who = _group_rows([pair_key, pair_who])[0]
    spread = np.unique(pair_key[np.bincount(key_who)[key_who] > 1])
    holdings: dict[int, np.ndarray] = {}
    for key in spread:
        rows = np.flatnonzero(key_of_cell == key)
        in_key = pair_key == key
        insiders, position = np.unique(pair_who[in_key], return_inverse=True)
        array = np.zeros((len(rows), len(insiders), values.shape[1]))
        np.add.at(array, (pair_cell[in_key] - rows[0], position), held[in_key])
        holdings[int(rows[0])] = array
    return tops, members, holdings


def _split_off(out: pd.DataFrame, count_list: list[str], unit: str) -> pd.DataFrame:
    """Step 2: organizations that pass alone become blocks of their own, smallest first, while the rest of
    their block of cells still passes, also with any one organization of it taken out (or nothing is
    left). `out`: the units with their counts, `unit` (as sortable codes), cell_block and block_passes."""
    values = out[count_list].to_numpy(dtype=float)
    alone = passes(values)
    # Per block of cells, those that pass alone first, then the smallest first.
    order = np.lexsort((out[unit].to_numpy(), values.sum(axis=1), ~alone, out["cell_block"].to_numpy()))
    out = out.iloc[order].reset_index(drop=True)
    values, alone = values[order], alone[order]
    group = out["cell_block"].to_numpy()
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    segment = np.cumsum(np.r_[False, group[1:] != group[:-1]])  # each row's block of cells, 0, 1, ...
    block_sums = pd.DataFrame(values).groupby(group).transform("sum").to_numpy()
    taken = np.where(alone[:, None], values, 0.0)
    running = pd.DataFrame(taken).groupby(group).cumsum().to_numpy()
    rest = block_sums - running
    # What remains after taking this unit: the units after it in this order (their largest counts, and
    # how many of them hold any), for the insider test of the rest.
    suffix = pd.DataFrame(values[::-1]).groupby(group[::-1]).cummax().to_numpy()[::-1]
    same_next = np.r_[group[1:] == group[:-1], False]
    after = np.zeros_like(suffix)
    after[:-1] = np.where(same_next[:-1, None], suffix[1:], 0.0)
    holding = (values.sum(axis=1) > 0).astype(np.int64)
    held_from = np.cumsum(holding[::-1])[::-1]  # units holding any from this row to the end, and per block:
    ends = np.r_[starts[1:], len(group)]
    left = held_from - np.r_[held_from[ends[:-1]], 0][segment] - holding
    rest_ok = block_passes(rest, after, left.astype(float))
    rest_empty = np.isclose(rest.sum(axis=1), 0.0) & np.logical_and.reduceat(alone, starts)[segment]
    # Taking this unit is allowed while every unit up to it passes alone and what remains passes.
    allowed = alone & (rest_ok | rest_empty)
    refused = np.flatnonzero(~allowed)
    first_refused = np.full(len(starts), len(group))
    np.minimum.at(first_refused, segment[refused], refused)
    ok = np.arange(len(group)) < first_refused[segment]
    # Units split off get their own block numbers after all the cell blocks.
    own = np.cumsum(ok) - 1 + int(group.max()) + 1
    out[BLOCK] = np.where(ok, own, group).astype(np.int64)
    return out.drop(columns=["cell_block"])


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
    # Plain arrays: a page asks this of the same blocks for many views.
    key_code, key_values = _key_codes(blocks, key_list)
    block = blocks[BLOCK].to_numpy(dtype=np.int64)
    pair = key_code.astype(np.int64) * (int(block.max()) + 1 if len(block) else 1) + block
    pairs, pair_index = np.unique(pair, return_inverse=True)
    units = np.bincount(pair_index, minlength=len(pairs))
    inside = np.bincount(pair_index[mask], minlength=len(pairs))
    failing = np.bincount(
        pair_index, weights=~blocks[BLOCK_PASSES].to_numpy(dtype=bool), minlength=len(pairs)
    )
    cut = (inside > 0) & ((inside < units) | (failing > 0))
    keys_of_pairs = key_code[np.unique(pair_index, return_index=True)[1]]
    cut_keys = np.zeros(len(key_values), dtype=bool)
    np.logical_or.at(cut_keys, keys_of_pairs, cut)
    shown_keys = np.unique(key_code[mask])
    values = blocks[list(figures)].to_numpy(dtype=float)
    sums = np.zeros((len(key_values), len(figures)))
    np.add.at(sums, key_code[mask], values[mask])
    out = key_values.iloc[shown_keys].reset_index(drop=True)
    for i, name in enumerate(figures):
        out[name] = sums[shown_keys, i]
    out[SUPPRESSED] = cut_keys[shown_keys]
    return out[columns]


def _key_codes(frame: pd.DataFrame, keys: list[str]) -> tuple[np.ndarray, pd.DataFrame]:
    """Each row's key as an integer (in sorted key order), and the keys' values."""
    code, first = _group_rows([_sorted_codes(frame[c]) for c in keys])
    return code, frame[keys].iloc[first].reset_index(drop=True)


def hidden_categories(
    counts: pd.DataFrame, totals: pd.Series | None = None, insiders: pd.DataFrame | None = None
) -> pd.DataFrame:
    """For each row (a block), which category columns must be hidden: each that fails the rule within the
    row (fewer than THRESHOLD in it, or fewer than THRESHOLD outside it), then the smallest others until at least two are
    hidden and the hidden ones together pass — so no single hidden category follows from a total that is
    shown. `totals` is the whole the categories are part of (default: their sum); pass it when the
    categories are only some of the people (the races of color, whose sum is shown elsewhere).

    `insiders` (the same category columns, one row per insider of a row, indexed by that row's label) are
    the counts each organization holds in a row, which it knows: every test then holds also with any one
    insider's counts taken out of the row (unless that insider is all of it), so that no organization
    learns the others' categories by subtracting its own. With `insiders`, the categories are the whole."""
    if insiders is not None and totals is not None:
        raise ValueError("insiders are taken out of categories that are the whole: no totals")
    values = counts.to_numpy(dtype=float)
    whole = values.sum(axis=1) if totals is None else np.asarray(totals, dtype=float)
    total = whole.reshape(-1, 1)
    hide = (values < THRESHOLD - _EPS) | (total - values < THRESHOLD - _EPS)
    # Per row: each insider's counts, where what remains without it is somebody.
    held: dict[int, np.ndarray] = {}
    if insiders is not None and len(insiders):
        position = pd.Series(np.arange(len(counts)), index=counts.index)
        rows = position.reindex(insiders.index).to_numpy()
        theirs = insiders[list(counts.columns)].to_numpy(dtype=float)
        for r in np.unique(rows[~np.isnan(rows)]).astype(int):
            part = theirs[rows == r]
            part = part[whole[r] - part.sum(axis=1) > _EPS]
            if not len(part):
                continue
            held[r] = part
            rest = values[r] - part
            rest_total = (whole[r] - part.sum(axis=1))[:, None]
            hide[r] |= ((rest < THRESHOLD - _EPS) | (rest_total - rest < THRESHOLD - _EPS)).any(axis=0)

    def together_passes(r: int, hidden: np.ndarray) -> bool:
        together = values[r][hidden].sum()
        if hidden.sum() < 2 or together < THRESHOLD - _EPS or total[r, 0] - together < THRESHOLD - _EPS:
            return False
        part = held.get(r)
        if part is None:
            return True
        rest = together - part[:, hidden].sum(axis=1)
        rest_total = total[r, 0] - part.sum(axis=1)
        return bool(((rest >= THRESHOLD - _EPS) & (rest_total - rest >= THRESHOLD - _EPS)).all())

    for r in np.flatnonzero(hide.any(axis=1)):
        hidden = hide[r]
        for c in np.argsort(values[r], kind="stable"):
            if together_passes(r, hidden):
                break
            hidden[c] = True
        hide[r] = hidden
    return pd.DataFrame(hide, index=counts.index, columns=counts.columns)


class BlockViews:
    """Many views of one key's blocks at once (the Fellows in view, and per cohort): what `tabulate`
    decides, and which categories `hidden_categories` hides in the blocks a view touches, with the
    per-block work done once. `partitions` are lists of category
    columns, each a partition of the units' people; `insider` names the column of who knows its own units'
    figures (the organization), taken out of each block when deciding what to hide."""

    def __init__(
        self,
        blocks: pd.DataFrame,
        figures: Sequence[str],
        partitions: Sequence[Sequence[str]],
        insider: str | None = None,
    ):
        self.block = blocks[BLOCK].to_numpy(dtype=np.int64)
        size = int(self.block.max()) + 1 if len(self.block) else 0
        self.units = np.bincount(self.block, minlength=size)
        passing = blocks[BLOCK_PASSES].to_numpy(dtype=bool)
        self.ok = np.ones(size, dtype=bool)
        np.logical_and.at(self.ok, self.block, passing)
        self.values = blocks[list(figures)].to_numpy(dtype=float)
        self.columns = {c: i for i, c in enumerate(figures)}
        self.hidden: dict[str, np.ndarray] = {}  # category -> hidden in each block
        owners = pd.factorize(blocks[insider])[0] if insider is not None else None
        for categories in partitions:
            idx = [self.columns[c] for c in categories]
            per_block = np.zeros((size, len(idx)))
            np.add.at(per_block, self.block, self.values[:, idx])
            theirs = None
            if owners is not None:
                theirs = pd.DataFrame(self.values[:, idx], columns=list(categories))
                theirs = theirs.groupby([self.block, owners]).sum()
                theirs.index = theirs.index.get_level_values(0)
            hide = hidden_categories(
                pd.DataFrame(per_block, columns=list(categories)), insiders=theirs
            ).to_numpy()
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


# --- over time: what a release may change ------------------------------------------------------------
#
# Figures shown outside DESE come from releases (analytics/releases.py). Someone who saw one release and sees
# the next can subtract them; someone inside an organization knows its own figures. So a release may change
# what was released before only by steps that pass the rule themselves:
#
# - Blocks only grow. The new blocks of a key are the finest ones that are unions both of the blocks cut
#   from the current figures and of the blocks released before (a block released before is never split or
#   cut across, or a figure of the one minus a figure of the other would leave a smaller group); where
#   nothing in such a block changed, the blocks released before stay as they were.
# - A block whose figures changed is released only when its change against every earlier release is nothing,
#   or passes the rule (at least 6 in each count, either way), also with any one organization's own change
#   taken out; and, for breakdowns into categories (a Fellow's status), when each category's change passes
#   within its breakdown. Otherwise its change is held back (the figures released before stay, until more
#   changes together pass), or, where figures cannot be held (a breakdown of figures already released), the
#   block is merged with other changed blocks until their changes pass together, or hidden.

HOLD, HIDE = "hold", "hide"
UNIT = "unit"


def change_passes(delta: np.ndarray) -> bool:
    """A change of a group's counts (people added, or taken away): nothing, or at least the threshold in
    every count, either way."""
    delta = np.asarray(delta, dtype=float)
    if np.all(np.abs(delta) < _EPS):
        return True
    return bool(np.all(np.abs(delta) >= THRESHOLD - _EPS))


def _categories_pass(delta: np.ndarray) -> bool:
    """Each category of a breakdown that changed moved by at least the threshold, and so did the rest of its
    breakdown (a status change of one Fellow is +1 completed, -1 active: both fail)."""
    whole = delta.sum()
    for value in delta:
        if abs(value) < _EPS:
            continue
        if abs(value) < THRESHOLD - _EPS or abs(whole - value) < THRESHOLD - _EPS:
            return False
    return True


def _components(fresh_block: np.ndarray, previous_block: np.ndarray) -> np.ndarray:
    """Connected components of units linked by sharing a fresh block or a previous block (-1: none)."""
    n = len(fresh_block)
    label = np.arange(n, dtype=np.int64)
    fb = np.where(fresh_block < 0, -(np.arange(n) + 1) - n, fresh_block)
    pb = np.where(previous_block < 0, -(np.arange(n) + 1) - 2 * n, previous_block)
    while True:
        before = label
        label = pd.Series(label).groupby(fb).transform("min").to_numpy()
        label = pd.Series(label).groupby(pb).transform("min").to_numpy()
        if np.array_equal(label, before):
            return label


@dataclass(frozen=True)
class Family:
    """Figures released together, cut into blocks together: `keys` (e.g. population and school year), a
    unit (an organization, or a cohort of one), the `counts` the rule tests, breakdowns into categories
    (`partitions`), every figure kept (`figures`), and what happens to a change that cannot be released
    yet (`mode`: HOLD keeps what was released, HIDE shows nothing of the block)."""

    name: str
    keys: tuple[str, ...]
    counts: tuple[str, ...]
    figures: tuple[str, ...]
    partitions: tuple[tuple[str, ...], ...] = ()
    mode: str = HOLD
    insider: str = "org_code"
    # Figures that are averages, as (sum, weight) pairs (an index times its weight, and the weight): a change
    # of one is about everyone its changed units weigh, whether the weight moved or not (`_averages_pass`).
    averages: tuple[tuple[str, str], ...] = ()


def _averages_pass(moved: np.ndarray, weight: np.ndarray, owners: np.ndarray | None) -> bool:
    """A change of an average over units (`moved`: those whose sum or weight changed; `weight`: what each
    weighs, the larger of before and now): nothing moved, or those that moved weigh at least the threshold,
    also with any one owner's units taken out (it knows its own change), unless nothing else moved. A
    corrected index of 3 students, in a block of many, would otherwise be the difference between two
    days."""
    if not moved.any():
        return True
    if weight[moved].sum() < THRESHOLD - _EPS:
        return False
    if owners is None:
        return True
    for own in pd.unique(owners[moved]):
        rest = moved & (owners != own)
        if rest.any() and weight[rest].sum() < THRESHOLD - _EPS:
            return False
    return True


def _change_ok(family: Family, fresh: pd.DataFrame, history: pd.DataFrame) -> tuple[bool, np.ndarray | None]:
    """Whether the units of `fresh` (their current figures; absent units count 0) may be released as one
    block against every earlier release in `history` (release_id, unit, figures: each unit's figures from
    that release on). Returns (ok, the change of `counts` against the last release that fails)."""
    if history.empty:
        return True, None
    figures = list(family.figures)
    units = pd.unique(pd.concat([fresh[UNIT], history[UNIT]], ignore_index=True))
    now = fresh.set_index(UNIT)[figures].reindex(units).fillna(0.0)
    owner = (
        pd.concat([fresh[[UNIT, family.insider]], history[[UNIT, family.insider]]])
        .drop_duplicates(UNIT)
        .set_index(UNIT)[family.insider]
        .reindex(units)
    )
    releases = np.sort(history["release_id"].unique())
    before = {}
    for column in figures:
        table = history.pivot_table(index="release_id", columns=UNIT, values=column, aggfunc="last")
        before[column] = table.reindex(index=releases, columns=units).ffill().fillna(0.0).to_numpy()
    count_idx = [figures.index(c) for c in family.counts]
    fresh_matrix = now.to_numpy(dtype=float)  # units × figures
    stacked = np.stack([before[c] for c in figures], axis=2)  # releases × units × figures
    change = fresh_matrix[None, :, :] - stacked  # per release, per unit
    total = change.sum(axis=1)  # releases × figures
    owners = owner.to_numpy()
    distinct = pd.unique(owners)
    for r in range(len(releases)):
        delta = total[r, count_idx]
        if not change_passes(delta):
            return False, delta
        if len(distinct) > 1:
            per_owner = pd.DataFrame(change[r][:, count_idx]).groupby(owners).sum().to_numpy()
            for own in per_owner:
                if not change_passes(delta - own):
                    return False, delta
        for total_col, weight_col in family.averages:
            cols = [figures.index(total_col), figures.index(weight_col)]
            moved = (np.abs(change[r][:, cols]) > _EPS).any(axis=1)
            weight = np.maximum(fresh_matrix[:, cols[1]], stacked[r, :, cols[1]])
            if not _averages_pass(moved, weight, owners if len(distinct) > 1 else None):
                return False, delta
        for partition in family.partitions:
            idx = [figures.index(c) for c in partition]
            if not _categories_pass(total[r, idx]):
                return False, delta
            if len(distinct) > 1:  # an organization knows its own categories' change too
                per_owner = pd.DataFrame(change[r][:, idx]).groupby(owners).sum().to_numpy()
                for own in per_owner:
                    if not _categories_pass(total[r, idx] - own):
                        return False, delta
    return True, None


def reconcile(
    family: Family,
    fresh: pd.DataFrame,
    previous: pd.DataFrame,
    history: pd.DataFrame,
    *,
    dims: Sequence[str] = ("region", "org_type"),
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The next release of one family: its units with their figures and blocks, and what could not be
    released yet.

    `fresh`: the units' current figures cut into blocks (build_blocks): keys, `unit`, the insider column,
    dims, figures, block, block_passes. `previous`: the last release's (same columns: its dims are the
    region and type each unit was released under).
    `history`: every earlier release's figures, each unit's from the release they changed in on
    (release_id, keys, unit, insider, figures). Returns (state, held): state as `previous`, block numbers
    unique; held: keys, units, organizations, change (of `counts` against the last release) and outcome
    ('held back' or 'hidden') for each block whose change could not be released."""
    keys, figures = list(family.keys), list(family.figures)
    dim_list = list(dims)
    columns = [*keys, UNIT, family.insider, *dim_list, *figures, BLOCK, BLOCK_PASSES]
    held_columns = [*keys, "units", "organizations", "change", "outcome"]
    if fresh.empty and previous.empty:
        return pd.DataFrame(columns=columns), pd.DataFrame(columns=held_columns)
    need = columns
    f = fresh if len(fresh) else fresh.reindex(columns=need)
    p = previous if len(previous) else previous.reindex(columns=need)
    if history.empty:
        history = history.reindex(columns=["release_id", *keys, UNIT, family.insider, *figures])
    both = _pair_units(keys, figures, f, p)

    out_parts: list[pd.DataFrame] = []
    held_rows: list[dict] = []
    next_block = 0

    def emit(rows: pd.DataFrame, passes_now: bool | None = None, *, regroup: bool) -> None:
        nonlocal next_block
        if rows.empty:
            return
        rows = rows.copy()
        if regroup:
            rows[BLOCK] = next_block
            next_block += 1
        else:
            ids = {b: next_block + i for i, b in enumerate(pd.unique(rows[BLOCK]))}
            rows[BLOCK] = rows[BLOCK].map(ids)
            next_block += len(ids)
        if passes_now is not None:
            rows[BLOCK_PASSES] = passes_now
        out_parts.append(rows[columns])

    unchanged = both[~both["_changed"]]
    if len(unchanged):
        kept = unchanged[[*keys, UNIT]].merge(p, on=[*keys, UNIT], how="inner")
        for _, rows in kept.groupby(keys, sort=False):
            emit(rows, regroup=False)
    changed = both[both["_changed"]]
    if changed.empty:
        return _finish(out_parts, columns), pd.DataFrame(held_rows, columns=held_columns)
    tag = changed[[*keys, UNIT, "_component"]]
    f_changed = f.merge(tag, on=[*keys, UNIT], how="inner")
    p_changed = p.merge(tag, on=[*keys, UNIT], how="inner")
    h_changed = history.merge(tag, on=[*keys, UNIT], how="inner") if len(history) else None
    with_history = set() if h_changed is None else set(h_changed["_component"])
    # Never released before: released as cut now, all at once (a first release is all of this).
    new = f_changed[~f_changed["_component"].isin(with_history)]
    if len(new):
        rows = new.copy()
        passing = rows.groupby("_component")[BLOCK_PASSES].transform("all").astype(bool)
        ids = {c: next_block + i for i, c in enumerate(pd.unique(rows["_component"]))}
        rows[BLOCK] = rows["_component"].map(ids)
        rows[BLOCK_PASSES] = passing
        next_block += len(ids)
        out_parts.append(rows[columns])
    if not with_history:
        return _finish(out_parts, columns), pd.DataFrame(held_rows, columns=held_columns)
    f_by = dict(iter(f_changed[f_changed["_component"].isin(with_history)].groupby("_component")))
    p_by = dict(iter(p_changed[p_changed["_component"].isin(with_history)].groupby("_component")))
    h_by = dict(iter(h_changed.groupby("_component")))
    empty_f, empty_p = f.iloc[0:0], p.iloc[0:0]
    component_keys = changed.drop_duplicates("_component").set_index("_component")[keys]
    pending_by_key: dict[tuple, list] = {}
    for component in sorted(with_history):
        rows_now = f_by.get(component, empty_f)
        rows_was = p_by.get(component, empty_p)
        rows_hist = h_by[component]
        units = set(rows_now[UNIT]) | set(rows_was[UNIT])
        if len(rows_now) and not bool(rows_now[BLOCK_PASSES].astype(bool).all()):
            emit(rows_now, False, regroup=True)  # nothing of it can be shown: nothing to difference
            continue
        ok, delta = _change_ok(family, rows_now, rows_hist)
        if ok:
            emit(rows_now, True, regroup=True)
            continue
        key = tuple(component_keys.loc[component])
        pending_by_key.setdefault(key, []).append((units, rows_now, rows_was, rows_hist, delta))
    held_rows = _hold_or_hide(family, pending_by_key, dim_list, emit)
    return _finish(out_parts, columns), pd.DataFrame(held_rows, columns=held_columns)


def _pair_units(
    keys: list[str], figures: list[str], fresh: pd.DataFrame, previous: pd.DataFrame
) -> pd.DataFrame:
    """Every unit of the fresh cut or the last release (keys, unit), with `_component`: the blocks, on
    either side, joined wherever one unit is in both; and `_changed`: whether any figure of the component
    differs from its last release."""
    on = [*keys, UNIT]
    both = fresh[on].merge(previous[on], how="outer", on=on).drop_duplicates()
    both = both.sort_values(on, kind="stable").reset_index(drop=True)
    fb = both.merge(fresh[[*on, BLOCK]], how="left", on=on)[BLOCK]
    pb = both.merge(previous[[*on, BLOCK]], how="left", on=on)[BLOCK]
    # Block numbers are unique across keys on each side; the two sides are told apart (even and odd).
    fresh_block = np.where(fb.isna(), -1, fb.fillna(-1).astype(np.int64) * 2)
    previous_block = np.where(pb.isna(), -1, pb.fillna(-1).astype(np.int64) * 2 + 1)
    both["_component"] = _components(fresh_block, previous_block)
    now = both.merge(fresh[[*on, *figures]], how="left", on=on)[figures].fillna(0.0)
    was = both.merge(previous[[*on, *figures]], how="left", on=on)[figures].fillna(0.0)
    differs = (np.abs(now.to_numpy(float) - was.to_numpy(float)) > _EPS).any(axis=1)
    both["_changed"] = pd.Series(differs).groupby(both["_component"]).transform("any").to_numpy()
    return both


def _hold_or_hide(family: Family, pending_by_key: dict[tuple, list], dims: list[str], emit) -> list[dict]:
    """Release the components whose change could not be released as the family's mode says: the last
    release again (HOLD), or the change hidden, merged where that lets some of it be shown (HIDE). Returns
    a row for each, saying what was held back or hidden and why."""
    keys = list(family.keys)
    held_rows = []
    for key, pending in pending_by_key.items():
        if family.mode == HIDE:
            pending = _merge_pending(family, pending, dims, emit)
        for units, rows_now, rows_was, _, delta in pending:
            if family.mode == HOLD:
                emit(rows_was, regroup=False)
                outcome = "held back"
            else:
                emit(rows_now, False, regroup=True)
                outcome = "hidden"
            orgs = _changed_insiders(family, rows_now, rows_was)
            held_rows.append(
                {
                    **dict(zip(keys, key, strict=True)),
                    "units": sorted(units),
                    "organizations": orgs,
                    "change": None if delta is None else [float(x) for x in delta],
                    "outcome": outcome,
                }
            )
    return held_rows


def _changed_insiders(family: Family, now: pd.DataFrame, was: pd.DataFrame) -> list[str]:
    """The organizations whose own figures differ between `was` and `now` (a block's rows)."""
    figures = list(family.figures)
    both = now[[UNIT, family.insider, *figures]].merge(
        was[[UNIT, family.insider, *figures]], on=[UNIT], how="outer", suffixes=("", "_was")
    )
    both[family.insider] = both[family.insider].fillna(both[f"{family.insider}_was"])
    new = both[figures].fillna(0.0).to_numpy(float)
    old = both[[f"{c}_was" for c in figures]].fillna(0.0).to_numpy(float)
    differs = (np.abs(new - old) > _EPS).any(axis=1)
    return sorted(set(both.loc[differs, family.insider].astype(str)))


def _merge_pending(family: Family, pending: list, dims: list[str], emit) -> list:
    """HIDE families: changed blocks that cannot be released alone are merged with one another (the pair
    cutting the fewest region and type views first) while that lets their changes pass together; what is
    left is returned."""
    pending = list(pending)
    merged_any = True
    while merged_any and len(pending) > 1:
        merged_any = False
        best = None
        for i in range(len(pending)):
            for j in range(i + 1, len(pending)):
                a, b = pending[i], pending[j]
                rows_now = pd.concat([a[1], b[1]], ignore_index=True)
                history = pd.concat([a[3], b[3]], ignore_index=True)
                ok, _ = _change_ok(family, rows_now, history)
                if not ok:
                    continue
                cost = sum(len(set(a[1][d]) ^ set(b[1][d])) for d in dims if d in rows_now)
                if best is None or cost < best[0]:
                    best = (cost, i, j, rows_now, history)
        if best is not None:
            _, i, j, rows_now, history = best
            a, b = pending[i], pending[j]
            emit(rows_now, True, regroup=True)
            pending = [x for k, x in enumerate(pending) if k not in (i, j)]
            merged_any = True
    if len(pending) > 1:
        rows_now = pd.concat([x[1] for x in pending], ignore_index=True)
        history = pd.concat([x[3] for x in pending], ignore_index=True)
        ok, _ = _change_ok(family, rows_now, history)
        if ok:
            emit(rows_now, True, regroup=True)
            return []
    return pending


def _finish(parts: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    if not parts:
        return pd.DataFrame(columns=columns)
    out = pd.concat(parts, ignore_index=True)
    out[BLOCK] = out[BLOCK].astype(np.int64)
    out[BLOCK_PASSES] = out[BLOCK_PASSES].astype(bool)
    return out
