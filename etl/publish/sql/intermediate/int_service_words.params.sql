-- int_service_words as constant lists, bound as $service_status and $service_received of
-- the steps that read it (a constant list indexes faster than one carried through joins).
SELECT
    list(status ORDER BY idx)::VARCHAR[] AS service_status,
    list(received ORDER BY idx)::VARCHAR[] AS service_received
FROM int_service_words
