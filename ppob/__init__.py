"""The shared ppob layer (public schema), billed centrally by the head office."""
