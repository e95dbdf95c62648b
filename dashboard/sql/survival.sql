-- Time to reintegration (life table inputs) for cases opened up to the end of the period,
-- followed until the data date: per whole month since opening, cases first reintegrated
-- then and cases last seen then without being reintegrated, with record-key sums.
SELECT
    months,
    sum(reached)::BIGINT AS reached,
    sum(reached_key)::BIGINT AS reached_key,
    sum(censored)::BIGINT AS censored,
    sum(censored_key)::BIGINT AS censored_key
FROM mart_survival
WHERE cohort_quarter <= $q_to
    AND {{cell_filter}}
GROUP BY months
ORDER BY months
