-- stg_cases: one row per case opened by as_of. key_hash is a 64-bit hash of the case key
-- (publish checks that no two warehouse cases share one, changing $salt if they do), so
-- that the assessments are grouped by an integer rather than a long string; case_id numbers
-- the cases cell by cell, so that the case-quarters come out clustered by cell, which keeps
-- the aggregations that follow cache-friendly.
-- A closure dated after as_of is not known yet at as_of: the case counts as open.
-- record_key: the case's record key for the cell-key method (dashboard/cellkey.py), the
-- low bits of its keyed hash: uniform, the same at every load and publish, never published
-- itself (the marts carry only sums of record keys).
-- The case key itself never leaves this temporary table.
-- inputs: wh.cases
WITH source AS (
    SELECT case_key, agency, country, province, sex, age_band, form, opened, closed, closure_reason
    FROM wh.cases
    WHERE opened <= $as_of
),

known_at_as_of AS (
    SELECT
        * EXCLUDE (age_band) REPLACE (
            CASE WHEN closed <= $as_of THEN closed END AS closed,
            CASE WHEN closed <= $as_of THEN closure_reason END AS closure_reason
        ),
        -- the dashboard filters children and adults, never single age bands: cells by age
        -- group are fewer, which keeps the marts aggregate (and smaller)
        CASE
            WHEN list_contains($child_age_bands::VARCHAR[], age_band) THEN 'child'
            WHEN list_contains($adult_age_bands::VARCHAR[], age_band) THEN 'adult'
            ELSE 'unknown'
        END AS age_group
    FROM source
),

cell_ids AS (  -- one id per combination of the dashboard's filter columns
    SELECT
        country, province, sex, age_group, form,
        row_number() OVER (ORDER BY country, province, sex, age_group, form)::INTEGER AS cell_id
    FROM (SELECT DISTINCT country, province, sex, age_group, form FROM known_at_as_of)
)

SELECT
    row_number() OVER (ORDER BY cell_ids.cell_id)::INTEGER AS case_id,
    hash(k.case_key, $salt) AS key_hash,
    k.case_key,
    -- the modulus is a power of two: a mask, eighty times cheaper than % on a UHUGEINT
    (k.case_key & ($key_modulus - 1)::UHUGEINT)::INTEGER AS record_key,
    k.agency,
    cell_ids.cell_id,
    k.country, k.province, k.sex, k.age_group, k.form,
    k.opened,
    date_trunc('quarter', k.opened)::DATE AS open_quarter,
    k.closed,
    date_trunc('quarter', coalesce(k.closed, $as_of))::DATE AS last_quarter,
    k.closure_reason
FROM known_at_as_of AS k
JOIN cell_ids USING (country, province, sex, age_group, form)
