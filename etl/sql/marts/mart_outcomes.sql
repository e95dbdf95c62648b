-- mart_outcomes: per quarter, cell, duration band and outcome dimension: latest scores
-- (carried forward), first-to-latest change over paired cases, and scores recorded in the
-- quarter with setbacks. Aggregated wide in int_cell_quarters; unpivoted here by turning
-- each measure's per-dimension columns into a list in framework order and unnesting the
-- lists side by side ($dimensions is that order).
WITH wide AS (
    SELECT
        quarter, cell_id, band_no,
        list_value(*COLUMNS('^scored__')) AS scored_cases,
        list_value(*COLUMNS('^score_sum__')) AS score_sum,
        list_value(*COLUMNS('^achieved__')) AS achieved_cases,
        list_value(*COLUMNS('^paired__')) AS paired_cases,
        list_value(*COLUMNS('^first_sum__')) AS first_sum,
        list_value(*COLUMNS('^latest_sum__')) AS latest_sum,
        list_value(*COLUMNS('^improved__')) AS improved_cases,
        list_value(*COLUMNS('^declined__')) AS declined_cases,
        list_value(*COLUMNS('^recorded__')) AS scores_recorded,
        list_value(*COLUMNS('^with_previous__')) AS scores_with_previous,
        list_value(*COLUMNS('^setbacks__')) AS setbacks
    FROM int_cell_quarters
),

long AS (
    SELECT
        quarter, cell_id, band_no,
        unnest($dimensions::VARCHAR[]) AS dimension,
        unnest(scored_cases) AS scored_cases,
        unnest(score_sum) AS score_sum,
        unnest(achieved_cases) AS achieved_cases,
        unnest(paired_cases) AS paired_cases,
        unnest(first_sum) AS first_sum,
        unnest(latest_sum) AS latest_sum,
        unnest(improved_cases) AS improved_cases,
        unnest(declined_cases) AS declined_cases,
        unnest(scores_recorded) AS scores_recorded,
        unnest(scores_with_previous) AS scores_with_previous,
        unnest(setbacks) AS setbacks
    FROM wide
)

SELECT
    long.quarter,
    cells.country, cells.province, cells.sex, cells.age_band, cells.form,
    bands.duration_band,
    long.dimension,
    long.scored_cases,
    coalesce(long.score_sum, 0) AS score_sum,
    long.achieved_cases,
    long.paired_cases,
    coalesce(long.first_sum, 0) AS first_sum,
    coalesce(long.latest_sum, 0) AS latest_sum,
    long.improved_cases,
    long.declined_cases,
    coalesce(long.scores_recorded, 0) AS scores_recorded,
    coalesce(long.scores_with_previous, 0) AS scores_with_previous,
    coalesce(long.setbacks, 0) AS setbacks
FROM long
JOIN int_cells AS cells USING (cell_id)
JOIN ref_duration_bands AS bands USING (band_no)
WHERE long.scored_cases > 0 OR long.scores_recorded > 0
