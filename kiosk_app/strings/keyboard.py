"""Vietnamese labels of the on-screen keyboard (portal pages, staff fields, scan names)."""

KEY_SHIFT = "⇧ Chữ hoa"
KEY_CAPS = "⇪ CHỮ HOA"
KEY_BACKSPACE = "⌫ Xóa"
KEY_SPACE = "Dấu cách"
KEY_ENTER = "↵ Xong"
KEY_HIDE = "Ẩn bàn phím"
