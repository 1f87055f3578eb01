"""Runs a reader's code in Pyodide the way doctest and the interactive interpreter do.

Loaded once per page by engine.js as the module ``_site_runner`` (never on sys.path, so
readers cannot import it by accident). The JS side calls::

    session = Session(emit)           # emit(json_text): a list of [stream, text] chunks
    session.run(code) -> json_text    # {"status": "ok" | "error" | "stopped", ...}
    session.reset()                   # fresh namespace (modules stay imported)

Semantics, so that a ```pycon example prints in the browser exactly what the doctest
in the tests expects:

* the code is parsed with :mod:`ast` and each top-level statement is compiled in
  ``'single'`` mode and run in turn, so a bare expression echoes its ``repr`` through
  ``sys.displayhook`` (and sets ``_``), as after a ``>>>`` prompt; ``None`` echoes nothing;
* everything written to ``sys.stdout`` and ``sys.stderr`` (print, warnings, tracebacks)
  is streamed in the order it was written, each chunk tagged with its stream;
* an exception stops the code there: its traceback (without this module's frames, with
  the reader's source lines) goes to stderr and is returned in ``error``; a
  ``KeyboardInterrupt`` (the Stop button) gives ``"stopped"``;
* one namespace per session (``__name__ == "__main__"``): later runs see what earlier
  runs defined, until :meth:`Session.reset`.
"""

from __future__ import annotations
import __future__

import ast
import builtins
import io
import json
import linecache
import sys
import time
import traceback

RUNNER_FILE = "<site-runner>"  # the filename engine.js compiles this module under
MAX_OUTPUT = 1_000_000  # characters streamed per run; the rest is dropped ("truncated")
FLUSH_SECONDS = 0.05  # stream output at least this often while code runs
FLUSH_CHARS = 16_384

_FUTURE_FLAGS = {
    name: getattr(__future__, name).compiler_flag for name in __future__.all_feature_names
}


class _Output:
    """Ordered, tagged output of one run, flushed to ``emit`` in batches."""

    def __init__(self, emit, limit: int = MAX_OUTPUT) -> None:
        self._emit = emit
        self._limit = limit
        self._pending: list[list[str]] = []
        self._pending_chars = 0
        self._last_flush = 0.0  # so the first output of a run goes out at once
        self.total = 0
        self.truncated = False

    def write(self, stream: str, text: str) -> None:
        if not text:
            return
        room = self._limit - self.total
        if room <= 0:
            self.truncated = True
            return
        if len(text) > room:
            text, self.truncated = text[:room], True
        self.total += len(text)
        if self._pending and self._pending[-1][0] == stream:
            self._pending[-1][1] += text
        else:
            self._pending.append([stream, text])
        self._pending_chars += len(text)
        if (
            self._pending_chars >= FLUSH_CHARS
            or time.monotonic() - self._last_flush >= FLUSH_SECONDS
        ):
            self.flush()

    def flush(self) -> None:
        self._last_flush = time.monotonic()
        if self._pending:
            chunks, self._pending, self._pending_chars = self._pending, [], 0
            if self._emit is not None:
                self._emit(json.dumps(chunks))


class _Stream(io.TextIOBase):
    """A text stream that hands every write to :class:`_Output` under one tag."""

    def __init__(self, output: _Output, name: str) -> None:
        self._output = output
        self._name = name

    @property
    def encoding(self) -> str:
        return "utf-8"

    @property
    def errors(self) -> str:
        return "strict"

    @property
    def name(self) -> str:
        return f"<{self._name}>"

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        self._output.write(self._name, text)
        return len(text)

    def flush(self) -> None:
        pass


class _NoInput(io.TextIOBase):
    """sys.stdin while code runs: there is no keyboard, so input() ends at once."""

    def readable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def read(self, size: int = -1) -> str:
        raise EOFError("input() has no keyboard to read from here: set the value in the code")

    readline = read


def _fresh_namespace() -> dict:
    return {"__name__": "__main__", "__doc__": None, "__builtins__": builtins}


