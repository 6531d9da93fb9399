"""The member registry: registration, lifecycle, heirs, and members' personal data."""
