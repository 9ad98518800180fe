-- IDPs present per admin2 unit (district, raion), DTM operation, round,
-- displacement reason and origin: one row per figure (total, males, females),
-- from the latest promoted batch that carries it.
-- Columns, key and promotion: macros/iom_dtm_displacement.sql.

{{ iom_dtm_displacement(2) }}
