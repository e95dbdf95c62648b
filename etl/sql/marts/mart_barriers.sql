-- mart_barriers: barrier records noted in the quarter and distinct cases reporting them,
-- per quarter, cell, service area and barrier code.
WITH aggregated AS (
    SELECT
        quarter, cell_id, service_area, barrier_code,
        count(*) AS reports,
        count(DISTINCT case_id) AS cases
    FROM stg_barriers
    GROUP BY quarter, cell_id, service_area, barrier_code
)

SELECT
    a.quarter,
    cells.country, cells.province, cells.sex, cells.age_group, cells.form,
    a.service_area,
    a.barrier_code,
    a.reports,
    a.cases
FROM aggregated AS a
JOIN int_cells AS cells USING (cell_id)
