"""Tests of service/channels: the pure renders, digests, diff and signatures."""
