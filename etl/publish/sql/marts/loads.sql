-- loads: the warehouse's load log, as is (file names, hashes and row counts; no case data).
-- inputs: wh.loads
SELECT
    load_id, file_name, sheet, sha256, table_name, agencies, loaded_at, rows_read, rows_loaded,
    rows_quarantined, rows_replaced, outcome, synthetic, dropped_columns
FROM wh.loads
