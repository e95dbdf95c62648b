-- Caseload figures for the selected cells and period, one row.
-- Snapshot columns from the last quarter of the period ($q_to); flow columns summed over
-- the period (etl/publish/sql/contract.sql). Shares and means are divided here, after summing.
SELECT
    coalesce(sum(active_cases) FILTER (WHERE quarter = $q_to), 0)::BIGINT AS active_cases,
    coalesce(sum(new_cases), 0)::BIGINT AS new_cases,
    coalesce(sum(closed_cases), 0)::BIGINT AS closed_cases,
    coalesce(sum(closed_reintegrated), 0)::BIGINT AS closed_reintegrated,
    coalesce(sum(assessed_cases) FILTER (WHERE quarter = $q_to), 0)::BIGINT AS assessed_cases,
    coalesce(sum(reintegrated_cases) FILTER (WHERE quarter = $q_to), 0)::BIGINT AS reintegrated_cases,
    sum(reintegrated_cases) FILTER (WHERE quarter = $q_to)::DOUBLE
        / nullif(sum(assessed_cases) FILTER (WHERE quarter = $q_to), 0) AS share_reintegrated,
    sum(composite_sum) FILTER (WHERE quarter = $q_to)
        / nullif(sum(assessed_cases) FILTER (WHERE quarter = $q_to), 0) AS composite_index
FROM mart_caseload
WHERE quarter BETWEEN $q_from AND $q_to
    AND {{cell_filter}}
