-- Follow-up intensity quarter by quarter: assessments dated in the quarter (flow), the
-- distinct cases assessed in it, and the cases active in it, for assessments per case-year
-- = 4 x assessments / active cases.
SELECT
    quarter,
    coalesce(sum(assessments), 0)::BIGINT AS assessments,
    coalesce(sum(assessments_key), 0)::BIGINT AS assessments_key,
    coalesce(sum(cases_assessed), 0)::BIGINT AS assessed_cases,
    coalesce(sum(active_cases), 0)::BIGINT AS active_cases,
    coalesce(sum(active_cases_key), 0)::BIGINT AS active_cases_key
FROM mart_caseload
WHERE quarter BETWEEN $q_from AND $q_to
    AND {{cell_filter}}
GROUP BY quarter
ORDER BY quarter
