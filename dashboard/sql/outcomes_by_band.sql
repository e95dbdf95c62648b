-- Per duration band (months of case management at the measure date) and outcome
-- dimension, at the end of the period ($q_to; snapshot columns of mart_outcomes): the
-- mean latest score and the share achieved over the active cases scored.
SELECT
    duration_band,
    dimension,
    sum(scored_cases)::BIGINT AS scored_cases,
    sum(score_sum)::DOUBLE / nullif(sum(scored_cases), 0) AS mean_score,
    sum(achieved_cases)::DOUBLE / nullif(sum(scored_cases), 0) AS share_achieved
FROM mart_outcomes
WHERE quarter = $q_to
    AND {{cell_filter}}
GROUP BY ALL
ORDER BY duration_band, dimension
