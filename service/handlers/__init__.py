"""What the JSON API and the web app share: role guards, the acting person, common parameters.

May import: editorial, store, schema, errors and config (and Litestar).
"""
