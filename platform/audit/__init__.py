"""The audit log: who did what, when and from where. Kept per schema (each tenant's own)."""
