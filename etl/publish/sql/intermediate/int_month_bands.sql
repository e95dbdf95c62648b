-- int_month_bands: duration band of every whole number of months that can occur, so that
-- banding is an equality join (framework duration_bands: min_months <= months < max_months).
-- inputs: stg_cases, ref_duration_bands
WITH months AS (
    SELECT range::SMALLINT AS months
    FROM range(0, (SELECT greatest(0, coalesce(date_sub('month', min(opened), $as_of), 0)) + 1 FROM stg_cases))
)

SELECT months.months, bands.band_no, bands.duration_band
FROM months
JOIN ref_duration_bands AS bands
    ON months.months >= bands.min_months
    AND (bands.max_months IS NULL OR months.months < bands.max_months)
