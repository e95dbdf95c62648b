-- The cases of a selection: opened by the end of the period in the selected cells (the
-- group every figure of a page describes; a page of fewer than k says so and shows nothing).
SELECT coalesce(sum(new_cases), 0)::BIGINT AS cases
FROM mart_caseload
WHERE quarter <= $q_to
    AND {{cell_filter}}
