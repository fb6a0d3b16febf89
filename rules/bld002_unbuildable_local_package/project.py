"""BLD002, the build-file part: what the build files of each local package make pip wheel refuse."""

from __future__ import annotations

from collections.abc import Iterator

from envlint.diagnostics import Finding
from envlint.facts.wheel_build.model import (BackendNotProvided, FlitFindsNoModule, HatchlingFindsNoPackage,
                                       MissingKey, NoBuildFiles, NotAList, NotARequirementString,
                                       NotAString, NotATable, PoetryFindsNoPackage, SetuptoolsFlatLayoutAmbiguous,
                                       SetuptoolsPackageDirMissing, SourceMissing, UnparsableBuildFile,
                                       UnparsableRequirement, UvModuleMissing, UvNamespaceDirMissing,
                                       UvNamespaceParentHasInit)
from envlint.facts.project.model import BuildFailure, LocalPackage


def check(local_packages: list[LocalPackage]) -> Iterator[Finding]:
    for package in local_packages:
        for problem in package.build_problems:
            message, help_text = explain(problem)
            yield Finding(
                message=f"{package.label} cannot be built into a wheel: {message}",
                **problem.where.location,
                package=package.name, package_version=package.version, help=help_text,
            )


def explain(problem: BuildFailure) -> tuple[str, str]:
    """Why the build fails, and how to fix it."""
    words = _build_files(problem) or _selection(problem)
    if words is None:
        raise TypeError(f"BLD002 has no words for {type(problem).__name__}")
    return words


_UNPARSABLE = {
    "pyproject.toml": ("pyproject.toml is not valid TOML ({error}), so no build frontend can read it",
                       "fix the TOML syntax at this line"),
    "setup.cfg": ("setup.cfg does not parse ({error}), so setuptools stops before building",
                  "fix the line (setup.cfg is an INI file: 'key = value' under a [section])"),
    "setup.py": ("setup.py does not parse as Python 3{hint}: {error}",
                 "port setup.py to Python 3 (the build runs it with the workers' Python 3), or replace it "
                 "with a [project] table in pyproject.toml"),
}
_NOT_A_TABLE = {
    "build-system": "write [build-system] as a table with requires and build-backend",
    "project": "write [project] as a table with name and version",
}
_MISSING_KEY = {
    ("build-system", "requires"): (
        "[build-system] has no 'requires' key, which pip and build require, so the package cannot be built",
        'add the build requirements, e.g. requires = ["setuptools>=61"] and build-backend = "setuptools.build_meta"'),
    ("project", "name"): ("[project] has no name, so no build backend accepts it",
                          'add name = "<your-distribution>" to [project]'),
    ("project", "version"): (
        "[project] has no version and does not list it in dynamic, so no build backend accepts it",
        'add version = "0.1.0" to [project], or dynamic = ["version"] when the backend computes it'),
}
_PEP508_EXAMPLE = {"pyproject.toml": 'write a PEP 508 requirement such as "numpy>=1.24" or "pkg @ https://..."',
                   "setup.cfg": "write a PEP 508 requirement such as numpy>=1.24"}


def _build_files(problem: BuildFailure) -> tuple[str, str] | None:
    """The build files are missing or malformed, or the backend is not installed."""
    match problem:
        case SourceMissing(root=root, origin=origin):
            return (f"the source directory {root} of this {origin} install does not exist, so it cannot be built "
                    "into a wheel", "reinstall it from where its source is now (pip install -e <dir>), or uninstall it")
        case NoBuildFiles(root=root):
            return (f"{root} has no pyproject.toml, setup.py or setup.cfg, so pip cannot build it into a wheel",
                    "add a pyproject.toml with [build-system] and [project] tables")
        case UnparsableBuildFile(file=file, error=error, python2=python2):
            message, help_text = _UNPARSABLE[file]
            return message.format(error=error, hint=" (Python 2 syntax?)" if python2 else ""), help_text
        case NotATable(table=table):
            return f"[{table}] must be a table", _NOT_A_TABLE[table]
        case MissingKey(table=table, key=key):
            return _MISSING_KEY[(table, key)]
        case NotAString(setting=setting):
            return f"{setting} must be a string", 'write e.g. build-backend = "setuptools.build_meta"'
        case NotAList(setting=setting):
            return f"{setting} must be a list of requirement strings", f'write {setting} as a list, e.g. ["numpy>=1.24"]'
        case NotARequirementString(setting=setting, item=item):
            return f"{setting} holds {item!r}, which is not a requirement string", "write each requirement as a string"
        case UnparsableRequirement(file=file, setting=setting, text=text, error=error):
            shown = setting if file == "pyproject.toml" else f"{file} {setting}"
            return f"invalid requirement {text!r} in {shown}: {error}", _PEP508_EXAMPLE[file]
        case BackendNotProvided(backend=backend, provider=provider, requires=requires):
            return (f"build-backend {backend!r} comes from {provider}, but [build-system] requires lists "
                    f"{', '.join(requires) or 'nothing'}, so the isolated build cannot import the backend",
                    f'add "{provider}" to [build-system] requires')
    return None


