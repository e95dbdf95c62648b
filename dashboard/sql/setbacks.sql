-- Setbacks over the quarters of the period, per outcome dimension (flow columns of
-- mart_outcomes): scores dated in the period that had an earlier score for the case, and
-- of those the scores lower than the case's previous score, with record-key sums; and the
-- most distinct cases behind each in any one quarter (a lower bound on the people behind
-- the period's scores: a case is counted again in every quarter).
WITH per_quarter AS (
    SELECT
        dimension,
        quarter,
        sum(scores_with_previous) AS compared,
        sum(scores_with_previous_key) AS compared_key,
        sum(setbacks) AS setbacks,
        sum(setbacks_key) AS setbacks_key,
        sum(cases_compared) AS compared_cases,
        sum(cases_set_back) AS setback_cases
    FROM mart_outcomes
    WHERE quarter BETWEEN $q_from AND $q_to
        AND {{cell_filter}}
    GROUP BY dimension, quarter
)

SELECT
    dimension,
    coalesce(sum(compared), 0)::BIGINT AS compared,
    coalesce(sum(compared_key), 0)::BIGINT AS compared_key,
    coalesce(sum(setbacks), 0)::BIGINT AS setbacks,
    coalesce(sum(setbacks_key), 0)::BIGINT AS setbacks_key,
    coalesce(max(compared_cases), 0)::BIGINT AS compared_cases,
    coalesce(max(setback_cases), 0)::BIGINT AS setback_cases
FROM per_quarter
GROUP BY dimension
ORDER BY dimension
