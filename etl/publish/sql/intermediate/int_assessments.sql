-- int_assessments: one row per case and assessment date (dated by as_of), with the scores of
-- every dimension packed in one word (3 bits each, in framework order, 0 = not scored).
-- publish then works over each case's assessments in date order (etl/publish/running_state.py) and
-- keeps, per case and date:
--   n_scores, reintegrated (every dimension assessed on this date achieved), composite
--   index, assessment_no, first_reintegrated, first_composite (of the first assessment),
--   snap__<dimension>  snapshot code of the dimension on this date (macros.sql): latest
--                      score carried forward from earlier dates, first score, paired
--   flow__<dimension>  flow code: scored on this date, had an earlier score, setback
-- inputs: stg_cases, wh.assessments
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
)

SELECT
    cases.case_id,
    by_date.assessed_on,
    date_trunc('quarter', by_date.assessed_on)::DATE AS quarter,
    by_date.scores
FROM by_date
JOIN stg_cases AS cases USING (key_hash)
