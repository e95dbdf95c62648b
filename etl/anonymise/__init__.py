"""Step 3, key: case references replaced by a keyed hash before anything is stored
(case_keys.py)."""
