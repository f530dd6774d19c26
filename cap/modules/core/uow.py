"""Unit-of-work operations: write now, index after commit, queue tasks last.

Built on :mod:`invenio_db.uow`. A service registers these instead of
committing; the unit of work commits the transaction, then runs the
``on_commit`` of each operation in order, then ``on_post_commit``.

``index_refresh`` makes a change searchable at once (as InvenioRDM does for
drafts): the caller's next search, and a former grantee's after an access
change, see it.
"""

import logging

from flask import current_app
from invenio_db.uow import Operation
from opensearchpy.exceptions import RequestError

DEAD_LETTERS = logging.getLogger("cap.index.dead_letters")
"""Documents the search engine refused (retrying cannot help): fix, then reindex."""


def refuse_document(record, indexer, error):
    """The engine refused ``record``'s document: log it, drop its stale copy.

    A retry would be refused the same way, so it is not queued. The copy left
    in the index is older than the record; it may carry grants that were
    revoked since (or files since added), so it must not stay searchable.
    """
    DEAD_LETTERS.error(
        "The search engine refused document %s (%s); its stale copy is removed "
        "from search until it is reindexed: %s",
        record.id,
        type(record).__name__,
        error,
    )
    try:
        indexer.delete(record, version=None, refresh=True, ignore=[404])
    except Exception:  # the stale copy stays: say so loudly
        DEAD_LETTERS.critical(
            "Could not remove the stale document %s from search.", record.id, exc_info=True
        )


class RecordCommitOp(Operation):
    """Store a record now; index it once the transaction is committed.

    When indexing fails, the record (already safe in the database) is
    queued for bulk indexing instead, so nothing is lost: the beat-driven bulk
    consumer retries it. A document the engine refuses (a 400: mapping or
    size error) would be refused again: it goes to the dead letters and its
    stale copy out of search (:func:`refuse_document`).
    """

    def __init__(self, record, indexer=None, index_refresh=False):
        """Remember the record, the indexer (``None``: no indexing) and whether
        to refresh the index after writing."""
        self._record = record
        self._indexer = indexer
        self._index_refresh = index_refresh

    def on_register(self, uow):
        """Write the record in the current transaction."""
        self._record.commit()

    def on_commit(self, uow):
        """Index the committed record, or queue it on failure."""
        if self._indexer is None:
            return
        arguments = {"refresh": True} if self._index_refresh else None
        try:
            self._indexer.index(self._record, arguments=arguments)
        except RequestError as error:
            refuse_document(self._record, self._indexer, error)
        except Exception:  # any other search failure: the queue takes over
            current_app.logger.warning(
                "Indexing %s failed; queued for retry.", self._record.id, exc_info=True
            )
            self._indexer.bulk_index([str(self._record.id)])


class RecordDeleteOp(Operation):
    """Delete a record now; remove it from the index after commit."""

    def __init__(self, record, indexer=None, force=False, index_refresh=False):
        """Remember the record, the indexer, whether to hard-delete and to refresh."""
        self._record = record
        self._indexer = indexer
        self._force = force
        self._index_refresh = index_refresh

    def on_register(self, uow):
        """Delete the record in the current transaction."""
        self._record.delete(force=self._force)

    def on_commit(self, uow):
        """Remove the document; queue the removal on failure."""
        if self._indexer is None:
            return
        try:
            self._indexer.delete(self._record, refresh=self._index_refresh)
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
