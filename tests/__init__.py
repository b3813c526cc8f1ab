"""The test suite: one folder per package of service/, shared fixtures in conftest.py."""
