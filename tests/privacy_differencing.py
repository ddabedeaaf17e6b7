"""The privacy audit's differencing: the figures someone can see, grouped by family and period as sets of
units, and what their sums and differences (two views one inside the other, a view less several inside it,
any linear combination, a view less an insider's own figures) give away."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from privacy_reading import MIN, TOL
from privacy_truth import of_words, owner

# --- the audit -----------------------------------------------------------------------------------

# The kinds of problem the audit reports (the mutation tests ask for them by name).
SMALL = "visible figure about a small group"
WRONG = "wrong figure"
BARE = "suppressed row keeps a figure"
FROM_TOTAL = "recoverable from a total"
DIFFERENCING = "differencing"
SEVERAL = "differencing of several views"
COMBINATION = "linear combination"
PARTITION = "group partition"
INSIDER = "insider"
TITLE = "number in a title or caption not among the visible figures"

DIFFERENCING_KINDS = (DIFFERENCING, SEVERAL, COMBINATION, PARTITION)


@dataclass(frozen=True)
class Seen:
    """A figure someone can see (or work out): `k` of `n` people of a family with some attributes (`n`
    None: a count of people alone) in a period, across a set of units (organizations; for Fellows,
    cohort|organization). Only the units with anybody in the family and period are kept: they alone
    change the figure."""

    what: tuple  # (family, attributes)
    period: str
    orgs: frozenset[str]
    k: float
    n: float | None
    where: str


class FigureGroup:
    """The visible figures of one family, attributes and period, as sets of units: what their sums and
    differences give away; problems go to `audit` (privacy_checks.Audit), whose truth gives each unit's
    counts."""

    MAX_REPORTED = 5  # problems of one kind per group, written out in full (all are counted)

    def __init__(self, audit, what: tuple, period: str, items: list[Seen]):
        self.audit, self.items = audit, items
        self.family, self.attrs = what
        self.period = period
        self.units = sorted(set().union(*(s.orgs for s in items)))
        index = {u: i for i, u in enumerate(self.units)}
        self.x = np.zeros((len(items), len(self.units)), dtype=bool)
        for r, s in enumerate(items):
            self.x[r, [index[u] for u in s.orgs]] = True
        self.kv, self.nv = audit.truth.vectors(self.family, self.attrs, period, self.units)
        self.k = self.x @ self.kv
        self.n = None if self.nv is None else self.x @ self.nv
        self.reported: dict[str, int] = defaultdict(int)
        self.more: dict[str, int] = defaultdict(int)  # problems found beyond those written out

    def name(self) -> str:
        return f"{self.family} ({', '.join(self.attrs)}) {self.period}"

    def report(self, kind: str, message: str) -> None:
        self.reported[kind] += 1
        self.audit.problem(kind, message)

    def each(self, kind: str, found):
        """The first few of `found` (problems of one kind), to be written out in full; the rest are counted
        in one line."""
        room = max(0, self.MAX_REPORTED - self.reported[kind])
        if len(found) > room:
            self.more[kind] += len(found) - room
        return found[:room]

    def failing(self, k: np.ndarray, n: np.ndarray | None) -> np.ndarray:
        """Which (sum or difference) of figures give a group that is neither nobody nor passes."""
        k = np.asarray(k, dtype=float)
        if n is None:
            return (np.abs(k) > TOL) & (k < MIN - TOL)
        n = np.asarray(n, dtype=float)
        nobody = (np.abs(k) <= TOL) & (np.abs(n) <= TOL)
        return ~nobody & ~((k >= MIN - TOL) & (n - k >= MIN - TOL))

    def check(self) -> None:
        sets = [self.x]
        sets.append(self.nested_pairs())
        sets.append(self.several())
        sets.append(self.combinations())
        self.insiders(np.vstack([s for s in sets if len(s)]))
        for kind, count in self.more.items():
            self.audit.problem(kind, f"{self.name()}: {count} more of the same")

    def nested_pairs(self) -> np.ndarray:
        """A minus B for every B inside A: the organizations between."""
        sizes = self.x.sum(axis=1)
        inter = self.x.astype(np.int32) @ self.x.T.astype(np.int32)
        a, b = np.nonzero((inter == sizes[None, :]) & (sizes[:, None] > sizes[None, :]))
        self.audit.checked["nested pairs"] += len(a)
        if not len(a):
            return np.zeros((0, len(self.units)), dtype=bool)
        dk = self.k[a] - self.k[b]
        dn = None if self.n is None else self.n[a] - self.n[b]
        for i in self.each(DIFFERENCING, np.flatnonzero(self.failing(dk, dn))):
            A, B = self.items[a[i]], self.items[b[i]]
            self.report(
                DIFFERENCING,
                f"{A.where} minus {B.where}: {of_words(dk[i], None if dn is None else dn[i])} in the "
                f"{len(A.orgs - B.orgs)} units between ({self.name()})",
            )
        return self.x[a] & ~self.x[b]

    def several(self) -> np.ndarray:
        """A minus two or three figures inside it that share no organization."""
        sizes = self.x.sum(axis=1)
        inter = self.x.astype(np.int32) @ self.x.T.astype(np.int32)
        inside = (inter == sizes[None, :]) & (sizes[:, None] > sizes[None, :])
        found = []
        for a in range(len(self.items)):
            subs = np.flatnonzero(inside[a])
            if len(subs) < 2:
                continue
            if len(subs) > 40:  # the largest ones: the rest is what the linear combinations are for
                subs = subs[np.argsort(-sizes[subs], kind="stable")[:40]]
            apart = inter[np.ix_(subs, subs)] == 0
            i, j = np.nonzero(np.triu(apart, 1))
            combos = [(subs[i], subs[j], None)]
            if len(subs) >= 3:
                t = np.nonzero(
                    np.triu(apart, 1)[:, :, None]
                    & apart[:, None, :]
                    & apart[None, :, :]
                    & (np.arange(len(subs))[None, None, :] > np.arange(len(subs))[None, :, None])
                )
                combos.append((subs[t[0]], subs[t[1]], subs[t[2]]))
            for first, second, third in combos:
                if not len(first):
                    continue
                self.audit.checked["several views"] += len(first)
                dk = self.k[a] - self.k[first] - self.k[second]
                dn = None if self.n is None else self.n[a] - self.n[first] - self.n[second]
                union = self.x[first] | self.x[second]
                if third is not None:
                    dk = dk - self.k[third]
                    dn = None if dn is None else dn - self.n[third]
                    union = union | self.x[third]
                for q in self.each(SEVERAL, np.flatnonzero(self.failing(dk, dn))):
                    parts = [self.items[first[q]], self.items[second[q]]]
                    if third is not None:
                        parts.append(self.items[third[q]])
                    self.report(
                        SEVERAL,
                        f"{self.items[a].where} minus {' and '.join(p.where for p in parts)}: "
                        f"{of_words(dk[q], None if dn is None else dn[q])} ({self.name()})",
                    )
                found.append(self.x[a][None, :] & ~union)
        return np.vstack(found) if found else np.zeros((0, len(self.units)), dtype=bool)

    def combinations(self) -> np.ndarray:
        """Every set of one, two or three classes of units (units in the same figures) whose indicator is
        a linear combination of the figures' sets: its figure follows from those shown."""
        classes, member = np.unique(self.x.T, axis=0, return_inverse=True)  # classes × figures
        member = np.asarray(member).ravel()
        m = classes.T.astype(float)  # figures × classes
        c = m.shape[1]
        pinv = np.linalg.pinv(m)
        residue = pinv @ m - np.eye(c)  # zero on a class combination the figures determine
        class_k = np.bincount(member, weights=self.kv, minlength=c)
        class_n = None if self.nv is None else np.bincount(member, weights=self.nv, minlength=c)
        alone = np.linalg.norm(residue, axis=0) < 1e-6
        combos: list[tuple[int, ...]] = [(j,) for j in np.flatnonzero(alone)]
        rest = np.flatnonzero(~alone)
        self.audit.checked["classes of units"] += c
        self.audit.checked["classes determined by the figures"] += int(alone.sum())
        if len(rest) >= 2:
            cols = residue[:, rest]
            pair = np.linalg.norm(cols[:, :, None] + cols[:, None, :], axis=0) < 1e-6
            combos += [(rest[i], rest[j]) for i, j in zip(*np.nonzero(np.triu(pair, 1)), strict=True)]
            if len(rest) >= 3 and len(rest) <= 60:
                for i in range(len(rest)):
                    sums = cols[:, i][:, None] + cols[:, i + 1 :]  # with each j > i
                    gap = np.linalg.norm(sums[:, :, None] + cols[:, None, :], axis=0) < 1e-6
                    for j, third in zip(*np.nonzero(gap), strict=True):
                        if third > i + 1 + j:
                            combos.append((rest[i], rest[i + 1 + j], rest[third]))
        self.audit.checked["linear combinations"] += len(combos)
        if not combos:
            return np.zeros((0, len(self.units)), dtype=bool)
        x = np.zeros((len(combos), c))
        for row, combo in enumerate(combos):
            x[row, list(combo)] = 1
        k = x @ class_k
        n = None if class_n is None else x @ class_n
        for row in self.each(COMBINATION, np.flatnonzero(self.failing(k, n))):
            units = x[row][member] > 0
            weights = pinv.T @ x[row]
            terms = [f"{w:+g} × {self.items[i].where}" for i, w in enumerate(weights) if abs(w) > 1e-6]
            self.report(
                COMBINATION,
                f"{', '.join(terms[:6])}{' ...' if len(terms) > 6 else ''} = "
                f"{of_words(k[row], None if n is None else n[row])} in {int(units.sum())} units "
                f"({self.name()}: {sorted(str(u) for u in np.array(self.units)[units])[:6]})",
            )
        return x[:, member] > 0

    def insiders(self, sets: np.ndarray) -> None:
        """Each set someone can see or work out, minus the units one organization in it holds (its own
        figures): nobody, or a group that passes."""
        owners = np.array([owner(u) for u in self.units])
        names, which = np.unique(owners, return_inverse=True)
        held = np.zeros((len(self.units), len(names)))
        held[np.arange(len(self.units)), which] = 1
        packed = np.packbits(sets, axis=1)  # each set as bytes: unique rows fast
        _, first = np.unique(packed.view(np.dtype((np.void, packed.shape[1]))).ravel(), return_index=True)
        sets = sets[np.sort(first)]
        sets = sets[sets.any(axis=1)]
        s = sets.astype(float)
        inside = (s @ held) > 0  # sets × owners
        k = s @ self.kv
        rest_k = k[:, None] - (s * self.kv) @ held
        if self.nv is None:
            rest_n = None
        else:
            n = s @ self.nv
            rest_n = n[:, None] - (s * self.nv) @ held
        left = (s.sum(axis=1)[:, None] - s @ held) > 0
        bad = inside & left & self.failing(rest_k, rest_n)
        self.audit.checked["insider checks"] += int(inside.sum())
        for i, o in self.each(INSIDER, np.argwhere(bad)):
            units = np.array(self.units)[sets[i]]
            shown = [x.where for x in self.items if x.orgs == frozenset(units)]
            about = shown[0] if shown else f"the units {sorted(str(u) for u in units)[:6]} (worked out)"
            self.report(
                INSIDER,
                f"{about} minus {names[o]}'s own: {of_words(rest_k[i, o], None if rest_n is None else rest_n[i, o])} "
                f"({self.name()})",
            )
