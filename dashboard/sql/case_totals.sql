-- Cases served by any service over the years of the period, reintegrated among them, and
-- the total case-level cost with the cases it was spent on: the cost per case served and
-- per case reintegrated across all service areas. Counts with their record-key sums.
WITH served AS (
    SELECT sum(served_cases)::BIGINT AS served_cases,
           sum(served_cases_key)::BIGINT AS served_cases_key,
           sum(reintegrated_cases)::BIGINT AS reintegrated_cases,
           sum(reintegrated_cases_key)::BIGINT AS reintegrated_cases_key,
           sum(costed_cases)::BIGINT AS costed_cases,
           sum(costed_cases_key)::BIGINT AS costed_cases_key
    FROM mart_case_totals
    WHERE year BETWEEN $y_from AND $y_to AND {{area_filter}}
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
       coalesce(cost.cost_usd, 0)::DOUBLE AS cost_usd
FROM served, cost
