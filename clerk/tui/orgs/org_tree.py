"""The organisation screen: the township -> village/community -> enterprise tree (小三级).

Each node shows its members on the roll and its employee count; keys add, edit, move and
dissolve organisations, and open an organisation's members or register one straight into it.
"""

from __future__ import annotations

from rich.text import Text
from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header, Static, Tree
from textual.widgets.tree import TreeNode

from clerk.domain import organisation as rules
from clerk.registry import organisations
from clerk.store.store import ServiceError
from clerk.tui.app import ClerkApp

EXPAND_ALL_UP_TO = 300  # a bigger township opens with only its villages and communities shown


def node_label(node: organisations.Node) -> Text:
    label = Text(node.name, style="" if node.active else "dim strike")
    figures = f"  会员 {node.members:,}"
    if node.children and node.total_members != node.members:
        figures += f"（含下级 {node.total_members:,}）"
    if node.employees is not None:
        figures += f" · 职工 {node.employees:,}"
    label.append(figures, style="dim" if node.active else "dim")
    if not node.active:
        label.append("  已撤销", style="italic")
    return label


class OrgTreeScreen(Screen[None]):
    app = getters.app(ClerkApp)

    BINDINGS = [
        Binding("escape", "back", "返回"),
        Binding("enter", "members", "会员", show=True, priority=False),
        Binding("a", "add_child", "添加下级"),
        Binding("e", "edit", "修改"),
        Binding("m", "move", "移动"),
        Binding("d", "dissolve", "撤销"),
        Binding("n", "add_member", "登记会员"),
        Binding("s", "app.org_summary", "统计"),
        Binding("h", "toggle_dissolved", "显示已撤销", show=False),
        Binding("r", "reinstate", "恢复", show=False),
    ]

    def __init__(self, select: int | None = None):
        super().__init__()
        self.show_dissolved = False
        self.nodes: dict[int, TreeNode[int]] = {}  # the tree nodes built so far
        self.info: dict[int, organisations.Node] = {}  # every organisation shown
        self.loaded: set[int] = set()  # organisations whose children are tree nodes
        self.shown = False
        self.select_id = select

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="heading", classes="title")
        tree: Tree[int] = Tree("组织机构", id="orgs")
        tree.show_root = False
        tree.auto_expand = False
        tree.guide_depth = 3
        yield tree
        yield Static("", id="detail", classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        self.reload(self.select_id)
        self.query_one(Tree).focus()

    def on_screen_resume(self) -> None:
        if self.shown:  # back from a member list, form or dialog: counts may have changed
            self.reload()
        self.shown = True

    # -- building -------------------------------------------------------------------------------
    def reload(self, select: int | None = None) -> None:
        """Rebuild from the database, keeping expanded nodes; the cursor goes to `select`.

        A big township's tree is built lazily: an organisation's children become tree nodes
        when it is first expanded, so opening costs the visible nodes, not all 5,000.
        """
        tree: Tree[int] = self.query_one(Tree)
        # A selection still waiting for the cursor to move (a reload right after a save) wins.
        if select is not None:
            self.select_id = select
        current = self.select_id if self.select_id is not None else self.current_id()
        expanded = [oid for oid, n in self.nodes.items() if n.is_expanded]
        first_time = not self.info
        roots = organisations.tree(self.app.store, include_dissolved=self.show_dissolved)
        self.nodes.clear()
        self.info.clear()
        self.loaded.clear()
        tree.clear()
        stack = list(roots)
        while stack:
            node = stack.pop()
            self.info[node.id] = node
            stack.extend(node.children)
        for root in roots:
            self._add(tree.root, root)
        if len(self.info) <= EXPAND_ALL_UP_TO:
            for oid in list(self.info):
                self._open(oid)
        elif first_time:
            for root in roots:
                self._open(root.id)
        for oid in expanded:
            if oid in self.info:
                self._open(oid)
        self._heading()
        if not self.info:
            self.query_one("#detail", Static).update("还没有工会组织。按 a 添加本乡镇（街道）总工会。")
            return
        if current not in self.info:
            current = roots[0].id
        self._reveal(current)
        self.call_after_refresh(self._move_to, self.nodes[current])

    def _heading(self) -> None:
        total = len(self.info)
        active = sum(1 for n in self.info.values() if n.active)
        unit = self.app.store.require_unit()
        extra = f"，已撤销 {total - active:,} 个" if self.show_dissolved else ""
        keys = "回车看会员 · 空格展开 · h " + ("隐藏已撤销" if self.show_dissolved else "显示已撤销")
        self.query_one("#heading", Static).update(f"{unit.name}：在用 {active:,} 个{extra}  [dim]{keys}[/]")

    def _add(self, parent: TreeNode[int], node: organisations.Node) -> None:
        self.nodes[node.id] = parent.add(node_label(node), data=node.id, allow_expand=bool(node.children))

    def _load_children(self, org_id: int) -> None:
        if org_id in self.loaded or org_id not in self.nodes:
            return
        self.loaded.add(org_id)
        for child in self.info[org_id].children:
            self._add(self.nodes[org_id], child)

    def _reveal(self, org_id: int) -> None:
        """Make the node of org_id exist and be visible: load and expand its ancestors."""
        path = []
        node = self.info.get(org_id)
        while node is not None and node.parent_id in self.info:
            path.append(node.parent_id)
            node = self.info[node.parent_id]
        for oid in reversed(path):
            self._open(oid)

    def _open(self, org_id: int) -> None:
        self._reveal_parent_only(org_id)
        self._load_children(org_id)
        if self.info[org_id].children:
            self.nodes[org_id].expand()

    def _reveal_parent_only(self, org_id: int) -> None:
        if org_id not in self.nodes:
            self._reveal(org_id)

    @on(Tree.NodeExpanded)
    def _expanded(self, event: Tree.NodeExpanded) -> None:
        if event.node.data is not None:
            self._load_children(event.node.data)

    def _move_to(self, node: TreeNode[int]) -> None:
        tree: Tree[int] = self.query_one(Tree)
        if node.data is None or self.nodes.get(node.data) is not node:  # rebuilt meanwhile: that rebuild moves it
            return
        tree.move_cursor(node)
        self.select_id = None
        self._show_detail(node.data)

    # -- the highlighted organisation -----------------------------------------------------------
    def current_id(self) -> int | None:
        node = self.query_one(Tree).cursor_node
        return node.data if node is not None else None

    def current(self) -> organisations.Node | None:
        oid = self.current_id()
        if oid is None:
            self.notify("请先在树里选中一个工会组织。", severity="warning")
            return None
        return self.info.get(oid)

    @on(Tree.NodeHighlighted)
    def _highlighted(self, event: Tree.NodeHighlighted) -> None:
        self._show_detail(event.node.data)

    def _show_detail(self, org_id: int | None) -> None:
        if org_id is None:
            return
        try:
            record = organisations.get(self.app.store, org_id)
        except ServiceError:
            return
        parts = [record["kind"]]
        if record["uscc"]:
            parts.append(f"代码 {record['uscc']}")
        if record["industry"]:
            parts.append(record["industry"])
        if record["chair"]:
            parts.append(f"主席 {record['chair']} {record['chair_phone'] or ''}".rstrip())
        if record["status"] != rules.ACTIVE:
            parts.append(f"已于 {record['dissolved_on']} 撤销（r 恢复）")
        line2 = (
            f"在册会员 {record['members']:,}（农民工 {record['migrant']:,}，新就业形态 {record['new_form']:,}）"
            f" · 职工 {record['employee_count'] if record['employee_count'] is not None else '未填'}"
            f" · 入会率 {rules.rate_label(record['rate'])}"
        )
        self.query_one("#detail", Static).update(" · ".join(parts) + "\n" + line2)

    # -- actions --------------------------------------------------------------------------------
    @on(Tree.NodeSelected)
    def _selected(self, event: Tree.NodeSelected) -> None:
        event.stop()
        self.action_members()

    def action_members(self) -> None:
        from clerk.tui.members.member_list import MemberListScreen

        node = self.current()
        if node is not None:
            self.app.push_screen(MemberListScreen(org_id=node.id, title=f"{node.name} 的会员（n 登记到本工会）"))

    def action_add_member(self) -> None:
        from clerk.tui.members.member_form import MemberFormScreen

        node = self.current()
        if node is None:
            return
        if not node.active:
            self.notify(f"“{node.name}”已撤销，不能再登记会员。", severity="error")
            return
        self.app.push_screen(MemberFormScreen(org_id=node.id))

    def action_add_child(self) -> None:
        from clerk.tui.orgs.org_form import OrgFormScreen

        node = self.current() if self.info else None
        if node is not None and not node.active:
            self.notify(f"“{node.name}”已撤销，不能在它下面添加组织。", severity="error")
            return
        parent = node.id if node is not None else None
        self.app.push_screen(OrgFormScreen(parent_id=parent), callback=self._saved)

    def action_edit(self) -> None:
        from clerk.tui.orgs.org_form import OrgFormScreen

        node = self.current()
        if node is not None:
            self.app.push_screen(OrgFormScreen(org_id=node.id), callback=self._saved)

    def _saved(self, org_id: int | None) -> None:
        if org_id is not None:
            self.reload(org_id)

    def action_move(self) -> None:
        from clerk.tui.orgs.org_picker import OrgPickerScreen, Picked

        node = self.current()
        if node is None:
            return
        if not node.active:
            self.notify(f"“{node.name}”已撤销，不能移动。", severity="error")
            return
        store = self.app.store
        exclude = {node.id, *organisations.descendants(store, node.id)}
        if node.parent_id is not None:
            exclude.add(node.parent_id)

        def chosen(picked: Picked | None) -> None:
            if picked is None:
                return
            try:
                organisations.move(store, node.id, picked.org_id)
            except ServiceError as exc:
                self.notify(str(exc), severity="error", timeout=8)
                return
            self.notify(f"已把“{node.name}”移到“{picked.name}”下面。")
            self.reload(node.id)

        self.app.push_screen(
            OrgPickerScreen(f"把“{node.name}”移到哪个上级工会下面？", exclude=exclude), callback=chosen
        )

    def action_dissolve(self) -> None:
        from clerk.tui.orgs.dissolve_dialog import DissolveDialog

        node = self.current()
        if node is None:
            return
        if not node.active:
            self.notify(f"“{node.name}”已经撤销。", severity="warning")
            return

        def done(dissolved: bool | None) -> None:
            if dissolved:
                self.notify(f"已撤销“{node.name}”。")
                self.reload(node.parent_id)

        self.app.push_screen(DissolveDialog(node.id), callback=done)

    def action_reinstate(self) -> None:
        node = self.current()
        if node is None or node.active:
            return
        try:
            organisations.reinstate(self.app.store, node.id)
        except ServiceError as exc:
            self.notify(str(exc), severity="error", timeout=8)
            return
        self.notify(f"已恢复“{node.name}”。")
        self.reload(node.id)

    def action_toggle_dissolved(self) -> None:
        self.show_dissolved = not self.show_dissolved
        self.reload()

    def action_back(self) -> None:
        self.app.pop_screen()
