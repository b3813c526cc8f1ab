"""End-to-end tests: real granian processes, real receivers, a real browser."""
