"""App-side helpers: caching, layout, filters (the only code besides pages that imports streamlit)."""
