-- Follow-up intensity over the quarters of the period, per duration band: assessments
-- (flow) and active case-quarters, for assessments per case-year (4 x assessments /
-- case-quarters). most_cases: the most active cases the band had in one quarter of the
-- period, a lower bound on the distinct cases behind the case-quarters; assessed_cases:
-- the most cases assessed in one quarter, the same for the assessments (both hidden under k).
WITH per_quarter AS (
    SELECT quarter, duration_band,
           sum(assessments) AS assessments,
           sum(assessments_key) AS assessments_key,
           sum(cases_assessed) AS cases_assessed,
           sum(active_cases) AS active_cases,
           sum(active_cases_key) AS active_cases_key
    FROM mart_caseload
    WHERE quarter BETWEEN $q_from AND $q_to
        AND {{cell_filter}}
    GROUP BY ALL
)
SELECT
    duration_band,
    sum(assessments)::BIGINT AS assessments,
    sum(assessments_key)::BIGINT AS assessments_key,
    max(cases_assessed)::BIGINT AS assessed_cases,
    sum(active_cases)::BIGINT AS case_quarters,
    sum(active_cases_key)::BIGINT AS case_quarters_key,
    max(active_cases)::BIGINT AS most_cases,
    arg_max(active_cases_key, active_cases)::BIGINT AS most_cases_key
FROM per_quarter
GROUP BY duration_band
