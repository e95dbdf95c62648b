-- Active cases by months of case management (framework duration bands) at the end of the
-- period, with the share reintegrated and the composite index in each band (snapshot).
SELECT
    duration_band,
    sum(active_cases)::BIGINT AS active_cases,
    sum(assessed_cases)::BIGINT AS assessed_cases,
    sum(reintegrated_cases)::DOUBLE / nullif(sum(assessed_cases), 0) AS share_reintegrated,
    sum(composite_sum) / nullif(sum(assessed_cases), 0) AS composite_index
FROM mart_caseload
WHERE quarter = $q_to
    AND {{cell_filter}}
GROUP BY duration_band
