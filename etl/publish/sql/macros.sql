-- Helpers for the publish SQL (TEMP macros, created once per publish).
--
-- Per-dimension state is kept as one small code per case and date (or case-quarter):
--   snapshot code = latest score | first score << 3 | paired (two or more scores) << 6,
--                   NULL before the case's first score in the dimension;
--   flow code     = 1 (a score dated here) | has an earlier score << 1 | lower than it << 2,
--                   NULL when the dimension was not assessed on that date.
-- (Scores must be below 8; publish checks the framework scale.)
CREATE TEMP MACRO snap_code(latest, first, n_scores) AS
    (latest + 8 * first + 64 * (n_scores >= 2)::INTEGER)::UTINYINT;
CREATE TEMP MACRO snap_latest(code) AS code & 7;
CREATE TEMP MACRO snap_first(code) AS (code >> 3) & 7;
CREATE TEMP MACRO snap_paired(code) AS code >= 64;
CREATE TEMP MACRO flow_code(score, prev) AS
    CASE WHEN score IS NOT NULL
        THEN (1 + 2 * (prev IS NOT NULL)::INTEGER + 4 * coalesce(score < prev, false)::INTEGER)::UTINYINT
    END;

-- Packed counters: five non-negative counts side by side in one HUGEINT, 25 bits each, so
-- that a single sum() aggregates five measures: the marts have nearly as many groups as
-- there are case-quarters, and aggregation cost grows with the number of aggregates. A
-- group's sums stay below 2^25 because no cell holds that many cases or assessments
-- (publish checks it). The words of every possible code are computed once
-- (int_code_words, int_service_words) and looked up while aggregating.
CREATE TEMP MACRO pack5(a, b, c, d, e) AS
    a::HUGEINT + (b::HUGEINT << 25) + (c::HUGEINT << 50) + (d::HUGEINT << 75) + (e::HUGEINT << 100);
CREATE TEMP MACRO unpacked(word, i) AS ((word >> (25 * i)) & 33554431)::BIGINT;

-- The date a case-quarter's snapshot describes: least(quarter end, closure date, as_of);
-- and whole months of case management from opening to it (0 if dated before opening).
CREATE TEMP MACRO measure_date(quarter, closed, as_of) AS
    least((quarter + INTERVAL 3 MONTH)::DATE - 1, closed, as_of);
CREATE TEMP MACRO whole_months(opened, day) AS greatest(0, date_sub('month', opened, day));
