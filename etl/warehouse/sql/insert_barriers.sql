INSERT INTO barriers
SELECT case_key, service_area, barrier_code, noted_on, $load_id
FROM final WHERE _ok;
