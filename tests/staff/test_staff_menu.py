"""The staff menu shows only what the role and the session allow, laid out without holes."""

import pytest

from kiosk_app.admin.screens.staff_menu import StaffMenu, grid_cells

GUIDED = {"mode": "guided", "procedure": "Đăng ký khai sinh", "helped": False}


def test_grid_cells_fill_rows_in_order():
    assert grid_cells(["guided", "outcome", "end", "back"]) == {
        "guided": (0, 0), "outcome": (0, 1), "end": (0, 2), "back": (1, 0)}
    assert grid_cells([]) == {}


@pytest.mark.parametrize("role, session, shown", [
    ("officer", GUIDED, ["guided", "step_in", "outcome", "practice", "end", "back"]),
    ("officer", dict(GUIDED, helped=True), ["guided", "outcome", "practice", "end", "back"]),
    ("officer", None, ["guided", "back"]),
    ("admin", None, ["guided", "stats", "settings", "exit", "back"]),
    ("admin", GUIDED, list(grid_cells(["guided", "step_in", "outcome", "practice", "end", "stats", "settings",
                                        "exit", "back"]))),
])
def test_hidden_buttons_leave_no_hole(qtbot, role, session, shown):
    menu = StaffMenu("Máy: kiosk-01")
    qtbot.addWidget(menu)
    menu.resize(1366, 768)
    menu.show()
    qtbot.waitExposed(menu)
    menu.set_state(role, "Nguyễn Văn An", [], session)
    visible = [key for key, b in menu.buttons.items() if b.isVisible()]
    assert visible == shown
    cells = {key: menu.grid.getItemPosition(menu.grid.indexOf(menu.buttons[key]))[:2] for key in visible}
    assert cells == grid_cells(shown)
    # On screen too, once laid out: each row full before the next begins, "Quay lại" last.

    def rows_without_holes():
        tops = sorted({menu.buttons[key].y() for key in visible})
        assert len(tops) == -(-len(visible) // 3)
        for i, key in enumerate(visible):
            b, column_head = menu.buttons[key], menu.buttons[visible[i % 3]]
            assert (b.x(), b.y()) == (column_head.x(), tops[i // 3]), key

    qtbot.waitUntil(rows_without_holes)
