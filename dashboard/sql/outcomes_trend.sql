-- Per quarter and outcome dimension: each quarter's snapshot of the latest scores.
SELECT
    quarter,
    dimension,
    sum(scored_cases)::BIGINT AS scored_cases,
    sum(score_sum)::DOUBLE / nullif(sum(scored_cases), 0) AS mean_score,
    sum(achieved_cases)::DOUBLE / nullif(sum(scored_cases), 0) AS share_achieved
FROM mart_outcomes
WHERE quarter BETWEEN $q_from AND $q_to
    AND {{cell_filter}}
GROUP BY ALL
ORDER BY quarter, dimension
