-- Follow-up intensity over the quarters of the period, per duration band: assessments
-- (flow) per case-year under case management = 4 x assessments / active case-quarters.
-- most_cases: the most active cases the band had in one quarter of the period, a lower
-- bound on the distinct cases behind the rate (the dashboard suppresses on it).
WITH per_quarter AS (
    SELECT quarter, duration_band,
           sum(assessments) AS assessments,
           sum(active_cases) AS active_cases
    FROM mart_caseload
    WHERE quarter BETWEEN $q_from AND $q_to
        AND {{cell_filter}}
    GROUP BY ALL
)
SELECT
    duration_band,
    sum(assessments)::BIGINT AS assessments,
    sum(active_cases)::BIGINT AS case_quarters,
    max(active_cases)::BIGINT AS most_cases,
    4.0 * sum(assessments) / nullif(sum(active_cases), 0) AS per_case_year
FROM per_quarter
GROUP BY duration_band
