-- The cell filter shared by every mart query (included as {{cell_filter}}).
-- An empty list means "all"; $country NULL means every country.
($country IS NULL OR country = $country)
    AND (len($provinces::VARCHAR[]) = 0 OR list_contains($provinces::VARCHAR[], province))
    AND (len($sexes::VARCHAR[]) = 0 OR list_contains($sexes::VARCHAR[], sex))
    AND (len($age_groups::VARCHAR[]) = 0 OR list_contains($age_groups::VARCHAR[], age_group))
    AND (len($forms::VARCHAR[]) = 0 OR list_contains($forms::VARCHAR[], form))
