-- cells (code table, etl/storage.py): the filter columns behind each cell id of the keyed
-- marts, which their views join back.
SELECT DISTINCT cell_id, country, province, sex, age_group, form
FROM stg_cases
