"""Identity and access: one login per person across the federation, roles per cooperative."""
