-- int_assessments: one row per case and assessment date (dated by as_of), with, for the
-- assessment as a whole: the scores of every dimension packed in one word (3 bits each, in
-- framework order, 0 = not scored), how many were scored, reintegrated (every dimension
-- assessed on this date achieved) and the composite index.
-- publish then adds, over each case's assessments in date order (etl/carry_forward.py):
--   assessment_no, first_reintegrated, first_composite,
--   snap__<dimension>  snapshot code of the dimension on this date (macros.sql): latest
--                      score carried forward from earlier dates, first score, paired
--   flow__<dimension>  flow code: scored on this date, had an earlier score, setback
WITH source AS (
    SELECT
        hash(case_key, $salt) AS key_hash,
        assessed_on,
        enum_code(TRY_CAST(dimension AS dimension_key)) AS slot,
        score
    FROM wh.assessments
    WHERE assessed_on <= $as_of
),

by_date AS (  -- long to wide once: every score of a case and date in one word, 3 bits each
    SELECT key_hash, assessed_on, bit_or(score::UBIGINT << (3 * slot)) AS scores
    FROM source
    WHERE slot IS NOT NULL
    GROUP BY key_hash, assessed_on
),

of_known_cases AS (
    SELECT cases.case_id, by_date.assessed_on, by_date.scores
    FROM by_date
    JOIN stg_cases AS cases USING (key_hash)
),

per_dimension AS (  -- <dimension>_score columns, in framework order
    SELECT
        case_id,
        assessed_on,
        scores,
        nullif((scores >> (3 * COLUMNS('^(.*)_slot$'))) & 7, 0)::UTINYINT AS '\1_score'
    FROM of_known_cases
    CROSS JOIN int_dimension_slots
),

summarised AS (
    SELECT case_id, assessed_on, scores, list_value(*COLUMNS('_score$')) AS score_list
    FROM per_dimension
)

SELECT
    case_id,
    assessed_on,
    date_trunc('quarter', assessed_on)::DATE AS quarter,
    scores,
    list_count(score_list)::UTINYINT AS n_scores,
    list_min(score_list) >= $threshold AS reintegrated,
    ((list_avg(score_list) - $score_min) / ($score_max - $score_min) * $scale_to)::DECIMAL(18, 9)
        AS composite
FROM summarised
