"""Pure functions of content: renders (web, email, text, JSON-LD), digests (newsletter, Atom),
the field-level diff and webhook signatures. No I/O, no Litestar, no SQL.

May import: schema, errors and config.
"""
