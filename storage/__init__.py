"""The database: its schema, its migrations and the vocabulary both sides of it share.

Loaders write here; KPIs read from here. Nothing in this package knows of either.
"""
