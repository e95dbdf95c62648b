-- Which quarters, countries and provinces have data: the choices the sidebar offers.
SELECT DISTINCT quarter, country, province
FROM mart_caseload
ORDER BY quarter, country, province
