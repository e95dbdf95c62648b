-- Per service area: who was provided, referred or declined a service (snapshot at $q_to),
-- how many of those in need received it, the change in the outcome the service supports
-- for cases that received it and for those that did not (snapshot), and records started
-- and their cost over the period (flow); counts with their record-key sums. Summed per
-- quarter first (plain sums over the mart's rows), then the last quarter's sums picked:
-- filtered aggregates over every row cost three times as much.
WITH per_quarter AS (
    SELECT
        service_area,
        quarter = $q_to AS last,
        sum(provided_cases) AS provided_cases,
        sum(provided_cases_key) AS provided_cases_key,
        sum(referred_cases) AS referred_cases,
        sum(referred_cases_key) AS referred_cases_key,
        sum(declined_cases) AS declined_cases,
        sum(declined_cases_key) AS declined_cases_key,
        sum(in_need_cases) AS in_need_cases,
        sum(in_need_cases_key) AS in_need_cases_key,
        sum(in_need_provided) AS in_need_provided,
        sum(in_need_provided_key) AS in_need_provided_key,
        sum(received_paired) AS received_paired,
        sum(received_paired_key) AS received_paired_key,
        sum(received_change_sum) AS received_change_sum,
        sum(other_paired) AS other_paired,
        sum(other_paired_key) AS other_paired_key,
        sum(other_change_sum) AS other_change_sum,
        sum(records_started) AS records_started,
        sum(records_started_key) AS records_started_key,
        sum(provided_started) AS provided_started,
        sum(provided_started_key) AS provided_started_key,
        sum(cost_usd) AS cost_usd,
        sum(cases_started) AS cases_started,
        sum(cases_provided_started) AS cases_provided_started
    FROM mart_services
    WHERE quarter BETWEEN $q_from AND $q_to
        AND {{cell_filter}}
    GROUP BY service_area, quarter
)

SELECT
    service_area,
    coalesce(sum(provided_cases) FILTER (WHERE last), 0)::BIGINT AS provided_cases,
    coalesce(sum(provided_cases_key) FILTER (WHERE last), 0)::BIGINT AS provided_cases_key,
    coalesce(sum(referred_cases) FILTER (WHERE last), 0)::BIGINT AS referred_cases,
    coalesce(sum(referred_cases_key) FILTER (WHERE last), 0)::BIGINT AS referred_cases_key,
    coalesce(sum(declined_cases) FILTER (WHERE last), 0)::BIGINT AS declined_cases,
    coalesce(sum(declined_cases_key) FILTER (WHERE last), 0)::BIGINT AS declined_cases_key,
    coalesce(sum(in_need_cases) FILTER (WHERE last), 0)::BIGINT AS in_need_cases,
    coalesce(sum(in_need_cases_key) FILTER (WHERE last), 0)::BIGINT AS in_need_cases_key,
    coalesce(sum(in_need_provided) FILTER (WHERE last), 0)::BIGINT AS in_need_provided,
    coalesce(sum(in_need_provided_key) FILTER (WHERE last), 0)::BIGINT AS in_need_provided_key,
    coalesce(sum(received_paired) FILTER (WHERE last), 0)::BIGINT AS received_paired,
    coalesce(sum(received_paired_key) FILTER (WHERE last), 0)::BIGINT AS received_paired_key,
    coalesce(sum(received_change_sum) FILTER (WHERE last), 0)::DOUBLE AS received_change_sum,
    coalesce(sum(other_paired) FILTER (WHERE last), 0)::BIGINT AS other_paired,
    coalesce(sum(other_paired_key) FILTER (WHERE last), 0)::BIGINT AS other_paired_key,
    coalesce(sum(other_change_sum) FILTER (WHERE last), 0)::DOUBLE AS other_change_sum,
    coalesce(sum(records_started), 0)::BIGINT AS records_started,
    coalesce(sum(records_started_key), 0)::BIGINT AS records_started_key,
    coalesce(sum(provided_started), 0)::BIGINT AS provided_started,
    coalesce(sum(provided_started_key), 0)::BIGINT AS provided_started_key,
    coalesce(sum(cost_usd), 0)::DOUBLE AS cost_usd,
    -- the most distinct cases behind the records in any one quarter: a lower bound on the
    -- people behind the period's records and their cost
    coalesce(max(cases_started), 0)::BIGINT AS started_cases,
    coalesce(max(cases_provided_started), 0)::BIGINT AS provided_started_cases
FROM per_quarter
GROUP BY service_area
