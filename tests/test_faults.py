"""Issue #5: real faults while writing the PDFs. A read-only folder (as a non-root user), a full disk
(`ulimit -f`), SIGTERM and SIGINT in the middle of writing.

In each case: exit 1 (or the signal's exit status), a message naming the path and the reason, the PDFs of
the earlier run byte-identical, and no temporary file left in the folder. The command line runs in a
subprocess (`python -m anso_pdf`), exactly as a user would run it.
"""

from __future__ import annotations

import ctypes
import os
import resource
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from anso_pdf import pipeline

EARLIER = """\
newsletter:
  name: Fault Test Newsletter
  issue: Issue 1
  date: June 2019
sections:
  - title: The earlier run
    body: |
      This text was rendered by an earlier run. Its PDFs must survive a failed later run byte for byte.
"""
LATER = EARLIER.replace("The earlier run", "The later run")
NOBODY = 65534


@pytest.fixture(scope="module")
def earlier_pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("earlier")
    (folder / "news.yaml").write_text(EARLIER)
    return pipeline.build(folder / "news.yaml", ["email", "press"]).pdfs


@pytest.fixture
def workspace(tmp_path: Path, earlier_pdfs: dict[str, bytes]) -> Path:
    """tmp/news.yaml (changed since the earlier run) and tmp/build/ with the earlier run's two PDFs."""
    (tmp_path / "news.yaml").write_text(LATER)
    build = tmp_path / "build"
    build.mkdir()
    (build / "news.pdf").write_bytes(earlier_pdfs["email"])
    (build / "news-press.pdf").write_bytes(earlier_pdfs["press"])
    (tmp_path / "cache").mkdir()
    for folder in (tmp_path, tmp_path / "cache"):
        folder.chmod(0o777)  # the unprivileged child may write here, but not into a read-only build/
    (tmp_path / "news.yaml").chmod(0o644)
    return tmp_path


def run_cli(folder: Path, *args: str, preexec: Callable[[], None] | None = None, timeout: float = 60):
    env = dict(os.environ, XDG_CACHE_HOME=str(folder / "cache"), HOME=str(folder / "cache"))
    return subprocess.run(
        [sys.executable, "-m", "anso_pdf", *args], cwd=folder, env=env, preexec_fn=preexec,
        capture_output=True, text=True, timeout=timeout,
    )


def assert_earlier_intact(folder: Path, earlier: dict[str, bytes]) -> None:
    assert (folder / "build" / "news.pdf").read_bytes() == earlier["email"]
    assert (folder / "build" / "news-press.pdf").read_bytes() == earlier["press"]


def assert_no_temporary_files(folder: Path) -> None:
    left = sorted(p.name for p in (folder / "build").iterdir() if p.name not in ("news.pdf", "news-press.pdf"))
    assert left == [], f"left behind: {left}"


# --- a read-only folder, as a user the mode bits apply to ----------------------------------------------

