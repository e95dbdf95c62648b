-- First and last quarter with caseload data.
SELECT min(quarter) AS first_quarter, max(quarter) AS last_quarter FROM mart_caseload
