"""The rule catalogue: one module per rule, named ``<code>_<what>.py``, each carrying its own documentation.

Installed as ``envlint.rules``. A rule module defines one check function decorated with
:func:`envlint.registry.rule`; its parameters name the facts it needs. A rule with one check per
input is a package ``<code>_<what>/`` whose ``__init__`` holds the documentation and one
:func:`envlint.registry.declare` naming the check of each input module.
"""
