"""Pure functions of content: renders (web, email, text, JSON-LD), digests (newsletter, Atom),
the field-level diff and webhook signatures. No I/O, no Litestar, no SQL.

May import: schema, errors and config.
"""

from typing import Final

# Bump whenever a change to any render, the Markdown pipeline or the sanitizer changes an output:
# bodies prepared and stored by another version are not read again, and are deleted at start-up.
RENDERER_VERSION: Final = 1
