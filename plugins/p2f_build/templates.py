"""Jinja templates compiled once, kept between builds: a bytecode cache beside the build cache.

Every build made fresh Jinja environments and compiled each template again (38 templates,
~0.15 s of CPU per rebuild, 0.55 s under cProfile at 5,000 documents). ``bytecode_cache``
gives the running build's cache of compiled templates (``build/.cache/jinja/``), or None for a
build without the build cache (a clean build compiles everything, as before). Pelican's
environments use it through ``use_bytecode_cache`` (``generator_init``); any other environment
of the build passes ``bytecode_cache=bytecode_cache(settings)`` to ``jinja2.Environment``.

What a compiled template depends on, and where it is in the key:

- the template's source: Jinja keeps its SHA-1 in each file (``Bucket.checksum``) and compiles
  again when it differs, so an edited template is never served from the old bytecode;
- Python's and Jinja's bytecode formats: Jinja's magic header, checked on load;
- the template's name and file, the environment's syntax and compile-time options (delimiters,
  whitespace control, autoescape for this name, finalize, extensions, async), and the name and
  calling convention (``pass_context``...) of every filter and test, which the compiler bakes
  into the code: the file name's key (``_bucket_key``);
- the build's code digest (``Inputs.code``: the plugins' code and the libraries' versions,
  Jinja among them) in every file's name. Files of another code digest are deleted when a
  build opens the cache, so the folder holds one compiled copy of each template per
  environment; a template edited keeps its file (compiled again, written over).

Files are written by Jinja's ``FileSystemBytecodeCache`` (temporary file, then rename), so the
kiosk's forked workers may share the folder. What this module does not do: render, or keep
anything else than compiled code.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from typing import Any

import jinja2
from jinja2.bccache import Bucket
from jinja2.utils import _PassArg

from p2f_build.cache import OPENED as CACHE_OPENED
from p2f_build.cache import BuildCache, build_inputs, key

FOLDER = "jinja"  # under the build cache's folder: build/.cache/jinja/
OPENED = "P2F_BYTECODE_CACHE"  # settings key: the running build's bytecode cache
SUFFIX = ".cache"


class KeyedBytecodeCache(jinja2.FileSystemBytecodeCache):
    """Jinja's file bytecode cache with every compile-time input of a template in its key."""

    def __init__(self, folder: str, code: str) -> None:
        self.prefix = key("jinja", code, jinja2.__version__)[:20]
        super().__init__(folder, f"{self.prefix}-%s{SUFFIX}")

    def get_bucket(
        self, environment: jinja2.Environment, name: str, filename: str | None, source: str
    ) -> Bucket:
        bucket = Bucket(
            environment,
            _bucket_key(environment, name, filename),
            self.get_source_checksum(source),
        )
        self.load_bytecode(bucket)
        return bucket

    def dump_bytecode(self, bucket: Bucket) -> None:
        """Write the compiled template; a folder deleted meanwhile (``build/.cache`` may be
        removed at any time) or a full disk costs a compile next time, not the build."""
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)

    def remove_other_codes(self) -> None:
        """Delete the compiled templates of other code digests (and stray temporary files)."""
        try:
            names = os.listdir(self.directory)
        except FileNotFoundError:
            return
        for name in names:
            if not name.startswith(self.prefix) or not name.endswith(SUFFIX):
                with contextlib.suppress(FileNotFoundError):  # another build was first
                    os.remove(os.path.join(self.directory, name))


def _calling(function: Any) -> str:
    kind = _PassArg.from_obj(function) if function is not None else None
    return "absent" if function is None else (kind.name if kind is not None else "plain")


def _bucket_key(environment: jinja2.Environment, name: str, filename: str | None) -> str:
    """Digest of what the compiler reads besides the source (see the module's docstring)."""
    autoescape = environment.autoescape
    extensions = environment.extensions.values()
    parts = [
        name,
        filename or "",
        environment.block_start_string,
        environment.block_end_string,
        environment.variable_start_string,
        environment.variable_end_string,
        environment.comment_start_string,
        environment.comment_end_string,
        repr(environment.line_statement_prefix),
        repr(environment.line_comment_prefix),
        repr(environment.trim_blocks),
        repr(environment.lstrip_blocks),
        repr(environment.newline_sequence),
        repr(environment.keep_trailing_newline),
        repr(environment.optimized),
        repr(environment.is_async),
        repr(autoescape(name) if callable(autoescape) else autoescape),
        _calling(environment.finalize),
        *sorted(f"{type(e).__module__}.{type(e).__qualname__}" for e in extensions),
        *sorted(f"filter {n}={_calling(f)}" for n, f in environment.filters.items()),
        *sorted(f"test {n}={_calling(f)}" for n, f in environment.tests.items()),
    ]
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()


def bytecode_cache(settings: dict[str, Any]) -> KeyedBytecodeCache | None:
    """The running build's bytecode cache (one per build, opened on first use), or None for a
    build without the build cache."""
    found = settings.get(OPENED)
    if isinstance(found, KeyedBytecodeCache):
        return found
    inputs = build_inputs(settings)
    opened_cache = settings.get(CACHE_OPENED)
    if inputs is None or not isinstance(opened_cache, BuildCache):
        return None
    folder = os.path.join(opened_cache.folder, FOLDER)
    os.makedirs(folder, exist_ok=True)
    opened = KeyedBytecodeCache(folder, inputs.code)
    opened.remove_other_codes()
    settings[OPENED] = opened
    return opened


def use_bytecode_cache(generator: Any) -> None:
    """``generator_init``: Pelican's environment of this generator loads through the cache."""
    cache = bytecode_cache(generator.settings)
    if cache is not None:
        generator.env.bytecode_cache = cache
