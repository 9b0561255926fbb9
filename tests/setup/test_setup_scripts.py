"""The set-up scripts on a fresh clone: ``install_odoo`` of scripts/lib.sh run for real against a
stub Odoo 19 tree, in a private virtual environment (the machine's own Odoo is never touched).

Each path of ``ODOO_SOURCE`` is tried: a directory, an archive file, an URL of an archive
(``file://``, as curl reads it), and wrong values that must fail with a clear message."""

import os
import shutil
import subprocess
import sys
import tarfile
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LIB = ROOT / "scripts" / "lib.sh"

pytestmark = pytest.mark.skipif(
    not shutil.which("bash") or sys.platform != "linux", reason="the scripts are bash on Linux"
)


def _stub_odoo(where: Path) -> Path:
    tree = where / "odoo-19.0"
    (tree / "odoo").mkdir(parents=True)
    (tree / "odoo" / "__init__.py").write_text("")
    (tree / "odoo" / "release.py").write_text('version = "19.0"\nversion_info = (19, 0)\n')
    # Odoo's requirements use environment markers; the translator must cope with them
    (tree / "requirements.txt").write_text(
        "pypiwin32 ; sys_platform == 'win32'\npython-ldap==3.4.4 ; sys_platform != 'win32'\n"
    )
    (tree / "setup.py").write_text(
        textwrap.dedent(
            """
            from setuptools import setup
            setup(name="odoo", version="19.0", packages=["odoo"])
            """
        )
    )
    return tree


@pytest.fixture(scope="module")
def venv(tmp_path_factory):
    """A virtual environment without the machine's packages: Odoo is not importable there."""
    path = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", str(path)], check=True)
    python = path / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "packaging", "wheel", "setuptools"],
        check=True,
    )
    return python


def _install(python, state, source, check=True):
    """Source lib.sh in a fresh bash and call install_odoo, as scripts/test does."""
    subprocess.run(
        [str(python), "-m", "pip", "uninstall", "-q", "-y", "odoo"], capture_output=True
    )
    env = dict(os.environ, PYTHON=str(python), SOCIAL_CRM_STATE=str(state))
    env["ODOO_SOURCE"] = str(source)
    proc = subprocess.run(
        ["bash", "-c", f'source "{LIB}" && install_odoo && echo INSTALLED'],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if check:
        assert proc.returncode == 0, proc.stderr
        assert "INSTALLED" in proc.stdout
    return proc


def _imports_odoo(python):
    out = subprocess.run(
        [str(python), "-c", "import odoo.release as r; print(r.version)"],
        capture_output=True, text=True, cwd="/",
    )
    return out.stdout.strip()


def test_directory_on_a_fresh_clone(venv, tmp_path):
    """The state folder does not exist yet (a fresh clone): it used to stop at once."""
    tree = _stub_odoo(tmp_path)
    state = tmp_path / "fresh" / ".local"
    assert not state.exists()
    _install(venv, state, tree)
    assert _imports_odoo(venv) == "19.0"
    reqs = (state / "odoo-requirements.txt").read_text()
    assert "ldap" not in reqs and "pypiwin32" not in reqs


def test_archive_file(venv, tmp_path):
    tree = _stub_odoo(tmp_path)
    archive = tmp_path / "odoo-19.0.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(tree, arcname="odoo-19.0")
    state = tmp_path / "state"
    _install(venv, state, archive)
    assert _imports_odoo(venv) == "19.0"


def test_archive_url(venv, tmp_path):
    if not shutil.which("curl"):
        pytest.skip("curl is not installed")
    tree = _stub_odoo(tmp_path)
    archive = tmp_path / "odoo.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(tree, arcname="odoo-19.0")
    _install(venv, tmp_path / "state", f"file://{archive}")
    assert _imports_odoo(venv) == "19.0"


def test_already_importable_is_used_as_it_is(venv, tmp_path):
    tree = _stub_odoo(tmp_path)
    _install(venv, tmp_path / "state", tree)
    env = dict(os.environ, PYTHON=str(venv), SOCIAL_CRM_STATE=str(tmp_path / "state2"),
               ODOO_SOURCE="/nonexistent")
    proc = subprocess.run(
        ["bash", "-c", f'source "{LIB}" && install_odoo && echo OK'],
        env=env, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0 and "OK" in proc.stdout, proc.stderr
    assert "installing Odoo" not in proc.stderr


@pytest.mark.parametrize(
    "source, message",
    [
        ("/nonexistent/odoo-19.0", "neither a directory, nor an archive file, nor an URL"),
        ("file:///nonexistent/odoo.tar.gz", "could not download Odoo"),
    ],
)
def test_wrong_source_says_what_to_do(venv, tmp_path, source, message):
    proc = _install(venv, tmp_path / "state", source, check=False)
    assert proc.returncode != 0
    assert message in proc.stderr
    assert "ODOO_SOURCE" in proc.stderr


def test_directory_that_is_no_odoo(venv, tmp_path):
    (tmp_path / "empty").mkdir()
    proc = _install(venv, tmp_path / "state", tmp_path / "empty", check=False)
    assert proc.returncode != 0
    assert "does not look like an Odoo source tree" in proc.stderr


def test_archive_without_odoo(venv, tmp_path):
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / "README").write_text("nothing")
    archive = tmp_path / "junk.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(tmp_path / "junk", arcname="junk")
    proc = _install(venv, tmp_path / "state", archive, check=False)
    assert proc.returncode != 0
    assert "holds no Odoo source tree" in proc.stderr
