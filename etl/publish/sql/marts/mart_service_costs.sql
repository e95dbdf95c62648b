-- mart_service_costs: per year, country, province and service area, the cost of service
-- records started in the year and what the cases served that year achieved by year end
-- (least(31 December, as_of)). A case is served in a year when a record of the area with
-- status provided started in that year. Outcomes as in mart_services: primary outcome
-- change (latest by year end - first); case management: composite index change, rounded.
-- costed_cases: distinct cases with a costed record of the area started in the year (the
-- cases the cost is spent on). Beside every count, the sum of its cases' record keys.
-- inputs: int_assessments, stg_cases, stg_services, ref_service_areas
WITH served AS (
    SELECT DISTINCT case_id, year, area_no
    FROM stg_services
    WHERE status = 'provided'
),

case_years AS (
    SELECT DISTINCT case_id, year, least(make_date(year, 12, 31), $as_of) AS year_end
    FROM served
),

state_at_year_end AS (
    SELECT
        cy.case_id,
        cy.year,
        coalesce(a.reintegrated, false) AS reintegrated,
        a.assessment_no,
        a.composite - a.first_composite AS composite_change,
        list_value(*COLUMNS('^snap__')) AS codes  -- framework order
    FROM case_years AS cy
    ASOF LEFT JOIN int_assessments AS a
        ON cy.case_id = a.case_id
        AND cy.year_end >= a.assessed_on
),

judged AS (
    SELECT
        s.year,
        cases.country,
        cases.province,
        cases.record_key,
        s.area_no,
        st.reintegrated,
        coalesce(CASE WHEN areas.primary_dim_no IS NULL THEN st.assessment_no >= 2
            ELSE snap_paired(st.codes[areas.primary_dim_no]) END, false) AS paired,
        CASE WHEN areas.primary_dim_no IS NULL THEN st.composite_change
            ELSE snap_latest(st.codes[areas.primary_dim_no])::INTEGER
                - snap_first(st.codes[areas.primary_dim_no])
            END AS change
    FROM served AS s
    JOIN state_at_year_end AS st USING (case_id, year)
    JOIN stg_cases AS cases USING (case_id)
    JOIN ref_service_areas AS areas USING (area_no)
),

outcomes AS (
    SELECT
        year, country, province, area_no,
        count(*) AS served_cases,
        count_if(reintegrated) AS reintegrated_cases,
        count_if(paired) AS paired_cases,
        sum(change) FILTER (WHERE paired) AS change_sum,
        sum(record_key) AS served_cases_key,
        coalesce(sum(record_key) FILTER (WHERE reintegrated), 0) AS reintegrated_cases_key,
        coalesce(sum(record_key) FILTER (WHERE paired), 0) AS paired_cases_key
    FROM judged
    GROUP BY year, country, province, area_no
),

case_costs AS (  -- per case: what its records of the area started in the year cost
    SELECT year, country, province, area_no, case_id, any_value(record_key) AS record_key,
        sum(cost_usd::DECIMAL(38, 6)) AS cost_usd
    FROM stg_services
    WHERE cost_usd IS NOT NULL
    GROUP BY year, country, province, area_no, case_id
),

costs AS (
    SELECT year, country, province, area_no, sum(cost_usd) AS cost_usd,
        count(*) AS costed_cases, sum(record_key) AS costed_cases_key
    FROM case_costs
    GROUP BY year, country, province, area_no
)

SELECT
    year,
    country,
    province,
    areas.service_area,
    coalesce(cost_usd, 0)::DOUBLE AS cost_usd,
    coalesce(served_cases, 0) AS served_cases,
    coalesce(reintegrated_cases, 0) AS reintegrated_cases,
    coalesce(paired_cases, 0) AS paired_cases,
    round(coalesce(change_sum, 0)) AS change_sum,
    coalesce(costed_cases, 0) AS costed_cases,
    coalesce(served_cases_key, 0) AS served_cases_key,
    coalesce(reintegrated_cases_key, 0) AS reintegrated_cases_key,
    coalesce(paired_cases_key, 0) AS paired_cases_key,
    coalesce(costed_cases_key, 0) AS costed_cases_key
FROM outcomes
FULL JOIN costs USING (year, country, province, area_no)
JOIN ref_service_areas AS areas USING (area_no)
