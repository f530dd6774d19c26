"""Storage factory (``FILES_REST_STORAGE_FACTORY``): one storage class per location URI scheme.

A files location's URI picks its backend: a path (or ``file://``) is a local
disk (files-rest's PyFS storage), ``root://`` / ``roots://`` is XRootD (EOS)
through invenio-xrootd, ``s3://`` is S3 through invenio-s3. The three share
the behaviour below (chunked reads, pipelined uploads), so uploads,
downloads, ranges and checksums work the same on each.

files-rest hands the open file object itself to the response as its body,
and a WSGI server iterates a file object line by line: for binary data that
means tiny, random-sized writes (measured: 47 MB/s for a 200 MB download).
Files opened for reading here iterate in fixed chunks instead; everything
else (read, seek, close, ranges) is the underlying file's.

Uploads larger than one chunk are pipelined: while a chunk is received, the
previous one is hashed in one helper thread and written to disk in another
(receive, MD5 and write all release the GIL), instead of receiving, hashing
and writing one after the other.
"""

import errno
import hashlib
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack, suppress
from urllib.parse import urlsplit

from flask import current_app
from invenio_files_rest.helpers import chunk_size_or_default
from invenio_files_rest.storage import FileStorage, PyFSFileStorage, pyfs_storage_factory
from invenio_files_rest.storage.base import check_size, check_sizelimit
from invenio_s3.storage import S3FSFileStorage, set_blocksize
from invenio_xrootd.storage import XRootDFileStorage

from ..core.errors import InsufficientStorageError

DISK_FULL_ERRNOS = (errno.ENOSPC, errno.EDQUOT)
DISK_FULL_MESSAGE = (
    "No space left on the files storage: the file was not stored. "
    "Tell the CAP administrators; try again later."
)


class ChunkedReader:
    """A file opened for reading whose iteration yields ``chunk_size`` bytes at a time."""

    def __init__(self, fp, chunk_size):
        """Wrap an open binary file."""
        self._fp = fp
        self.chunk_size = chunk_size

    def __getattr__(self, name):
        """Everything but iteration is the file's."""
        return getattr(self._fp, name)

    def __iter__(self):
        """Iterate over chunks."""
        return self

    def __next__(self):
        """The next chunk, until the end of the file."""
        data = self._fp.read(self.chunk_size)
        if not data:
            raise StopIteration
        return data

    def __enter__(self):
        """Context manager over the file."""
        return self

    def __exit__(self, *exc):
        """Close the file."""
        self._fp.close()


class InlineExecutor:
    """``submit`` runs the call at once, in this thread: the executor of a one-chunk body."""

    def submit(self, fn, *args):
        """A future already holding ``fn(*args)``'s result or exception."""
        future = Future()
        try:
            future.set_result(fn(*args))
        except Exception as error:
            future.set_exception(error)
        return future


class CAPStorageMixin:
    """Read handles that iterate in chunks, pipelined uploads: on any files-rest storage."""

    UPLOAD_PIPELINE_DEPTH = 2
    """Chunks an upload may have waiting to be hashed or written (memory: one more)."""

    def open(self, mode="rb"):
        """Open the file; read modes iterate in ``CAP_FILES_READ_CHUNK_SIZE`` chunks."""
        fp = super().open(mode=mode)
        if mode.startswith("r"):
            return ChunkedReader(fp, current_app.config["CAP_FILES_READ_CHUNK_SIZE"])
        return fp

    def save(self, incoming_stream, size_limit=None, size=None, chunk_size=None,
             progress_callback=None):
        """Store ``incoming_stream``: files-rest's ``save`` contract, copied as a pipeline.

        Returns ``(fileurl, bytes written, "md5:<hex>")`` and applies files-rest's
        size checks (``check_sizelimit`` before each chunk, ``check_size`` at
        the end); on any error the partial file is deleted and the error
        raised (a full disk as :class:`InsufficientStorageError`, a 507).
        While chunk i+1 is received here, chunk i is hashed in one helper
        thread and written in another (receive, MD5 and write all release the
        GIL). At most ``UPLOAD_PIPELINE_DEPTH`` chunks are waiting
        to be hashed or written, plus the one being received, so memory stays
        flat whatever the size. A body that can ``readinto`` is received into
        ``UPLOAD_PIPELINE_DEPTH + 1`` buffers used in turn (a fresh multi-MiB
        buffer per chunk cost the kernel ~1.8 s of CPU per GiB here). Both
        helper threads have ended when this returns or raises.
        """
        fp = self.open(mode="wb")
        try:
            bytes_written, checksum = self.copy_and_hash(
                incoming_stream, fp, size=size, size_limit=size_limit,
                chunk_size=chunk_size, progress_callback=progress_callback,
            )
            fp.close()  # flushes the last buffered bytes: may fail for space too
        except BaseException as error:
            with suppress(OSError):  # closing flushes too, into the same full disk
                fp.close()
            self.delete()
            if isinstance(error, OSError) and error.errno in DISK_FULL_ERRNOS:
                raise InsufficientStorageError(DISK_FULL_MESSAGE) from error
            raise
        return self.fileurl, bytes_written, checksum

    def write_chunk(self, dst, chunk):
        """Write one chunk (bytes, or a memoryview of a reused buffer) to ``dst``."""
        dst.write(chunk)

    def copy_and_hash(self, src, dst, size=None, size_limit=None, chunk_size=None,
                      progress_callback=None):
        """Copy ``src`` to ``dst`` through the pipeline; ``(bytes, "md5:<hex>")``."""
        chunk_size = chunk_size_or_default(chunk_size)
        digest = hashlib.md5()
        bytes_written = 0
        in_flight = deque()

        def settle(keep):
            while len(in_flight) > keep:
                for future in in_flight.popleft():
                    future.result()  # hashed / on disk, or raises

        # The first chunk is read plainly, and decides: a body of one chunk or
        # less (most files, often of unknown size) is copied in this thread,
        # with no helper threads and no reusable buffers to allocate.
        check_sizelimit(size_limit, bytes_written, size)
        chunk = src.read(chunk_size)
        pipelined = len(chunk) == chunk_size if size is None else size > chunk_size
        readinto = getattr(src, "readinto", None) if pipelined else None
        # Enough buffers for the chunks in flight and the one being received:
        # the buffer filled next was the one of a chunk already settled.
        buffers = [bytearray(chunk_size) for _ in range(self.UPLOAD_PIPELINE_DEPTH + 1)] \
            if readinto else None
        received = 0

        with ExitStack() as helpers:
            if pipelined:
                hasher = helpers.enter_context(
                    ThreadPoolExecutor(1, thread_name_prefix="cap-upload-md5"))
                writer = helpers.enter_context(
                    ThreadPoolExecutor(1, thread_name_prefix="cap-upload-write"))
            else:
                hasher = writer = InlineExecutor()
            try:
                while chunk:
                    received += 1
                    in_flight.append([writer.submit(self.write_chunk, dst, chunk),
                                      hasher.submit(digest.update, chunk)])
                    bytes_written += len(chunk)
                    if progress_callback:
                        progress_callback(None, bytes_written)
                    settle(self.UPLOAD_PIPELINE_DEPTH)
                    check_sizelimit(size_limit, bytes_written, size)
                    if buffers:
                        buffer = buffers[received % len(buffers)]
                        chunk = memoryview(buffer)[:readinto(buffer) or 0]
                    else:
                        chunk = src.read(chunk_size)
                settle(0)
            except BaseException:
                for futures in in_flight:  # the chunks not started yet are dropped
                    for future in futures:
                        future.cancel()
                raise
        if progress_callback:
            progress_callback(bytes_written, bytes_written)
        check_size(bytes_written, size)
        return bytes_written, f"md5:{digest.hexdigest()}"


