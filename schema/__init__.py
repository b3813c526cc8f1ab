"""The typed content model every channel shares. Imports only msgspec and the standard library."""
