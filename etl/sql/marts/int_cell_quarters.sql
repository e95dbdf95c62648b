-- int_cell_quarters: the case-quarters aggregated once, in wide form, per quarter, cell and
-- duration band: caseload counts, per-dimension outcome counts (<measure>__<dimension>) and
-- the case-management figures of the services mart. mart_caseload, mart_outcomes and
-- mart_services read this; only their results are unpivoted.
SELECT
    quarter,
    cell_id,
    band_no,
    count(*) AS active_cases,
    count_if(is_new) AS new_cases,
    count_if(is_closed) AS closed_cases,
    count_if(is_closed_reintegrated) AS closed_reintegrated,
    count_if(assessed) AS assessed_cases,
    count_if(reintegrated) AS reintegrated_cases,
    sum(composite) AS composite_sum,
    sum(assessments) AS assessments,
    -- case management is judged on the composite index (framework: primary_outcome null)
    count_if(NOT first_reintegrated) AS cm_in_need,
    count_if(assessment_no >= 2) AS cm_paired,
    sum(composite - first_composite) FILTER (WHERE assessment_no >= 2) AS cm_change_sum,
    -- per dimension, snapshot
    count(COLUMNS('^s__(.*)$').latest) AS 'scored__\1',
    sum(COLUMNS('^s__(.*)$').latest) AS 'score_sum__\1',
    count_if(COLUMNS('^s__(.*)$').latest >= $threshold) AS 'achieved__\1',
    count_if(COLUMNS('^s__(.*)$').paired) AS 'paired__\1',
    sum(COLUMNS('^s__(.*)$').first) FILTER (WHERE COLUMNS('^s__(.*)$').paired) AS 'first_sum__\1',
    sum(COLUMNS('^s__(.*)$').latest) FILTER (WHERE COLUMNS('^s__(.*)$').paired) AS 'latest_sum__\1',
    count_if(COLUMNS('^s__(.*)$').paired AND COLUMNS('^s__(.*)$').latest > COLUMNS('^s__(.*)$').first)
        AS 'improved__\1',
    count_if(COLUMNS('^s__(.*)$').paired AND COLUMNS('^s__(.*)$').latest < COLUMNS('^s__(.*)$').first)
        AS 'declined__\1',
    count_if(COLUMNS('^s__(.*)$').first < $threshold) AS 'in_need__\1',
    -- per dimension, flow
    sum(COLUMNS('^f__(.*)$').recorded) AS 'recorded__\1',
    sum(COLUMNS('^f__(.*)$').with_previous) AS 'with_previous__\1',
    sum(COLUMNS('^f__(.*)$').setbacks) AS 'setbacks__\1'
FROM int_case_quarters
GROUP BY quarter, cell_id, band_no
