"""Where a module's code runs under package sync: which functions are shipped to the cluster.

Package sync copies packages, never data files, so a local path breaks only where it is opened on a
cluster machine. This module finds, in one parsed module, the code that runs there:

- functions decorated with ``@dask.delayed`` / ``@delayed`` / ``@coiled.function``;
- functions (or lambdas, or ``functools.partial`` of them) passed to ``dask.delayed(f)``, to
  ``client.submit/map/run`` of a distributed client, to ``map_partitions``/``map_blocks``/
  ``map_overlap``/``blockwise`` (method or function form), and to ``.map/.apply/.filter/...`` of an
  expression built from a dask collection;
- functions of the same module that those call by name (their code runs in the same task);
- every line of a script that declares it runs remotely (``# COILED`` batch directives).

A function shipped by a name imported from another module (``client.submit(pipeline.load)``) is
returned as a dotted name, for the fact to match against the other modules' functions.
Pure functions of the tree, so the results can be cached with the scan.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from typing import Any

#: ``# COILED n-tasks 10`` (coiled batch run's in-script options): the whole file runs on cloud VMs.
COILED_DIRECTIVE = re.compile(rb"^[ \t]*#[ \t]?COILED[ \t:-]+\w", re.MULTILINE)
#: Top-level modules whose presence makes shipping possible at all (else the analysis is skipped).
CLUSTER_MODULES = frozenset({b"dask", b"distributed", b"coiled", b"dask_cudf", b"xarray"})

DELAYED = frozenset({"dask.delayed", "dask.delayed.delayed", "distributed.delayed"})
_DECORATORS = DELAYED | {"coiled.function", "coiled.batch"}
_CLIENT_METHODS = frozenset({"submit", "map", "run", "run_on_scheduler"})
#: Methods of a dask collection that run the function given to them in tasks.
_COLLECTION_METHODS = frozenset({"map_partitions", "map_blocks", "map_overlap", "apply", "map", "filter",
                                 "reduction", "starmap", "foldby", "transform", "map_elements", "aggregate",
                                 "agg"})
#: Methods whose name alone says dask (no pandas or numpy method has it).
_DASK_ONLY_METHODS = frozenset({"map_partitions", "map_blocks", "map_overlap"})
#: Functions that run their first argument in tasks.
_FUNCTION_FORMS = frozenset({"dask.array.map_blocks", "dask.array.blockwise", "dask.array.map_overlap",
                             "dask.dataframe.map_partitions", "dask.array.apply_gufunc", "xarray.map_blocks",
                             "dask.bag.map", "dask.bag.map_partitions", "dask.array.core.map_blocks"})
_PARTIAL = frozenset({"functools.partial"})
_CLIENT_TYPES = ("Client", "get_client")
#: Calls that start or join a cluster: dask then runs tasks there, not in local threads.
_CLUSTER_MAKERS = ("Client", "Cluster", "get_client")
_CLUSTER_TOPS = ("dask", "distributed", "coiled")


@dataclass
class Shipping:
    """What one module ships: function nodes (by ``id``) and the call that ships each."""

    nodes: dict[int, str] = field(default_factory=dict)
    """id(FunctionDef or Lambda) -> how it is shipped (``client.submit``, ``@dask.delayed``)."""
    names: dict[str, str] = field(default_factory=dict)
    """Dotted names of functions of other modules shipped here -> how."""
    client: bool = False
    """The module makes a distributed client or cluster (a script that starts the cluster)."""
    remote: set[int] = field(default_factory=set)
    """Nodes shipped by a client or by coiled: remote even in a file that starts no cluster (dask's
    own mechanisms, delayed or map_partitions, run in local threads there)."""
    is_dask: Any = None
    """The analysis' test for an expression built from a dask collection (for made_files)."""


