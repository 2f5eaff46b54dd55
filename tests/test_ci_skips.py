"""Under ``CI=true`` a skipped test, or a module skipped at import, fails the run (tests/conftest.py);
elsewhere it stays a skip, and an expected failure stays an xfail everywhere."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

CONFTEST = Path(__file__).with_name("conftest.py")
TESTS = '''
import pytest

def test_runs():
    assert True

def test_skips():
    pytest.skip("no browser here")

@pytest.mark.xfail(reason="known", strict=True)
def test_expected_to_fail():
    assert False
'''
IMPORT_SKIP = 'import pytest\npytest.importorskip("a_package_nobody_installs")\n\ndef test_never_runs():\n    pass\n'


@pytest.fixture
def suite(tmp_path: Path) -> Path:
    (tmp_path / "conftest.py").write_text(CONFTEST.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "test_kinds.py").write_text(TESTS, encoding="utf-8")
    (tmp_path / "test_extra.py").write_text(IMPORT_SKIP, encoding="utf-8")
    return tmp_path


def _run(folder: Path, ci: str | None, *files: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    if ci is not None:
        env["CI"] = ci
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rfEsx", *files],
                          cwd=folder, env=env, capture_output=True, text=True, timeout=120, check=False)


def test_skips_fail_under_ci(suite):
    done = _run(suite, "true", "test_kinds.py")
    assert done.returncode == 1, done.stdout
    assert "1 failed, 1 passed, 1 xfailed" in done.stdout, done.stdout
    assert "skipped under CI=true" in done.stdout and "no browser here" in done.stdout


def test_a_module_skipped_at_import_fails_the_collection_under_ci(suite):
    done = _run(suite, "true", "test_extra.py", "test_kinds.py")
    assert done.returncode == 2, done.stdout  # pytest stops at a collection error
    assert "ERROR test_extra.py - skipped under CI=true" in done.stdout, done.stdout
    assert "a_package_nobody_installs" in done.stdout


@pytest.mark.parametrize("ci", [None, "false"])
def test_skips_stay_skips_elsewhere(suite, ci):
    done = _run(suite, ci, "test_extra.py", "test_kinds.py")
    assert done.returncode == 0, done.stdout
    assert "1 passed, 2 skipped, 1 xfailed" in done.stdout, done.stdout
    assert "XFAIL" in done.stdout  # -x of -rfEsx lists the expected failures
