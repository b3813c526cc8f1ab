"""The JSON API as Litestar controllers (public, channels, schema, health, admin): parse, call,
return; problem+json mapping and OpenAPI refinements.

May import: handlers, delivery, editorial, channels, store, edge (the prepared-response cache),
schema, errors and config. Never the webapp.
"""
