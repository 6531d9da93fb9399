"""The tenant registry: cooperatives, their domains and schemas, created from a template."""
