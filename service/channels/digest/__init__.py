"""What changed between revisions, told to people: newsletter digests and the Atom feed."""

from service.channels.digest.atom import build_atom_feed
from service.channels.digest.changes import describe_change, describe_section_change
from service.channels.digest.newsletter import build_digest

__all__ = [
    "build_atom_feed",
    "build_digest",
    "describe_change",
    "describe_section_change",
]
