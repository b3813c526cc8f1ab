"""Tests of service/edge: the ASGI layers in front of Litestar."""
