-- Cases served by any service over the years of the period, reintegrated among them, and
-- the total case-level cost with the cases it was spent on: the cost per case served and
-- per case reintegrated across all service areas. Counts with their record-key sums;
-- *_people: the most cases in any one year (a lower bound on the distinct people).
WITH per_year AS (
    SELECT year,
           sum(served_cases) AS served_cases,
           sum(served_cases_key) AS served_cases_key,
           sum(reintegrated_cases) AS reintegrated_cases,
           sum(reintegrated_cases_key) AS reintegrated_cases_key,
           sum(costed_cases) AS costed_cases,
           sum(costed_cases_key) AS costed_cases_key
    FROM mart_case_totals
    WHERE year BETWEEN $y_from AND $y_to AND {{area_filter}}
    GROUP BY year
),
served AS (
    SELECT sum(served_cases)::BIGINT AS served_cases,
           sum(served_cases_key)::BIGINT AS served_cases_key,
           sum(reintegrated_cases)::BIGINT AS reintegrated_cases,
           sum(reintegrated_cases_key)::BIGINT AS reintegrated_cases_key,
           sum(costed_cases)::BIGINT AS costed_cases,
           sum(costed_cases_key)::BIGINT AS costed_cases_key,
           max(served_cases)::BIGINT AS served_people,
           max(reintegrated_cases)::BIGINT AS reintegrated_people,
           max(costed_cases)::BIGINT AS costed_people
    FROM per_year
),
cost AS (
    SELECT sum(cost_usd) AS cost_usd
    FROM mart_service_costs
    WHERE year BETWEEN $y_from AND $y_to AND {{area_filter}}
)
SELECT coalesce(served.served_cases, 0)::BIGINT AS served_cases,
       coalesce(served.served_cases_key, 0)::BIGINT AS served_cases_key,
       coalesce(served.reintegrated_cases, 0)::BIGINT AS reintegrated_cases,
       coalesce(served.reintegrated_cases_key, 0)::BIGINT AS reintegrated_cases_key,
       coalesce(served.costed_cases, 0)::BIGINT AS costed_cases,
       coalesce(served.costed_cases_key, 0)::BIGINT AS costed_cases_key,
       coalesce(served.served_people, 0)::BIGINT AS served_people,
       coalesce(served.reintegrated_people, 0)::BIGINT AS reintegrated_people,
       coalesce(served.costed_people, 0)::BIGINT AS costed_people,
       coalesce(cost.cost_usd, 0)::DOUBLE AS cost_usd
FROM served, cost
