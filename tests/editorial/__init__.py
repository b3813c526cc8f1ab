"""Tests of service/editorial: the workflow rules as plain functions."""
