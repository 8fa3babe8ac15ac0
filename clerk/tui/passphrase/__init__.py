"""The passphrase screens: unlock at start, set it twice at first run (or skip it, warned), the
recovery key to print, and the line on the home screen that says whether the database is encrypted."""

from clerk.tui.passphrase.fields import PassphraseFields
from clerk.tui.passphrase.recovery_screen import RecoveryKeyScreen
from clerk.tui.passphrase.skip_dialog import SkipDialog
from clerk.tui.passphrase.status import security_line
from clerk.tui.passphrase.unlock_screen import UnlockScreen

__all__ = ["PassphraseFields", "RecoveryKeyScreen", "SkipDialog", "UnlockScreen", "security_line"]
