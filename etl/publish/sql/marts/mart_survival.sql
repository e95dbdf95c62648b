-- mart_survival: time to reintegration for Kaplan-Meier, per opening quarter (cohort) and
-- cell. A case reaches the event at its first assessment where it is reintegrated; a case
-- never reintegrated by as_of is censored at its last assessment. Months are whole months
-- from opening (0 for an assessment dated before opening). Cases never assessed have no
-- observation and are left out. (Keyed by cell: etl/publish/storage.py.)
-- inputs: int_assessments, stg_cases
WITH per_case AS (
    SELECT
        case_id,
        min(assessed_on) FILTER (WHERE reintegrated) AS reached_on,
        max(assessed_on) AS last_assessed_on
    FROM int_assessments
    GROUP BY case_id
),

events AS (
    SELECT
        cases.open_quarter AS cohort_quarter,
        cases.cell_id,
        cases.record_key,
        whole_months(cases.opened, coalesce(p.reached_on, p.last_assessed_on)) AS months,
        p.reached_on IS NOT NULL AS reached
    FROM per_case AS p
    JOIN stg_cases AS cases USING (case_id)
)

SELECT
    cohort_quarter, cell_id, months,
    count_if(reached) AS reached,
    count_if(NOT reached) AS censored,
    coalesce(sum(record_key) FILTER (WHERE reached), 0) AS reached_key,
    coalesce(sum(record_key) FILTER (WHERE NOT reached), 0) AS censored_key
FROM events
GROUP BY cohort_quarter, cell_id, months
