"""Workforce-diversity analytics: warehouse, ingest, metrics, charts and exports. Never imports streamlit."""
