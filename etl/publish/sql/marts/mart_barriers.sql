-- mart_barriers: barrier records noted in the quarter and distinct cases reporting them,
-- per quarter, cell, service area and barrier code (keyed: etl/publish/storage.py), with
-- the sums of the record keys behind each (a report counts its case's key).
-- inputs: stg_barriers, ref_service_areas
WITH per_case AS (  -- a case's reports of one barrier in a quarter, for the distinct count
    SELECT quarter, cell_id, service_area, barrier_code, case_id, any_value(record_key) AS record_key,
        count(*) AS reports
    FROM stg_barriers
    GROUP BY quarter, cell_id, service_area, barrier_code, case_id
)

SELECT
    b.quarter, b.cell_id, areas.area_no, b.barrier_code,
    sum(b.reports) AS reports,
    count(*) AS cases,
    sum(b.record_key * b.reports) AS reports_key,
    sum(b.record_key) AS cases_key
FROM per_case AS b
JOIN ref_service_areas AS areas USING (service_area)
GROUP BY b.quarter, b.cell_id, areas.area_no, b.barrier_code
