"""Files: permissions, validations and listings around invenio-files-rest."""

from .ext import CAPFilesREST

__all__ = ("CAPFilesREST",)
