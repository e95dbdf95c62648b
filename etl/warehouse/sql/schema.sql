-- The warehouse: validated, anonymised, case-level facts. Never opened by the dashboard.
-- case_key is a keyed hash (HMAC-SHA256, etl/anonymise/case_keys.py) of agency + the agency's case
-- reference, its first 128 bits as an unsigned integer (joins on it are integer joins);
-- the reference itself is never stored. Ages are stored only as bands.
-- Province codes are ISO 3166-2 (current divisions, framework.yaml) or '<CC>-UNK' when the
-- agency did not know the province. Every fact row carries the load that wrote it.

CREATE TABLE IF NOT EXISTS loads (
    load_id        INTEGER PRIMARY KEY,
    file_name      VARCHAR NOT NULL,   -- base name of the submitted file
    sheet          VARCHAR,            -- Excel sheet, when the file was a workbook
    sha256         VARCHAR NOT NULL,   -- of the whole file's bytes
    table_name     VARCHAR NOT NULL,   -- cases | assessments | services | barriers | budgets
    agencies       VARCHAR,            -- comma-separated agency codes found in the file
    loaded_at      TIMESTAMP NOT NULL,
    rows_read      BIGINT NOT NULL,
    rows_loaded    BIGINT NOT NULL,
    rows_quarantined BIGINT NOT NULL,
    rows_replaced  BIGINT NOT NULL,    -- earlier rows this file superseded
    outcome        VARCHAR NOT NULL,   -- loaded | unchanged (same bytes already loaded)
    synthetic      BOOLEAN NOT NULL,   -- every agency code starts with SYN- (sample data)
    dropped_columns VARCHAR            -- identifying columns dropped unread (--drop-identifying-columns)
);

CREATE TABLE IF NOT EXISTS cases (
    case_key       UHUGEINT PRIMARY KEY,
    agency         VARCHAR NOT NULL,
    country        VARCHAR NOT NULL,   -- KH CN LA MM TH VN
    province       VARCHAR NOT NULL,   -- ISO 3166-2 or CC-UNK
    sex            VARCHAR NOT NULL,   -- framework sexes
    age_band       VARCHAR NOT NULL,   -- framework age_bands key, or 'unknown'
    form           VARCHAR NOT NULL,   -- framework forms_of_trafficking
    labour_sector  VARCHAR,
    destination_country VARCHAR,       -- ISO 3166-1 alpha-2
    internal       BOOLEAN,            -- destination = country
    identified     BOOLEAN,
    assisted       BOOLEAN,
    return_type    VARCHAR,
    setting        VARCHAR,
    opened         DATE NOT NULL,
    closed         DATE,
    closure_reason VARCHAR,
    load_id        INTEGER NOT NULL
);

-- The case-level facts below reference their case by case_key and hold no agency column:
-- the agency is the case's (cases.agency). An assessment, service or barrier is loaded only
-- for a case already in the warehouse, and a case row is replaced but never deleted, so
-- every fact row has its case. (Fifty million assessment rows are written per million
-- cases: a text column repeated on each was the largest part of writing them.)

-- One row per case, assessment date and assessed dimension (blank scores are not stored).
CREATE TABLE IF NOT EXISTS assessments (
    case_key       UHUGEINT NOT NULL,
    assessed_on    DATE NOT NULL,
    dimension      VARCHAR NOT NULL,   -- framework outcomes key
    score          UTINYINT NOT NULL,  -- framework scale
    load_id        INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS services (
    case_key       UHUGEINT NOT NULL,
    service_area   VARCHAR NOT NULL,
    started        DATE NOT NULL,
    ended          DATE,
    status         VARCHAR NOT NULL,   -- provided | referred | declined
    provider_type  VARCHAR,
    cost           DECIMAL(18, 2),
    currency       VARCHAR,
    cost_usd       DOUBLE,             -- cost / exchange rate of the start year (data/reference/exchange_rates.csv)
    load_id        INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS barriers (
    case_key       UHUGEINT NOT NULL,
    service_area   VARCHAR NOT NULL,
    barrier_code   VARCHAR NOT NULL,
    noted_on       DATE NOT NULL,
    load_id        INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS budgets (
    country        VARCHAR NOT NULL,
    province       VARCHAR NOT NULL,   -- ISO 3166-2, or '' for a national line
    year           SMALLINT NOT NULL,
    service_area   VARCHAR NOT NULL,
    funding_source VARCHAR NOT NULL,
    budgeted       DECIMAL(20, 2) NOT NULL,
    spent          DECIMAL(20, 2) NOT NULL,
    currency       VARCHAR NOT NULL,
    budgeted_usd   DOUBLE NOT NULL,
    spent_usd      DOUBLE NOT NULL,
    load_id        INTEGER NOT NULL
);

-- Rows that could not be read, kept with everything needed to fix and resubmit them.
-- raw holds the row as submitted (JSON object of header -> text), including the case
-- reference: the quarantine stays in the warehouse and never reaches the published file.
CREATE TABLE IF NOT EXISTS quarantine (
    load_id        INTEGER NOT NULL,
    file_name      VARCHAR NOT NULL,
    table_name     VARCHAR NOT NULL,
    row_number     BIGINT NOT NULL,    -- as a spreadsheet shows it (the header's row counted, 1 unless titles sit above it)
    column_name    VARCHAR,            -- first failing column (all reasons are in reason)
    value          VARCHAR,
    reason         VARCHAR NOT NULL,   -- short code, e.g. invalid_date
    message        VARCHAR NOT NULL,   -- the sentence shown to the clerk
    raw            VARCHAR NOT NULL
);

-- The exchange rates used, copied at each load for provenance.
CREATE TABLE IF NOT EXISTS exchange_rates (
    currency       VARCHAR NOT NULL,
    year           SMALLINT NOT NULL,
    per_usd        DOUBLE NOT NULL     -- units of currency for one US dollar
);
