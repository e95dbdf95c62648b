"""The benchmark: ``python -m etl bench`` (run.py), against DuckDB's scan floor and a plain
pandas pipeline (pandas_baseline.py)."""
