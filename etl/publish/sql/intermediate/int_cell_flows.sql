-- int_cell_flows: what was assessed in each quarter, per quarter, cell and duration band
-- (the band of the case-quarter the assessment falls in): assessments (distinct case and
-- date) and, per dimension, a packed flow word (int_code_words, listed by code in $code_fw:
-- scores recorded, scores with an earlier score for the case, setbacks). Their record-key
-- sums (cell-key method): assessments_key, and kf__<dimension>, the flow word with each
-- case's record key in place of its 1s. Beside them the distinct cases behind each flow,
-- which the dashboard needs to hide event counts that come from fewer than k survivors
-- (ten scores can be three people's): cases_assessed, and fc__<dimension>, the flow word of
-- each case's flow codes in the quarter or-ed together (a case with a score, one with an
-- earlier score, one set back), summed over cases.
-- inputs: int_assessments, int_code_words, int_month_bands, stg_cases
WITH dated AS (
    SELECT
        a.quarter,
        cases.cell_id,
        cases.record_key,
        a.case_id,
        whole_months(cases.opened, measure_date(a.quarter, cases.closed, $as_of)) AS months,
        COLUMNS('^flow__')
    FROM int_assessments AS a
    JOIN stg_cases AS cases USING (case_id)
),

flows AS (
    SELECT
        dated.quarter,
        dated.cell_id,
        bands.band_no,
        count(*) AS assessments,
        sum(dated.record_key) AS assessments_key,
        sum(($code_fw::HUGEINT[])[COLUMNS('^flow__(.*)$') + 1]) AS 'fw__\1',
        sum(dated.record_key * ($code_fw::HUGEINT[])[COLUMNS('^flow__(.*)$') + 1]) AS 'kf__\1'
    FROM dated
    JOIN int_month_bands AS bands USING (months)
    GROUP BY dated.quarter, dated.cell_id, bands.band_no
),

per_case AS (  -- a case's assessments in a quarter (one band: the quarter's) as one
    SELECT quarter, cell_id, any_value(months) AS months, bit_or(COLUMNS('^(flow__.*)$')) AS '\1'
    FROM dated
    GROUP BY quarter, cell_id, case_id
),

cases AS (
    SELECT
        per_case.quarter,
        per_case.cell_id,
        bands.band_no,
        count(*) AS cases_assessed,
        sum(($code_fw::HUGEINT[])[COLUMNS('^flow__(.*)$') + 1]) AS 'fc__\1'
    FROM per_case
    JOIN int_month_bands AS bands USING (months)
    GROUP BY per_case.quarter, per_case.cell_id, bands.band_no
)

SELECT *
FROM flows
JOIN cases USING (quarter, cell_id, band_no)
