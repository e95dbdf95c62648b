-- int_dimension_slots: one row with a column <dimension>_slot per outcome dimension (in
-- framework order) holding its 0-based position, so that per-dimension expressions can be
-- written once with COLUMNS('_slot$') instead of naming any dimension.
PIVOT (SELECT dimension::dimension_key AS dimension, dim_no - 1 AS slot FROM ref_outcomes)
ON dimension IN dimension_key
USING first(slot) AS slot
