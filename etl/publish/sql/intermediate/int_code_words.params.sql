-- int_code_words as constant lists, bound as $code_wa, $code_wb, $code_wd and $code_fw of the steps
-- that read it (a constant list indexes faster than one carried through joins).
SELECT
    list(wa ORDER BY code)::VARCHAR[] AS code_wa,
    list(wb ORDER BY code)::VARCHAR[] AS code_wb,
    list(wd ORDER BY code)::VARCHAR[] AS code_wd,
    list(fw ORDER BY code)::VARCHAR[] AS code_fw
FROM int_code_words
