-- meta as a user limited to some countries sees it (dashboard/db.py, Scoped): the file's
-- own facts, and each per-country flag (synthetic:KH, ...) told for the user's countries
-- only, true when true for any of them. {{source}} and {{countries}} are filled by db.py
-- (a quoted relation name, and country codes checked against the framework).
SELECT key, value
FROM {{source}}
WHERE NOT contains(key, ':') AND key NOT IN ('synthetic', 'real_case_data')
UNION ALL
SELECT flags.key, coalesce(bool_or(m.value = 'true'), false)::VARCHAR AS value
FROM (SELECT unnest(['synthetic', 'real_case_data']) AS key) AS flags
LEFT JOIN {{source}} AS m
    ON m.key = flags.key || ':' || split_part(m.key, ':', 2)
    AND split_part(m.key, ':', 2) IN ({{countries}})
GROUP BY flags.key
