"""What a view is: the school years, regions, organization types (or one organization) every chart is
narrowed to, and which figures it shows (released, or DESE's current ones). One small type, read by every
layer that publishes a figure."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from analytics import definitions


@dataclass(frozen=True)
class Filters:
    """What the sidebar narrows every chart to. Empty means 'all'."""

    year_from: str | None = None
    year_to: str | None = None
    regions: tuple[str, ...] = field(default_factory=tuple)
    org_types: tuple[str, ...] = field(default_factory=tuple)
    org_code: str | None = None  # one organization (district profiles)
    org_name: str | None = None  # its name, for the words that say which view a figure is about
    # Which figures: the latest release (what everyone outside DESE sees; analytics/releases.py) or the
    # current ones (DESE staff, working on what is loaded).
    released: bool = False

    def params(self) -> dict[str, Any]:
        return {
            "year_from": self.year_from,
            "year_to": self.year_to,
            "regions": list(self.regions) or None,
            "org_types": list(self.org_types) or None,
            "org_code": self.org_code,
        }

    @property
    def is_statewide(self) -> bool:
        return not self.regions and not self.org_types and not self.org_code

    def describe(self) -> str:
        """'Statewide', or what the view is narrowed to, in words (for chart subtitles)."""
        if self.org_code:
            return self.org_name or f"Organization {self.org_code}"
        parts = [", ".join(self.regions)] if self.regions else []
        if self.org_types:
            parts.append(", ".join(definitions.ORG_TYPE_LABELS[t].lower() for t in self.org_types))
        return "; ".join(parts) if parts else "Statewide"

    def years(self) -> tuple[str | None, str | None]:
        return self.year_from, self.year_to

    def between(self, year_from: str | None, year_to: str | None) -> Filters:
        """Every organization, the years given, the same figures (released or current)."""
        return Filters(year_from, year_to, released=self.released)

    def everywhere(self) -> Filters:
        """Every organization, this view's years, the same figures."""
        return self.between(self.year_from, self.year_to)

    def in_years(self, frame: pd.DataFrame) -> np.ndarray:
        """Which rows of `frame` (with a school_year column) fall in this view's years."""
        years = frame["school_year"]
        mask = np.ones(len(frame), dtype=bool)
        if self.year_from:
            mask &= (years >= self.year_from).to_numpy()
        if self.year_to:
            mask &= (years <= self.year_to).to_numpy()
        return mask

    def selects(self, frame: pd.DataFrame) -> np.ndarray:
        """Which rows of `frame` (with region, org_type and org_code columns) fall in this view."""
        mask = np.ones(len(frame), dtype=bool)
        if self.regions:
            mask &= frame["region"].isin(self.regions).to_numpy()
        if self.org_types:
            mask &= frame["org_type"].isin(self.org_types).to_numpy()
        if self.org_code:
            mask &= (frame["org_code"] == self.org_code).to_numpy()
        return mask


ALL = Filters()
