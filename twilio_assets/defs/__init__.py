"""Dagster definitions, one module per kind of object; `twilio_assets.definitions` merges them."""
