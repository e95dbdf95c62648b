-- Caseload figures per country or province ({{area}}), same semantics as caseload_totals.
SELECT
    {{area}} AS area,
    coalesce(sum(active_cases) FILTER (WHERE quarter = $q_to), 0)::BIGINT AS active_cases,
    coalesce(sum(active_cases_key) FILTER (WHERE quarter = $q_to), 0)::BIGINT AS active_cases_key,
    coalesce(sum(new_cases), 0)::BIGINT AS new_cases,
    coalesce(sum(new_cases_key), 0)::BIGINT AS new_cases_key,
    coalesce(sum(closed_cases), 0)::BIGINT AS closed_cases,
    coalesce(sum(closed_cases_key), 0)::BIGINT AS closed_cases_key,
    coalesce(sum(assessed_cases) FILTER (WHERE quarter = $q_to), 0)::BIGINT AS assessed_cases,
    coalesce(sum(assessed_cases_key) FILTER (WHERE quarter = $q_to), 0)::BIGINT AS assessed_cases_key,
    coalesce(sum(reintegrated_cases) FILTER (WHERE quarter = $q_to), 0)::BIGINT AS reintegrated_cases,
    coalesce(sum(reintegrated_cases_key) FILTER (WHERE quarter = $q_to), 0)::BIGINT AS reintegrated_cases_key,
    coalesce(sum(composite_sum) FILTER (WHERE quarter = $q_to), 0)::DOUBLE AS composite_sum
FROM mart_caseload
WHERE quarter BETWEEN $q_from AND $q_to
    AND {{cell_filter}}
GROUP BY ALL
ORDER BY area
