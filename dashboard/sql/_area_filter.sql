-- Country and province filter for tables without the other cell columns
-- (included as {{area_filter}}).
($country IS NULL OR country = $country)
    AND (len($provinces::VARCHAR[]) = 0 OR list_contains($provinces::VARCHAR[], province))
