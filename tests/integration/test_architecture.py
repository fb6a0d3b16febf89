"""The house rules of docs/dev/architecture.md, checked on the source tree.

Data flows one way (facts -> rules -> diagnostics -> reporters), so the import graph must have no cycle
and no edge against that flow. Sizes stay small enough to read: no module over 600 lines, no function
over 80, at most ten entries at the top of ``envlint/facts``. These are read from the files with ``ast``;
nothing is imported.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
while not (REPO / "pyproject.toml").is_file():
    REPO = REPO.parent


def _modules() -> dict[str, Path]:
    mods: dict[str, Path] = {}
    for base, package in ((REPO / "envlint", "envlint"), (REPO / "rules", "envlint.rules")):
        for path in sorted(base.rglob("*.py")):
            parts = list(path.relative_to(base).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            mods[".".join([package, *parts])] = path
    return mods


MODULES = _modules()
TREES = {name: ast.parse(path.read_text(encoding="utf-8")) for name, path in MODULES.items()}


def _imports(name: str) -> set[str]:
    """Every envlint module ``name`` imports, at any depth of the file (lazy imports count)."""
    found: set[str] = set()
    package = name if MODULES[name].name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(TREES[name]):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in MODULES)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base]) if base else ".".join(anchor)
            if base in MODULES:
                found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names if f"{base}.{alias.name}" in MODULES)
    found.discard(name)
    return found


GRAPH = {name: _imports(name) for name in MODULES}


def _cycles() -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    result: list[list[str]] = []
    counter = 0
    for root in sorted(GRAPH):
        if root in index:
            continue
        work = [(root, iter(sorted(GRAPH[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(GRAPH[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    result.append(sorted(component))
    return result


def test_no_import_cycle() -> None:
    assert _cycles() == []


# (importer prefix, forbidden import prefixes): the one-way flow of the architecture.
LAYERS = [
    ("envlint.index", ["envlint.facts", "envlint.rules", "envlint.engine", "envlint.registry", "envlint.reporters", "envlint.cli", "envlint.docs"]),
    ("envlint.facts", ["envlint.rules", "envlint.engine", "envlint.registry", "envlint.reporters", "envlint.cli", "envlint.docs"]),
    ("envlint.rules", ["envlint.engine", "envlint.reporters", "envlint.cli", "envlint.docs"]),
    ("envlint.reporters", ["envlint.facts", "envlint.index", "envlint.rules", "envlint.registry", "envlint.docs", "envlint.cli", "envlint.engine"]),
    ("envlint.diagnostics", ["envlint.facts", "envlint.index", "envlint.rules", "envlint.engine", "envlint.registry", "envlint.reporters"]),
]


def _under(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


@pytest.mark.parametrize(("importer", "forbidden"), LAYERS, ids=[layer[0] for layer in LAYERS])
def test_imports_follow_the_data_flow(importer: str, forbidden: list[str]) -> None:
    against = sorted(
        f"{name} imports {target}"
        for name, targets in GRAPH.items()
        if _under(name, importer)
        for target in targets
        if any(_under(target, prefix) for prefix in forbidden)
    )
    assert against == []


def test_a_rule_never_imports_another_rule() -> None:
    """Rules are independent units; a family may share wording through a private ``rules/_*.py``."""
    def rule_of(module: str) -> str:
        return ".".join(module.split(".")[:3])

    crossing = sorted(
        f"{name} imports {target}"
        for name, targets in GRAPH.items()
        if name.startswith("envlint.rules.")
        for target in targets
        if target.startswith("envlint.rules.") and rule_of(target) != rule_of(name)
        and not target.startswith("envlint.rules._")  # a family's shared wording (rules/_data_messages.py)
    )
    assert crossing == []


def test_findings_are_made_only_in_rules() -> None:
    """A verdict (message, help) is built in its rule; facts and the engine only pass facts on."""
    makers = sorted(
        f"{name}:{node.lineno}"
        for name, tree in TREES.items()
        if not name.startswith("envlint.rules")
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Finding"
    )
    assert makers == []


def test_modules_and_functions_stay_small() -> None:
    long_modules = sorted(
        f"{name}: {n} lines"
        for name, path in MODULES.items()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > 600
    )
    long_functions = sorted(
        f"{name}.{node.name}: {node.end_lineno - node.lineno + 1} lines"
        for name, tree in TREES.items()
        for node in ast.walk(tree)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.end_lineno - node.lineno + 1 > 80
    )
    assert (long_modules, long_functions) == ([], [])


def test_facts_top_level_shows_the_groups() -> None:
    entries = sorted(p.name for p in (REPO / "envlint" / "facts").iterdir() if p.name != "__pycache__")
    assert len(entries) <= 10, entries


def test_the_architecture_doc_names_every_folder_and_module_of_the_engine() -> None:
    """docs/dev/architecture.md draws the tree: each engine module and facts folder is in it, and
    every ``.py`` file it names exists."""
    doc = (REPO / "docs" / "dev" / "architecture.md").read_text(encoding="utf-8")
    engine = sorted(p.name for p in (REPO / "envlint").glob("*.py") if p.name not in ("__init__.py", "__main__.py"))
    groups = sorted(p.name + "/" for p in (REPO / "envlint" / "facts").iterdir() if p.is_dir() and p.name != "__pycache__")
    assert [name for name in engine + groups if name not in doc] == []
    named = set(re.findall(r"\b([a-z_0-9]+\.py)\b", doc))
    existing = {p.name for p in REPO.glob("envlint/**/*.py")} | {p.name for p in REPO.glob("rules/**/*.py")} \
        | {p.name for p in REPO.glob("tests/**/*.py")} | {"setup.py"}
    assert sorted(named - existing) == []


def test_every_package_of_the_tree_is_in_the_wheel() -> None:
    """pyproject.toml lists envlint's packages by hand (rules/ is mapped to envlint.rules): a package
    missing there is missing from `pip install .` while the editable install used by the tests still
    works. envlint's own BLD005 found BLD002's package missing this way."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    listed = set(tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    packages = {name for name, path in MODULES.items() if path.name == "__init__.py"}
    packages |= {"envlint.data"}  # data only: no module of its own but __init__.py
    assert sorted(packages - listed) == []
