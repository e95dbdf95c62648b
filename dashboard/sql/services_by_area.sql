-- Per service area: who was provided, referred or declined a service (snapshot at $q_to),
-- how many of those in need received it, the change in the outcome the service supports
-- for cases that received it and for those that did not (snapshot), and records started
-- and their cost over the period (flow); counts with their record-key sums.
SELECT
    service_area,
    coalesce(sum(provided_cases) FILTER (WHERE quarter = $q_to), 0)::BIGINT AS provided_cases,
    coalesce(sum(provided_cases_key) FILTER (WHERE quarter = $q_to), 0)::BIGINT AS provided_cases_key,
    coalesce(sum(referred_cases) FILTER (WHERE quarter = $q_to), 0)::BIGINT AS referred_cases,
    coalesce(sum(referred_cases_key) FILTER (WHERE quarter = $q_to), 0)::BIGINT AS referred_cases_key,
    coalesce(sum(declined_cases) FILTER (WHERE quarter = $q_to), 0)::BIGINT AS declined_cases,
    coalesce(sum(declined_cases_key) FILTER (WHERE quarter = $q_to), 0)::BIGINT AS declined_cases_key,
    coalesce(sum(in_need_cases) FILTER (WHERE quarter = $q_to), 0)::BIGINT AS in_need_cases,
    coalesce(sum(in_need_cases_key) FILTER (WHERE quarter = $q_to), 0)::BIGINT AS in_need_cases_key,
    coalesce(sum(in_need_provided) FILTER (WHERE quarter = $q_to), 0)::BIGINT AS in_need_provided,
    coalesce(sum(in_need_provided_key) FILTER (WHERE quarter = $q_to), 0)::BIGINT AS in_need_provided_key,
    coalesce(sum(received_paired) FILTER (WHERE quarter = $q_to), 0)::BIGINT AS received_paired,
    coalesce(sum(received_paired_key) FILTER (WHERE quarter = $q_to), 0)::BIGINT AS received_paired_key,
    coalesce(sum(received_change_sum) FILTER (WHERE quarter = $q_to), 0)::DOUBLE AS received_change_sum,
    coalesce(sum(other_paired) FILTER (WHERE quarter = $q_to), 0)::BIGINT AS other_paired,
    coalesce(sum(other_paired_key) FILTER (WHERE quarter = $q_to), 0)::BIGINT AS other_paired_key,
    coalesce(sum(other_change_sum) FILTER (WHERE quarter = $q_to), 0)::DOUBLE AS other_change_sum,
    coalesce(sum(records_started), 0)::BIGINT AS records_started,
    coalesce(sum(records_started_key), 0)::BIGINT AS records_started_key,
    coalesce(sum(provided_started), 0)::BIGINT AS provided_started,
    coalesce(sum(provided_started_key), 0)::BIGINT AS provided_started_key,
    coalesce(sum(cost_usd), 0)::DOUBLE AS cost_usd
FROM mart_services
WHERE quarter BETWEEN $q_from AND $q_to
    AND {{cell_filter}}
GROUP BY service_area
