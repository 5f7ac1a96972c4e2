"""The database: its schema, its migrations and the queries on it.

Only services/ reaches it: pages, exports and figures go through services, and loaders and kpis
stay pure (the import-linter contracts in pyproject.toml keep it so).
"""
