-- Active cases by months of case management (framework duration bands) at the end of the
-- period, with the assessed and reintegrated cases and the composite index sum (snapshot).
SELECT
    duration_band,
    sum(active_cases)::BIGINT AS active_cases,
    sum(active_cases_key)::BIGINT AS active_cases_key,
    sum(assessed_cases)::BIGINT AS assessed_cases,
    sum(assessed_cases_key)::BIGINT AS assessed_cases_key,
    sum(reintegrated_cases)::BIGINT AS reintegrated_cases,
    sum(reintegrated_cases_key)::BIGINT AS reintegrated_cases_key,
    sum(composite_sum)::DOUBLE AS composite_sum
FROM mart_caseload
WHERE quarter = $q_to
    AND {{cell_filter}}
GROUP BY duration_band
