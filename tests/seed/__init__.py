"""Tests of seed/: the bundled article."""
