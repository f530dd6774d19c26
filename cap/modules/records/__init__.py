"""Published records: record layer, read service and REST resources."""

from .ext import CAPRecords

__all__ = ("CAPRecords",)
