-- int_cells: the filter columns behind each cell id (joined back after aggregating).
SELECT DISTINCT cell_id, country, province, sex, age_group, form
FROM stg_cases
