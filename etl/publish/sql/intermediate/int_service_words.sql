-- int_service_words: packed measure words of a service area at a case-quarter, for every
-- combination of the case's state, looked up by mart_services (publish binds them, listed
-- by index, as $service_status and $service_received). The index is
--   code + 256 * provided + 512 * referred + 1024 * declined + 2048 * case management
-- where code is the snapshot code of the area's primary outcome, or for case management
-- (judged on whole assessments) 1 when the first assessment was not reintegrated (in need)
-- + 2 when the case has two or more assessments (paired).
--   status:   provided, referred, declined, in need and provided, provided and paired
--   received: first-score sum and latest-score sum over provided and paired cases
-- inputs: (none)
WITH states AS (
    SELECT
        i AS idx,
        i % 256 AS code,
        (i // 256) % 2 = 1 AS provided,
        (i // 512) % 2 = 1 AS referred,
        (i // 1024) % 2 = 1 AS declined,
        i >= 2048 AS case_management
    FROM range(4096) AS t(i)
),

judged AS (
    SELECT
        *,
        CASE WHEN case_management THEN code % 2 = 1 ELSE snap_first(code) < $threshold END AS in_need,
        CASE WHEN case_management THEN (code // 2) % 2 = 1 ELSE snap_paired(code) END AS paired
    FROM states
)

SELECT
    idx,
    pack5(provided, referred, declined, provided AND in_need, provided AND paired) AS status,
    pack5(
        CASE WHEN provided AND paired AND NOT case_management THEN snap_first(code) ELSE 0 END,
        CASE WHEN provided AND paired AND NOT case_management THEN snap_latest(code) ELSE 0 END,
        0, 0, 0
    ) AS received
FROM judged
