-- Per quarter of the period and per country or province ({{area}}): each quarter's own
-- snapshot (assessed, reintegrated, composite index) and flows, with record-key sums.
SELECT
    quarter,
    {{area}} AS area,
    sum(active_cases)::BIGINT AS active_cases,
    sum(active_cases_key)::BIGINT AS active_cases_key,
    sum(new_cases)::BIGINT AS new_cases,
    sum(new_cases_key)::BIGINT AS new_cases_key,
    sum(closed_cases)::BIGINT AS closed_cases,
    sum(closed_cases_key)::BIGINT AS closed_cases_key,
    sum(assessed_cases)::BIGINT AS assessed_cases,
    sum(assessed_cases_key)::BIGINT AS assessed_cases_key,
    sum(reintegrated_cases)::BIGINT AS reintegrated_cases,
    sum(reintegrated_cases_key)::BIGINT AS reintegrated_cases_key,
    sum(composite_sum)::DOUBLE AS composite_sum
FROM mart_caseload
WHERE quarter BETWEEN $q_from AND $q_to
    AND {{cell_filter}}
GROUP BY ALL
ORDER BY quarter, area
