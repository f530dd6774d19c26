"""Where the files of a legacy export come from: a folder, or URLs.

A legacy export lists each file by bucket, key and checksum; the content is
found in a folder (``<deposit id>/<key>``, or ``<recid>/<key>`` for a record
revision's own version) or downloaded from a URL template such as
``https://host/api/files/{bucket}/{key}`` (placeholders ``bucket``, ``key``,
``version_id``, ``depid``, ``recid``). Either way the caller verifies the
checksum; a download is streamed to a work folder with a timeout, retried on
connection errors, timeouts and 5xx/429 answers, and stops at ``max_bytes``.
"""

import hashlib
import time
from pathlib import Path
from urllib.parse import quote

import requests

RETRY_STATUSES = {429, 500, 502, 503, 504}


class FileFetchError(Exception):
    """A listed file that cannot be had; the message says why."""


class FolderFiles:
    """Files under ``root/<deposit id or recid>/<key>``."""

    def __init__(self, root):
        """Read from ``root``."""
        self.root = Path(root)

    def find(self, depid, recid, entry):
        """The existing candidates for ``entry`` (a :class:`~.legacy.LegacyFile`) of
        the deposit ``depid`` or its record ``recid``."""
        folders = [depid] + ([recid] if recid else [])
        found = [self.root / folder / entry.key for folder in folders]
        found = [path for path in found if path.is_file()]
        if not found:
            raise FileFetchError(f"not found in {self.root}.")
        return found


class DownloadedFiles:
    """Files downloaded from ``template`` into ``workdir`` (one download per URL)."""

    timeout = 30
    """Seconds to connect and between two received chunks."""

    retries = 2
    """Extra attempts after a connection error, a timeout or a 5xx/429 answer."""

    backoff = 1.0
    """First wait between attempts, in seconds; doubles each time."""

    max_bytes = 10 * 1024**3
    """Largest file accepted (legacy CAP buckets allowed 10 GB)."""

    def __init__(self, template, workdir, **settings):
        """Download from ``template`` into ``workdir``; ``settings`` override the class ones."""
        self.template, self.workdir = template, Path(workdir)
        for name, value in settings.items():
            if not hasattr(type(self), name):
                raise TypeError(f"Unknown setting {name!r}.")
            setattr(self, name, value)
        self._done = {}

    def url(self, depid, recid, entry):
        """The URL of ``entry``; path parts are percent-encoded (keys may hold ``/``)."""
        values = {
            "bucket": entry.bucket or "",
            "key": entry.key,
            "version_id": entry.version_id or "",
            "depid": depid,
            "recid": recid or "",
        }
        return self.template.format(
            **{name: quote(str(value), safe="/") for name, value in values.items()}
        )

    def find(self, depid, recid, entry):
        """``[path]`` of the downloaded file."""
        url = self.url(depid, recid, entry)
        if url not in self._done:
            name = hashlib.sha256(url.encode()).hexdigest()
            self._done[url] = self._download(url, self.workdir / name)
        return [self._done[url]]

    def _download(self, url, path):
        attempt = 0
        while True:
            try:
                return self._get(url, path)
            except _Retryable as error:
                if attempt >= self.retries:
                    raise FileFetchError(f"{url}: {error}") from None
            time.sleep(self.backoff * 2**attempt)
            attempt += 1

    def _get(self, url, path):
        try:
            with requests.get(url, timeout=self.timeout, stream=True) as response:
                if response.status_code in RETRY_STATUSES:
                    raise _Retryable(f"answered {response.status_code}")
                if response.status_code != 200:
                    raise FileFetchError(f"{url}: answered {response.status_code}.")
                size = 0
                with open(path, "wb") as out:
                    for chunk in response.iter_content(1 << 20):
                        size += len(chunk)
                        if size > self.max_bytes:
                            raise FileFetchError(f"{url}: larger than {self.max_bytes} bytes.")
                        out.write(chunk)
            return path
        except requests.Timeout:
            raise _Retryable(f"no answer within {self.timeout} s") from None
        except requests.RequestException as error:
            raise _Retryable(f"unreachable ({type(error).__name__})") from None


class _Retryable(Exception):
    """A failure worth another attempt."""
