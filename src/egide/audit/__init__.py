"""The audit log: who created, changed or deleted which record, when, from where, with the values before and after."""
