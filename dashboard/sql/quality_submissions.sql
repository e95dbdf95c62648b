-- Rows each agency submitted per quarter of the period (every agency x quarter, 0 when
-- nothing came), for one table ($table_name) or all tables (NULL), with record-key sums,
-- and the distinct cases behind them (over several tables, the most in one table: a lower
-- bound, as a case has rows in several).
WITH per_table AS (
    SELECT agency, quarter, table_name, sum(rows_loaded) AS rows_loaded,
           sum(rows_loaded_key) AS rows_loaded_key, sum(cases) AS cases
    FROM mart_quality
    WHERE quarter BETWEEN $q_from AND $q_to
        AND ($table_name IS NULL OR table_name = $table_name)
        AND {{area_filter}}
    GROUP BY ALL
),
rows AS (
    SELECT agency, quarter, sum(rows_loaded)::BIGINT AS rows_loaded,
           sum(rows_loaded_key)::BIGINT AS rows_loaded_key, max(cases)::BIGINT AS row_cases
    FROM per_table
    GROUP BY ALL
),
agencies AS (
    SELECT DISTINCT agency FROM mart_quality WHERE {{area_filter}}
),
quarters AS (
    SELECT CAST(q AS DATE) AS quarter
    FROM generate_series(CAST($q_from AS TIMESTAMP), CAST($q_to AS TIMESTAMP), INTERVAL 3 MONTH) AS g(q)
)
SELECT a.agency, q.quarter, coalesce(r.rows_loaded, 0)::BIGINT AS rows_loaded,
       coalesce(r.rows_loaded_key, 0)::BIGINT AS rows_loaded_key,
       coalesce(r.row_cases, 0)::BIGINT AS row_cases
FROM agencies AS a
CROSS JOIN quarters AS q
LEFT JOIN rows AS r ON r.agency = a.agency AND r.quarter = q.quarter
ORDER BY a.agency, q.quarter
