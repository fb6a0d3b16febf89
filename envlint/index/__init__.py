"""The package index: a simple-API client (pypi-simple over a CacheControl session), the ``index``
fact that rules ask for project pages, the resolver behind PIN003, and helpers to read metadata
and build requirements out of index files. Nothing here runs inspected code."""
