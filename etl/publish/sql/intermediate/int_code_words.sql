-- int_code_words: packed measure words (macros.sql) of every possible snapshot code and
-- flow code, looked up while aggregating instead of being computed row by row (publish
-- binds them, listed by code, as the parameters $code_wa, $code_wb and $code_fw).
--   wa: scored, achieved (latest >= threshold), paired, in need (first < threshold), improved
--   wb: declined, score sum, first-score sum (paired), latest-score sum (paired)
--   wd: declined alone (its record keys are summed apart: key x word, macros.sql)
--   fw (flow code): scores recorded, with an earlier score, setbacks
-- inputs: (none)
SELECT
    code::UTINYINT AS code,
    pack5(
        1,
        snap_latest(code) >= $threshold,
        snap_paired(code),
        snap_first(code) < $threshold,
        snap_paired(code) AND snap_latest(code) > snap_first(code)
    ) AS wa,
    pack5(
        snap_paired(code) AND snap_latest(code) < snap_first(code),
        snap_latest(code),
        CASE WHEN snap_paired(code) THEN snap_first(code) ELSE 0 END,
        CASE WHEN snap_paired(code) THEN snap_latest(code) ELSE 0 END,
        0
    ) AS wb,
    pack5(snap_paired(code) AND snap_latest(code) < snap_first(code), 0, 0, 0, 0) AS wd,
    pack5(1, (code >> 1) & 1, (code >> 2) & 1, 0, 0) AS fw
FROM range(256) AS codes(code)
