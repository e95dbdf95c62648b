-- mart_barriers: barrier records noted in the quarter and distinct cases reporting them,
-- per quarter, cell, service area and barrier code (keyed: etl/publish/storage.py).
-- inputs: stg_barriers, ref_service_areas
SELECT
    b.quarter, b.cell_id, areas.area_no, b.barrier_code,
    count(*) AS reports,
    count(DISTINCT b.case_id) AS cases
FROM stg_barriers AS b
JOIN ref_service_areas AS areas USING (service_area)
GROUP BY b.quarter, b.cell_id, areas.area_no, b.barrier_code
