-- int_assessments: one row per case and assessment date (as of as_of), with one STRUCT per
-- outcome dimension (column d__<dimension>) holding
--   score   the score given on this date (NULL when the dimension was not assessed)
--   prev    the case's latest earlier score in the dimension (for setbacks)
--   latest  the latest score up to this date, carried forward from earlier assessments
--   first   the case's earliest score in the dimension
--   paired  two or more scores in the dimension up to this date
-- and, for the assessment as a whole: reintegrated (every dimension assessed on this date is
-- achieved), composite index, and the same two facts for the case's first assessment.
WITH source AS (
    SELECT case_key, assessed_on, TRY_CAST(dimension AS dimension_key) AS dimension, score
    FROM wh.assessments
    WHERE assessed_on <= $as_of
),

by_date AS (  -- long to wide once: <dimension>_score columns, in framework order
    PIVOT (SELECT * FROM source WHERE dimension IS NOT NULL)
    ON dimension IN dimension_key
    USING max(score) AS score
    GROUP BY case_key, assessed_on
),

keyed AS (
    SELECT cases.case_id, by_date.* EXCLUDE (case_key)
    FROM by_date
    JOIN stg_cases AS cases USING (case_key)
),

per_assessment AS (
    SELECT
        *,
        list_value(*COLUMNS('_score$')) AS scores
    FROM keyed
),

summarised AS (
    SELECT
        * EXCLUDE (scores),
        list_count(scores)::UTINYINT AS n_scores,
        list_min(scores) >= $threshold AS reintegrated,
        ((list_avg(scores) - $score_min) / ($score_max - $score_min) * $scale_to)::DECIMAL(18, 9) AS composite
    FROM per_assessment
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
    {
        'score': COLUMNS('^(.*)_score$'),
        'prev': last_value(COLUMNS('^(.*)_score$') IGNORE NULLS) OVER earlier,
        'latest': last_value(COLUMNS('^(.*)_score$') IGNORE NULLS) OVER w,
        'first': first_value(COLUMNS('^(.*)_score$') IGNORE NULLS) OVER w,
        'paired': count(COLUMNS('^(.*)_score$')) OVER w >= 2
    } AS 'd__\1'
FROM summarised
WINDOW
    w AS (PARTITION BY case_id ORDER BY assessed_on ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW),
    earlier AS (PARTITION BY case_id ORDER BY assessed_on ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
