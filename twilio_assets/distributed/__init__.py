"""Running the sync job past one process: Dagster's Celery executor, its app, and a local broker."""
