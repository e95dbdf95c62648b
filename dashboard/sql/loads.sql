-- The loads log, newest first.
SELECT load_id, loaded_at, file_name, sheet, table_name, agencies, sha256,
       rows_read, rows_loaded, rows_quarantined, rows_replaced, outcome, synthetic
FROM loads
ORDER BY loaded_at DESC, load_id DESC
