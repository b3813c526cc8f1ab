"""Background work in each worker: the scheduler and the webhook dispatcher.

May import: editorial, channels, store, schema, errors and config. No Litestar.
"""
