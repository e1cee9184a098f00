"""What every service stands on: the unit of work and derived facts, the audit trail, locks, caches,
bulk inserts, planner statistics, backup, `hrtool check`, spreadsheets (CSV, XLSX, ODS) and held
uploads."""
