"""Editorial rules as plain functions over the store, raising domain errors.

- ``drafts``: creating articles, reading and editing the working draft, ETags and ``If-Match``.
- ``review``: submit, approve (four-eyes), reject.
- ``live``: publish (now or scheduled), scheduled publishing, unpublish, rollback.
- ``history``: revisions, diffs and the audit log.
"""
