"""Tests of service/jobs: the webhook dispatcher and the scheduler."""
