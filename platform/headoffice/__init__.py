"""The head office's console: cooperatives, users and roles (public schema, bare domain)."""
