-- Budget lines of the years of the period, per service area and funding source. National
-- lines (province '') count when no province is chosen.
SELECT service_area, funding_source,
       sum(budgeted_usd) AS budgeted_usd, sum(spent_usd) AS spent_usd
FROM mart_budget
WHERE year BETWEEN $y_from AND $y_to
    AND {{area_filter}}
GROUP BY ALL
