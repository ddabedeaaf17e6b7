"""The roles a person may hold on the dashboard, least to most (what each may do: analytics/access.py).
A module of their own, so that the settings can name them without importing the access rules, which
read the settings."""

VIEWER, UPLOADER, REVIEWER, ADMINISTRATOR = "viewer", "uploader", "reviewer", "administrator"
ROLES = (VIEWER, UPLOADER, REVIEWER, ADMINISTRATOR)
