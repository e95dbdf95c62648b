"""Step 1, read: which file, or which sheet of a workbook, holds which table (sources.py), in
which encoding (encodings.py), under which name or header row (recognise.py, spec.py), its
header mapped to the format's columns (headers.py), its rows into DuckDB as text (read.py),
merged cells filled (workbooks.py)."""
