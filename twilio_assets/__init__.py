"""Twilio collections as Dagster assets in PostgreSQL."""
