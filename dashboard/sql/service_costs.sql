-- What spending bought, per service area, over the years of the period: case-level costs
-- and the cases they were spent on, cases served (per year: a case served in two years
-- counts twice), reintegrated among them, and the change in the outcome the service
-- supports; counts with their record-key sums. *_people: the most cases in any one year, a
-- lower bound on the distinct people behind the counts over several years.
WITH per_year AS (
    SELECT
        service_area,
        year,
        sum(cost_usd) AS cost_usd,
        sum(costed_cases) AS costed_cases,
        sum(costed_cases_key) AS costed_cases_key,
        sum(served_cases) AS served_cases,
        sum(served_cases_key) AS served_cases_key,
        sum(reintegrated_cases) AS reintegrated_cases,
        sum(reintegrated_cases_key) AS reintegrated_cases_key,
        sum(paired_cases) AS paired_cases,
        sum(paired_cases_key) AS paired_cases_key,
        sum(change_sum) AS change_sum
    FROM mart_service_costs
    WHERE year BETWEEN $y_from AND $y_to
        AND {{area_filter}}
    GROUP BY service_area, year
)

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
    sum(change_sum)::DOUBLE AS change_sum,
    max(costed_cases)::BIGINT AS costed_people,
    max(served_cases)::BIGINT AS served_people,
    max(reintegrated_cases)::BIGINT AS reintegrated_people,
    max(paired_cases)::BIGINT AS paired_people
FROM per_year
GROUP BY service_area
