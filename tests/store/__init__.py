"""Tests of service/store: backups, restores and crash safety of the SQLite file."""
