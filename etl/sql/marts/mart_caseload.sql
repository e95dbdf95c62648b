-- mart_caseload: active, new and closed cases, assessed and reintegrated cases and the
-- composite index, per quarter, cell and duration band.
WITH aggregated AS (
    SELECT
        quarter, cell_id, band_no,
        active_cases, new_cases, closed_cases, closed_reintegrated,
        assessed_cases, reintegrated_cases, composite_sum, assessments
    FROM int_cell_quarters
)

SELECT
    a.quarter,
    cells.country, cells.province, cells.sex, cells.age_band, cells.form,
    bands.duration_band,
    a.active_cases,
    a.new_cases,
    a.closed_cases,
    a.closed_reintegrated,
    a.assessed_cases,
    a.reintegrated_cases,
    a.composite_sum::DOUBLE AS composite_sum,
    a.assessments
FROM aggregated AS a
JOIN int_cells AS cells USING (cell_id)
JOIN ref_duration_bands AS bands USING (band_no)
