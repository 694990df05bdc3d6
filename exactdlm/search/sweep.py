"""Sweeps: running cases on worker processes or a Dask cluster, streaming results to JSONL.

* **Executors** run a picklable function on case records and yield ``(case, result)`` as they
  finish: :class:`InlineExecutor` (this process, ``jobs=1``), :class:`LocalExecutor` (spawned
  worker processes) and :class:`DaskExecutor` (an existing ``dask.distributed`` scheduler;
  ``pip install 'exactdlm[dask]'``). Each keeps at most ``2 * workers`` cases in flight, so a
  time budget is honoured within about two case lengths.
* **Results** go to a JSONL file, one record per line, appended and flushed (and fsynced) as
  each case finishes, so a run killed at any point loses no finished case. The file is
  locked (``fcntl.flock``, exclusive, on the file itself) while a run writes it: a second
  writer is refused with the holder's process id, read from ``FILE.pid`` (written by the
  holder, removed when it closes). A killed holder's lock goes with its process.
  :func:`read_records` reads it back for ``--resume``: an unterminated last line (the write a
  kill interrupted) is dropped from the file, after at least one complete record (a file with
  none is not a run file and is never cut); any other unreadable line is an error that names
  the line and leaves the file untouched.
* **Progress** is a single updating line on stderr, only when stderr is a terminal.
"""

from __future__ import annotations

import errno
import json
import math
import os
import sys
import time

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: no locking
    fcntl = None

#: seconds to wait for a Dask scheduler before giving up
DASK_TIMEOUT = 10.0


class WorkerLost(RuntimeError):
    """A worker process died (killed or crashed) during a sweep."""


# ----------------------------------------------------------------------------------------
# executors
# ----------------------------------------------------------------------------------------
class InlineExecutor:
    """Runs every case in this process, in order."""

    workers = 1

    def run(self, fn, cases, should_stop=lambda: False):
        for case in cases:
            if should_stop():
                return
            yield case, fn(case)

    def close(self):
        pass


class _PoolBase:
    workers = 1

    def _submit(self, fn, case):  # -> future
        raise NotImplementedError

    def _wait_one(self, futures):  # -> one finished future
        raise NotImplementedError

    def _result(self, fut):
        return fut.result()

    def run(self, fn, cases, should_stop=lambda: False):
        """Yield ``(case, result)`` as cases finish; stop submitting once ``should_stop()``."""
        it = iter(cases)
        inflight: dict = {}
        exhausted = False
        while True:
            while not exhausted and len(inflight) < 2 * self.workers and not should_stop():
                try:
                    case = next(it)
                except StopIteration:
                    exhausted = True
                    break
                inflight[self._submit(fn, case)] = case
            if not inflight:
                return
            fut = self._wait_one(list(inflight))
            case = inflight.pop(fut)
            yield case, self._result(fut)


class LocalExecutor(_PoolBase):
    """``jobs`` spawned worker processes (``concurrent.futures``), which exit when this process
    dies (``claims.workers.watch_parent``)."""

    def __init__(self, jobs: int):
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor

        from ..claims.workers import watch_parent

        self.workers = int(jobs)
        self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=mp.get_context("spawn"),
                                         initializer=watch_parent, initargs=(os.getpid(),))

    def _submit(self, fn, case):
        return self._pool.submit(fn, case)

    def _wait_one(self, futures):
        from concurrent.futures import FIRST_COMPLETED, wait

        done, _ = wait(futures, return_when=FIRST_COMPLETED)
        return min(done, key=futures.index)

    def _result(self, fut):
        from concurrent.futures.process import BrokenProcessPool

        try:
            return fut.result()
        except BrokenProcessPool as exc:
            raise WorkerLost(str(exc) or "a worker process terminated abruptly") from None

    def worker_pids(self) -> list[int]:
        return [p.pid for p in getattr(self._pool, "_processes", {}).values()]

    def close(self):
        self._pool.shutdown(wait=True, cancel_futures=True)