class Session:
    """One reader-facing interpreter state: a namespace plus an execution counter."""

    def __init__(self, emit=None) -> None:
        self.emit = emit  # called with JSON text: [[stream, text], ...]
        self.count = 0
        self.namespace = _fresh_namespace()
        self.current: _Output | None = None

    def reset(self) -> None:
        self.namespace = _fresh_namespace()
        # tracebacks of old code would show stale lines; keep only the runner's
        for name in [n for n in linecache.cache if n.startswith("<cell ")]:
            del linecache.cache[name]

    def write(self, stream: str, text: str) -> None:
        """Output that bypassed sys.stdout/sys.stderr (C-level writes), in order."""
        if self.current is not None:
            self.current.write(stream, text)
        elif self.emit is not None:
            self.emit(json.dumps([[stream, text]]))

    # ------------------------------------------------------------------ running

    def run(self, code: str, emit=None) -> str:
        """Run ``code``; stream its output; return the outcome as JSON text."""
        self.count += 1
        filename = f"<cell {self.count}>"
        output = _Output(emit if emit is not None else self.emit)
        self.current = output
        saved = sys.stdin, sys.stdout, sys.stderr, sys.displayhook
        sys.stdout, sys.stderr = _Stream(output, "stdout"), _Stream(output, "stderr")
        sys.stdin = _NoInput()
        sys.displayhook = sys.__displayhook__
        started = time.perf_counter()
        result: dict = {"status": "ok"}
        try:
            self._execute(code, filename, output)
        except KeyboardInterrupt:
            result = {"status": "stopped"}
        except BaseException as exc:
            text = self.format_exception(exc)
            output.write("stderr", text)
            result = {
                "status": "error",
                "error": {
                    "type": type(exc).__name__,
                    "message": str(exc),
                    "traceback": text,
                    "line": self._line_of(exc, filename),
                },
            }
        finally:
            sys.stdin, sys.stdout, sys.stderr, sys.displayhook = saved
            self.current = None
            output.flush()
        result["truncated"] = output.truncated
        result["durationMs"] = round((time.perf_counter() - started) * 1000, 1)
        result["cell"] = filename
        return json.dumps(result)

    def _execute(self, code: str, filename: str, output: _Output | None = None) -> None:
        # The source lines are registered first, so tracebacks (also of functions defined
        # here and called later) show them; mtime None keeps linecache from dropping them.
        linecache.cache[filename] = (len(code), None, code.splitlines(True), filename)
        tree = ast.parse(code, filename, "exec")
        flags = 0
        for node in tree.body:
            module = ast.Interactive(body=[node])
            compiled = compile(module, filename, "single", flags=flags, dont_inherit=True)
            exec(compiled, self.namespace)
            if output is not None:
                output.flush()  # a statement's output shows before the next one runs
            if isinstance(node, ast.ImportFrom) and node.module == "__future__":
                for alias in node.names:
                    flags |= _FUTURE_FLAGS.get(alias.name, 0)

    @staticmethod
    def format_exception(exc: BaseException) -> str:
        """The traceback the interpreter would print, without the runner's own frames.

        Frames before the reader's first one (the runner's, and ast.parse's for a
        SyntaxError) and the runner's frames further down (its stdin) are dropped; with
        none left the interpreter's bare ``File "<cell n>", line 1 ... SyntaxError``
        remains. Chained exceptions and exception groups are cleaned the same way.
        """
        sys.last_exc = sys.last_value = exc
        sys.last_type, sys.last_traceback = type(exc), exc.__traceback__
        top = traceback.TracebackException.from_exception(exc)
        seen: set[int] = set()
        todo = [top]
        while todo:
            te = todo.pop()
            if te is None or id(te) in seen:
                continue
            seen.add(id(te))
            frames = list(te.stack)
            first = next(
                (i for i, f in enumerate(frames) if f.filename.startswith("<cell ")), len(frames)
            )
            te.stack = traceback.StackSummary.from_list(
                [f for f in frames[first:] if f.filename != RUNNER_FILE]
            )
            todo += [te.__cause__, te.__context__, *(getattr(te, "exceptions", None) or [])]
        return "".join(top.format())

    @staticmethod
    def _line_of(exc: BaseException, filename: str) -> int | None:
        """The line of the reader's code where the exception surfaced, if any."""
        if isinstance(exc, SyntaxError) and exc.filename == filename:
            return exc.lineno
        line = None
        tb = exc.__traceback__
        while tb is not None:
            if tb.tb_frame.f_code.co_filename == filename:
                line = tb.tb_lineno
            tb = tb.tb_next
        return line


def versions() -> str:
    """Versions of what the page runs, as JSON (shown by the UI, checked by the tests)."""
    import numpy

    import infotheory

    return json.dumps(
        {
            "python": sys.version.split()[0],
            "numpy": numpy.__version__,
            "infotheory": getattr(infotheory, "__version__", None),
        }
    )
