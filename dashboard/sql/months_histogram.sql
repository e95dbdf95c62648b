-- Active cases by whole months of case management at the end of the period ($q_to), with
-- their record-key sums; the median is taken from the perturbed histogram
-- (dashboard/queries/caseload.py).
SELECT months, sum(active_cases)::BIGINT AS active_cases, sum(active_cases_key)::BIGINT AS active_cases_key
FROM mart_months
WHERE quarter = $q_to
    AND {{cell_filter}}
GROUP BY months
ORDER BY months
