"""Seed content: the bundled article the database starts from."""
