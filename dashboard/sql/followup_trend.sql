-- Follow-up intensity quarter by quarter: assessments dated in the quarter (flow) per
-- case-year of the cases active in it = 4 x assessments / active cases.
SELECT
    quarter,
    coalesce(sum(assessments), 0)::BIGINT AS assessments,
    coalesce(sum(active_cases), 0)::BIGINT AS active_cases,
    4.0 * sum(assessments) / nullif(sum(active_cases), 0) AS per_case_year
FROM mart_caseload
WHERE quarter BETWEEN $q_from AND $q_to
    AND {{cell_filter}}
GROUP BY quarter
ORDER BY quarter
