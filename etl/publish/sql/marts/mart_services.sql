-- mart_services: per quarter, cell and service area (keyed: etl/publish/storage.py). Snapshot
-- columns at the measure date of each active case-quarter; a service is judged against its
-- primary outcome (first score below the threshold = in need; change = latest - first over
-- cases with two or more scores in it). Case management (no primary outcome) is judged on
-- whole assessments: in need = first assessment not reintegrated, paired = two or more
-- assessments, change = composite index at the latest minus at the first assessment (summed,
-- then rounded to a whole number).
-- "other" = active cases not provided the service = all paired cases - received_paired.
-- Beside every count, <count>_key: the sum of the record keys of the cases it counts (the
-- status word with each case's record key in place of its 1s; cell-key method).
-- inputs: int_case_quarters, int_case_services, int_cell_quarters, int_service_words, stg_services, ref_service_areas
WITH case_management AS (  -- case management's code (int_service_words)
    SELECT
        *,
        2048 + coalesce(NOT first_reintegrated, false)::INTEGER
            + 2 * coalesce(assessment_no >= 2, false)::INTEGER AS cm_code
    FROM int_case_quarters
),

quarter_state AS (
    SELECT
        case_id, quarter, cell_id, record_key, measure_date, assessment_no,
        composite - first_composite AS composite_change,
        -- the state each service area is judged on, by slot (int_case_services): snapshot
        -- codes of the dimensions in framework order, then case management's code
        list_value(*COLUMNS('^snap__'), cm_code) AS codes
    FROM case_management
),

case_area_quarters AS (  -- active case-quarters x service areas the case had a record of
    SELECT
        q.quarter,
        q.cell_id,
        q.record_key,
        s.area_no,
        coalesce(q.codes[s.slot], 0)
            + 256 * (s.provided_from <= q.measure_date)::INTEGER
            + 512 * (s.referred_from <= q.measure_date)::INTEGER
            + 1024 * (s.declined_from <= q.measure_date)::INTEGER AS idx,
        CASE WHEN s.is_case_management AND s.provided_from <= q.measure_date
            AND q.assessment_no >= 2 THEN q.composite_change END AS cm_change
    FROM quarter_state AS q
    JOIN int_case_services AS s
        ON s.case_id = q.case_id
        AND s.any_from <= q.measure_date
),

received AS (
    SELECT
        quarter, cell_id, area_no,
        -- the words of int_service_words, listed by index in $service_status, $service_received
        sum(($service_status::HUGEINT[])[idx + 1]) AS status_word,
        sum(($service_received::HUGEINT[])[idx + 1]) AS received_word,
        sum(record_key * ($service_status::HUGEINT[])[idx + 1]) AS status_key,
        sum(cm_change) AS cm_change_sum
    FROM case_area_quarters
    GROUP BY quarter, cell_id, area_no
),

rolled AS (  -- whole-caseload figures per quarter and cell (over duration bands)
    SELECT
        quarter, cell_id,
        sum(cm_in_need) AS cm_in_need,
        sum(cm_paired) AS cm_paired,
        sum(cm_change_sum) AS cm_change_sum,
        sum(cm_in_need_key) AS cm_in_need_key,
        sum(cm_paired_key) AS cm_paired_key,
        sum(COLUMNS('^(wa__.*)$')) AS '\1',
        sum(COLUMNS('^(wb__.*)$')) AS '\1',
        sum(COLUMNS('^(ka__.*)$')) AS '\1'
    FROM int_cell_quarters
    GROUP BY quarter, cell_id
),

by_dimension AS (
    SELECT
        quarter, cell_id,
        unnest($dimensions::VARCHAR[]) AS dimension,
        unnest(list_value(*COLUMNS('^wa__'))) AS wa,
        unnest(list_value(*COLUMNS('^wb__'))) AS wb,
        unnest(list_value(*COLUMNS('^ka__'))) AS ka
    FROM rolled
),

need AS (  -- all active cases: in need, paired and their change, per service area
    SELECT
        d.quarter, d.cell_id, areas.area_no,
        coalesce(unpacked(d.wa, 3), 0) AS in_need_cases,
        coalesce(unpacked(d.wa, 2), 0) AS all_paired,
        (coalesce(unpacked(d.wb, 3), 0) - coalesce(unpacked(d.wb, 2), 0))::DECIMAL(38, 9) AS all_change_sum,
        coalesce(unpacked(d.ka, 3), 0) AS in_need_cases_key,
        coalesce(unpacked(d.ka, 2), 0) AS all_paired_key
    FROM by_dimension AS d
    JOIN ref_service_areas AS areas ON areas.primary_outcome = d.dimension
    UNION ALL
    SELECT
        r.quarter, r.cell_id, areas.area_no,
        r.cm_in_need,
        r.cm_paired,
        coalesce(r.cm_change_sum, 0)::DECIMAL(38, 9),
        r.cm_in_need_key,
        r.cm_paired_key
    FROM rolled AS r
    CROSS JOIN ref_service_areas AS areas
    WHERE areas.primary_outcome IS NULL
),

started AS (  -- flow: records started in the quarter
    SELECT
        quarter, cell_id, area_no,
        count(*) AS records_started,
        count_if(status = 'provided') AS provided_started,
        sum(cost_usd::DECIMAL(38, 6)) AS cost_usd,
        sum(record_key) AS records_started_key,
        coalesce(sum(record_key) FILTER (WHERE status = 'provided'), 0) AS provided_started_key,
        -- the distinct cases behind them: ten records can be three people's
        count(DISTINCT case_id) AS cases_started,
        count(DISTINCT case_id) FILTER (WHERE status = 'provided') AS cases_provided_started
    FROM stg_services
    GROUP BY quarter, cell_id, area_no
),

combined AS (
    SELECT
        quarter, cell_id, area_no,
        coalesce(unpacked(status_word, 0), 0) AS provided_cases,
        coalesce(unpacked(status_word, 1), 0) AS referred_cases,
        coalesce(unpacked(status_word, 2), 0) AS declined_cases,
        coalesce(in_need_cases, 0) AS in_need_cases,
        coalesce(unpacked(status_word, 3), 0) AS in_need_provided,
        coalesce(unpacked(status_word, 4), 0) AS received_paired,
        coalesce(cm_change_sum, unpacked(received_word, 1) - unpacked(received_word, 0), 0)
            ::DECIMAL(38, 9) AS received_change_sum,
        coalesce(all_paired, 0) AS all_paired,
        coalesce(all_change_sum, 0) AS all_change_sum,
        coalesce(records_started, 0) AS records_started,
        coalesce(provided_started, 0) AS provided_started,
        coalesce(cost_usd, 0) AS cost_usd,
        coalesce(cases_started, 0) AS cases_started,
        coalesce(cases_provided_started, 0) AS cases_provided_started,
        coalesce(unpacked(status_key, 0), 0) AS provided_cases_key,
        coalesce(unpacked(status_key, 1), 0) AS referred_cases_key,
        coalesce(unpacked(status_key, 2), 0) AS declined_cases_key,
        coalesce(in_need_cases_key, 0) AS in_need_cases_key,
        coalesce(unpacked(status_key, 3), 0) AS in_need_provided_key,
        coalesce(unpacked(status_key, 4), 0) AS received_paired_key,
        coalesce(all_paired_key, 0) AS all_paired_key,
        coalesce(records_started_key, 0) AS records_started_key,
        coalesce(provided_started_key, 0) AS provided_started_key
    FROM (SELECT * FROM received WHERE status_word > 0)
    FULL JOIN (SELECT * FROM need WHERE in_need_cases > 0 OR all_paired > 0)
        USING (quarter, cell_id, area_no)
    FULL JOIN started USING (quarter, cell_id, area_no)
)

SELECT
    c.quarter,
    c.cell_id,
    c.area_no,
    c.provided_cases,
    c.referred_cases,
    c.declined_cases,
    c.in_need_cases,
    c.in_need_provided,
    c.received_paired,
    round(c.received_change_sum) AS received_change_sum,
    c.all_paired - c.received_paired AS other_paired,
    round(c.all_change_sum - c.received_change_sum) AS other_change_sum,
    c.records_started,
    c.provided_started,
    c.cost_usd::DOUBLE AS cost_usd,
    c.cases_started,
    c.cases_provided_started,
    c.provided_cases_key,
    c.referred_cases_key,
    c.declined_cases_key,
    c.in_need_cases_key,
    c.in_need_provided_key,
    c.received_paired_key,
    c.all_paired_key - c.received_paired_key AS other_paired_key,
    c.records_started_key,
    c.provided_started_key
FROM combined AS c
