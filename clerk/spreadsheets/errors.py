"""The one error the spreadsheet readers raise: a file we will not read, said plainly in Chinese."""

from __future__ import annotations


class SpreadsheetError(Exception):
    """A roster that cannot be read; the message tells the clerk what to do about it."""
