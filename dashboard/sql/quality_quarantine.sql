-- Rows set aside at load, by table and reason (counts only; no raw value reaches the
-- published file).
SELECT table_name, reason, column_name, sum(rows)::BIGINT AS rows
FROM quarantine_summary
GROUP BY ALL
ORDER BY rows DESC, table_name, reason