class CAPFileStorage(CAPStorageMixin, PyFSFileStorage):
    """A local disk (or any mounted file system)."""


class CAPXRootDFileStorage(CAPStorageMixin, XRootDFileStorage):
    """XRootD (EOS): invenio-xrootd's storage, checksums re-read by default."""

    def write_chunk(self, dst, chunk):
        """XRootD's client writes ``bytes`` only (a memoryview is refused)."""
        dst.write(bytes(chunk))

    def checksum(self, chunk_size=None, progress_callback=None, **kwargs):
        """``md5:<hex>`` of the stored bytes.

        An XRootD server answers a checksum query from the value it cached
        (in an extended attribute, refreshed when the file's mtime changes),
        so bytes that rot in place keep their old checksum: fixity re-reads
        the file here unless ``CAP_FILES_XROOTD_SERVER_CHECKSUM`` trusts the
        server (which must then compute MD5: ``xrootd.chksum md5``).
        """
        server = current_app.config["CAP_FILES_XROOTD_SERVER_CHECKSUM"]
        return super().checksum(chunk_size=chunk_size, progress_callback=progress_callback,
                                use_default_impl=not server)


class CAPS3FileStorage(CAPStorageMixin, S3FSFileStorage):
    """S3: invenio-s3's storage; downloads stream through CAP unless redirects are on."""

    @set_blocksize
    def save(self, *args, **kwargs):
        """Our pipelined save, with invenio-s3's part size for the file's size
        (at most ``S3_MAXIMUM_NUMBER_OF_PARTS`` parts)."""
        return super().save(*args, **kwargs)

    def send_file(self, filename, **kwargs):
        """Stream the object through CAP (same headers, ETag and ranges as the
        other backends; the S3 endpoint need not be reachable by clients), or
        with ``CAP_FILES_S3_REDIRECT_DOWNLOADS`` redirect to a pre-signed URL
        (invenio-s3's way: the bytes do not pass through the web pods)."""
        if current_app.config["CAP_FILES_S3_REDIRECT_DOWNLOADS"]:
            return super().send_file(filename, **kwargs)
        return FileStorage.send_file(self, filename, **kwargs)


STORAGE_CLASSES = {
    "root": CAPXRootDFileStorage,
    "roots": CAPXRootDFileStorage,
    "s3": CAPS3FileStorage,
    "": CAPFileStorage,
    "file": CAPFileStorage,
}
"""URI scheme of a location or file -> its storage class."""


class UnsupportedLocationError(ValueError):
    """A location URI whose scheme no storage backend serves."""


def storage_class_for(uri):
    """The storage class of a file or location URI (by its scheme)."""
    scheme = urlsplit(uri).scheme.lower()
    try:
        return STORAGE_CLASSES[scheme]
    except KeyError:
        raise UnsupportedLocationError(
            f"no storage backend for {scheme}:// URIs "
            f"(supported: a path, file://, root://, roots://, s3://)"
        ) from None


def storage_factory(fileinstance=None, default_location=None, **kwargs):
    """files-rest's PyFS storage factory with the storage class of the file's URI.

    A stored file keeps the backend of its own URI; a new one gets its
    bucket's location's.
    """
    uri = (fileinstance.uri if fileinstance is not None else None) \
        or kwargs.get("fileurl") or default_location
    kwargs.setdefault("filestorage_class", storage_class_for(uri) if uri else CAPFileStorage)
    return pyfs_storage_factory(fileinstance=fileinstance, default_location=default_location,
                                **kwargs)
