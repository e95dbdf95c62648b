-- Barriers reported during the period (flow): reports summed over the quarters, with their
-- record-key sums, and the most distinct cases reporting it in any one quarter (a lower
-- bound on the people behind the reports).
WITH per_quarter AS (
    SELECT service_area, barrier_code, quarter,
           sum(reports) AS reports, sum(reports_key) AS reports_key, sum(cases) AS cases
    FROM mart_barriers
    WHERE quarter BETWEEN $q_from AND $q_to
        AND {{cell_filter}}
    GROUP BY ALL
)
SELECT service_area, barrier_code, sum(reports)::BIGINT AS reports,
       sum(reports_key)::BIGINT AS reports_key, max(cases)::BIGINT AS report_cases
FROM per_quarter
GROUP BY ALL
