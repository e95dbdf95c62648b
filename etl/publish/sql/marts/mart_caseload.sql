-- mart_caseload: active, new and closed cases, assessed and reintegrated cases, composite
-- index and assessments, per quarter, cell and duration band (keyed: etl/publish/storage.py).
-- inputs: int_cell_flows, int_cell_quarters
SELECT
    q.quarter,
    q.cell_id,
    q.band_no,
    q.active_cases,
    q.new_cases,
    q.closed_cases,
    q.closed_reintegrated,
    q.assessed_cases,
    q.reintegrated_cases,
    coalesce(q.composite_sum, 0)::DOUBLE AS composite_sum,
    coalesce(f.assessments, 0) AS assessments,
    coalesce(f.cases_assessed, 0) AS cases_assessed,
    q.active_cases_key,
    q.new_cases_key,
    q.closed_cases_key,
    q.closed_reintegrated_key,
    q.assessed_cases_key,
    q.reintegrated_cases_key,
    coalesce(f.assessments_key, 0) AS assessments_key
FROM int_cell_quarters AS q
LEFT JOIN int_cell_flows AS f USING (quarter, cell_id, band_no)