def imports_of(tree: ast.Module) -> dict[str, str]:
    """Every import in the module, wherever it is (local name -> dotted name)."""
    out: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                out[alias.asname or alias.name.split(".", 1)[0]] = alias.name if alias.asname else \
                    alias.name.split(".", 1)[0]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                if alias.name != "*":
                    out[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return out


class _Analysis:
    def __init__(self, tree: ast.Module) -> None:
        self.imports = imports_of(tree)
        self.defs: dict[str, list[ast.AST]] = {}
        self.assigned: dict[str, list[ast.expr]] = {}
        self.calls: list[ast.Call] = []
        self.decorated: list[ast.AST] = []
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self.defs.setdefault(node.name, []).append(node)
                if node.decorator_list:
                    self.decorated.append(node)
            elif isinstance(node, ast.Call):
                self.calls.append(node)
            elif isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        self.assigned.setdefault(target.id, []).append(node.value)
            elif isinstance(node, (ast.With, ast.AsyncWith)):
                for item in node.items:
                    if isinstance(item.optional_vars, ast.Name):
                        self.assigned.setdefault(item.optional_vars.id, []).append(item.context_expr)
        self.shipping = Shipping()
        self._dask_names: dict[str, bool] = {}
        self._client_names: dict[str, bool] = {}
        mentions_cluster = any(v.split(".", 1)[0] in _CLUSTER_TOPS for v in self.imports.values())
        self.client_by_name = mentions_cluster

    def qualify(self, node: ast.expr) -> str | None:
        if isinstance(node, ast.Name):
            return self.imports.get(node.id)
        if isinstance(node, ast.Attribute):
            base = self.qualify(node.value)
            return f"{base}.{node.attr}" if base is not None else None
        return None

    # -- what kind of object an expression is ---------------------------------------------------
    def is_client(self, node: ast.expr, depth: int = 0) -> bool:
        if depth > 6:
            return False
        if isinstance(node, ast.Call):
            name = self.qualify(node.func)
            if name is not None and name.split(".", 1)[0] in _CLUSTER_TOPS and name.endswith(_CLIENT_TYPES):
                return True
            return isinstance(node.func, ast.Attribute) and node.func.attr == "get_client"
        if isinstance(node, ast.Name):
            if node.id not in self._client_names:
                self._client_names[node.id] = False  # a cycle is no client
                self._client_names[node.id] = (node.id == "client" and self.client_by_name) or any(
                    self.is_client(v, depth + 1) for v in self.assigned.get(node.id, ()))
            return self._client_names[node.id]
        return False

    def is_dask(self, node: ast.expr, depth: int = 0) -> bool:
        """An expression built from a dask collection (``dd.read_csv(...)["x"].str``, ``db.from_sequence(...)``)."""
        if depth > 12:
            return False
        if isinstance(node, ast.Call):
            name = self.qualify(node.func)
            if name is not None:
                return name.startswith(("dask.", "dask_cudf."))
            return isinstance(node.func, ast.Attribute) and self.is_dask(node.func.value, depth + 1)
        if isinstance(node, (ast.Attribute, ast.Subscript)):
            return self.is_dask(node.value, depth + 1)
        if isinstance(node, ast.Name):
            if node.id not in self._dask_names:
                self._dask_names[node.id] = False
                values = self.assigned.get(node.id, ())
                self._dask_names[node.id] = bool(values) and all(self.is_dask(v, depth + 1) for v in values)
            return self._dask_names[node.id]
        return False

    # -- shipping -------------------------------------------------------------------------------
    def ship(self, node: ast.expr | None, how: str, remote: bool = False) -> None:
        if node is None:
            return
        if isinstance(node, ast.Lambda):
            self.shipping.nodes.setdefault(id(node), how)
            if remote:
                self.shipping.remote.add(id(node))
        elif isinstance(node, ast.Name):
            local = self.defs.get(node.id)
            if local:
                for fn in local:
                    self.shipping.nodes.setdefault(id(fn), how)
                    if remote:
                        self.shipping.remote.add(id(fn))
            elif node.id in self.imports:
                self.shipping.names.setdefault(self.imports[node.id], how)
        elif isinstance(node, ast.Attribute):
            name = self.qualify(node)
            if name is not None:
                self.shipping.names.setdefault(name, how)
        elif isinstance(node, ast.Call) and self.qualify(node.func) in _PARTIAL and node.args:
            self.ship(node.args[0], how, remote)

    def run(self) -> Shipping:
        for fn in self.decorated:
            for deco in fn.decorator_list:  # type: ignore[attr-defined]
                name = self.qualify(deco.func if isinstance(deco, ast.Call) else deco)
                if name in _DECORATORS:
                    self.shipping.nodes.setdefault(id(fn), f"@{_short_name(deco)}")
                    if name.startswith("coiled."):
                        self.shipping.remote.add(id(fn))
        for call in self.calls:
            self._call(call)
        self._closure()
        self.shipping.is_dask = self.is_dask
        return self.shipping

    def _call(self, call: ast.Call) -> None:
        func = call.func
        first = call.args[0] if call.args else None
        name = self.qualify(func)
        if name in DELAYED or (isinstance(func, ast.Call) and self.qualify(func.func) == "coiled.function"):
            self.ship(first, _short_name(func), name not in DELAYED)
            return
        if name in _FUNCTION_FORMS:
            self.ship(first, _short_name(func))
            return
        if name is not None and name.split(".", 1)[0] in _CLUSTER_TOPS and name.endswith(_CLUSTER_MAKERS):
            self.shipping.client = True
        elif isinstance(func, ast.Attribute) and func.attr == "get_client":
            self.shipping.client = True
        if not isinstance(func, ast.Attribute):
            return
        attr = func.attr
        if attr in _CLIENT_METHODS and self.is_client(func.value):
            self.ship(first, f"{_short_name(func)}", True)
        elif attr in _DASK_ONLY_METHODS or (attr in _COLLECTION_METHODS and self.is_dask(func.value)):
            self.ship(first, f".{attr}")

    def _closure(self) -> None:
        """Functions of this module called by name from shipped code run in the same task."""
        by_id = {id(fn): fn for fns in self.defs.values() for fn in fns}
        todo = [i for i in self.shipping.nodes if i in by_id]
        while todo:
            fn = by_id[todo.pop()]
            how = self.shipping.nodes[id(fn)]
            for node in ast.walk(fn):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                    for callee in self.defs.get(node.func.id, ()):
                        if id(callee) not in self.shipping.nodes:
                            self.shipping.nodes[id(callee)] = how
                            if id(fn) in self.shipping.remote:
                                self.shipping.remote.add(id(callee))
                            todo.append(id(callee))


def shipping(tree: ast.Module) -> Shipping:
    return _Analysis(tree).run()


def _short_name(node: ast.expr) -> str:
    text = ast.unparse(node)
    return text if len(text) <= 40 else text[:37] + "..."
