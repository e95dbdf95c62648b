-- int_case_services: per case and service area with a record by as_of, the first start
-- date of a record of each status (the case counts as provided, referred or declined from
-- that date on; 9999-12-31 when it has none) and the slot of the state the area is judged
-- on in mart_services: its primary outcome's position among the dimensions, or one past the
-- last dimension for case management, which has no primary outcome.
-- inputs: stg_services
SELECT
    case_id,
    area_no,
    coalesce(any_value(primary_dim_no), len($dimensions::VARCHAR[]) + 1) AS slot,
    any_value(primary_dim_no) IS NULL AS is_case_management,
    min(started) AS any_from,
    coalesce(min(started) FILTER (WHERE status = 'provided'), DATE '9999-12-31') AS provided_from,
    coalesce(min(started) FILTER (WHERE status = 'referred'), DATE '9999-12-31') AS referred_from,
    coalesce(min(started) FILTER (WHERE status = 'declined'), DATE '9999-12-31') AS declined_from
FROM stg_services
GROUP BY case_id, area_no
