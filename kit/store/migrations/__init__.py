"""Alembic migrations for the kit's store, run by ``Store.open`` (no alembic.ini needed)."""
