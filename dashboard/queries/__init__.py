"""Query layer: functions (db, selection, ...) -> DataFrame, every number already passed
through dashboard.protect. SQL lives in dashboard/sql; nothing here imports streamlit."""
