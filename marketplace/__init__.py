"""The shared marketplace layer (public schema), billed centrally by the head office."""
