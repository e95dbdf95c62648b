-- int_cell_quarters: the active case-quarters aggregated once, per quarter, cell and
-- duration band: caseload counts, the case-management figures of the services mart and,
-- per dimension, packed snapshot words (wa__<dimension>, wb__<dimension>, looked up in
-- $code_wa and $code_wb, the words of int_code_words listed by code; unpacked by the marts
-- that read this).
-- inputs: int_case_quarters, int_code_words
SELECT
    quarter,
    cell_id,
    band_no,
    count(*) AS active_cases,
    coalesce(count_if(is_new), 0) AS new_cases,
    coalesce(count_if(is_closed), 0) AS closed_cases,
    coalesce(count_if(is_closed_reintegrated), 0) AS closed_reintegrated,
    coalesce(count_if(assessed), 0) AS assessed_cases,
    coalesce(count_if(reintegrated), 0) AS reintegrated_cases,
    sum(composite) AS composite_sum,
    -- case management is judged on whole assessments (framework: primary_outcome null):
    -- in need = first assessment not reintegrated; paired = two or more assessments
    coalesce(count_if(NOT first_reintegrated), 0) AS cm_in_need,
    coalesce(count_if(assessment_no >= 2), 0) AS cm_paired,
    sum(composite - first_composite) FILTER (WHERE assessment_no >= 2) AS cm_change_sum,
    sum(($code_wa::HUGEINT[])[COLUMNS('^snap__(.*)$') + 1]) AS 'wa__\1',
    sum(($code_wb::HUGEINT[])[COLUMNS('^snap__(.*)$') + 1]) AS 'wb__\1'
FROM int_case_quarters
GROUP BY quarter, cell_id, band_no
