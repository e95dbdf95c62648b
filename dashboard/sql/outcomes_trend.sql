-- Per quarter and outcome dimension: each quarter's snapshot of the latest scores (cases
-- scored, score sum, cases achieved, with record-key sums).
SELECT
    quarter,
    dimension,
    sum(scored_cases)::BIGINT AS scored_cases,
    sum(scored_cases_key)::BIGINT AS scored_cases_key,
    sum(score_sum)::DOUBLE AS score_sum,
    sum(achieved_cases)::BIGINT AS achieved_cases,
    sum(achieved_cases_key)::BIGINT AS achieved_cases_key
FROM mart_outcomes
WHERE quarter BETWEEN $q_from AND $q_to
    AND {{cell_filter}}
GROUP BY ALL
ORDER BY quarter, dimension
