-- Per duration band (months of case management at the measure date) and outcome
-- dimension, at the end of the period ($q_to; snapshot columns of mart_outcomes): cases
-- scored, their score sum and the cases achieved, with record-key sums.
SELECT
    duration_band,
    dimension,
    sum(scored_cases)::BIGINT AS scored_cases,
    sum(scored_cases_key)::BIGINT AS scored_cases_key,
    sum(score_sum)::DOUBLE AS score_sum,
    sum(achieved_cases)::BIGINT AS achieved_cases,
    sum(achieved_cases_key)::BIGINT AS achieved_cases_key
FROM mart_outcomes
WHERE quarter = $q_to
    AND {{cell_filter}}
GROUP BY ALL
ORDER BY duration_band, dimension
