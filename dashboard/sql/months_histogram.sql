-- Active cases by whole months of case management at the end of the period ($q_to);
-- the median is taken from this histogram in dashboard/queries/caseload.py.
SELECT months, sum(active_cases)::BIGINT AS active_cases
FROM mart_months
WHERE quarter = $q_to
    AND {{cell_filter}}
GROUP BY months
ORDER BY months
