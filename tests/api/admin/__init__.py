"""Tests of service/api/admin: the admin API over HTTP."""
