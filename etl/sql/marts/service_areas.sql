-- service_areas (code table, etl/storage.py): the framework's service area of each area_no.
SELECT area_no, service_area
FROM ref_service_areas
