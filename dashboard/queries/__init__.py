"""Query layer: functions (db, selection, ...) -> DataFrame, every number already passed
through dashboard.suppress. SQL lives in dashboard/sql; nothing here imports streamlit."""
