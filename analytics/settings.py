"""Deployment settings, read from data/settings.toml (DESE edits that file, not code), each overridable by an
environment variable for one deployment."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from analytics.paths import DATA_DIR
from analytics.roles import ADMINISTRATOR, REVIEWER, VIEWER

SETTINGS_FILE = DATA_DIR / "settings.toml"
UNKNOWN_USER_CHOICES = (VIEWER, "refuse")
OPERATOR_ROLE_CHOICES = (VIEWER, REVIEWER, ADMINISTRATOR)


@dataclass(frozen=True)
class Settings:
    # A statewide (or region / type) figure for a school year is complete when the organizations that
    # reported cover at least this share of those expected; a year below it is partial.
    complete_share: float = 0.95
    # Access (analytics/access.py): see data/settings.toml's [access] for what each means.
    require_sign_in: bool = False
    public_viewing: bool = True
    unknown_users: str = VIEWER
    administrators: tuple[str, ...] = ()
    review_district_uploads: bool = True
    operator: str = ""
    operator_role: str = REVIEWER
    # How long a sign-in lasts on the dashboard, in hours (the provider's token may end it sooner).
    session_hours: float = 8.0
    # A DuckLake warehouse's data folder (analytics/ducklake.py); unused for the embedded file.
    data_path: str = ""
    # Whether a dashboard server computes its default views before visitors ask, at start-up and after each
    # change of the data (ui/warm.py).
    warm_views: bool = True


class SettingsFileError(ValueError):
    """settings.toml holds a value that makes no sense."""


_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off", ""}


def _flag(name: str, env: str, raw: dict, section: str = "access") -> bool:
    value = os.environ.get(env)
    if value is None:
        found = raw.get(name, Settings.__dataclass_fields__[name].default)
        if not isinstance(found, bool):
            raise SettingsFileError(f"{section}.{name} must be true or false, not {found!r}")
        return found
    if value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise SettingsFileError(f"{env} must be 1 or 0 (true or false), not {value!r}")


def _hours(value: object) -> float:
    """access.session_hours: a number of hours above 0 (a fraction is fine: 0.5 is half an hour)."""
    try:
        hours = float(value) if not isinstance(value, bool) else float("nan")
    except (TypeError, ValueError):
        hours = float("nan")
    if not 0 < hours < float("inf"):
        raise SettingsFileError(
            f"access.session_hours (DASHBOARD_SESSION_HOURS) must be a number of hours above 0, not {value!r}"
        )
    return hours


@cache
def load_settings(path: Path = SETTINGS_FILE) -> Settings:
    """The settings file's values (defaults where it is silent), then the environment's overrides."""
    raw = tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    coverage = raw.get("coverage", {})
    share = float(os.environ.get("DASHBOARD_COMPLETE_SHARE", coverage.get("complete_share", 0.95)))
    if not 0 < share <= 1:
        raise SettingsFileError(
            f"coverage.complete_share must be a fraction above 0 and at most 1, not {share}"
        )
    access = raw.get("access", {})
    unknown = os.environ.get("DASHBOARD_UNKNOWN_USERS", access.get("unknown_users", VIEWER)).strip().lower()
    if unknown not in UNKNOWN_USER_CHOICES:
        raise SettingsFileError(f'access.unknown_users must be "viewer" or "refuse", not {unknown!r}')
    operator_role = (
        os.environ.get("DASHBOARD_OPERATOR_ROLE", access.get("operator_role", REVIEWER)).strip().lower()
    )
    if operator_role not in OPERATOR_ROLE_CHOICES:
        raise SettingsFileError(
            f"access.operator_role must be one of {', '.join(OPERATOR_ROLE_CHOICES)}, not {operator_role!r}"
        )
    session_hours = _hours(os.environ.get("DASHBOARD_SESSION_HOURS", access.get("session_hours", 8)))
    admins = os.environ.get("DASHBOARD_ADMINISTRATORS")
    listed = admins.split(",") if admins is not None else access.get("administrators", [])
    return Settings(
        complete_share=share,
        require_sign_in=_flag("require_sign_in", "DASHBOARD_REQUIRE_SIGN_IN", access),
        public_viewing=_flag("public_viewing", "DASHBOARD_PUBLIC_VIEWING", access),
        unknown_users=unknown,
        administrators=tuple(a.strip().lower() for a in listed if a.strip()),
        review_district_uploads=_flag("review_district_uploads", "DASHBOARD_REVIEW_DISTRICT_UPLOADS", access),
        operator=os.environ.get("DASHBOARD_OPERATOR", access.get("operator", "")).strip(),
        operator_role=operator_role,
        session_hours=session_hours,
        data_path=str(raw.get("warehouse", {}).get("data_path", "")).strip(),
        warm_views=_flag("warm_views", "DASHBOARD_WARM_VIEWS", raw.get("server", {}), "server"),
    )
