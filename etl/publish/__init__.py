"""Step 5, publish: the warehouse's case-level facts to aggregates only (build.py), the SQL
steps in layers with their declared inputs (steps.py, sql/), the running state of each
case's scores (running_state.py) and how the marts are stored (storage.py)."""
