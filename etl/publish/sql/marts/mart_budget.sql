-- mart_budget: budget lines in USD per year, country, province ('' = national line),
-- service area and funding source, for years up to the year of as_of.
-- inputs: wh.budgets
WITH source AS (
    SELECT year, country, province, service_area, funding_source, budgeted_usd, spent_usd
    FROM wh.budgets
    WHERE year <= year($as_of)
)

SELECT
    year, country, province, service_area, funding_source,
    sum(budgeted_usd::DECIMAL(38, 6))::DOUBLE AS budgeted_usd,
    sum(spent_usd::DECIMAL(38, 6))::DOUBLE AS spent_usd
FROM source
GROUP BY year, country, province, service_area, funding_source
