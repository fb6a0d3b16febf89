"""BLD001 sees the imports that run at build time wherever they sit, each with a near-miss twin.

The setup.py files are shaped like real ones: pybind11's python_example helper class (fasttext 0.9.2
ships it verbatim, with a pip-install fallback), ``numpy_include()`` in ``include_dirs``, a ``build_ext``
subclass that imports numpy in ``finalize_options`` (ecos, scs, osqp), torch's ``cpp_extension``
(torch-scatter), ``sys.path`` edits to a build-support folder, and ``pkg_resources`` (lap, cyvcf2).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.project_cases import environ, found, lint, messages

PYBIND_HELPER = '''
import sys
import subprocess
from setuptools import setup, Extension
from setuptools.command.build_ext import build_ext


class get_pybind_include(object):
    """Helper class to determine the pybind11 include path

    The purpose of this class is to postpone importing pybind11
    until it is actually installed, so that the ``get_include()``
    method can be invoked. """

    def __init__(self, user=False):
        self.user = user

    def __str__(self):
        import pybind11
        return pybind11.get_include(self.user)


ext_modules = [
    Extension(
        'python_example',
        ['src/main.cpp'],
        include_dirs=[
            # Path to pybind11 headers
            get_pybind_include(),
            get_pybind_include(user=True)
        ],
        language='c++'
    ),
]

setup(
    name='python_example',
    version='0.0.1',
    ext_modules=ext_modules,
    install_requires=['pybind11>=2.2'],
    SETUP_REQUIRES
    zip_safe=False,
)
'''


def _write(root: Path, files: dict[str, str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def _bld001(tmp_path: Path, files: dict[str, str]) -> dict:
    project = _write(tmp_path / "proj", files)
    _, report = lint(project, "--select", "BLD001", env=environ(tmp_path))
    return report


def test_pybind11_helper_class_str_runs_during_the_build(tmp_path: Path) -> None:
    report = _bld001(tmp_path, {"setup.py": PYBIND_HELPER.replace("SETUP_REQUIRES", "")})
    assert found(report, "BLD001") == [("setup.py", 19)]
    [message] = messages(report, "BLD001")
    assert "setup.py imports pybind11 at build time" in message
    assert "setup_requires does not list it either" in message


def test_pybind11_helper_with_setup_requires_is_clean(tmp_path: Path) -> None:
    # setuptools.build_meta hands setup_requires to pip before the build proper, and __str__ runs inside
    # setup() (build_ext), so the lazy import finds pybind11
    setup = PYBIND_HELPER.replace("SETUP_REQUIRES", "setup_requires=['pybind11>=2.2'],")
    assert _bld001(tmp_path, {"setup.py": setup})["diagnostics"] == []


def test_pip_install_fallback_is_not_a_declaration(tmp_path: Path) -> None:
    # fasttext 0.9.2's helper: its real isolated build fails with No module named 'pybind11'
    setup = PYBIND_HELPER.replace("SETUP_REQUIRES", "").replace(
        "        self.user = user\n",
        "        try:\n            import pybind11\n        except ImportError:\n"
        "            if subprocess.call([sys.executable, '-m', 'pip', 'install', 'pybind11']):\n"
        "                raise RuntimeError('pybind11 install failed.')\n        self.user = user\n")
    report = _bld001(tmp_path, {"setup.py": setup})
    # one finding for pybind11 in setup.py, at its first import (the guarded one in __init__)
    assert found(report, "BLD001") == [("setup.py", 17)]
    [message] = messages(report, "BLD001")
    assert "runs `pip install` in a subprocess, which is not a declaration" in message


def test_fallback_that_really_falls_back_stays_unreported(tmp_path: Path) -> None:
    setup = '''
from setuptools import setup, Extension

def get_ext():
    try:
        from Cython.Build import cythonize
    except ImportError:
        return [Extension("fast", ["fast.c"])]
    return cythonize([Extension("fast", ["fast.pyx"])])

setup(name="fast", version="1.0", ext_modules=get_ext())
'''
    assert _bld001(tmp_path, {"setup.py": setup})["diagnostics"] == []


def test_fallback_that_exits_is_reported(tmp_path: Path) -> None:
    setup = '''
import sys
from setuptools import setup, Extension

def get_ext():
    try:
        from Cython.Build import cythonize
    except ImportError:
        sys.exit("Cython is required to build this package")
    return cythonize([Extension("fast", ["fast.pyx"])])

setup(name="fast", version="1.0", ext_modules=get_ext())
'''
    report = _bld001(tmp_path, {"setup.py": setup})
    assert found(report, "BLD001") == [("setup.py", 7)]
    assert "imports Cython" in messages(report, "BLD001")[0]


NUMPY_INCLUDE = '''
from setuptools import setup, Extension


def numpy_include():
    import numpy
    return numpy.get_include()


def unused_helper():
    import scipy
    return scipy.__version__


setup(
    name="lapx",
    version="0.1",
    ext_modules=[Extension("lapx._lap", ["lapx/_lap.c"], include_dirs=[INCLUDE])],
)
'''


def test_function_called_from_setup_arguments(tmp_path: Path) -> None:
    report = _bld001(tmp_path, {"setup.py": NUMPY_INCLUDE.replace("INCLUDE", "numpy_include()")})
    assert found(report, "BLD001") == [("setup.py", 6)]  # not scipy: unused_helper() never runs
    assert "imports numpy" in messages(report, "BLD001")[0]


def test_function_defined_but_not_called_is_clean(tmp_path: Path) -> None:
    report = _bld001(tmp_path, {"setup.py": NUMPY_INCLUDE.replace("INCLUDE", '"include"')})
    assert report["diagnostics"] == []


BUILD_EXT = '''
from setuptools import setup, Extension
from setuptools.command.build_ext import build_ext as _build_ext


class build_ext(_build_ext):
    def finalize_options(self):
        _build_ext.finalize_options(self)
        self.include_dirs.append(self._numpy_dir())

    def _numpy_dir(self):
        import numpy
        return numpy.get_include()


class CythonSdist(object):
    def run(self):
        from Cython.Build import cythonize
        cythonize(["ecos/_ecos.pyx"])


setup(
    name="ecoslike",
    version="2.0",
    cmdclass={"COMMAND": build_ext, "sdist": CythonSdist},
    ext_modules=[Extension("_ecos", ["src/ecosmodule.c"])],
    EXTRA
)
'''


def test_cmdclass_build_ext_methods_run(tmp_path: Path) -> None:
    setup = BUILD_EXT.replace("COMMAND", "build_ext").replace("EXTRA", "")
    report = _bld001(tmp_path, {"setup.py": setup})
    # numpy through finalize_options -> self._numpy_dir(); not Cython: sdist does not run for a wheel
    assert found(report, "BLD001") == [("setup.py", 12)]
    assert "imports numpy" in messages(report, "BLD001")[0]


def test_cmdclass_build_ext_with_setup_requires_is_clean(tmp_path: Path) -> None:
    setup = BUILD_EXT.replace("COMMAND", "build_ext").replace("EXTRA", 'setup_requires=["numpy"],')
    assert _bld001(tmp_path, {"setup.py": setup})["diagnostics"] == []


def test_command_that_a_wheel_build_does_not_run_is_clean(tmp_path: Path) -> None:
    setup = BUILD_EXT.replace("COMMAND", "develop").replace("class build_ext(_build_ext)",
                                                            "class build_ext(object)").replace("EXTRA", "")
    assert _bld001(tmp_path, {"setup.py": setup})["diagnostics"] == []


TORCH = '''
import os
import torch
from setuptools import setup, find_packages
from torch.utils.cpp_extension import BuildExtension, CppExtension, CUDAExtension


def get_extensions():
    extensions = []
    main_files = ["csrc/scatter.cpp"]
    Extension = CUDAExtension if torch.cuda.is_available() else CppExtension
    extensions.append(Extension("torch_scatter._scatter", main_files))
    return extensions


setup(
    name="torch_scatter",
    version="2.1.2",
    ext_modules=get_extensions(),
    cmdclass={"build_ext": BuildExtension.with_options(no_python_abi_suffix=True, use_ninja=False)},
    packages=find_packages(),
)
'''


def test_torch_cpp_extension_is_one_finding(tmp_path: Path) -> None:
    report = _bld001(tmp_path, {"setup.py": TORCH})
    assert found(report, "BLD001") == [("setup.py", 3)]
    [message] = messages(report, "BLD001")
    assert "imports torch at build time" in message and "(torch)" in message


def test_torch_declared_in_build_system_is_clean(tmp_path: Path) -> None:
    report = _bld001(tmp_path, {"setup.py": TORCH, "pyproject.toml":
                                '[build-system]\nrequires = ["setuptools", "torch"]\n'
                                'build-backend = "setuptools.build_meta"\n'})
    assert report["diagnostics"] == []


SYS_PATH = '''
import os
import sys
from setuptools import setup

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, PATH)
import build_helpers

setup(name="withhelpers", version="1.0", ext_modules=build_helpers.extensions())
'''


@pytest.mark.parametrize("path", ['os.path.join(os.path.dirname(__file__), "build_support")',
                                  'os.path.join(HERE, "build_support")', '"build_support"'])
def test_sys_path_edit_makes_a_local_module_resolvable(tmp_path: Path, path: str) -> None:
    report = _bld001(tmp_path, {"setup.py": SYS_PATH.replace("PATH", path),
                                "build_support/build_helpers.py": "import os\n\n\ndef extensions():\n"
                                                                  "    import numpy\n    return []\n"})
    # build_helpers is in the sdist; what its function imports is what is missing
    assert found(report, "BLD001") == [("build_support/build_helpers.py", 5)]
    assert "build_support/build_helpers.py (imported by setup.py) imports numpy" in messages(report, "BLD001")[0]


def test_sys_path_edit_that_cannot_be_evaluated_leaves_the_import_missing(tmp_path: Path) -> None:
    report = _bld001(tmp_path, {"setup.py": SYS_PATH.replace("PATH", 'os.environ["HELPERS"]'),
                                "build_support/build_helpers.py": "def extensions():\n    return []\n"})
    assert found(report, "BLD001") == [("setup.py", 8)]
    assert "imports build_helpers" in messages(report, "BLD001")[0]


LOCAL_MODULE = '''
from setuptools import setup
from tools.extensions import get_extensions

setup(name="mono", version="1.0", ext_modules=CALL)
'''


def test_function_in_a_local_module_called_from_setup(tmp_path: Path) -> None:
    report = _bld001(tmp_path, {"setup.py": LOCAL_MODULE.replace("CALL", "get_extensions()"),
                                "tools/__init__.py": "",
                                "tools/extensions.py": "def get_extensions():\n    from Cython.Build import cythonize\n"
                                                       "    return cythonize(['mono/fast.pyx'])\n"})
    assert found(report, "BLD001") == [("tools/extensions.py", 2)]


def test_function_in_a_local_module_not_called_is_clean(tmp_path: Path) -> None:
    report = _bld001(tmp_path, {"setup.py": LOCAL_MODULE.replace("CALL", "[]"),
                                "tools/__init__.py": "",
                                "tools/extensions.py": "def get_extensions():\n    from Cython.Build import cythonize\n"
                                                       "    return cythonize(['mono/fast.pyx'])\n"})
    assert report["diagnostics"] == []


def test_call_under_a_condition_stays_conditional(tmp_path: Path) -> None:
    setup = NUMPY_INCLUDE.replace("INCLUDE", '"include"').replace(
        "setup(", 'import os\nif os.environ.get("WITH_NUMPY"):\n    numpy_include()\n\nsetup(')
    assert _bld001(tmp_path, {"setup.py": setup})["diagnostics"] == []


PKG_RESOURCES = '''
from pkg_resources import parse_version
from setuptools import setup

setup(name="lapish", version=str(parse_version("0.4")))
'''


def test_pkg_resources_is_gone_from_the_newest_setuptools(tmp_path: Path) -> None:
    report = _bld001(tmp_path, {"setup.py": PKG_RESOURCES})
    assert found(report, "BLD001") == [("setup.py", 2)]
    [diag] = [d for d in report["diagnostics"] if d["code"] == "BLD001"]
    assert "setuptools 82 and later no longer include pkg_resources" in diag["message"]
    assert '"setuptools<82"' in diag["help"]


def test_pkg_resources_with_setuptools_capped_is_clean(tmp_path: Path) -> None:
    report = _bld001(tmp_path, {"setup.py": PKG_RESOURCES, "pyproject.toml":
                                '[build-system]\nrequires = ["setuptools>=40.8.0,<70"]\n'
                                'build-backend = "setuptools.build_meta:__legacy__"\n'})
    assert report["diagnostics"] == []


def test_setup_requires_in_a_dict_built_up_in_code_may_cover_command_classes(tmp_path: Path) -> None:
    # numpy-quaternion 2019.12.11: setup(**setup_metadata), setup_requires set under an if; its real
    # isolated build gets past build_ext.finalize_options' `import numpy` and compiles
    setup = BUILD_EXT.replace("COMMAND", "build_ext").replace("EXTRA", "").replace(
        "setup(\n", 'metadata = dict(name="ecoslike")\nif True:\n    metadata["setup_requires"] = ["numpy"]\n'
        "setup(**metadata,\n")
    assert _bld001(tmp_path, {"setup.py": setup})["diagnostics"] == []


REAL = Path(__file__).resolve().parent.parent / "fixtures" / "real_setup_py"


@pytest.mark.parametrize(("name", "expected"), [
    ("fasttext", [("setup.py", 38, "pybind11")]),
    ("qdldl", [("setup.py", 24, "pybind11")]),
    ("pyhacrf", [("setup.py", 10, "numpy")]),
    ("lap", [("setup.py", 4, "pkg_resources")]),
    ("numpy-quaternion", []),
])
def test_real_setup_py_agrees_with_its_real_isolated_build(tmp_path: Path, name: str,
                                                           expected: list[tuple[str, int, str]]) -> None:
    import shutil

    project = shutil.copytree(REAL / name, tmp_path / name)
    _, report = lint(project, "--select", "BLD001", env=environ(tmp_path))
    got = [(d["path"], d["line"], d["message"].split(" imports ", 1)[1].split(" ", 1)[0])
           for d in report["diagnostics"] if d["code"] == "BLD001"]
    assert got == expected


def test_sys_path_append_of_a_pathlib_path(tmp_path: Path) -> None:
    setup = ('import sys\nfrom pathlib import Path\nfrom setuptools import setup\n\n'
             'sys.path.append(str(Path(__file__).resolve().parent / "tools"))\n'
             'from versioning import get_version\n\nsetup(name="withtools", version=get_version())\n')
    report = _bld001(tmp_path, {"setup.py": setup, "tools/versioning.py": "import yaml\n\n\ndef get_version():\n"
                                                                          "    return '1.0'\n"})
    # versioning is in the sdist; its own module-level import of yaml is what the build lacks
    assert found(report, "BLD001") == [("tools/versioning.py", 1)]
    assert "(PyYAML)" in messages(report, "BLD001")[0]
