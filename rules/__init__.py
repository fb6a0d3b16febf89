"""The rule catalogue: one module per rule, named ``<code>_<what>.py``, each carrying its own documentation.

Installed as ``envlint.rules``. A rule module defines one check function decorated with
:func:`envlint.registry.rule`; its parameters name the facts it needs.
"""
