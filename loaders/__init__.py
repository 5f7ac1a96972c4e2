"""Workbooks in: bytes -> checked, tidy rows in the database. Knows nothing of KPIs or Dash."""
