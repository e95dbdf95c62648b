-- dimensions (code table, etl/storage.py): the framework's outcome dimension of each dim_no.
SELECT dim_no, dimension
FROM ref_outcomes
