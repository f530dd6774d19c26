"""The ``cap_schemas`` table: one row per schema version."""

from invenio_db import db
from sqlalchemy.dialects import postgresql

from .urls import index_name

JSON = db.JSON().with_variant(postgresql.JSONB(none_as_null=True), "postgresql")


class Schema(db.Model, db.Timestamp):
    """A versioned deposit/record type.

    ``record_schema`` and ``record_mapping`` give the effective record
    documents: the deposit ones when ``use_deposit_as_record`` is set (the
    stored columns are then unused); ``record_options`` falls back to the
    deposit options when the record has none of its own.
    """

    __tablename__ = "cap_schemas"
    __table_args__ = (
        db.UniqueConstraint("name", "major", "minor", "patch", name="uq_cap_schemas_version"),
    )

    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(128), nullable=False, index=True)
    major = db.Column(db.Integer, nullable=False)
    minor = db.Column(db.Integer, nullable=False)
    patch = db.Column(db.Integer, nullable=False)
    fullname = db.Column(db.String(255))
    experiment = db.Column(db.String(128), nullable=True)
    deposit_schema = db.Column(JSON, nullable=False)
    deposit_options = db.Column(JSON)
    deposit_mapping = db.Column(JSON)
    stored_record_schema = db.Column("record_schema", JSON)
    stored_record_options = db.Column("record_options", JSON)
    stored_record_mapping = db.Column("record_mapping", JSON)
    use_deposit_as_record = db.Column(db.Boolean, nullable=False, default=True)
    is_indexed = db.Column(db.Boolean, nullable=False, default=True)
    allow_all = db.Column(db.Boolean, nullable=False, default=False, server_default="false")
    """Every authenticated user may read the schema (legacy ``allow_all``)."""
    config = db.Column(JSON)

    def __repr__(self):
        """``<Schema cms-analysis v1.0.0>``."""
        return f"<Schema {self.name} v{self.version}>"

    @property
    def version(self):
        """``M.m.p``."""
        return f"{self.major}.{self.minor}.{self.patch}"

    @version.setter
    def version(self, value):
        self.major, self.minor, self.patch = (int(part) for part in value.split("."))

    @property
    def version_key(self):
        """Sort key by semantic version."""
        return (self.major, self.minor, self.patch)

    def _record_or_deposit(self, kind):
        if self.use_deposit_as_record:
            return getattr(self, f"deposit_{kind}")
        return getattr(self, f"stored_record_{kind}")

    @property
    def record_schema(self):
        """The record JSON Schema (the deposit one when record = deposit)."""
        return self._record_or_deposit("schema")

    @property
    def record_options(self):
        """The record UI options (the deposit ones when it has none of its own)."""
        if self.stored_record_options is None:
            return self.deposit_options
        return self.stored_record_options

    @property
    def record_mapping(self):
        """The record search mapping (the deposit one when it has none of its own).

        A record schema refines the deposit one (stricter ``required``) over
        the same fields, so the deposit mapping indexes them too.
        """
        mapping = self._record_or_deposit("mapping")
        return self.deposit_mapping if mapping is None else mapping

    @property
    def deposit_path(self):
        """Path of the deposit schema under ``/schemas/``."""
        return f"deposits/records/{self.name}-v{self.version}.json"

    @property
    def record_path(self):
        """Path of the record schema under ``/schemas/``."""
        return f"records/{self.name}-v{self.version}.json"

    @property
    def deposit_index(self):
        """Unprefixed name of the deposit index of this version."""
        return index_name("deposit", self.name, self.version)

    @property
    def record_index(self):
        """Unprefixed name of the record index of this version."""
        return index_name("record", self.name, self.version)

    @property
    def info(self):
        """``{name, version, fullname}``: how answers and index documents name the schema."""
        return {"name": self.name, "version": self.version, "fullname": self.fullname}

    def document(self, kind, part="schema"):
        """The effective ``schema``/``options``/``mapping`` of ``kind`` (deposit|record)."""
        return getattr(self, f"{kind}_{part}")

    def to_dict(self):
        """The stored definition, in the shape ``POST /jsonschemas/`` accepts."""
        return {
            "name": self.name,
            "version": self.version,
            "fullname": self.fullname,
            "experiment": self.experiment,
            "is_indexed": self.is_indexed,
            "use_deposit_as_record": self.use_deposit_as_record,
            "allow_all": bool(self.allow_all),
            "config": self.config or {},
            "deposit_schema": self.deposit_schema,
            "deposit_options": self.deposit_options,
            "deposit_mapping": self.deposit_mapping,
            "record_schema": self.stored_record_schema,
            "record_options": self.stored_record_options,
            "record_mapping": self.stored_record_mapping,
        }
