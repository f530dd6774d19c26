"""A search index behind an alias, rebuilt and switched without downtime.

:class:`AliasedIndex` holds what datasets and triggers share: creating the
index with its mapping, bulk loading a stream of documents in chunks (bounded
memory, refresh off while loading), building a fresh index and switching the
alias to it in one atomic call, and deleting the old indexes.
"""

import hashlib
from datetime import UTC, datetime
from itertools import islice

from flask import current_app
from invenio_search.engine import search
from invenio_search.utils import build_alias_name, prefix_index

from ...core.errors import CAPError

ANALYSIS = {
    "normalizer": {"lower": {"type": "custom", "filter": ["lowercase"]}},
}


class LoadError(CAPError):
    """The index could not be loaded."""


def doc_id(key):
    """A short stable document id for a (possibly long) natural key."""
    return hashlib.sha1(key.encode("utf-8")).hexdigest()


class AliasedIndex:
    """One alias, zero or more ``<alias>-<stamp>`` indexes behind it."""

    def __init__(self, name, mappings, client=None):
        """``name`` is the unprefixed alias; ``mappings`` the index mapping."""
        self.name = name
        self.mappings = mappings
        self._client = client

    @property
    def client(self):
        """The search engine client."""
        return self._client or current_app.extensions["invenio-search"].client

    @property
    def alias(self):
        """The prefixed alias searches go to."""
        return build_alias_name(self.name)

    def exists(self):
        """Whether the alias points somewhere (a list has been loaded)."""
        return bool(self.client.indices.exists_alias(name=self.alias))

    def current_indexes(self):
        """Names of the indexes behind the alias."""
        try:
            return sorted(self.client.indices.get_alias(name=self.alias))
        except search.NotFoundError:
            return []

    def create_index(self, loading=True):
        """A new empty ``<alias>-<stamp>`` index (refresh off while ``loading``)."""
        stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")
        index = prefix_index(f"{self.name}-{stamp}")
        # One replica on a cluster, none on a single node (as the schema indexes).
        settings = {"analysis": ANALYSIS, "number_of_shards": 1, "auto_expand_replicas": "0-1"}
        if loading:
            settings["refresh_interval"] = "-1"
        self.client.indices.create(
            index=index, body={"settings": settings, "mappings": self.mappings}
        )
        return index

    def target(self, replace):
        """Where a load writes: a fresh index when ``replace`` or none yet, else the current."""
        current = self.current_indexes()
        if replace or not current:
            return self.create_index(), True
        return current[-1], False

    def bulk(self, index, docs, key, chunk_size=5000, threads=2, on_chunk=None):
        """Index ``docs`` (an iterator) in chunks; returns ``(indexed, failed, errors)``.

        ``key(doc)`` gives the natural key (its hash is the document id, so a
        name loaded twice is stored once). ``on_chunk(n)`` is called after each
        chunk. At most ``threads`` chunks are in memory at once.
        """
        from opensearchpy.helpers import parallel_bulk

        # Worker threads have no app context: ``self.client`` is the client
        # itself, not a proxy.
        client = self.client

        def actions():
            for doc in docs:
                yield {"_index": index, "_id": doc_id(key(doc)), "_source": doc}

        indexed = failed = 0
        errors = []
        stream = parallel_bulk(
            client,
            actions(),
            thread_count=max(1, threads),
            chunk_size=chunk_size,
            queue_size=max(1, threads),
            raise_on_error=False,
            raise_on_exception=False,
        )
        pending = 0
        for ok, info in stream:
            if ok:
                indexed += 1
            else:
                failed += 1
                if len(errors) < 10:
                    errors.append(str(info)[:300])
            pending += 1
            if on_chunk and pending >= chunk_size:
                on_chunk(pending)
                pending = 0
        if on_chunk and pending:
            on_chunk(pending)
        return indexed, failed, errors

    def finish(self, index, switch):
        """Refresh ``index``; when ``switch``, point the alias at it alone and drop the old."""
        self.client.indices.put_settings(index=index, body={"index": {"refresh_interval": "1s"}})
        self.client.indices.refresh(index=index)
        if not switch:
            return []
        old = [name for name in self.current_indexes() if name != index]
        actions = [{"add": {"index": index, "alias": self.alias}}]
        actions += [{"remove": {"index": name, "alias": self.alias}} for name in old]
        self.client.indices.update_aliases(body={"actions": actions})
        for name in old:
            self.client.indices.delete(index=name, ignore=[404])
        return old

    def abandon(self, index):
        """Delete a half-built index (a failed load)."""
        self.client.indices.delete(index=index, ignore=[404])

    def delete(self):
        """Delete every index behind the alias."""
        for name in self.current_indexes():
            self.client.indices.delete(index=name, ignore=[404])


def chunks(iterable, size):
    """Lists of at most ``size`` items."""
    iterator = iter(iterable)
    while batch := list(islice(iterator, size)):
        yield batch
