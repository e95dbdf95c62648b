"""Step 2, check: the coded columns' values matched to framework keys (lookups.py,
code_tables.py), every cell parsed or given its reason (cell_rules.py), then the rules across
rows and against the warehouse (row_rules.py)."""
