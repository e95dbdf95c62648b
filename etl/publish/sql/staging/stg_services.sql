-- stg_services: service records started by as_of, of cases known at as_of.
-- inputs: stg_cases, ref_service_areas, wh.services
SELECT
    cases.case_id,
    cases.cell_id,
    cases.record_key,
    cases.agency,
    cases.country,
    cases.province,
    areas.area_no,
    areas.primary_dim_no,
    services.started,
    date_trunc('quarter', services.started)::DATE AS quarter,
    year(services.started)::SMALLINT AS year,
    services.status,
    services.cost_usd
FROM wh.services AS services
JOIN stg_cases AS cases USING (case_key)
JOIN ref_service_areas AS areas USING (service_area)
WHERE services.started <= $as_of
