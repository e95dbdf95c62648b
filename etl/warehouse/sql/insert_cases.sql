-- Valid case rows of the file being loaded (TEMP table final) into the warehouse.
-- The agency's case reference is not carried: case_key (keyed hash) replaces it.
INSERT INTO cases
SELECT case_key, agency, country, province, sex, age AS age_band, form, labour_sector,
       destination_country,
       -- internal trafficking: exploited in the country of reintegration, not settled there after
       destination_country = country AND coalesce(setting, '') <> 'new_country'
           AND coalesce(return_type, '') <> 'integration_at_destination' AS internal, identified, assisted,
       return_type, setting, opened, closed, closure_reason, $load_id
FROM final WHERE _ok;
