-- mart_case_totals: distinct cases provided any service in the year (a provided record
-- started in the year), per year, country and province, and how many of them were
-- reintegrated at their latest assessment by year end (least(31 December, as_of)); and the
-- distinct cases with a costed record started in the year (any area: the cases the year's
-- case-level cost is spent on). Beside every count, the sum of its cases' record keys.
-- inputs: int_assessments, stg_cases, stg_services
WITH served AS (
    SELECT DISTINCT case_id, year, least(make_date(year, 12, 31), $as_of) AS year_end
    FROM stg_services
    WHERE status = 'provided'
),

state_at_year_end AS (
    SELECT served.case_id, served.year, coalesce(a.reintegrated, false) AS reintegrated
    FROM served
    ASOF LEFT JOIN int_assessments AS a
        ON served.case_id = a.case_id
        AND served.year_end >= a.assessed_on
),

served_totals AS (
    SELECT
        st.year,
        cases.country,
        cases.province,
        count(*) AS served_cases,
        count_if(st.reintegrated) AS reintegrated_cases,
        sum(cases.record_key) AS served_cases_key,
        coalesce(sum(cases.record_key) FILTER (WHERE st.reintegrated), 0) AS reintegrated_cases_key
    FROM state_at_year_end AS st
    JOIN stg_cases AS cases USING (case_id)
    GROUP BY st.year, cases.country, cases.province
),

costed AS (
    SELECT year, country, province, count(*) AS costed_cases, sum(record_key) AS costed_cases_key
    FROM (
        SELECT DISTINCT year, country, province, case_id, record_key
        FROM stg_services
        WHERE cost_usd IS NOT NULL
    )
    GROUP BY year, country, province
)

SELECT
    year,
    country,
    province,
    coalesce(served_cases, 0) AS served_cases,
    coalesce(reintegrated_cases, 0) AS reintegrated_cases,
    coalesce(costed_cases, 0) AS costed_cases,
    coalesce(served_cases_key, 0) AS served_cases_key,
    coalesce(reintegrated_cases_key, 0) AS reintegrated_cases_key,
    coalesce(costed_cases_key, 0) AS costed_cases_key
FROM served_totals
FULL JOIN costed USING (year, country, province)
