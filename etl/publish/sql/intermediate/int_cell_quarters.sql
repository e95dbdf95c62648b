-- int_cell_quarters: the active case-quarters aggregated once, per quarter, cell and
-- duration band: caseload counts, the case-management figures of the services mart and,
-- per dimension, packed snapshot words (wa__<dimension>, wb__<dimension>, looked up in
-- $code_wa and $code_wb, the words of int_code_words listed by code; unpacked by the marts
-- that read this).
-- Beside every count, <count>_key: the sum of the record keys of the cases it counts
-- (cell-key method, dashboard/cellkey.py); per dimension, ka__ and kd__ are the same words
-- with each case's record key in place of its 1s (record key x $code_wa, x $code_wd), so
-- that one sum gives the key sums of five counts.
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
    sum(record_key) AS active_cases_key,
    coalesce(sum(record_key) FILTER (WHERE is_new), 0) AS new_cases_key,
    coalesce(sum(record_key) FILTER (WHERE is_closed), 0) AS closed_cases_key,
    coalesce(sum(record_key) FILTER (WHERE is_closed_reintegrated), 0) AS closed_reintegrated_key,
    coalesce(sum(record_key) FILTER (WHERE assessed), 0) AS assessed_cases_key,
    coalesce(sum(record_key) FILTER (WHERE reintegrated), 0) AS reintegrated_cases_key,
    -- case management is judged on whole assessments (framework: primary_outcome null):
    -- in need = first assessment not reintegrated; paired = two or more assessments
    coalesce(count_if(NOT first_reintegrated), 0) AS cm_in_need,
    coalesce(count_if(assessment_no >= 2), 0) AS cm_paired,
    sum(composite - first_composite) FILTER (WHERE assessment_no >= 2) AS cm_change_sum,
    coalesce(sum(record_key) FILTER (WHERE NOT first_reintegrated), 0) AS cm_in_need_key,
    coalesce(sum(record_key) FILTER (WHERE assessment_no >= 2), 0) AS cm_paired_key,
    sum(($code_wa::HUGEINT[])[COLUMNS('^snap__(.*)$') + 1]) AS 'wa__\1',
    sum(($code_wb::HUGEINT[])[COLUMNS('^snap__(.*)$') + 1]) AS 'wb__\1',
    sum(record_key * ($code_wa::HUGEINT[])[COLUMNS('^snap__(.*)$') + 1]) AS 'ka__\1',
    sum(record_key * ($code_wd::HUGEINT[])[COLUMNS('^snap__(.*)$') + 1]) AS 'kd__\1'
FROM int_case_quarters
GROUP BY quarter, cell_id, band_no
