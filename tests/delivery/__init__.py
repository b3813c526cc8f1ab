"""Tests of service/delivery: the static export."""
