-- Setbacks over the quarters of the period, per outcome dimension (flow columns of
-- mart_outcomes): scores dated in the period that had an earlier score for the case, and
-- of those the scores lower than the case's previous score, with record-key sums.
SELECT
    dimension,
    coalesce(sum(scores_with_previous), 0)::BIGINT AS compared,
    coalesce(sum(scores_with_previous_key), 0)::BIGINT AS compared_key,
    coalesce(sum(setbacks), 0)::BIGINT AS setbacks,
    coalesce(sum(setbacks_key), 0)::BIGINT AS setbacks_key
FROM mart_outcomes
WHERE quarter BETWEEN $q_from AND $q_to
    AND {{cell_filter}}
GROUP BY dimension
ORDER BY dimension
