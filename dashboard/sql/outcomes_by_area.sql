-- Per country, province or the whole selection ({{area}}) and outcome dimension, at the
-- end of the period ($q_to; every column of mart_outcomes used here is a snapshot):
-- latest scores, and first versus latest score over cases assessed at least twice.
SELECT
    {{area}} AS area,
    dimension,
    sum(scored_cases)::BIGINT AS scored_cases,
    sum(score_sum)::DOUBLE / nullif(sum(scored_cases), 0) AS mean_score,
    sum(achieved_cases)::DOUBLE / nullif(sum(scored_cases), 0) AS share_achieved,
    sum(paired_cases)::BIGINT AS paired_cases,
    sum(first_sum)::DOUBLE / nullif(sum(paired_cases), 0) AS mean_first,
    sum(latest_sum)::DOUBLE / nullif(sum(paired_cases), 0) AS mean_latest,
    sum(improved_cases)::DOUBLE / nullif(sum(paired_cases), 0) AS share_improved,
    sum(declined_cases)::DOUBLE / nullif(sum(paired_cases), 0) AS share_declined
FROM mart_outcomes
WHERE quarter = $q_to
    AND {{cell_filter}}
GROUP BY ALL
ORDER BY area, dimension
