-- The published database: aggregates only, no case-level row, no case key, no case
-- reference. The dashboard opens this file read-only and nothing else.
--
-- Conventions
--   Cell columns (the dashboard's filters): country, province, sex, age_group, form.
--     age_group is 'child', 'adult' or 'unknown' (age not recorded), from the case's age
--     band through framework.yaml (child_under_age); single age bands are not published.
--     province is ISO 3166-2 or '<CC>-UNK'.
--   quarter: DATE, first day of the calendar quarter.
--   Every count counts cases (or records where the column says so) and is additive over the
--   cell columns: the dashboard sums rows matching the filters, then divides.
--   "Active" case-quarter: a case is active in a quarter when it was under case management
--   at any time in it (opened <= quarter end and (closed is null or closed >= quarter start)),
--   or had an assessment dated in it.
--   Snapshot columns describe the case as of the measure date = least(quarter end, closure
--   date, as_of) where as_of is the publish date (meta). Over a range of quarters the
--   dashboard takes snapshot columns from the last quarter of the range.
--   Flow columns count events dated in the quarter and are summed over a range.
--   duration_band: framework duration_bands key for the months of case management from the
--   opening date to the measure date.
--   Scores: "latest" = the latest score for that dimension as of the measure date (carried
--   forward from earlier assessments); "first" = the earliest score for that dimension.
--   achieved = score >= scale.achieved_threshold. A case is reintegrated when every
--   dimension assessed at its latest assessment (as of the measure date) is achieved.
--   composite index = (mean of dimension scores at that assessment - 1) / 3 * 100.
--   <count>_key, beside every count of cases or of their records: the sum of the record
--   keys of what it counts (each case's record key is a number from 0 to meta
--   record_key_modulus - 1, derived from its keyed hash; a record counts its case's key).
--   Additive like the counts, so any selection's cell key follows from the sum over its
--   cells; the dashboard perturbs every count with it (cell-key method, dashboard/cellkey.py)
--   and never shows a key.

CREATE TABLE mart_caseload (
    quarter DATE, country VARCHAR, province VARCHAR, sex VARCHAR, age_group VARCHAR, form VARCHAR,
    duration_band VARCHAR,
    active_cases BIGINT,         -- snapshot: active case-quarters
    new_cases BIGINT,            -- flow: opened in the quarter
    closed_cases BIGINT,         -- flow: closed in the quarter
    closed_reintegrated BIGINT,  -- flow: closed in the quarter with closure_reason reintegrated
    assessed_cases BIGINT,       -- snapshot: active cases with at least one assessment by the measure date
    reintegrated_cases BIGINT,   -- snapshot: of assessed_cases, reintegrated at their latest assessment
    composite_sum DOUBLE,        -- snapshot: sum of composite index at latest assessment over assessed_cases
    assessments BIGINT,          -- flow: assessments (distinct case and date) dated in the quarter
    cases_assessed BIGINT,       -- flow: distinct cases with an assessment dated in the quarter
    active_cases_key BIGINT, new_cases_key BIGINT, closed_cases_key BIGINT, closed_reintegrated_key BIGINT,
    assessed_cases_key BIGINT, reintegrated_cases_key BIGINT, assessments_key BIGINT
);

CREATE TABLE mart_months (       -- for medians: active cases by whole months of case management
    quarter DATE, country VARCHAR, province VARCHAR, sex VARCHAR, age_group VARCHAR, form VARCHAR,
    months SMALLINT,             -- whole months from opening to the measure date
    active_cases BIGINT,
    active_cases_key BIGINT
);

CREATE TABLE mart_outcomes (
    quarter DATE, country VARCHAR, province VARCHAR, sex VARCHAR, age_group VARCHAR, form VARCHAR,
    duration_band VARCHAR,
    dimension VARCHAR,           -- framework outcomes key
    scored_cases BIGINT,         -- snapshot: active cases with a latest score in this dimension
    score_sum BIGINT,            -- snapshot: sum of latest scores
    achieved_cases BIGINT,       -- snapshot: latest score achieved
    paired_cases BIGINT,         -- snapshot: cases with two or more scores in this dimension by the measure date
    first_sum BIGINT,            -- snapshot: sum of first scores over paired_cases
    latest_sum BIGINT,           -- snapshot: sum of latest scores over paired_cases
    improved_cases BIGINT,       -- snapshot: paired cases whose latest > first
    declined_cases BIGINT,       -- snapshot: paired cases whose latest < first
    scores_recorded BIGINT,      -- flow: scores in this dimension dated in the quarter
    scores_with_previous BIGINT, -- flow: of those, scores that had an earlier score for the case
    setbacks BIGINT,             -- flow: of those, scores lower than the case's previous score
    cases_compared BIGINT,       -- flow: distinct cases behind scores_with_previous
    cases_set_back BIGINT,       -- flow: distinct cases behind setbacks
    scored_cases_key BIGINT, achieved_cases_key BIGINT, paired_cases_key BIGINT, improved_cases_key BIGINT,
    declined_cases_key BIGINT, scores_recorded_key BIGINT, scores_with_previous_key BIGINT,
    setbacks_key BIGINT
);

CREATE TABLE mart_survival (     -- time to reintegration, for Kaplan-Meier at query time
    cohort_quarter DATE,         -- quarter the case opened
    country VARCHAR, province VARCHAR, sex VARCHAR, age_group VARCHAR, form VARCHAR,
    months SMALLINT,             -- whole months from opening to the event
    reached BIGINT,              -- cases first reintegrated at this month
    censored BIGINT,             -- cases not (yet) reintegrated, last assessed at this month
    reached_key BIGINT, censored_key BIGINT
);

CREATE TABLE mart_services (
    quarter DATE, country VARCHAR, province VARCHAR, sex VARCHAR, age_group VARCHAR, form VARCHAR,
    service_area VARCHAR,
    provided_cases BIGINT,       -- snapshot: active cases with a service of this area provided by the measure date
    referred_cases BIGINT,       -- snapshot: ... referred
    declined_cases BIGINT,       -- snapshot: ... declined
    in_need_cases BIGINT,        -- snapshot: active cases whose first score in the primary outcome was below achieved
                                 --   (case management: whose first assessment was not reintegrated)
    in_need_provided BIGINT,     -- snapshot: of in_need_cases, provided this service
    received_paired BIGINT,      -- snapshot: provided cases with two or more scores in the primary outcome
    received_change_sum BIGINT,  --   sum of (latest - first) over them (case management: composite index, DOUBLE-cast)
    other_paired BIGINT,         -- snapshot: cases not provided this service, with two or more scores
    other_change_sum BIGINT,
    records_started BIGINT,      -- flow: service records started in the quarter (any status)
    provided_started BIGINT,     -- flow: provided records started in the quarter
    cost_usd DOUBLE,             -- flow: cost of records started in the quarter, USD
    cases_started BIGINT,        -- flow: distinct cases behind records_started
    cases_provided_started BIGINT, -- flow: distinct cases behind provided_started
    provided_cases_key BIGINT, referred_cases_key BIGINT, declined_cases_key BIGINT, in_need_cases_key BIGINT,
    in_need_provided_key BIGINT, received_paired_key BIGINT, other_paired_key BIGINT,
    records_started_key BIGINT, provided_started_key BIGINT
);

CREATE TABLE mart_barriers (
    quarter DATE, country VARCHAR, province VARCHAR, sex VARCHAR, age_group VARCHAR, form VARCHAR,
    service_area VARCHAR, barrier_code VARCHAR,
    reports BIGINT,              -- flow: barrier records noted in the quarter
    cases BIGINT,                -- flow: distinct cases reporting it in the quarter
    reports_key BIGINT, cases_key BIGINT
);

CREATE TABLE mart_budget (
    year SMALLINT, country VARCHAR, province VARCHAR,   -- province '' = national line
    service_area VARCHAR, funding_source VARCHAR,
    budgeted_usd DOUBLE, spent_usd DOUBLE
);

CREATE TABLE mart_service_costs (   -- what spending bought, per year and service area
    year SMALLINT, country VARCHAR, province VARCHAR, service_area VARCHAR,
    cost_usd DOUBLE,             -- case-level service costs started in the year, USD
    served_cases BIGINT,         -- distinct cases provided this service in the year
    reintegrated_cases BIGINT,   -- of served_cases, reintegrated at their latest assessment as of year end
    paired_cases BIGINT,         -- of served_cases, with two or more scores in the primary outcome by year end
    change_sum BIGINT,           -- sum of (latest by year end - first) in the primary outcome over paired_cases
    costed_cases BIGINT,         -- distinct cases with a costed record of the area started in the year
    served_cases_key BIGINT, reintegrated_cases_key BIGINT, paired_cases_key BIGINT, costed_cases_key BIGINT
);

CREATE TABLE mart_case_totals (     -- distinct cases per year, any service area (cost per case)
    year SMALLINT, country VARCHAR, province VARCHAR,
    served_cases BIGINT,         -- distinct cases provided any service in the year
    reintegrated_cases BIGINT,   -- of served_cases, reintegrated at their latest assessment as of year end
    costed_cases BIGINT,         -- distinct cases with a costed record started in the year, any area
    served_cases_key BIGINT, reintegrated_cases_key BIGINT, costed_cases_key BIGINT
);

CREATE TABLE mart_quality (         -- what each agency submitted, by the quarter of each row's date
    agency VARCHAR, country VARCHAR, province VARCHAR, quarter DATE,
    table_name VARCHAR,          -- cases (by opening date), assessments, services, barriers
    rows_loaded BIGINT,
    cases BIGINT,                -- distinct cases behind the rows
    rows_loaded_key BIGINT
);

CREATE TABLE loads (                -- copy of the warehouse loads log
    load_id INTEGER, file_name VARCHAR, sheet VARCHAR, sha256 VARCHAR, table_name VARCHAR,
    agencies VARCHAR, loaded_at TIMESTAMP, rows_read BIGINT, rows_loaded BIGINT,
    rows_quarantined BIGINT, rows_replaced BIGINT, outcome VARCHAR, synthetic BOOLEAN,
    dropped_columns VARCHAR
);

CREATE TABLE quarantine_summary (   -- counts only: no raw value, no row number
    load_id INTEGER, file_name VARCHAR, table_name VARCHAR, reason VARCHAR,
    column_name VARCHAR, rows BIGINT
);

CREATE TABLE meta (key VARCHAR, value VARCHAR);
-- keys: published_at (ISO timestamp), as_of (ISO date), synthetic ('true' when any loaded
-- row came from a SYN- agency), real_case_data ('true' when any case-level file came from
-- another agency), framework_version, achieved_threshold, warehouse_loads,
-- record_key_modulus (record keys run from 0 to this - 1); and per country
-- synthetic:<country>, real_case_data:<country> (as above, for that country's cases), so
-- that a user limited to some countries is told about their data only
