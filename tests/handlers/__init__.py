"""Tests of service/handlers: tokens, roles and the guards on admin routes."""
