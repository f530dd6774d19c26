"""The deposit service component that keeps a record's ``_public`` flag."""

from ..access.components import ServiceComponent


class PublicFlagComponent(ServiceComponent):
    """A new revision of a record its admins opened stays open (publish
    rewrites the record from the draft, which never holds the flag)."""

    def publish(self, identity, publication, uow=None):
        """Carry the earlier record's flag into the new revision."""
        if publication.record is not None and "_public" in publication.record:
            publication.data["_public"] = publication.record["_public"]
