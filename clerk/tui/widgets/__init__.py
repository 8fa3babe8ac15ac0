"""Widgets and screen helpers shared by the screens of several areas."""

from clerk.tui.widgets.choice import Choice
from clerk.tui.widgets.confirm import ConfirmDialog
from clerk.tui.widgets.form_guard import GuardedForm, unsaved_forms
from clerk.tui.widgets.pinyin_field import PinyinField
from clerk.tui.widgets.secret_pair import SecretPair

__all__ = ["Choice", "ConfirmDialog", "GuardedForm", "PinyinField", "SecretPair", "unsaved_forms"]
