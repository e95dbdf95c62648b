"""Step 1, read: which file, or which sheet of a workbook, holds which table (sources.py), its
header mapped to the format's columns (headers.py, spec.py), its rows into DuckDB as text
(read.py)."""
