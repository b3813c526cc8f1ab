"""The test suite: a folder per package of ``service/`` (and ``schema/``, ``seed/``), plus
``e2e/`` against real processes.

Fixtures live in ``conftest.py`` files; helpers shared across folders live once at this level:
``tokens`` (token headers), ``admin_flow`` (editorial steps over the admin API, for any HTTP
client), ``http_servers`` (loopback webhook receiver and page server), ``html_documents``
(rendered HTML read back), ``commands`` (the CLI in its own process) and ``concurrency``
(racing calls in threads). ``test_cli.py`` covers the entry point.
"""
