-- mart_quality: rows each agency submitted, per country, province and quarter of the row's
-- own date (cases: opening; assessments: assessment date, one row per dimension scored;
-- services: start; barriers: date noted), for rows dated up to as_of, with the sum of the
-- record keys of the rows' cases (a row counts its case's key), and the distinct cases
-- behind the rows (ten rows can be three people's).
-- inputs: int_assessments, stg_barriers, stg_cases, stg_services
WITH cases AS (
    SELECT agency, country, province, open_quarter AS quarter, 'cases' AS table_name,
        count(*) AS rows_loaded, count(*) AS cases, sum(record_key) AS rows_loaded_key
    FROM stg_cases
    GROUP BY ALL
),

assessments AS (
    SELECT cases.agency, cases.country, cases.province, a.quarter, 'assessments' AS table_name,
        sum(a.n_scores) AS rows_loaded, count(DISTINCT a.case_id) AS cases,
        sum(a.n_scores * cases.record_key) AS rows_loaded_key
    FROM int_assessments AS a
    JOIN stg_cases AS cases USING (case_id)
    GROUP BY ALL
),

services AS (
    SELECT agency, country, province, quarter, 'services' AS table_name, count(*) AS rows_loaded,
        count(DISTINCT case_id) AS cases, sum(record_key) AS rows_loaded_key
    FROM stg_services
    GROUP BY ALL
),

barriers AS (
    SELECT agency, country, province, quarter, 'barriers' AS table_name, count(*) AS rows_loaded,
        count(DISTINCT case_id) AS cases, sum(record_key) AS rows_loaded_key
    FROM stg_barriers
    GROUP BY ALL
)

SELECT * FROM cases
UNION ALL SELECT * FROM assessments
UNION ALL SELECT * FROM services
UNION ALL SELECT * FROM barriers
