"""Step 2, check: each file's date order, era and decimal mark decided from all its values
(formats.py, dates.py, numbers.py), the coded columns' values matched to framework keys
(lookups.py, code_tables.py; damaged text refused, damage.py), every cell parsed or given its
reason (cell_rules.py), then the rules across rows and against the warehouse (row_rules.py)."""
