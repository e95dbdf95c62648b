-- int_cell_flows: what was assessed in each quarter, per quarter, cell and duration band
-- (the band of the case-quarter the assessment falls in): assessments (distinct case and
-- date) and, per dimension, a packed flow word (int_code_words, listed by code in $code_fw:
-- scores recorded, scores with an earlier score for the case, setbacks). Their record-key
-- sums (cell-key method): assessments_key, and kf__<dimension>, the flow word with each
-- case's record key in place of its 1s.
-- inputs: int_assessments, int_code_words, int_month_bands, stg_cases
WITH dated AS (
    SELECT
        a.quarter,
        cases.cell_id,
        cases.record_key,
        whole_months(cases.opened, measure_date(a.quarter, cases.closed, $as_of)) AS months,
        COLUMNS('^flow__')
    FROM int_assessments AS a
    JOIN stg_cases AS cases USING (case_id)
)

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
