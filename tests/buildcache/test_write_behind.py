"""Files written by a thread beside the caller (``p2f_build.write_behind``).

The writes happen off the calling thread (a named pipe blocks the writer's ``open`` until the
test reads it, while the caller goes on) and are all done, with the same bytes, after
``flush``; writes on one path keep their order; a failure in the thread reaches the caller,
naming the path and what to do; no thread is left once the writer is closed, even when the
caller fails.
"""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path

import pytest

from p2f_build.write_behind import THREAD_NAME, WriteBehind, WriteBehindError


def _writer_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name == THREAD_NAME]


def _read_pipe_later(pipe: Path, got: list[bytes]) -> threading.Thread:
    """A reader of ``pipe`` that opens it when the test says so (``got`` gets the bytes), or
    after a while: a writer that blocked the caller then fails the test rather than hangs."""
    ready = threading.Event()

    def read() -> None:
        ready.wait(timeout=20)
        with open(pipe, "rb") as handle:
            got.append(handle.read())

    reader = threading.Thread(target=read)
    reader.ready = ready  # type: ignore[attr-defined]
    reader.start()
    return reader


def test_the_writes_happen_off_the_calling_thread_and_are_done_after_flush(
    tmp_path: Path,
) -> None:
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    got: list[bytes] = []
    reader = _read_pipe_later(pipe, got)
    files = {str(tmp_path / f"d{n % 3}" / f"{n}.html"): f"page {n}".encode() * n for n in range(50)}
    try:
        with WriteBehind(depth=4) as behind:
            # opening a pipe nobody reads blocks: done here, this call would never return
            behind.write(str(pipe), b"through the pipe")
            assert behind.written == 0 and len(_writer_threads()) == 1
            reader.ready.set()  # type: ignore[attr-defined]
            for n, (target, data) in enumerate(files.items()):
                # the first file of each folder d0, d1, d2 has it made first
                behind.write(target, data, folder=os.path.dirname(target) if n < 3 else None)
            behind.flush()
            assert behind.written == 1 + len(files)
            assert {target: Path(target).read_bytes() for target in files} == files
    finally:
        reader.ready.set()  # type: ignore[attr-defined]
        reader.join()
    assert got == [b"through the pipe"]
    assert _writer_threads() == []


def test_writes_on_one_path_keep_their_order(tmp_path: Path) -> None:
    target = str(tmp_path / "a.html")
    other = tmp_path / "other.html"
    other.write_bytes(b"another site's file")
    os.link(other, target)
    with WriteBehind(depth=2) as behind:
        for n in range(200):
            behind.write(target, f"version {n}".encode(), unlink=n == 0)
    assert Path(target).read_bytes() == b"version 199"
    # the first write unlinked the hard link: the other file was never written through
    assert other.read_bytes() == b"another site's file"
    assert os.stat(target).st_ino != os.stat(other).st_ino


def test_a_failed_write_reaches_the_caller_naming_the_path(tmp_path: Path) -> None:
    (tmp_path / "plain").write_bytes(b"a file, not a folder")
    bad = str(tmp_path / "plain" / "page.html")
    behind = WriteBehind()
    behind.write(str(tmp_path / "before.html"), b"before")
    behind.write(bad, b"x")
    behind.write(str(tmp_path / "after.html"), b"after")
    with pytest.raises(
        WriteBehindError, match=f"{re.escape(bad)}: could not be written .*build again"
    ):
        behind.flush()
    assert (tmp_path / "before.html").read_bytes() == b"before"
    assert not (tmp_path / "after.html").exists()  # what follows a failure is dropped
    behind.close()  # reported once
    assert _writer_threads() == []
    with pytest.raises(WriteBehindError, match=re.escape(bad)):  # by the next write too
        again = WriteBehind()
        again.write(bad, b"x")
        again.close()
    assert _writer_threads() == []


def test_no_thread_is_left_when_the_caller_fails(tmp_path: Path) -> None:
    with pytest.raises(KeyError, match="rendering"), WriteBehind() as behind:
        behind.write(str(tmp_path / "a.html"), b"a")
        raise KeyError("rendering failed")
    assert _writer_threads() == []
    assert (tmp_path / "a.html").read_bytes() == b"a"  # what was given is done, then it ends
