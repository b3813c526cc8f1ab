"""Tests of schema/: the typed content model."""