_UV_FIX = ("move the package there, or tell uv where it is: [tool.uv.build-backend] module-name = "
           "\"<import name>\" and module-root = \"\" for a package at the project root")


def _selection(problem: BuildFailure) -> tuple[str, str] | None:
    """The backend refuses the file selection."""
    match problem:
        case SetuptoolsPackageDirMissing(package=package, directory=directory, under_src=under_src):
            hint = " (it is under src/: set package_dir={'': 'src'})" if under_src else ""
            return (f"packages names {package!r}, but its directory {directory}/ does not exist{hint}: setuptools "
                    "stops with \"package directory does not exist\"",
                    "point package_dir at the directory that holds the package, or fix the name")
        case SetuptoolsFlatLayoutAmbiguous(kind="packages", names=names):
            return (f"setuptools' automatic discovery finds several top-level packages in this flat layout "
                    f"({', '.join(names)}) and stops the build to avoid shipping the wrong ones",
                    "name the package: [tool.setuptools] packages = [\"<pkg>\"] in pyproject.toml (or packages=[...] "
                    "in setup.py), or move the code into src/<pkg>/")
        case SetuptoolsFlatLayoutAmbiguous(names=names):
            return (f"setuptools' automatic discovery finds several top-level modules in this flat layout "
                    f"({', '.join(names)}) and stops the build",
                    "name them: py_modules=[...] in setup.py or [tool.setuptools] py-modules = [...]")
        case HatchlingFindsNoPackage(wanted=wanted):
            return (f"hatchling finds no package named like the project ({wanted}/, src/{wanted}/ or {wanted}.py) and "
                    "stops: \"Unable to determine which files to ship inside the wheel\"",
                    "tell hatchling where the code is: [tool.hatch.build.targets.wheel] packages = [\"src/<pkg>\"] (or "
                    "rename the package directory to match the project name)")
        case FlitFindsNoModule(module=module):
            return (f"flit looks for a module named like the project ({module}/__init__.py or {module}.py, also under "
                    "src/) and finds none, so the build stops",
                    "name the module: [tool.flit.module] name = \"<import name>\", or rename the package directory")
        case PoetryFindsNoPackage(module=module):
            return (f"poetry-core looks for a package named like the project ({module}/ or src/{module}/) and finds "
                    "none, so the build stops (\"No file/folder found for package\")",
                    "name the package: [tool.poetry] packages = [{ include = \"<pkg>\", from = \"src\" }]")
        case UvNamespaceDirMissing(directory=directory):
            return f"uv_build expects the module directory {directory}/ and finds none, so the build stops", _UV_FIX
        case UvNamespaceParentHasInit(module=module, parent=parent, parent_module=parent_module):
            return (f"module-name {module!r} makes {parent}/ a namespace package, but it has an __init__.py, so "
                    f"uv_build stops (\"__init__.py is not allowed in parent directory\")",
                    f"delete {parent}/__init__.py, or set module-name = {parent_module!r} to ship the whole package")
        case UvModuleMissing(module=module, init=init):
            return (f"uv_build expects the module {module} at {init} and finds none, so the build stops "
                    f"(\"Expected a Python module at: {init}\")", _UV_FIX)
    return None
