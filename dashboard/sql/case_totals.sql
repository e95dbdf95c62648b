-- Cases served by any service over the years of the period, with the total case-level
-- cost: the cost per case served and per case reintegrated across all service areas.
WITH served AS (
    SELECT sum(served_cases)::BIGINT AS served_cases,
           sum(reintegrated_cases)::BIGINT AS reintegrated_cases
    FROM mart_case_totals
    WHERE year BETWEEN $y_from AND $y_to AND {{area_filter}}
),
cost AS (
    SELECT sum(cost_usd) AS cost_usd
    FROM mart_service_costs
    WHERE year BETWEEN $y_from AND $y_to AND {{area_filter}}
)
SELECT coalesce(served.served_cases, 0)::BIGINT AS served_cases,
       coalesce(served.reintegrated_cases, 0)::BIGINT AS reintegrated_cases,
       served.reintegrated_cases::DOUBLE / nullif(served.served_cases, 0) AS share_reintegrated,
       coalesce(cost.cost_usd, 0) AS cost_usd,
       cost.cost_usd / nullif(served.served_cases, 0) AS cost_per_case,
       cost.cost_usd / nullif(served.reintegrated_cases, 0) AS cost_per_reintegrated
FROM served, cost
