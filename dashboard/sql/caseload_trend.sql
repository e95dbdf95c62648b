-- Per quarter of the period and per country or province ({{area}}): each quarter's own
-- snapshot (share reintegrated, composite index) and flows.
SELECT
    quarter,
    {{area}} AS area,
    sum(active_cases)::BIGINT AS active_cases,
    sum(new_cases)::BIGINT AS new_cases,
    sum(closed_cases)::BIGINT AS closed_cases,
    sum(assessed_cases)::BIGINT AS assessed_cases,
    sum(reintegrated_cases)::DOUBLE / nullif(sum(assessed_cases), 0) AS share_reintegrated,
    sum(composite_sum) / nullif(sum(assessed_cases), 0) AS composite_index
FROM mart_caseload
WHERE quarter BETWEEN $q_from AND $q_to
    AND {{cell_filter}}
GROUP BY ALL
ORDER BY quarter, area
