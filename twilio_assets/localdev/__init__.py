"""Local development helpers: the embedded PostgreSQL and the demo."""
