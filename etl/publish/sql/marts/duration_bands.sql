-- duration_bands (code table, etl/publish/storage.py): the framework's duration band of each band_no.
-- inputs: ref_duration_bands
SELECT band_no, duration_band
FROM ref_duration_bands
