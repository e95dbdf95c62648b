-- quarantine_summary: quarantined rows counted per load, file, table, reason and first
-- failing column. The rows themselves (raw text, row numbers, values) stay in the warehouse.
-- inputs: wh.quarantine
SELECT
    load_id, file_name, table_name, reason, column_name,
    count(*) AS rows
FROM wh.quarantine
GROUP BY load_id, file_name, table_name, reason, column_name
