"""What the wizard's steps share: a sentence for the wizard's status line."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class Say(Message):
    """A step asks the wizard to show text in its status line (kind: hint, ok or error)."""

    text: str
    kind: str = "hint"
