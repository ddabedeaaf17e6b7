"""`make bench`: how fast the dashboard is at Massachusetts and national scale, as ratios to the tools
underneath (DuckDB's read_csv, fastexcel, an empty Streamlit page). Not part of the test run.

    python -m bench                 # generate into bench/work/, measure, write bench/results.md
    python -m bench --quick         # fewer repetitions (a smoke run)
"""
