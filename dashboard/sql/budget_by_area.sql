-- Budget lines of the years of the period per year, country and province (province ''
-- = a national line), summed over service areas and funding sources. The dashboard groups
-- them by country, province or year.
SELECT year, country, province,
       sum(budgeted_usd) AS budgeted_usd, sum(spent_usd) AS spent_usd
FROM mart_budget
WHERE year BETWEEN $y_from AND $y_to
    AND {{area_filter}}
GROUP BY ALL
ORDER BY year, country, province