class DaskExecutor(_PoolBase):
    """Cases sent to an existing Dask distributed scheduler at ``address``."""

    def __init__(self, address: str, timeout: float = DASK_TIMEOUT):
        try:
            from distributed import Client
        except ImportError:
            raise ValueError(
                "--dask needs the optional packages dask and distributed; install them with "
                "pip install 'exactdlm[dask]'"
            ) from None
        _check_dask_address(address)  # before Client(): a half-built Client hangs in its __del__
        try:
            self._client = Client(address, timeout=f"{timeout}s", set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise ValueError(
                f"cannot reach the Dask scheduler at {address!r} within {timeout:g} s ({type(exc).__name__}); "
                "check the address (e.g. tcp://host:8786) and that the scheduler is running"
            ) from None
        info = self._client.scheduler_info()
        self.workers = max(1, sum(int(w.get("nthreads", 1)) for w in info.get("workers", {}).values()))

    def run(self, fn, cases, should_stop=lambda: False):
        """As :meth:`_PoolBase.run`, waiting with ``distributed.as_completed``."""
        from distributed import as_completed

        it = iter(cases)
        inflight: dict = {}
        ac = None
        exhausted = False
        while True:
            while not exhausted and len(inflight) < 2 * self.workers and not should_stop():
                try:
                    case = next(it)
                except StopIteration:
                    exhausted = True
                    break
                fut = self._client.submit(fn, case, pure=False)
                inflight[fut] = case
                with self._client.as_current():  # no global default client is set
                    if ac is None:
                        ac = as_completed([fut])
                    else:
                        ac.add(fut)
            if not inflight:
                return
            with self._client.as_current():
                fut = next(ac)
            case = inflight.pop(fut)
            yield case, fut.result()

    def close(self):
        self._client.close()


def _check_dask_address(address) -> None:
    """A scheduler address ``tcp://host:port`` (or another dask scheme) as distributed reads it."""
    from distributed.comm import registry
    from distributed.comm.addressing import parse_address, parse_host_port

    hint = "give the scheduler's address like tcp://host:8786"
    if not isinstance(address, str) or not address.strip():
        raise ValueError(f"--dask needs a scheduler address, got {address!r}; {hint}")
    try:
        scheme, loc = parse_address(address)
        registry.get_backend(scheme)
        if scheme in ("tcp", "tls"):
            _host, port = parse_host_port(loc)
            if not 0 < int(port) < 65536:
                raise ValueError(f"port {port} out of range")
    except (ValueError, TypeError, ImportError) as exc:
        raise ValueError(f"--dask address {address!r} is not a scheduler address ({exc}); {hint}") from None


def make_executor(jobs: int = 1, dask: str | None = None, dask_timeout: float = DASK_TIMEOUT):
    if dask:
        return DaskExecutor(dask, timeout=dask_timeout)
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ValueError(f"--jobs must be a positive integer, got {jobs!r}")
    return InlineExecutor() if jobs == 1 else LocalExecutor(jobs)


# ----------------------------------------------------------------------------------------
# JSONL results
# ----------------------------------------------------------------------------------------
def _holder_pid(path: str) -> str:
    try:
        with open(path + ".pid", encoding="ascii") as fh:
            pid = fh.read().strip()
        return f"process {pid}" if pid.isdigit() else "another process"
    except OSError:
        return "another process"


class RunFileLock:
    """An exclusive lock on a run file for as long as this object is open (see the module
    docstring); ``mode`` ``"a"`` opens it for appending (creating it), ``"r"`` only locks it."""

    def __init__(self, path, mode: str = "a"):
        self.path = os.fspath(path)
        self._pidfile = None
        try:
            self._fh = open(self.path, mode, encoding="utf-8")
        except OSError as exc:
            raise ValueError(f"cannot open the run file {self.path!r} ({exc.strerror}); "
                             "give a path in an existing, writable directory") from None
        if fcntl is None:
            return
        try:
            fcntl.flock(self._fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            self._fh.close()
            if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                raise ValueError(f"cannot lock the run file {self.path!r} ({exc.strerror})") from None
            raise ValueError(
                f"the run file {self.path!r} is being written by {_holder_pid(self.path)}; wait for that "
                "run to finish, or give another file"
            ) from None
        try:
            with open(self.path + ".pid", "w", encoding="ascii") as fh:
                fh.write(f"{os.getpid()}\n")
            self._pidfile = self.path + ".pid"
        except OSError:  # the pid is only for the message; the lock holds without it
            pass

    def close(self):
        if self._fh.closed:
            return
        if self._pidfile is not None:
            try:
                os.unlink(self._pidfile)
            except OSError:
                pass
        self._fh.close()  # closing the descriptor releases the flock


def finite_floats(x):
    """``x`` with every non-finite float (in dicts, lists and tuples too) replaced by the string
    ``"inf"``, ``"-inf"`` or ``"nan"``: JSON has no infinity, and the bare ``Infinity`` Python's
    ``json`` writes by default is not JSON. ``float("inf")`` reads the strings back."""
    if isinstance(x, float) and not math.isfinite(x):
        return "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")
    if isinstance(x, dict):
        return {k: finite_floats(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [finite_floats(v) for v in x]
    return x


class JsonlLog(RunFileLock):
    """An append-only JSONL file, locked while open: one record per line, flushed and
    fsynced per record; non-finite floats written as ``"inf"``/``"-inf"``/``"nan"`` (``finite_floats``)."""

    def __init__(self, path):
        super().__init__(path, "a")

    def is_empty(self) -> bool:
        return os.path.getsize(self.path) == 0

    def write(self, record: dict) -> None:
        self._fh.write(json.dumps(finite_floats(record), sort_keys=True, allow_nan=False) + "\n")
        self._fh.flush()
        try:
            os.fsync(self._fh.fileno())
        except OSError as exc:  # /dev/null, a pipe, a terminal: nothing to sync
            if exc.errno not in (errno.EINVAL, errno.EROFS, errno.ENOTSUP):
                raise


def read_records(path, required=("type",)) -> list[dict]:
    """The records of a JSONL results file (for ``--resume``).

    An unterminated last line is a write interrupted by a kill: it is removed from the file
    (it held no finished case). Any other line that is not a JSON object with the
    ``required`` keys raises a ``ValueError`` naming the line; the file is left as it is.
    """
    path = os.fspath(path)
    if not os.path.exists(path):
        raise ValueError(f"resume file {path!r} does not exist; give the JSONL file of an earlier run")
    with open(path, "rb") as fh:
        data = fh.read()
    lines = data.split(b"\n")
    tail = lines.pop()  # b"" when the file ends with a newline
    records = []
    for n, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            rec = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ValueError(
                f"resume file {path!r} line {n} is not valid JSON ({exc.__class__.__name__}); "
                f"the file is kept as it is (other lines intact): fix or delete line {n} and rerun"
            ) from None
        if not isinstance(rec, dict) or any(k not in rec for k in required):
            raise ValueError(
                f"resume file {path!r} line {n} is not a result record (needs keys {list(required)}); "
                f"the file is kept as it is: fix or delete line {n} and rerun"
            )
        records.append(rec)
    if tail.strip() and not records:  # nothing this package wrote: never cut a user's file
        raise ValueError(
            f"resume file {path!r} holds no complete record (its only line does not end in a newline), so "
            "it is not the JSONL file of a run; the file is left untouched: give the --jsonl file of an earlier run"
        )
    if tail.strip():
        with open(path, "r+b") as fh:  # drop the interrupted write so appends start on a new line
            fh.truncate(len(data) - len(tail))
        sys.stderr.write(
            f"exactdlm: note: dropped the unfinished last line {len(lines) + 1} of {path} (an interrupted write)\n"
        )
    return records


# ----------------------------------------------------------------------------------------
# progress
# ----------------------------------------------------------------------------------------
class Progress:
    """One updating status line on stderr, only when stderr is a terminal."""

    def __init__(self, enabled: bool | None = None, stream=None):
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self._last = 0.0
        self._width = 0

    def update(self, text: str, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self._last < 0.2:
            return
        self._last = now
        pad = max(0, self._width - len(text))
        self.stream.write("\r" + text + " " * pad)
        self.stream.flush()
        self._width = len(text)

    def done(self) -> None:
        if self.enabled and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._width = 0
