-- int_assessments: one row per case and assessment date (dated by as_of), with
--   snap__<dimension>  snapshot code of the dimension on this date (macros.sql): latest
--                      score carried forward from earlier dates, first score, paired
--   flow__<dimension>  flow code: scored on this date, had an earlier score, setback
-- in framework order, and for the assessment as a whole: reintegrated (every dimension
-- assessed on this date achieved), composite index, and the same for the first assessment.
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
        nullif((scores >> (3 * COLUMNS('^(.*)_slot$'))) & 7, 0)::UTINYINT AS '\1_score'
    FROM of_known_cases
    CROSS JOIN int_dimension_slots
),

summarised AS (
    SELECT
        *,
        list_value(*COLUMNS('_score$')) AS scores
    FROM per_dimension
),

per_assessment AS (
    SELECT
        * EXCLUDE (scores),
        list_count(scores)::UTINYINT AS n_scores,
        list_min(scores) >= $threshold AS reintegrated,
        ((list_avg(scores) - $score_min) / ($score_max - $score_min) * $scale_to)::DECIMAL(18, 9)
            AS composite
    FROM summarised
)

SELECT
    case_id,
    assessed_on,
    date_trunc('quarter', assessed_on)::DATE AS quarter,
    n_scores,
    reintegrated,
    composite,
    row_number() OVER w AS assessment_no,
    first_value(reintegrated) OVER w AS first_reintegrated,
    first_value(composite) OVER w AS first_composite,
    snap_code(
        last_value(COLUMNS('^(.*)_score$') IGNORE NULLS) OVER w,
        first_value(COLUMNS('^(.*)_score$') IGNORE NULLS) OVER w,
        count(COLUMNS('^(.*)_score$')) OVER w
    ) AS 'snap__\1',
    flow_code(
        COLUMNS('^(.*)_score$'),
        last_value(COLUMNS('^(.*)_score$') IGNORE NULLS) OVER earlier
    ) AS 'flow__\1'
FROM per_assessment
WINDOW
    w AS (PARTITION BY case_id ORDER BY assessed_on ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW),
    earlier AS (PARTITION BY case_id ORDER BY assessed_on ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
