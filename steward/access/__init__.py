"""The gate: every read or change of patient data is decided, scoped and recorded here."""
