"""Plain errors of the schemas module (the core map turns them into HTTP)."""

from ..core.errors import ConflictError, NotFoundError, ValidationError


class SchemaNotFoundError(NotFoundError):
    """The schema does not exist."""

    def __init__(self, name, version=None):
        """Name what was looked for."""
        what = f"{name} v{version}" if version else name
        super().__init__(f"Schema {what} does not exist.")
        self.name, self.version = name, version


class InvalidSchemaError(ValidationError):
    """The schema definition is not valid."""


class SchemaExistsError(ConflictError):
    """A schema with this name and version exists already."""


class SchemaChangedError(ConflictError):
    """A schema's content changed without a new version."""


class SchemaInUseError(ConflictError):
    """The schema still has indexed documents."""
