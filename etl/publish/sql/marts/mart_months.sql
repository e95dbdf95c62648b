-- mart_months: active cases per quarter, cell and whole months of case management at the
-- measure date (for medians).
-- (keyed by cell: etl/publish/storage.py)
-- inputs: int_case_quarters
SELECT quarter, cell_id, months, count(*) AS active_cases, sum(record_key) AS active_cases_key
FROM int_case_quarters
GROUP BY quarter, cell_id, months
