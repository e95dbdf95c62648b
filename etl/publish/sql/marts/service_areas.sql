-- service_areas (code table, etl/publish/storage.py): the framework's service area of each area_no.
-- inputs: ref_service_areas
SELECT area_no, service_area
FROM ref_service_areas
