"""Where a dataset list comes from: a file, a URL or a command, streamed line by line.

Each source yields stripped, non-empty lines without holding the list in
memory. Failures to open or read a source raise :class:`SourceError`.
"""

import gzip
import io
import subprocess
import tempfile
import time

import requests
from urllib3.exceptions import HTTPError

from ...core.errors import CAPError


class SourceError(CAPError):
    """The dataset list could not be read."""


def _lines(stream):
    for raw in stream:
        line = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
        line = line.strip()
        if line and not line.startswith("#"):
            yield line


def from_file(path):
    """Lines of a text file (``.gz`` is decompressed)."""
    try:
        opener = gzip.open if str(path).endswith(".gz") else open
        handle = opener(path, "rt", encoding="utf-8", errors="replace")
    except OSError as error:
        raise SourceError(f"Cannot read {path}: {error.strerror or error}") from None
    with handle:
        yield from _lines(handle)


def _open_url(url, timeout, retries, backoff=1.0):
    for attempt in range(retries + 1):
        try:
            response = requests.get(url, stream=True, timeout=timeout)
        except requests.RequestException as error:
            problem = f"{type(error).__name__}"
        else:
            if response.status_code == 200:
                return response
            problem = f"HTTP {response.status_code}"
            response.close()
            if response.status_code not in (429, 500, 502, 503, 504):
                break
        if attempt < retries:
            time.sleep(backoff * 2**attempt)
    raise SourceError(f"Cannot fetch {url}: {problem}")


def from_url(url, timeout=60, retries=2, backoff=1.0):
    """Lines of a URL's body, streamed (gzip bodies are decompressed)."""
    response = _open_url(url, timeout, retries, backoff)
    with response:
        try:
            raw = response.raw
            raw.decode_content = True
            if url.endswith(".gz") and response.headers.get("Content-Encoding") != "gzip":
                raw = gzip.GzipFile(fileobj=raw)
            yield from _lines(io.TextIOWrapper(raw, encoding="utf-8", errors="replace"))
        except (requests.RequestException, HTTPError, OSError) as error:
            raise SourceError(f"Reading {url} failed: {type(error).__name__}") from None


def from_command(argv):
    """Lines a command prints (e.g. ``dasgoclient -query="dataset status=*"``)."""
    # stderr to a file: a pipe could fill up and block the command.
    errors = tempfile.TemporaryFile()  # noqa: SIM115 - closed below, also on failure
    try:
        process = subprocess.Popen(
            argv, stdout=subprocess.PIPE, stderr=errors, text=True, bufsize=1 << 16
        )
    except OSError as error:
        errors.close()
        raise SourceError(f"Cannot run {argv[0]}: {error.strerror or error}") from None
    try:
        yield from _lines(process.stdout)
    except BaseException:
        process.kill()
        process.wait()
        raise
    finally:
        process.stdout.close()
    code = process.wait()
    errors.seek(0)
    stderr = errors.read(2000).decode("utf-8", "replace")
    errors.close()
    if code != 0:
        raise SourceError(f"{argv[0]} exited with {code}: {stderr.strip()[:300]}")


def choose(config, file=None, url=None, command=None):
    """``(lines, label)`` of the given source, else the configured one.

    Order: ``file``, ``url``, ``command`` (an argv list, or ``True`` for
    ``CAP_DAS_COMMAND``); with none given, ``CAP_DAS_SOURCE_FILE``, then
    ``CAP_DAS_SOURCE_URL``, then ``CAP_DAS_COMMAND``.
    """
    if not (file or url or command):
        file, url = config["CAP_DAS_SOURCE_FILE"], config["CAP_DAS_SOURCE_URL"]
    if file:
        return from_file(file), str(file)
    if url:
        return from_url(url, config["CAP_DAS_URL_TIMEOUT"], config["CAP_DAS_URL_RETRIES"]), url
    argv = list(command) if isinstance(command, (list, tuple)) else list(config["CAP_DAS_COMMAND"])
    return from_command(argv), " ".join(argv)
