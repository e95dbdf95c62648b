-- cells (code table, etl/publish/storage.py): the filter columns behind each cell id of the keyed
-- marts, which their views join back.
-- inputs: stg_cases
SELECT DISTINCT cell_id, country, province, sex, age_group, form
FROM stg_cases
