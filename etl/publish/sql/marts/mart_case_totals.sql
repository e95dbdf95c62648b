-- mart_case_totals: distinct cases provided any service in the year (a provided record
-- started in the year), per year, country and province, and how many of them were
-- reintegrated at their latest assessment by year end (least(31 December, as_of)).
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
)

SELECT
    st.year,
    cases.country,
    cases.province,
    count(*) AS served_cases,
    count_if(st.reintegrated) AS reintegrated_cases
FROM state_at_year_end AS st
JOIN stg_cases AS cases USING (case_id)
GROUP BY st.year, cases.country, cases.province
