-- Barriers reported during the period (flow): reports summed over the quarters.
SELECT service_area, barrier_code, sum(reports)::BIGINT AS reports
FROM mart_barriers
WHERE quarter BETWEEN $q_from AND $q_to
    AND {{cell_filter}}
GROUP BY ALL
