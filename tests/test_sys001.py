"""SYS001 and the native_links fact on small C extensions compiled here with gcc.

The seed case: psycopg2 built from source links the system's ``libpq.so.5``, which nothing installed
provides. Twins: an extension linking only allow-listed libraries (libz, libm), one whose library is
bundled in its own ``.libs``, one whose library another installed distribution ships, and an index
wheel (never read). Damaged ``.so`` files are EL001 and hide nothing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import struct
import sysconfig
from pathlib import Path

import pytest

from support import find, make_venv, make_wheel, pip_install, run_envlint, run_json, site_packages

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


@pytest.fixture(scope="module")
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


def test_psycopg2_built_from_source_needs_libpq(built: tuple[Path, Path]) -> None:
    venv, project = built
    code, report = run_json(project, "--prefix", venv, "--select", "SYS001,EL001")

    assert code == 1
    [pq] = find(report, "SYS001")
    assert pq["package"] == "psycopg2" and pq["package_version"] == "2.9.9"
    assert pq["message"] == (
        "psycopg2 2.9.9 was built on this machine and needs libpq.so.5, which nothing installed provides and is "
        f"not on the manylinux_2_17 allow-list (psycopg2/_psycopg{EXT})")
    assert "install psycopg2-binary instead of psycopg2" in pq["help"]
    assert "conda-forge" in pq["help"] and "libpq-dev" in pq["help"]
    # it points at the declaration the user edits
    assert (pq["path"], pq["line"]) == ("requirements.txt", 1)


def test_damaged_shared_objects_are_el001_and_hide_nothing(built: tuple[Path, Path]) -> None:
    venv, project = built
    _, report = run_json(project, "--prefix", venv, "--select", "SYS001,EL001")
    el001 = {Path(d["path"]).name: d["message"] for d in find(report, "EL001")}
    assert set(el001) == {f"_trunc{EXT}", "_text.so"}, el001  # nothing of the index wheel was read
    assert "truncated or malformed ELF file" in el001[f"_trunc{EXT}"]
    assert "not an ELF, Mach-O or PE file (starts with 49 4e 50 55)" in el001["_text.so"]
    assert all(d["package"] == "brokenext" for d in find(report, "EL001"))
    assert len(find(report, "SYS001", "psycopg2")) == 1


def test_allow_listed_bundled_and_shipped_libraries_are_fine(built: tuple[Path, Path]) -> None:
    venv, project = built
    _, report = run_json(project, "--prefix", venv, "--select", "SYS001")
    assert {d["package"] for d in find(report, "SYS001")} == {"psycopg2"}


def test_the_allow_list_follows_the_glibc_floor(built: tuple[Path, Path]) -> None:
    venv, project = built
    _, report = run_json(project, "--prefix", venv, "--select", "SYS001", "--manylinux-glibc", "2.5")
    [expat] = find(report, "SYS001", "expatext")
    assert "needs libexpat.so.1" in expat["message"] and "manylinux_2_5 allow-list" in expat["message"]


def test_text_output_names_the_library_and_the_remedy(built: tuple[Path, Path]) -> None:
    venv, project = built
    code, out = run_envlint(project, "--prefix", venv, "--select", "SYS001")
    assert code == 1
    assert "requirements.txt:1:1: SYS001 [error] psycopg2 2.9.9 was built on this machine and needs libpq.so.5" in out
    assert "help: install psycopg2-binary instead of psycopg2 (its wheels bundle libpq.so.5)" in out


def test_a_mach_o_extension_without_wheel_file_is_a_foreign_build(built: tuple[Path, Path]) -> None:
    venv, project = built
    _, report = run_json(project, "--prefix", venv, "--select", "BLD004,SYS001,EL001")
    [mac] = find(report, "BLD004")
    assert mac["package"] == "machoext"
    assert mac["message"].startswith("machoext 1.0 was built for macosx_arm64: its compiled code cannot run on "
                                     "linux_x86_64 workers (installed from the archive ")
    assert not find(report, "EL001", "machoext") and not find(report, "SYS001", "machoext")
