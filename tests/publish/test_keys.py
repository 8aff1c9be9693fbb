"""The signing key files: outside the repository, private from their creation, checked on load.

Every test runs with ``LIVEP2F_KEY_DIR`` set to its own temporary folder (tests/conftest.py):
nothing here reads or writes ``~/.config/livep2f``.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from p2f_player.contract import trust
from p2f_publish import cli, keys
from p2f_publish.errors import PublishError
from tests.publish.conftest import Build


@pytest.fixture
def umask_022() -> Iterator[None]:
    """The usual umask: files 0644 and folders 0755 unless the code asks for less."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository checkout: the folders a build or a publish copies out."""
    root = tmp_path / "repo"
    for folder in ("content", "build", "theme"):
        (root / folder).mkdir(parents=True)
    return root


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_default_key_folder_is_outside_the_repository(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert keys.key_dir({}, home) == home / ".config" / "livep2f"
    assert keys.key_dir({"XDG_CONFIG_HOME": "/x/cfg"}, home) == Path("/x/cfg/livep2f")
    environ = {"XDG_CONFIG_HOME": "/x/cfg", "LIVEP2F_KEY_DIR": "/secrets/p2f"}
    assert keys.key_dir(environ, home) == Path("/secrets/p2f")
    assert keys.key_files(Path("/k"), "kiosk") == keys.KeyFiles(
        Path("/k/kiosk.key"), Path("/k/kiosk.pub")
    )
    assert keys.private_key_path(None, Path("/k"), "kiosk") == Path("/k/kiosk.key")
    assert keys.private_key_path("kiosk-2027", Path("/k"), "kiosk") == Path("/k/kiosk-2027.key")
    assert keys.private_key_path("/media/usb/old.key", Path("/k"), "kiosk") == Path(
        "/media/usb/old.key"
    )
    with pytest.raises(keys.KeyFileError, match="plain name"):
        keys.key_files(Path("/k"), "../kiosk")


def test_keygen_creates_a_private_folder_and_key_from_the_start(
    repo: Path,
    _private_key_folder: Path,
    umask_022: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    cli.keygen(repo)
    private, public = _private_key_folder / "kiosk.key", _private_key_folder / "kiosk.pub"
    assert mode(_private_key_folder) == 0o700
    assert mode(private) == 0o600
    assert mode(public) == 0o644
    assert not (repo / "keys").exists()  # nothing inside the repository
    out = capsys.readouterr().out
    assert str(private) in out and str(public) in out  # keygen says where the key is
    key = keys.load_private_key(private, pytest.fail)  # no warning for a 0600 key
    assert trust.public_key_of(key) == keys.load_public_key(public)


def test_the_private_key_is_never_readable_by_others_while_written(
    tmp_path: Path, umask_022: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Created with its final mode by ``os.open``: no window between write and chmod."""
    files = keys.key_files(tmp_path / "k", "kiosk")
    seen: list[int] = []
    real_open = os.open

    def watching_open(path: str | os.PathLike[str], flags: int, mode: int = 0o777) -> int:
        descriptor = real_open(path, flags, mode)
        if ".key" in Path(path).name:
            seen.append(stat.S_IMODE(os.fstat(descriptor).st_mode))
        return descriptor

    monkeypatch.setattr(os, "open", watching_open)  # a spy: the real call, its mode noted
    keys.create_keypair(files)
    monkeypatch.undo()
    assert seen == [0o600]  # the one file holding the secret, already private when created
    assert mode(files.private) == 0o600


def test_loading_a_key_readable_by_others_warns(
    tmp_path: Path, umask_022: None, capsys: pytest.CaptureFixture[str]
) -> None:
    files = keys.key_files(tmp_path / "k", "kiosk")
    keys.create_keypair(files)
    files.private.chmod(0o644)
    warnings: list[str] = []
    key = keys.load_private_key(files.private, warnings.append)  # a warning, not a crash
    assert len(key) == trust.KEY_SIZE
    assert warnings == [
        f"warning: {files.private} can be read by group or others (mode 0644): "
        f"run `chmod 600 {files.private}`"
    ]
    files.private.chmod(0o600)
    files.private.parent.chmod(0o755)
    warnings.clear()
    keys.load_private_key(files.private, warnings.append)
    assert warnings == [
        f"warning: {files.private.parent} can be read by group or others (mode 0755): "
        f"run `chmod 700 {files.private.parent}`"
    ]


def test_publish_warns_on_stderr_for_a_key_readable_by_others(
    repo: Path, _private_key_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cli.keygen(repo)
    (_private_key_folder / "kiosk.key").chmod(0o640)
    _key, path = cli.signing_key(repo, None)
    assert path == _private_key_folder / "kiosk.key"
    assert "can be read by group or others (mode 0640)" in capsys.readouterr().err


def test_a_key_symlink_or_a_key_in_a_published_folder_is_refused(
    repo: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    files = keys.key_files(tmp_path / "k", "kiosk")
    keys.create_keypair(files)
    link = tmp_path / "k" / "link.key"
    link.symlink_to(files.private)
    with pytest.raises(keys.KeyFileError, match="not a symlink"):
        keys.load_private_key(link, pytest.fail)
    # a key under content/, build/ or theme/ would be published by one symlink or one mistake
    for folder in ("content", "build", "theme"):
        monkeypatch.setenv("LIVEP2F_KEY_DIR", str(repo / folder / "keys"))
        with pytest.raises(SystemExit):
            cli.keygen(repo)
        assert f"must not live under {repo / folder}" in capsys.readouterr().err
        assert not (repo / folder / "keys").exists()
        with pytest.raises(keys.KeyFileError, match="it is published"):
            cli.signing_key(repo, str(repo / "theme" / ".." / folder / "kiosk.key"))


def test_keygen_keeps_an_existing_key_and_makes_a_second_one_for_rotation(
    repo: Path, _private_key_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cli.keygen(repo)
    old = (_private_key_folder / "kiosk.key").read_bytes()
    cli.keygen(repo)  # again: kept, and told how to rotate
    assert "kept" in capsys.readouterr().out
    assert (_private_key_folder / "kiosk.key").read_bytes() == old
    cli.keygen(repo, name="kiosk-2027")
    assert (_private_key_folder / "kiosk.key").read_bytes() == old  # the old pair stays
    new_key, new_path = cli.signing_key(repo, "kiosk-2027")
    old_key, _ = cli.signing_key(repo, None)
    assert new_path == _private_key_folder / "kiosk-2027.key"
    assert new_key != old_key
    assert mode(new_path) == 0o600


def test_a_key_left_inside_the_repository_is_not_used_and_the_move_is_explained(
    repo: Path, _private_key_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = keys.legacy_files(repo)
    old.private.parent.mkdir()
    private, public = trust.generate_keypair()
    trust.write_key(old.private, private, private=True)
    trust.write_key(old.public, public, private=False)
    with pytest.raises(PublishError, match=r"inside the repository.*mv "):
        cli.signing_key(repo, None)
    with pytest.raises(SystemExit):
        cli.keygen(repo)  # a new key would not be trusted by the players: refused
    assert "mkdir -p -m 700" in capsys.readouterr().err
    assert not (_private_key_folder / "kiosk.key").exists()


def test_invoke_publish_says_which_key_signs_and_publishes_one_build(
    build_fixture: Build,
    tmp_path: Path,
    _private_key_folder: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``invoke keygen`` then ``invoke publish`` (their functions), on a built checkout."""
    build = build_fixture()  # tmp_path/build: site and kiosk are links into one build
    assert (build / "site").is_symlink() and (build / "kiosk").is_symlink()
    cli.keygen(tmp_path)
    store = tmp_path / "store"
    cli.publish(tmp_path, store.as_uri())
    out = capsys.readouterr().out
    public = keys.load_public_key(_private_key_folder / "kiosk.pub")
    assert (
        f"signing with {_private_key_folder / 'kiosk.key'} (key id {trust.key_id(public)})" in out
    )
    assert out.splitlines()[-1].startswith("release ")
    envelope = (store / "kiosk" / "gare" / "manifest.json").read_bytes()
    assert trust.verify_signature(envelope, public)["release"]["counter"] == 1
    assert not (store / "locks" / "publish.json").exists()  # the lock went with the publish
