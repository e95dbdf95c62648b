-- Barriers reported during the period (flow): reports summed over the quarters, with their
-- record-key sums.
SELECT service_area, barrier_code, sum(reports)::BIGINT AS reports, sum(reports_key)::BIGINT AS reports_key
FROM mart_barriers
WHERE quarter BETWEEN $q_from AND $q_to
    AND {{cell_filter}}
GROUP BY ALL
