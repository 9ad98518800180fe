-- IDPs present per admin1 unit (state, province, oblast), DTM operation, round,
-- displacement reason and origin: one row per figure (total, males, females),
-- from the latest promoted batch that carries it.
-- Columns, key and promotion: macros/iom_dtm_displacement.sql.

{{ iom_dtm_displacement(1) }}
