"""Unit-of-work operations of the deposit service."""

from ...core.uow import RecordCommitOp


class RecordIndexOp(RecordCommitOp):
    """Index a record created in this transaction (already written by ``create``).

    Creating then committing in the same transaction would make two
    revisions out of one change; this op only indexes after the commit (and
    queues on failure, like :class:`RecordCommitOp`).
    """

    def on_register(self, uow):
        """Nothing to write: ``Record.create`` did it."""
