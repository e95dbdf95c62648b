INSERT INTO barriers
SELECT case_key, agency, service_area, barrier_code, noted_on, $load_id
FROM final WHERE _ok;
