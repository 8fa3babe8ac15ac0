"""ClerkApp: the screens a clerk moves between, and the command palette that reaches them all."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import cast

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from clerk.store import keys
from clerk.store.store import Store, open_store
from clerk.tui.palette import ClerkCommandPalette
from clerk.tui.widgets import ConfirmDialog, unsaved_forms


class ClerkApp(App[None]):
    """The clerk's app on one database; screens reach it as `self.app` (typed: `app = getters.app(ClerkApp)`)."""

    CSS_PATH = "app.tcss"
    TITLE = "clerk 工会会员实名制"
    ENABLE_COMMAND_PALETTE = True
    COMMAND_PALETTE_BINDING = "ctrl+p"
    BINDINGS = [
        Binding("ctrl+q", "quit", "退出", show=False, priority=True),
        Binding("ctrl+p", "command_palette", "全部命令", show=False, priority=True),
    ]

    def __init__(self, store: Store | None, db_path: str | Path | None = None):
        """store None: an encrypted database, opened on the unlock screen."""
        super().__init__()
        self.db_path = Path(db_path) if db_path is not None else store.path  # type: ignore[union-attr]
        self.locked = store is None
        if store is not None:
            self.store: Store = store

    def on_mount(self) -> None:
        if self.locked:
            from clerk.tui.passphrase import UnlockScreen

            self.push_screen(UnlockScreen(self.db_path), callback=self._unlocked)
        else:
            self._start()

    def _unlocked(self, store: Store | None) -> None:
        assert store is not None
        self.store, self.locked = store, False
        self._start()

    def _start(self) -> None:
        unit = self.store.unit
        if unit is None:
            from clerk.tui.setup_screen import SetupScreen

            self.push_screen(SetupScreen(), callback=lambda _: self._open_home())
        else:
            self._open_home()

    def _open_home(self) -> None:
        from clerk.tui.home import HomeScreen

        unit = self.store.require_unit()
        # Short enough for an 80-column header; the code is on the home screen.
        self.sub_title = f"{unit.name} · 经办人 {unit.clerk}"
        self.switch_screen(HomeScreen()) if len(self.screen_stack) > 1 else self.push_screen(HomeScreen())

    # -- actions reachable from every screen and the command palette -------------------------
    def _go(self, screen: Screen) -> None:
        if self.locked:
            return
        if self.store.unit is None:
            self.notify("请先完成首次设置。", severity="warning")
            return
        self.push_screen(screen)

    def action_home(self) -> None:
        from clerk.tui.home import HomeScreen

        def go_home() -> None:
            while len(self.screen_stack) > 2 and not isinstance(self.screen, HomeScreen):
                self.pop_screen()

        self._unless_unsaved(go_home, "回首页")

    async def action_quit(self) -> None:
        self.quit_asking()

    def quit_asking(self) -> None:
        """Quit, after asking when a form holds changes."""
        self._unless_unsaved(self.exit, "退出")

    def action_help_quit(self) -> None:
        """ctrl+c copies in a text box; elsewhere the clerk probably wanted to quit: say how."""
        self.notify("按 ctrl+q 退出 clerk（在首页也可以按 q）。", title="要退出吗？")

    def _unless_unsaved(self, then: Callable[[], object], verb: str) -> None:
        """Run then(), after asking when a form holds changes that would be lost."""
        if isinstance(self.screen, ConfirmDialog):
            return  # already asking
        forms = unsaved_forms(self.screen_stack)
        if not forms:
            then()
            return

        def answered(yes: bool | None) -> None:
            if yes:
                then()

        question = f"有一张表还没有保存。现在{verb}，已填写的内容会丢失。"
        self.push_screen(ConfirmDialog(question, yes=f"不保存，{verb}", no="继续填写"), callback=answered)

    def action_members(self) -> None:
        from clerk.tui.members.member_list import MemberListScreen

        self._go(MemberListScreen())

    def action_add_member(self) -> None:
        from clerk.tui.members.member_form import MemberFormScreen

        self._go(MemberFormScreen())

    def open_member(self, member_id: int) -> None:
        from clerk.tui.members.member_detail import MemberDetailScreen

        self._go(MemberDetailScreen(member_id))

    def action_orgs(self) -> None:
        from clerk.tui.orgs.org_tree import OrgTreeScreen

        self._go(OrgTreeScreen())

    def action_org_summary(self) -> None:
        from clerk.tui.orgs.org_summary import OrgSummaryScreen

        self._go(OrgSummaryScreen())

    def action_add_org(self) -> None:
        from clerk.tui.orgs.org_form import OrgFormScreen

        self._go(OrgFormScreen())

    def action_transfer(self) -> None:
        from clerk.tui.members.member_list import MemberListScreen

        self._go(MemberListScreen(title="会员转接：找到会员，回车打开，再按 t 转接"))

    def action_transfer_in(self) -> None:
        from clerk.tui.members.transfer_in import TransferInScreen

        def opened(member_id: int | None) -> None:
            if member_id is not None:
                self.open_member(member_id)

        if self.store.unit is not None:
            self.push_screen(TransferInScreen(), callback=opened)

    # -- sync upward: export at a township, merge and conflicts at the district, reports at both --
    def action_sync(self) -> None:
        unit = self.store.unit
        if unit is not None and unit.level == "district":
            self.action_merge_sync()
        else:
            self.action_export_sync()

    def action_export_sync(self) -> None:
        from clerk.tui.sync.export_screen import ExportScreen

        self._go(ExportScreen())

    def action_merge_sync(self) -> None:
        from clerk.tui.sync.merge_screen import MergeScreen

        self._go(MergeScreen())

    def action_conflicts(self) -> None:
        from clerk.tui.sync.conflicts_screen import ConflictsScreen

        self._go(ConflictsScreen())

    def action_report(self) -> None:
        from clerk.tui.reports.report_screen import ReportScreen

        self._go(ReportScreen())

    def action_settings(self) -> None:
        from clerk.tui.settings_screen import SettingsScreen

        self._go(SettingsScreen())

    def action_check(self) -> None:
        from clerk.tui.reports.check_screen import CheckScreen

        self._go(CheckScreen())

    def action_targets(self) -> None:
        from clerk.tui.reports.targets_screen import TargetsScreen

        self._go(TargetsScreen())

    # -- roster import ------------------------------------------------------------------------
    def action_import_roster(self) -> None:
        from clerk.tui.importing.import_wizard import ImportWizardScreen

        self._go(ImportWizardScreen())

    def action_batches(self) -> None:
        from clerk.tui.importing.batch_history import BatchHistoryScreen

        self._go(BatchHistoryScreen())

    def action_command_palette(self) -> None:
        if not ClerkCommandPalette.is_open(cast("App[object]", self)):
            self.push_screen(ClerkCommandPalette())

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every command of the palette; the district's merge and conflicts only at a district."""
        if self.locked:
            yield SystemCommand("退出", "退出 clerk", self.exit)
            return
        district = self.store.unit is not None and self.store.unit.level == "district"
        yield SystemCommand("首页", "回到首页统计", self.action_home)
        yield SystemCommand("会员名册", "查找、浏览会员（身份证号、姓名、拼音）", self.action_members)
        yield SystemCommand("登记会员", "新会员入会登记", self.action_add_member)
        yield SystemCommand("组织机构", "基层工会组织树：添加、修改、移动、撤销，查看各工会会员", self.action_orgs)
        yield SystemCommand("组织统计", "建会入会统计：按类型、行业；25人以上企业入会率", self.action_org_summary)
        yield SystemCommand("添加工会组织", "新建一个基层工会组织", self.action_add_org)
        yield SystemCommand("会员转接", "把会员转到本乡镇其他工会，或转出本乡镇", self.action_transfer)
        yield SystemCommand("外乡镇转入", "从其他乡镇（街道）转入会员，不重复登记", self.action_transfer_in)
        yield SystemCommand("导出同步文件", "乡镇：导出上次以来的修改（或完整数据）交给区县", self.action_export_sync)
        if district:
            yield SystemCommand("合并同步文件", "区县：合并各乡镇交来的同步文件", self.action_merge_sync)
            yield SystemCommand(
                "冲突处理", "区县：处理合并时发现的冲突（同一人两处在册、双方都修改）", self.action_conflicts
            )
        yield SystemCommand("统计报表", "生成会员和组织统计报表（.xlsx，可打印上报）", self.action_report)
        yield SystemCommand(
            "目标任务",
            "年度目标（新入会、农民工、新就业形态、女职工、新建工会）和完成情况；设定目标",
            self.action_targets,
        )
        yield SystemCommand(
            "数据检查",
            "缺手机号、缺入会日期、手机号多人共用、会员多于职工等问题；各工会信息完整率；问题清单发回单位",
            self.action_check,
        )
        yield SystemCommand("导入花名册", "批量入会：导入单位报来的花名册（Excel/WPS/CSV）", self.action_import_roster)
        yield SystemCommand("导入记录", "每次导入的文件、结果和列对应；撤销一个批次", self.action_batches)
        yield SystemCommand("设置", "本单位代码、名称、经办人；收件和导出文件夹", self.action_settings)
        yield SystemCommand("退出", "退出 clerk（有没保存的表会先问）", self.quit_asking)

    def on_unmount(self) -> None:
        if not self.locked:
            self.store.close()


def make_app(db_path: str | Path, *, store: Store | None = None) -> ClerkApp:
    """Build the app on a database (opened here unless a store is given; an encrypted one whose key
    is not unlocked yet opens on the unlock screen): the one factory for the CLI, the tests and the
    benchmarks."""
    if store is None and keys.needs_key(db_path):
        return ClerkApp(None, db_path)
    return ClerkApp(store or open_store(db_path))
