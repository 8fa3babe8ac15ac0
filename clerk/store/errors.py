"""The refusal every capability raises: a message in Chinese that a clerk can act on."""

from __future__ import annotations


class ServiceError(Exception):
    """A refusal a clerk can act on; the message is Chinese and complete."""
