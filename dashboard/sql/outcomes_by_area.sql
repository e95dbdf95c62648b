-- Per country, province or the whole selection ({{area}}) and outcome dimension, at the
-- end of the period ($q_to; every column of mart_outcomes used here is a snapshot): cases
-- scored and their score sum, achieved, and over cases assessed at least twice the first
-- and latest score sums, improved and declined; counts with their record-key sums.
SELECT
    {{area}} AS area,
    dimension,
    sum(scored_cases)::BIGINT AS scored_cases,
    sum(scored_cases_key)::BIGINT AS scored_cases_key,
    sum(score_sum)::DOUBLE AS score_sum,
    sum(achieved_cases)::BIGINT AS achieved_cases,
    sum(achieved_cases_key)::BIGINT AS achieved_cases_key,
    sum(paired_cases)::BIGINT AS paired_cases,
    sum(paired_cases_key)::BIGINT AS paired_cases_key,
    sum(first_sum)::DOUBLE AS first_sum,
    sum(latest_sum)::DOUBLE AS latest_sum,
    sum(improved_cases)::BIGINT AS improved_cases,
    sum(improved_cases_key)::BIGINT AS improved_cases_key,
    sum(declined_cases)::BIGINT AS declined_cases,
    sum(declined_cases_key)::BIGINT AS declined_cases_key
FROM mart_outcomes
WHERE quarter = $q_to
    AND {{cell_filter}}
GROUP BY ALL
ORDER BY area, dimension
