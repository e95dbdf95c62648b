-- int_case_quarters: one row per active case-quarter. A case is active in a quarter when it
-- was under case management at any time in it (opened <= quarter end and not closed before
-- quarter start), or had an assessment dated in it. Snapshot facts are taken at the measure
-- date = least(quarter end, closure date, as_of): the latest assessment on or before it
-- (ASOF join), whose per-dimension state already carries earlier scores forward.
WITH managed AS (  -- quarters under case management
    SELECT
        case_id,
        unnest(generate_series(
            open_quarter,
            date_trunc('quarter', coalesce(closed, $as_of))::DATE,
            INTERVAL 3 MONTH
        ))::DATE AS quarter
    FROM stg_cases
),

spine AS (  -- plus quarters with an assessment (before opening or after closure included)
    SELECT *
    FROM managed
    FULL JOIN int_assessment_flows USING (case_id, quarter)
),

measured AS (
    SELECT
        spine.*,
        cases.cell_id,
        cases.opened,
        cases.closed,
        cases.closure_reason,
        least((spine.quarter + INTERVAL 3 MONTH)::DATE - 1, cases.closed, $as_of) AS measure_date
    FROM spine
    JOIN stg_cases AS cases USING (case_id)
),

banded AS (
    SELECT
        measured.*,
        bands.months,
        bands.band_no
    FROM measured
    JOIN int_month_bands AS bands
        ON bands.months = greatest(0, date_sub('month', measured.opened, measured.measure_date))
),

with_state AS (
    SELECT
        banded.*,
        state.* EXCLUDE (case_id, quarter)
    FROM banded
    ASOF LEFT JOIN int_assessments AS state
        ON banded.case_id = state.case_id
        AND banded.measure_date >= state.assessed_on
)

SELECT
    case_id,
    quarter,
    cell_id,
    band_no,
    months,
    measure_date,
    date_trunc('quarter', opened) = quarter AS is_new,
    coalesce(date_trunc('quarter', closed) = quarter, false) AS is_closed,
    coalesce(date_trunc('quarter', closed) = quarter AND closure_reason = 'reintegrated', false)
        AS is_closed_reintegrated,
    coalesce(assessments, 0) AS assessments,
    assessed_on IS NOT NULL AS assessed,
    reintegrated,
    composite,
    assessment_no,
    first_reintegrated,
    first_composite,
    {
        'latest': COLUMNS('^d__(.*)$').latest,
        'first': COLUMNS('^d__(.*)$').first,
        'paired': COLUMNS('^d__(.*)$').paired
    } AS 's__\1',
    COLUMNS('^f__')
FROM with_state
