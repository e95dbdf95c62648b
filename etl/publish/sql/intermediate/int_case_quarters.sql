-- int_case_quarters: one row per active case-quarter. A case is active in a quarter when it
-- was under case management at any time in it (opened <= quarter end and not closed before
-- quarter start), or had an assessment dated in it. Snapshot facts are those of the latest
-- assessment on or before the measure date (ASOF join); its snapshot codes already carry
-- earlier scores forward.
-- inputs: int_assessments, int_month_bands, stg_cases
WITH managed AS (  -- quarters under case management
    SELECT
        case_id,
        unnest(generate_series(open_quarter, last_quarter, INTERVAL 3 MONTH))::DATE AS quarter
    FROM stg_cases
),

assessed_outside AS (  -- quarters with an assessment before opening or after closure
    SELECT DISTINCT a.case_id, a.quarter
    FROM int_assessments AS a
    JOIN stg_cases AS cases USING (case_id)
    WHERE a.quarter < cases.open_quarter OR a.quarter > cases.last_quarter
),

spine AS (
    SELECT case_id, quarter FROM managed
    UNION ALL
    SELECT case_id, quarter FROM assessed_outside
),

measured AS (
    SELECT
        spine.case_id,
        spine.quarter,
        cases.cell_id,
        cases.record_key,
        cases.opened,
        cases.closed,
        cases.closure_reason,
        measure_date(spine.quarter, cases.closed, $as_of) AS measure_date
    FROM spine
    JOIN stg_cases AS cases USING (case_id)
),

with_state AS (
    SELECT
        measured.*,
        state.* EXCLUDE (case_id, quarter)
    FROM measured
    ASOF LEFT JOIN int_assessments AS state
        ON measured.case_id = state.case_id
        AND measured.measure_date >= state.assessed_on
)

SELECT
    s.case_id,
    s.quarter,
    s.cell_id,
    s.record_key,
    bands.band_no,
    bands.months,
    s.measure_date,
    date_trunc('quarter', s.opened) = s.quarter AS is_new,
    coalesce(date_trunc('quarter', s.closed) = s.quarter, false) AS is_closed,
    coalesce(date_trunc('quarter', s.closed) = s.quarter AND s.closure_reason = 'reintegrated', false)
        AS is_closed_reintegrated,
    s.assessed_on IS NOT NULL AS assessed,
    s.reintegrated,
    s.composite,
    s.assessment_no,
    s.first_reintegrated,
    s.first_composite,
    COLUMNS('^snap__')
FROM with_state AS s
JOIN int_month_bands AS bands ON bands.months = whole_months(s.opened, s.measure_date)
