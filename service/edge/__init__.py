"""The ASGI edge in front of Litestar: prepared responses and their cache, request ids,
metrics and the access log, rate limits, CORS, and the one route table they are derived from.

May import: config, errors and the read side of ``store`` (plus Litestar for the app class).
"""
