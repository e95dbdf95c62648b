-- mart_outcomes: per quarter, cell, duration band and outcome dimension: latest scores
-- (carried forward), first-to-latest change over paired cases, and scores recorded in the
-- quarter with setbacks. Aggregated wide (int_cell_quarters, int_cell_flows); unpivoted
-- here by listing each word's per-dimension columns (framework order) and unnesting the
-- lists side by side with $dimensions (the same order).
WITH wide AS (
    SELECT
        quarter, cell_id, band_no,
        list_value(*COLUMNS('^wa__')) AS wa,
        list_value(*COLUMNS('^wb__')) AS wb,
        list_value(*COLUMNS('^fw__')) AS fw
    FROM int_cell_quarters
    LEFT JOIN int_cell_flows USING (quarter, cell_id, band_no)
),

long AS (
    SELECT
        quarter, cell_id, band_no,
        unnest($dimensions::VARCHAR[]) AS dimension,
        unnest(wa) AS wa,
        unnest(wb) AS wb,
        unnest(fw) AS fw
    FROM wide
),

measures AS (
    SELECT
        quarter, cell_id, band_no, dimension,
        coalesce(unpacked(wa, 0), 0) AS scored_cases,
        coalesce(unpacked(wb, 1), 0) AS score_sum,
        coalesce(unpacked(wa, 1), 0) AS achieved_cases,
        coalesce(unpacked(wa, 2), 0) AS paired_cases,
        coalesce(unpacked(wb, 2), 0) AS first_sum,
        coalesce(unpacked(wb, 3), 0) AS latest_sum,
        coalesce(unpacked(wa, 4), 0) AS improved_cases,
        coalesce(unpacked(wb, 0), 0) AS declined_cases,
        coalesce(unpacked(fw, 0), 0) AS scores_recorded,
        coalesce(unpacked(fw, 1), 0) AS scores_with_previous,
        coalesce(unpacked(fw, 2), 0) AS setbacks
    FROM long
)

SELECT
    m.quarter,
    cells.country, cells.province, cells.sex, cells.age_group, cells.form,
    bands.duration_band,
    m.dimension,
    m.scored_cases,
    m.score_sum,
    m.achieved_cases,
    m.paired_cases,
    m.first_sum,
    m.latest_sum,
    m.improved_cases,
    m.declined_cases,
    m.scores_recorded,
    m.scores_with_previous,
    m.setbacks
FROM measures AS m
JOIN int_cells AS cells USING (cell_id)
JOIN ref_duration_bands AS bands USING (band_no)
WHERE m.scored_cases > 0 OR m.scores_recorded > 0
