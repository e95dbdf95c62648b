-- What spending bought, per service area, over the years of the period: case-level costs
-- and the cases they were spent on, cases served (per year: a case served in two years
-- counts twice), reintegrated among them, and the change in the outcome the service
-- supports; counts with their record-key sums.
SELECT
    service_area,
    sum(cost_usd)::DOUBLE AS cost_usd,
    sum(costed_cases)::BIGINT AS costed_cases,
    sum(costed_cases_key)::BIGINT AS costed_cases_key,
    sum(served_cases)::BIGINT AS served_cases,
    sum(served_cases_key)::BIGINT AS served_cases_key,
    sum(reintegrated_cases)::BIGINT AS reintegrated_cases,
    sum(reintegrated_cases_key)::BIGINT AS reintegrated_cases_key,
    sum(paired_cases)::BIGINT AS paired_cases,
    sum(paired_cases_key)::BIGINT AS paired_cases_key,
    sum(change_sum)::DOUBLE AS change_sum
FROM mart_service_costs
WHERE year BETWEEN $y_from AND $y_to
    AND {{area_filter}}
GROUP BY service_area
