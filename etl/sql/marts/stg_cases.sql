-- stg_cases: one row per case opened by as_of, keyed by a small integer for the joins that
-- follow. A closure dated after as_of is not known yet at as_of: the case counts as open.
-- The case key never leaves this temporary table.
WITH source AS (
    SELECT case_key, agency, country, province, sex, age_band, form, opened, closed, closure_reason
    FROM wh.cases
    WHERE opened <= $as_of
),

known_at_as_of AS (
    SELECT
        * REPLACE (
            CASE WHEN closed <= $as_of THEN closed END AS closed,
            CASE WHEN closed <= $as_of THEN closure_reason END AS closure_reason
        )
    FROM source
),

cells AS (  -- one id per combination of the dashboard's filter columns
    SELECT
        country, province, sex, age_band, form,
        row_number() OVER (ORDER BY country, province, sex, age_band, form)::INTEGER AS cell_id
    FROM (SELECT DISTINCT country, province, sex, age_band, form FROM source)
)

SELECT
    row_number() OVER ()::INTEGER AS case_id,
    k.case_key,
    k.agency,
    cells.cell_id,
    k.country, k.province, k.sex, k.age_band, k.form,
    k.opened,
    date_trunc('quarter', k.opened)::DATE AS open_quarter,
    k.closed,
    k.closure_reason
FROM known_at_as_of AS k
JOIN cells USING (country, province, sex, age_band, form)
