"""Widgets shared by the screens of several areas."""

from clerk.tui.widgets.secret_pair import SecretPair

__all__ = ["SecretPair"]
