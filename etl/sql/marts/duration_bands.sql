-- duration_bands (code table, etl/storage.py): the framework's duration band of each band_no.
SELECT band_no, duration_band
FROM ref_duration_bands
