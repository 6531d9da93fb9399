"""The shared retail layer (public schema), billed centrally by the head office."""