def _drop_root() -> None:
    """In the child, before exec: become nobody, keeping only CAP_DAC_READ_SEARCH.

    Root ignores mode bits, so as root a 0555 folder is writable and the test would prove nothing. Plain
    setuid(65534) is not enough here: the interpreter lives under /root (mode 0700), which nobody cannot
    enter. CAP_DAC_READ_SEARCH lets the child read and search everywhere; it grants no write access, so the
    read-only folder is really read-only for it. The capability is made ambient so that it survives exec.
    """
    libc = ctypes.CDLL(None, use_errno=True)
    pr_set_keepcaps, pr_cap_ambient, pr_cap_ambient_raise, cap_dac_read_search = 8, 47, 2, 2
    if libc.prctl(pr_set_keepcaps, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_KEEPCAPS)")
    os.setgroups([])
    os.setgid(NOBODY)
    os.setuid(NOBODY)
    keep = 1 << cap_dac_read_search
    header = (ctypes.c_uint32 * 2)(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3, this process
    data = (ctypes.c_uint32 * 6)(keep, keep, keep, 0, 0, 0)  # effective, permitted, inheritable (x2 words)
    if libc.capset(header, data) != 0:
        raise OSError(ctypes.get_errno(), "capset")
    if libc.prctl(pr_cap_ambient, pr_cap_ambient_raise, cap_dac_read_search, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_CAP_AMBIENT_RAISE)")


def unprivileged() -> Callable[[], None] | None:
    """A preexec_fn that makes mode bits apply to the child, or None when they already do."""
    if os.geteuid() != 0:
        return None
    if not sys.platform.startswith("linux"):
        pytest.skip("dropping root to a user with read access needs Linux capabilities")
    return _drop_root


def test_the_child_really_is_unprivileged(tmp_path: Path) -> None:
    preexec = unprivileged()
    folder = tmp_path / "ro"
    folder.mkdir(mode=0o555)
    folder.chmod(0o555)
    probe = (
        "import os, sys\n"
        "try:\n    open(sys.argv[1] + '/x', 'w')\nexcept PermissionError:\n    print(os.geteuid(), 'denied')\n"
        "else:\n    print(os.geteuid(), 'WROTE')\n"
    )
    out = subprocess.run([sys.executable, "-c", probe, str(folder)], preexec_fn=preexec,
                         capture_output=True, text=True, timeout=30)
    assert out.stdout.split()[-1] == "denied", out.stdout + out.stderr
    if preexec is not None:
        assert out.stdout.split()[0] == str(NOBODY)


def test_read_only_build_folder(workspace: Path, earlier_pdfs: dict[str, bytes]) -> None:
    build = workspace / "build"
    build.chmod(0o555)
    try:
        result = run_cli(workspace, "render", "news.yaml", preexec=unprivileged())
    finally:
        build.chmod(0o755)
    assert result.returncode == 1, result.stderr
    assert "build/news.pdf: error: cannot write the PDF: Permission denied" in result.stderr
    assert "Traceback" not in result.stderr
    assert_earlier_intact(workspace, earlier_pdfs)
    assert_no_temporary_files(workspace)


def test_read_only_parent_cannot_make_the_build_folder(tmp_path: Path) -> None:
    (tmp_path / "news.yaml").write_text(LATER)
    (tmp_path / "cache").mkdir(mode=0o777)
    (tmp_path / "cache").chmod(0o777)
    tmp_path.chmod(0o555)
    try:
        result = run_cli(tmp_path, "render", "news.yaml", "-o", "out", preexec=unprivileged())
    finally:
        tmp_path.chmod(0o755)
    assert result.returncode == 1, result.stderr
    assert "out/news.pdf: error: cannot write the PDF: Permission denied" in result.stderr
    assert not (tmp_path / "out").exists()


# --- a full disk: a file size limit, as `ulimit -f` sets it ---------------------------------------------

def file_size_limit(limit: int) -> Callable[[], None]:
    def preexec() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # write() then fails with EFBIG instead of killing
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return preexec


def test_full_disk_at_the_first_pdf(workspace: Path, earlier_pdfs: dict[str, bytes]) -> None:
    limit = min(len(pdf) for pdf in earlier_pdfs.values()) // 2
    result = run_cli(workspace, "render", "news.yaml", preexec=file_size_limit(limit))
    assert result.returncode == 1, result.stderr
    assert "build/news.pdf: error: cannot write the PDF: File too large" in result.stderr
    assert "Traceback" not in result.stderr
    assert_earlier_intact(workspace, earlier_pdfs)
    assert_no_temporary_files(workspace)


def test_full_disk_at_the_second_pdf_keeps_both_earlier_pdfs(workspace: Path, earlier_pdfs: dict[str, bytes]) -> None:
    """The email PDF fits, the press PDF does not: the run fails, and neither earlier PDF may change."""
    email, press = len(earlier_pdfs["email"]), len(earlier_pdfs["press"])
    assert email * 1.5 < press, "the test needs the press PDF to be clearly larger"
    result = run_cli(workspace, "render", "news.yaml", preexec=file_size_limit((email + press) // 2))
    assert result.returncode == 1, result.stderr
    assert "build/news-press.pdf: error: cannot write the PDF: File too large" in result.stderr
    assert_no_temporary_files(workspace)
    assert_earlier_intact(workspace, earlier_pdfs)


def test_output_folder_on_the_full_disk_with_one_profile(workspace: Path, earlier_pdfs: dict[str, bytes]) -> None:
    result = run_cli(workspace, "render", "news.yaml", "--profile", "press", "-o", "build/news-press.pdf",
                     preexec=file_size_limit(len(earlier_pdfs["press"]) // 3))
    assert result.returncode == 1
    assert "build/news-press.pdf: error: cannot write the PDF: File too large" in result.stderr
    assert_earlier_intact(workspace, earlier_pdfs)
    assert_no_temporary_files(workspace)


# --- interrupted while writing ---------------------------------------------------------------------------

SLOW_WRITER = """\
import os, sys, time
marker = sys.argv[1]
real_fsync = os.fsync
def slow_fsync(fd):  # the temporary PDF is written, not yet renamed: the worst moment to be stopped
    open(marker, "w").close()
    time.sleep(30)
    real_fsync(fd)
os.fsync = slow_fsync
sys.argv = ["anso-pdf", *sys.argv[2:]]
from anso_pdf.cli import main
main()
"""


def interrupt_while_writing(folder: Path, signum: int) -> subprocess.CompletedProcess[str]:
    marker = folder / "cache" / "writing"
    env = dict(os.environ, XDG_CACHE_HOME=str(folder / "cache"))
    child = subprocess.Popen([sys.executable, "-c", SLOW_WRITER, str(marker), "render", "news.yaml"],
                             cwd=folder, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while not marker.exists():
            assert child.poll() is None, child.communicate()
            assert time.monotonic() < deadline, "the render never started writing"
            time.sleep(0.02)
        child.send_signal(signum)
        out, err = child.communicate(timeout=20)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    return subprocess.CompletedProcess(child.args, child.returncode, out, err)


def expect_interrupted_message(stderr: str) -> None:
    """The user should be told why nothing was written. (Checked last: the file checks above come first.)"""
    assert "interrupted" in stderr, stderr


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_stopped_by_a_signal_while_writing(workspace: Path, earlier_pdfs: dict[str, bytes], signum: int) -> None:
    """SIGTERM, and SIGHUP (issue #17: the terminal closed mid-write; the default action would leave the temporary
    files behind): earlier PDFs intact, no temporary file left, the user told why."""
    result = interrupt_while_writing(workspace, signum)
    assert result.returncode == 128 + signum, result.stderr
    assert "Traceback" not in result.stderr
    assert_earlier_intact(workspace, earlier_pdfs)
    assert_no_temporary_files(workspace)
    expect_interrupted_message(result.stderr)


def test_ctrl_c_while_writing(workspace: Path, earlier_pdfs: dict[str, bytes]) -> None:
    result = interrupt_while_writing(workspace, signal.SIGINT)
    assert result.returncode == 130, result.stderr
    assert "Traceback" not in result.stderr
    assert_earlier_intact(workspace, earlier_pdfs)
    assert_no_temporary_files(workspace)
    expect_interrupted_message(result.stderr)


def test_sigterm_during_layout(workspace: Path, earlier_pdfs: dict[str, bytes]) -> None:
    """Without any patching: stopped somewhere in start-up or layout, before anything is written."""
    env = dict(os.environ, XDG_CACHE_HOME=str(workspace / "cache"))
    child = subprocess.Popen([sys.executable, "-m", "anso_pdf", "render", "news.yaml", "--verbose"], cwd=workspace,
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert child.stderr is not None
    first = child.stderr.readline()  # "  read news.yaml: ...": loaded, about to lay out (no sleep to guess)
    assert "read news.yaml" in first, first
    child.send_signal(signal.SIGTERM)
    _, err = child.communicate(timeout=30)
    assert child.returncode in (128 + signal.SIGTERM, -signal.SIGTERM), err
    assert "Traceback" not in err
    assert_earlier_intact(workspace, earlier_pdfs)
    assert_no_temporary_files(workspace)


# --- a hostile environment: ReportLab settings from RL_* variables and reportlab_settings.py --------------

def test_reportlab_settings_from_the_environment_change_nothing(workspace: Path) -> None:
    """RL_* variables and a reportlab_settings.py on the path can loosen rl_config (colour evaluation,
    trusted hosts, ASCII85, invariant output). layout/settings.py pins them: the PDFs must be the same bytes."""
    settings = workspace / "settings"
    settings.mkdir()
    (settings / "reportlab_settings.py").write_text("invariant = 0\nuseA85 = 1\ntrustedHosts = ['*']\n")
    plain = run_cli(workspace, "render", "news.yaml", "-o", "plain")
    hostile_env = {"RL_invariant": "0", "RL_useA85": "1", "RL_trustedHosts": "*", "RL_toColorCanUse": "rl_safe_eval",
                   "PYTHONPATH": str(settings)}
    env = dict(os.environ, XDG_CACHE_HOME=str(workspace / "cache"), **hostile_env)
    hostile = subprocess.run([sys.executable, "-m", "anso_pdf", "render", "news.yaml", "-o", "hostile"],
                             cwd=workspace, env=env, capture_output=True, text=True, timeout=60)
    assert plain.returncode == 0 and hostile.returncode == 0, plain.stderr + hostile.stderr
    for name in ("news.pdf", "news-press.pdf"):
        assert (workspace / "plain" / name).read_bytes() == (workspace / "hostile" / name).read_bytes(), name
