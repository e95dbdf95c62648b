-- The last quarter in which anything happened (a case opened or closed, an assessment).
-- Later quarters only carry open cases forward to the publication date; the default
-- period ends here.
SELECT max(quarter) AS last_active
FROM mart_caseload
WHERE new_cases > 0 OR closed_cases > 0 OR assessments > 0
