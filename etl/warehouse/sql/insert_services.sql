-- Costs are converted to USD at the rate of the year the service started.
INSERT INTO services
SELECT case_key, service_area, started, ended, status, provider_type, cost, currency,
       CAST(cost AS DOUBLE) / _per_usd AS cost_usd, $load_id
FROM final WHERE _ok;
