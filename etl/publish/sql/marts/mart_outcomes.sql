-- mart_outcomes: per quarter, cell, duration band and outcome dimension: latest scores
-- (carried forward), first-to-latest change over paired cases, and scores recorded in the
-- quarter with setbacks. Aggregated wide (int_cell_quarters, int_cell_flows); unpivoted
-- here by listing each word's per-dimension columns (framework order) and unnesting the
-- lists side by side with the dimensions' numbers (dim_no, the same order). Keyed by cell,
-- band and dimension number (etl/publish/storage.py).
-- inputs: int_cell_flows, int_cell_quarters
WITH wide AS (
    SELECT
        quarter, cell_id, band_no,
        list_value(*COLUMNS('^wa__')) AS wa,
        list_value(*COLUMNS('^wb__')) AS wb,
        list_value(*COLUMNS('^fw__')) AS fw,
        list_value(*COLUMNS('^ka__')) AS ka,
        list_value(*COLUMNS('^kd__')) AS kd,
        list_value(*COLUMNS('^kf__')) AS kf,
        list_value(*COLUMNS('^fc__')) AS fc
    FROM int_cell_quarters
    LEFT JOIN int_cell_flows USING (quarter, cell_id, band_no)
),

long AS (
    SELECT
        quarter, cell_id, band_no,
        unnest(range(1, len($dimensions::VARCHAR[]) + 1))::INTEGER AS dim_no,
        unnest(wa) AS wa,
        unnest(wb) AS wb,
        unnest(fw) AS fw,
        unnest(ka) AS ka,
        unnest(kd) AS kd,
        unnest(kf) AS kf,
        unnest(fc) AS fc
    FROM wide
),

measures AS (
    SELECT
        quarter, cell_id, band_no, dim_no,
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
        coalesce(unpacked(fw, 2), 0) AS setbacks,
        coalesce(unpacked(fc, 1), 0) AS cases_compared,
        coalesce(unpacked(fc, 2), 0) AS cases_set_back,
        coalesce(unpacked(ka, 0), 0) AS scored_cases_key,
        coalesce(unpacked(ka, 1), 0) AS achieved_cases_key,
        coalesce(unpacked(ka, 2), 0) AS paired_cases_key,
        coalesce(unpacked(ka, 4), 0) AS improved_cases_key,
        coalesce(unpacked(kd, 0), 0) AS declined_cases_key,
        coalesce(unpacked(kf, 0), 0) AS scores_recorded_key,
        coalesce(unpacked(kf, 1), 0) AS scores_with_previous_key,
        coalesce(unpacked(kf, 2), 0) AS setbacks_key
    FROM long
)

SELECT *
FROM measures
WHERE scored_cases > 0 OR scores_recorded > 0
