"""Tests of service/webapp: the editors' app in process."""
