"""Small C extensions compiled here with gcc (SYS001, BLD003, BLD004 tests).

The seed case: psycopg2 built from source links the system's ``libpq.so.5``, which nothing installed
provides. Twins: an extension linking only allow-listed libraries (libz, libm), one whose library is
bundled in its own ``.libs``, one whose library another installed distribution ships, and an index
wheel (never read). Damaged ``.so`` files are EL001 and hide nothing.
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import sysconfig
from pathlib import Path

import pytest

from tests.helpers.support import make_venv, make_wheel, pip_install, site_packages


EXT = sysconfig.get_config_var("EXT_SUFFIX") or ".so"
PY = f"cp{sysconfig.get_python_version().replace('.', '')}"
PLATFORM = sysconfig.get_platform().replace("-", "_").replace(".", "_")  # linux_x86_64: built here
LOCAL_TAG = f"{PY}-{PY}-{PLATFORM}"
INDEX_TAG = f"{PY}-{PY}-manylinux_2_17_{PLATFORM.split('_', 1)[1]}"


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; .ci/run installs it")
    pytest.skip(reason)


def compile_so(out: Path, source: str, *link: str) -> bytes:
    """Build a shared object with gcc; every -l library becomes a DT_NEEDED entry."""
    if not shutil.which("gcc"):
        _unavailable("gcc is not installed")
    out.parent.mkdir(parents=True, exist_ok=True)
    src = out.with_suffix(".c")
    src.write_text(source)
    proc = subprocess.run(["gcc", "-shared", "-fPIC", "-o", str(out), str(src), "-Wl,--no-as-needed", *link],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        _unavailable(f"cannot link {' '.join(link)}: {proc.stderr.strip().splitlines()[-1:]}")
    return out.read_bytes()


def extension(name: str, calls: str = "0") -> str:
    return f"void *PyInit_{name}(void) {{ return (void *)(long)({calls}); }}\n"


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("sys001")
    obj = base / "obj"
    wheels = base / "wheels"
    # psycopg2 built from source against the system's libpq
    pq = compile_so(obj / "pq.so", "extern int PQlibVersion(void);\n" + extension("_psycopg", "PQlibVersion()"),
                    "-lpq")
    make_wheel(wheels, "psycopg2", "2.9.9", tag=LOCAL_TAG, files={"psycopg2/__init__.py": "",
                                                                  f"psycopg2/_psycopg{EXT}": pq})
    # only allow-listed libraries
    zext = compile_so(obj / "z.so", "extern const char *zlibVersion(void);\nextern double cos(double);\n"
                      + extension("_z", "zlibVersion() != 0 && cos(0.0) > 0"), "-lz", "-lm")
    make_wheel(wheels, "zext", "1.0", tag=LOCAL_TAG, files={f"zext/_z{EXT}": zext})
    # its library is bundled in its own .libs
    helper = compile_so(obj / "libhelper-1a2b3c4d.so.1", "int helper(void) { return 1; }\n",
                        "-Wl,-soname,libhelper-1a2b3c4d.so.1")
    bundled = compile_so(obj / "bundled.so", "extern int helper(void);\n" + extension("_b", "helper()"),
                         f"-L{obj}", "-l:libhelper-1a2b3c4d.so.1")
    make_wheel(wheels, "bundler", "1.0", tag=LOCAL_TAG, files={f"bundler/_b{EXT}": bundled,
                                                               "bundler.libs/libhelper-1a2b3c4d.so.1": helper})
    # its library is shipped by another installed distribution (as nvidia-* wheels ship CUDA)
    shared = compile_so(obj / "libshared.so.7", "int shared(void) { return 7; }\n", "-Wl,-soname,libshared.so.7")
    uses = compile_so(obj / "uses.so", "extern int shared(void);\n" + extension("_u", "shared()"),
                      f"-L{obj}", "-l:libshared.so.7")
    make_wheel(wheels, "usesshared", "1.0", tag=LOCAL_TAG, files={f"usesshared/_u{EXT}": uses})
    make_wheel(wheels, "sharedprovider", "1.0", tag=INDEX_TAG, files={"sharedprovider/lib/libshared.so.7": shared})
    # libexpat is on the manylinux_2_17 allow-list but not on manylinux_2_5's
    expat = compile_so(obj / "expat.so", "extern const char *XML_ExpatVersion(void);\n"
                       + extension("_x", "XML_ExpatVersion() != 0"), "-lexpat")
    make_wheel(wheels, "expatext", "1.0", tag=LOCAL_TAG, files={f"expatext/_x{EXT}": expat})
    # an index wheel is never read, even when it links libpq or holds a damaged file
    make_wheel(wheels, "indexpq", "1.0", tag=INDEX_TAG, files={f"indexpq/_pq{EXT}": pq,
                                                               f"indexpq/_bad{EXT}": b"\x7fELF\x02"})
    # damaged files in a locally built distribution: EL001, and the run goes on
    make_wheel(wheels, "brokenext", "1.0", tag=LOCAL_TAG, files={
        f"brokenext/_trunc{EXT}": b"\x7fELF\x02\x01\x01" + b"\0" * 9,
        "brokenext/_text.so": b"INPUT(-lfoo)\n",
    })
    # built on a Mac and installed from an archive; its WHEEL file is gone, so only the file headers tell
    macho = struct.pack("<IiiIIIII", 0xFEEDFACF, 0x0100000C, 0, 8, 0, 0, 0, 0)
    machoext = make_wheel(base / "archives", "machoext", "1.0", tag=LOCAL_TAG, files={f"machoext/_m{EXT}": macho})
    venv = make_venv(base / "venv")
    pip_install(venv, "psycopg2", "zext", "bundler", "usesshared", "sharedprovider", "expatext", "indexpq",
                "brokenext", machoext, find_links=wheels)
    (site_packages(venv) / "machoext-1.0.dist-info" / "WHEEL").unlink()
    project = base / "project"
    project.mkdir()
    (project / "requirements.txt").write_text("psycopg2==2.9.9\n")
    return venv, project
