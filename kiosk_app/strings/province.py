"""Text of the province's exports (the figures' own names come from kiosk_app.strings.staff.FIGURES)."""

GROUP_HEADINGS = {
    "commune": "Xã",
    "district": "Huyện",
    "kiosk": "Máy",
    "day": "Ngày",
    "week": "Tuần (từ thứ Hai)",
    "month": "Tháng",
    "procedure": "Mã thủ tục",
    "all": "Tất cả",
}
SHEET_TITLES = {"commune": "Theo xã", "district": "Theo huyện", "month": "Theo tháng", "procedure": "Theo thủ tục",
                "day": "Theo ngày", "week": "Theo tuần", "kiosk": "Theo máy", "all": "Tổng"}
