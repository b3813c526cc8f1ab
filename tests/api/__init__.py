"""Tests of service/api: the public, channel and schema routes, and the spec."""
