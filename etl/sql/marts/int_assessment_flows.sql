-- int_assessment_flows: per case and quarter, what was assessed in the quarter: the number of
-- assessments (distinct dates) and per dimension (f__<dimension>) the scores recorded, those
-- with an earlier score for the case, and those lower than that earlier score (setbacks).
SELECT
    case_id,
    quarter,
    count(*) AS assessments,
    {
        'recorded': count(COLUMNS('^d__(.*)$').score),
        'with_previous': count_if(
            COLUMNS('^d__(.*)$').score IS NOT NULL AND COLUMNS('^d__(.*)$').prev IS NOT NULL
        ),
        'setbacks': count_if(COLUMNS('^d__(.*)$').score < COLUMNS('^d__(.*)$').prev)
    } AS 'f__\1'
FROM int_assessments
GROUP BY case_id, quarter
