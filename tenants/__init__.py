"""A cooperative's own books. Everything here lives in the cooperative's own schema."""
