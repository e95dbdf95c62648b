"""The synthetic, calibrated sample: ``python -m etl sample`` (see generate.py)."""

from etl.sample.generate import build_tables, generate

__all__ = ["build_tables", "generate"]
