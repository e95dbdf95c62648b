-- Time to reintegration (Kaplan-Meier inputs) for cases opened up to the end of the period,
-- followed until the data date: per whole month since opening, cases first reintegrated
-- then and cases last seen then without being reintegrated.
SELECT months, sum(reached)::BIGINT AS reached, sum(censored)::BIGINT AS censored
FROM mart_survival
WHERE cohort_quarter <= $q_to
    AND {{cell_filter}}
GROUP BY months
ORDER BY months
