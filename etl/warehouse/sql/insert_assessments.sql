-- One row per case, date and assessed dimension: the file's wide rows (one column per
-- outcome dimension) are unpivoted; blank scores are not stored. $outcome_columns is
-- replaced by the framework's outcome keys (an allow-list), not by anything from a file.
INSERT INTO assessments
SELECT case_key, assessed_on, dimension, score, $load_id
FROM (
    UNPIVOT (SELECT case_key, assessed_on, {outcome_columns} FROM final WHERE _ok)
    ON {outcome_columns} INTO NAME dimension VALUE score
);
