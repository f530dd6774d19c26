"""The storage's pipelined save: files-rest's result and checks, bounded memory,
nothing left behind on errors."""

import hashlib
import io
import os
import threading

import pytest
from werkzeug.exceptions import ClientDisconnected

from cap.modules.core.errors import InsufficientStorageError
from cap.modules.files.storage import CAPFileStorage

MIB = 1024 * 1024


class Limit(int):
    """files-rest's size limit: an int with a reason."""

    reason = "File is too big."


@pytest.mark.parametrize("length", [0, 999, 1000, 1001, 4321])
def test_pipelined_write_stores_and_hashes_like_files_rest(tmp_path, length):
    import io as io_

    from invenio_files_rest.storage import PyFSFileStorage

    from cap.modules.files.storage import CAPFileStorage

    content = os.urandom(length)
    ours = CAPFileStorage(str(tmp_path / "ours" / "data"))
    theirs = PyFSFileStorage(str(tmp_path / "theirs" / "data"))
    progress = []
    answer = ours.save(io_.BytesIO(content), size=length, chunk_size=1000,
                       progress_callback=lambda *args: progress.append(args))
    expected = theirs.save(io_.BytesIO(content), size=length, chunk_size=1000)
    assert answer[1:] == expected[1:] == (length, f"md5:{hashlib.md5(content).hexdigest()}")
    assert (tmp_path / "ours" / "data").read_bytes() == content
    assert progress[-1] == (length, length)


def test_pipelined_write_keeps_the_size_checks(tmp_path):
    import io as io_

    from invenio_files_rest.errors import FileSizeError, UnexpectedFileSizeError

    from cap.modules.files.storage import CAPFileStorage

    too_big = CAPFileStorage(str(tmp_path / "big" / "data"))
    with pytest.raises(FileSizeError):
        too_big.save(io_.BytesIO(b"z" * 5000), size_limit=Limit(2500), chunk_size=1000)
    assert not (tmp_path / "big" / "data").exists()  # removed, as files-rest does
    short = CAPFileStorage(str(tmp_path / "short" / "data"))
    with pytest.raises(UnexpectedFileSizeError):
        short.save(io_.BytesIO(b"z" * 3000), size=4000, chunk_size=1000)
    assert not (tmp_path / "short" / "data").exists()


class ChunkSource:
    """A request body handed out in reads, that can break after ``fail_after`` reads."""

    def __init__(self, content, fail_after=None):
        self.stream = io.BytesIO(content)
        self.reads = 0
        self.fail_after = fail_after

    def read(self, size=-1):
        if self.fail_after is not None and self.reads >= self.fail_after:
            raise ClientDisconnected()
        self.reads += 1
        return self.stream.read(size)


class FaultyStorage(CAPFileStorage):
    """Our storage whose file handle fails its ``fail_at``-th write (a full disk),
    or holds every write until ``release`` is set."""

    fail_at = None
    release = None
    writes = 0

    def open(self, mode="rb"):
        fp = super().open(mode=mode)
        if "w" not in mode:
            return fp
        storage = self
        write = fp.write

        def faulty_write(data):
            if storage.release is not None:
                assert storage.release.wait(10)
            storage.writes += 1
            if storage.writes == storage.fail_at:
                raise OSError(28, "No space left on device")
            return write(data)

        fp.write = faulty_write
        return fp


def upload_threads():
    return [t for t in threading.enumerate() if t.name.startswith("cap-upload")]


def test_pipelined_multi_chunk_upload_equals_its_source(tmp_path):
    content = os.urandom(7 * 64 * 1024 + 123)
    storage = CAPFileStorage(str(tmp_path / "data"))
    answer = storage.save(ChunkSource(content), size=len(content), chunk_size=64 * 1024)
    assert answer[1:] == (len(content), f"md5:{hashlib.md5(content).hexdigest()}")
    assert (tmp_path / "data").read_bytes() == content
    assert upload_threads() == []


def test_pipeline_holds_a_bounded_number_of_chunks(tmp_path):
    """While the disk holds the first write, receiving stops after
    UPLOAD_PIPELINE_DEPTH chunks in flight plus the one being received."""
    content = os.urandom(20 * 1000)
    source = ChunkSource(content)
    storage = FaultyStorage(str(tmp_path / "data"))
    storage.release = threading.Event()
    result = {}
    saver = threading.Thread(
        target=lambda: result.update(answer=storage.save(source, size=len(content),
                                                         chunk_size=1000)))
    saver.start()
    saver.join(0.5)
    assert saver.is_alive()  # held by the disk
    assert source.reads == CAPFileStorage.UPLOAD_PIPELINE_DEPTH + 1
    storage.release.set()
    saver.join(10)
    assert result["answer"][1:] == (len(content), f"md5:{hashlib.md5(content).hexdigest()}")
    assert (tmp_path / "data").read_bytes() == content


def test_interrupted_multi_chunk_upload_leaves_nothing(tmp_path):
    content = os.urandom(10 * 1000)
    storage = CAPFileStorage(str(tmp_path / "data"))
    with pytest.raises(ClientDisconnected):
        storage.save(ChunkSource(content, fail_after=4), size=len(content), chunk_size=1000)
    assert not (tmp_path / "data").exists()
    assert upload_threads() == []


def test_a_failed_disk_write_fails_the_upload(tmp_path):
    content = os.urandom(10 * 1000)
    source = ChunkSource(content)
    storage = FaultyStorage(str(tmp_path / "data"))
    storage.fail_at = 2
    with pytest.raises(InsufficientStorageError, match="No space left on the files storage"):
        storage.save(source, size=len(content), chunk_size=1000)
    assert not (tmp_path / "data").exists()
    assert source.reads < 10  # receiving stopped soon after the failure
    assert upload_threads() == []


def test_a_readinto_body_is_received_into_reused_buffers_intact(tmp_path):
    """Buffers are reused in turn: a chunk's bytes must be on disk and
    hashed before its buffer receives again, even with a slow disk."""
    content = os.urandom(3 * MIB + 4321)
    storage = FaultyStorage(str(tmp_path / "data"))
    storage.release = threading.Event()
    threading.Timer(0.2, storage.release.set).start()
    answer = storage.save(io.BytesIO(content), size=len(content), chunk_size=64 * 1024)
    assert answer[1:] == (len(content), f"md5:{hashlib.md5(content).hexdigest()}")
    assert (tmp_path / "data").read_bytes() == content
    assert upload_threads() == []


class ThreadRecordingStorage(CAPFileStorage):
    """Notes the thread that writes each chunk."""

    def write_chunk(self, dst, chunk):
        self.writers.append(threading.current_thread().name)
        super().write_chunk(dst, chunk)


@pytest.mark.parametrize(("length", "pipelined"), [(10, False), (999, False), (1000, True),
                                                   (5000, True)])
def test_a_body_of_unknown_size_is_pipelined_only_past_one_chunk(tmp_path, length, pipelined):
    """Most files are small and sent without a size: they are copied in the
    caller's thread; a body that fills its first chunk (more may follow) goes
    through the pipeline."""
    content = os.urandom(length)
    storage = ThreadRecordingStorage(str(tmp_path / "data"))
    storage.writers = []
    answer = storage.save(io.BytesIO(content), chunk_size=1000)
    assert answer[1:] == (length, f"md5:{hashlib.md5(content).hexdigest()}")
    assert (tmp_path / "data").read_bytes() == content
    in_helper = {name.startswith("cap-upload-write") for name in storage.writers}
    assert in_helper == {pipelined}
    assert upload_threads() == []
