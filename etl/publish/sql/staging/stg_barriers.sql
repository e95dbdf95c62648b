-- stg_barriers: barriers noted by as_of, of cases known at as_of.
-- inputs: stg_cases, wh.barriers
SELECT
    cases.case_id,
    cases.cell_id,
    cases.record_key,
    cases.agency,
    cases.country,
    cases.province,
    barriers.service_area,
    barriers.barrier_code,
    date_trunc('quarter', barriers.noted_on)::DATE AS quarter
FROM wh.barriers AS barriers
JOIN stg_cases AS cases USING (case_key)
WHERE barriers.noted_on <= $as_of
