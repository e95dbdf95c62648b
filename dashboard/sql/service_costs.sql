-- What spending bought, per service area, over the years of the period: case-level costs,
-- cases served (per year: a case served in two years counts twice), reintegrated among
-- them, and the change in the outcome the service supports.
SELECT
    service_area,
    sum(cost_usd) AS cost_usd,
    sum(served_cases)::BIGINT AS served_cases,
    sum(cost_usd) / nullif(sum(served_cases), 0) AS cost_per_case,
    sum(reintegrated_cases)::BIGINT AS reintegrated_cases,
    sum(reintegrated_cases)::DOUBLE / nullif(sum(served_cases), 0) AS share_reintegrated,
    sum(cost_usd) / nullif(sum(reintegrated_cases), 0) AS cost_per_reintegrated,
    sum(paired_cases)::BIGINT AS paired_cases,
    sum(change_sum)::DOUBLE / nullif(sum(paired_cases), 0) AS mean_change
FROM mart_service_costs
WHERE year BETWEEN $y_from AND $y_to
    AND {{area_filter}}
GROUP BY service_area
