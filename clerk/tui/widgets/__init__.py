"""Widgets shared by the screens of several areas."""

from clerk.tui.widgets.pinyin_field import PinyinField
from clerk.tui.widgets.secret_pair import SecretPair

__all__ = ["PinyinField", "SecretPair"]
