"""All SQL of the service: connections and transactions, migrations, backup, queries; rows
become schema Structs at this boundary.

The only package that imports sqlite3 or sqlite_utils. May import: schema, errors and config.
"""
