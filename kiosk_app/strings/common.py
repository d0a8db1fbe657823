"""Texts of the shell: home, menu, idle countdown, staff entry, start-up problems."""

APP_TITLE = "Kiosk dịch vụ công trực tuyến"

# Home (attract) screen
HOME_WELCOME = "Tự nộp hồ sơ trực tuyến"
HOME_TOUCH = "Chạm vào màn hình để bắt đầu"
HOME_SUBTITLE = "Xem hướng dẫn · Quét giấy tờ · Nộp hồ sơ trên Cổng Dịch vụ công"
HOME_STAFF_NOTICE = "Cần cán bộ kiểm tra máy: {problem}"

# Main menu
MENU_TITLE = "Bạn muốn làm gì?"
MENU_GUIDES = "Xem video hướng dẫn"
MENU_GUIDES_HINT = "Đăng nhập VNeID, kích hoạt tài khoản mức 2, nộp hồ sơ"
MENU_SCAN = "Quét giấy tờ"
MENU_SCAN_HINT = "Chụp giấy tờ thành tệp để nộp kèm hồ sơ"
MENU_PORTAL = "Nộp hồ sơ trực tuyến"
MENU_PORTAL_HINT = "Mở Cổng Dịch vụ công Quốc gia"
MENU_END = "Kết thúc"
MENU_END_HINT = "Xóa mọi thông tin và trả máy"

# Shared buttons
BACK_TO_MENU = "Về trang chính"
BACK = "Quay lại"
YES = "Có"
NO = "Không"

# Ending a session
END_CONFIRM_TITLE = "Kết thúc và xóa thông tin?"
END_CONFIRM_TEXT = "Mọi giấy tờ đã quét và thông tin đăng nhập trên máy sẽ được xóa."
END_CONFIRM_YES = "Kết thúc"
END_CONFIRM_NO = "Tiếp tục dùng"

# Idle countdown
IDLE_QUESTION = "Bạn còn ở đó không?"
IDLE_EXPLAIN = "Nếu không, máy sẽ tự kết thúc và xóa thông tin sau {seconds} giây."
IDLE_CONTINUE = "Tiếp tục"

# Staff entry (hidden: touch the top-left corner five times, or Ctrl+Alt+Shift+A)
STAFF_PIN_TITLE = "Dành cho cán bộ"
STAFF_PIN_PROMPT = "Nhập mã PIN"
STAFF_PIN_WRONG = "Mã PIN không đúng. Còn {left} lần thử."
STAFF_PIN_LOCKED = "Đã khóa do nhập sai nhiều lần. Thử lại sau {minutes} phút."
STAFF_PIN_NOT_SET = ("Máy chưa có mã PIN quản trị. Người quản trị đặt mã bằng lệnh: "
                     "kiosk-admin set-admin-pin")
STAFF_PIN_OK = "Xác nhận"
STAFF_PIN_CLEAR = "Xóa"
STAFF_CANCEL = "Hủy"
STAFF_END_SESSION = "Kết thúc phiên"
STAFF_EXIT_APP = "Thoát kiosk"
STAFF_BACK = "Quay lại"
STAFF_HEALTH_OK = "Máy hoạt động bình thường."
STAFF_KIOSK_INFO = "Máy: {kiosk_id} · {commune} · Dữ liệu: {data_dir}"

# Problems shown to staff (details stay in English in the log)
PROBLEM_DB = "Không ghi được sổ nhật ký phiên (cơ sở dữ liệu). Máy vẫn dùng được; dữ liệu được giữ tạm."
PROBLEM_DB_KINDS = {
    "newer": "Cơ sở dữ liệu thuộc phiên bản kiosk mới hơn nên không mở được: các phiên KHÔNG được lưu. "
             "Báo quản trị.",
    "read_only": "Thư mục dữ liệu chỉ cho đọc: các phiên KHÔNG được lưu. Báo quản trị.",
}
PROBLEM_DB_CORRUPT = "Cơ sở dữ liệu bị hỏng nên đã được cất sang tệp khác và tạo mới."
PROBLEM_NO_ADMIN_PIN = "Chưa đặt mã PIN quản trị (lệnh: kiosk-admin set-admin-pin)."
STARTUP_FAILED_TITLE = "Kiosk chưa thể khởi động"
STARTUP_FAILED_TEXT = "Vui lòng báo cán bộ phụ trách máy. Thông tin cho cán bộ kỹ thuật:"
STARTUP_CONFIG = "Tệp cấu hình không hợp lệ."
STARTUP_DATA_DIR = "Không ghi được vào thư mục dữ liệu {data_dir}."
STARTUP_RETRY = "Thử lại"
