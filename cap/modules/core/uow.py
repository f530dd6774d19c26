"""Unit-of-work operations: write now, index after commit, queue tasks last.

Built on :mod:`invenio_db.uow`. A service registers these instead of
committing; the unit of work commits the transaction, then runs the
``on_commit`` of each operation in order, then ``on_post_commit``.
"""

from flask import current_app
from invenio_db.uow import Operation


class RecordCommitOp(Operation):
    """Store a record now; index it once the transaction is committed.

    When the search engine refuses the document, the record (already safe in
    the database) is queued for bulk indexing instead, so nothing is lost:
    the beat-driven bulk consumer retries it.
    """

    def __init__(self, record, indexer=None):
        """Remember the record and the indexer (``None``: no indexing)."""
        self._record = record
        self._indexer = indexer

    def on_register(self, uow):
        """Write the record in the current transaction."""
        self._record.commit()

    def on_commit(self, uow):
        """Index the committed record, or queue it on failure."""
        if self._indexer is None:
            return
        try:
            self._indexer.index(self._record)
        except Exception:  # any search failure: the queue takes over
            current_app.logger.warning(
                "Indexing %s failed; queued for retry.", self._record.id, exc_info=True
            )
            self._indexer.bulk_index([str(self._record.id)])


class RecordDeleteOp(Operation):
    """Delete a record now; remove it from the index after commit."""

    def __init__(self, record, indexer=None, force=False):
        """Remember the record, the indexer and whether to hard-delete."""
        self._record = record
        self._indexer = indexer
        self._force = force

    def on_register(self, uow):
        """Delete the record in the current transaction."""
        self._record.delete(force=self._force)

    def on_commit(self, uow):
        """Remove the document; queue the removal on failure."""
        if self._indexer is None:
            return
        try:
            self._indexer.delete(self._record)
        except Exception:  # any search failure: the queue takes over
            current_app.logger.warning(
                "Unindexing %s failed; queued for retry.", self._record.id, exc_info=True
            )
            self._indexer.bulk_delete([str(self._record.id)])


class TaskOp(Operation):
    """Queue a celery task once everything else is committed and indexed."""

    def __init__(self, task, *args, **kwargs):
        """Remember the task and its arguments (ids, never objects)."""
        self._task = task
        self._args = args
        self._kwargs = kwargs

    def on_post_commit(self, uow):
        """Send the task to the broker."""
        self._task.delay(*self._args, **self._kwargs)
