"""The public read model: live content from the store, rendered by the channels into prepared
responses once per content version, and the static export built from them.

May import: channels, store, edge (prepared responses), schema, errors and config.
"""
