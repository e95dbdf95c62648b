-- A national budget line has no province: stored as ''.
INSERT INTO budgets
SELECT country, coalesce(province, ''), year, service_area, funding_source, budgeted, spent, currency,
       CAST(budgeted AS DOUBLE) / _per_usd, CAST(spent AS DOUBLE) / _per_usd, $load_id
FROM final WHERE _ok;
