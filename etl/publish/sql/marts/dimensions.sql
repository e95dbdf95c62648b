-- dimensions (code table, etl/publish/storage.py): the framework's outcome dimension of each dim_no.
-- inputs: ref_outcomes
SELECT dim_no, dimension
FROM ref_outcomes
