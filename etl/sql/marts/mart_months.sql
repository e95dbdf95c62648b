-- mart_months: active cases per quarter, cell and whole months of case management at the
-- measure date (for medians).
WITH aggregated AS (
    SELECT quarter, cell_id, months, count(*) AS active_cases
    FROM int_case_quarters
    GROUP BY quarter, cell_id, months
)

SELECT
    a.quarter,
    cells.country, cells.province, cells.sex, cells.age_group, cells.form,
    a.months,
    a.active_cases
FROM aggregated AS a
JOIN int_cells AS cells USING (cell_id)
