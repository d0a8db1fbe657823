"""Vietnamese text of the portal screen (kiosk bar, blocked and offline pages, dialogs, file picker)."""

BACK = "◀  Quay lại"
HOME = "⌂  Trang chủ"
RELOAD = "⟳  Tải lại"
HELP = "?  Hướng dẫn"
MENU = "☰  Về menu"
LOADING = "Đang tải…"
PRACTICE_BADGE = "CHẾ ĐỘ LUYỆN TẬP"

BLOCKED_TITLE = "Trang này không mở được trên máy"
BLOCKED_TEXT = "Máy này chỉ dùng để nộp hồ sơ trên Cổng Dịch vụ công. Trang bạn vừa chọn nằm ngoài cổng nên đã bị chặn."
BLOCKED_BACK = "Quay lại trang trước"
REFUSED_BY_BROWSER = ("Máy đã chặn một liên kết hoặc một phần của trang vì nó nằm ngoài Cổng Dịch vụ công. "
                      "Bạn vẫn làm tiếp được trên trang này.")

OFFLINE_TITLE = "Không kết nối được Cổng Dịch vụ công"
OFFLINE_TEXT = "Máy đang không vào được mạng hoặc cổng đang bận. Bạn không cần làm gì: máy sẽ tự thử lại."
# From the second failure in a row: it is no longer a passing hiccup.
OFFLINE_TEXT_AGAIN = ("Máy vẫn chưa vào được Cổng Dịch vụ công. Vui lòng báo cán bộ một cửa. "
                      "Trong lúc chờ, bạn có thể về menu xem hướng dẫn hoặc quét giấy tờ.")
OFFLINE_COUNTDOWN = "Tự thử lại sau {seconds} giây"
OFFLINE_RETRY_NOW = "Thử lại ngay"
OFFLINE_TO_MENU = "Về menu (xem hướng dẫn, quét giấy tờ)"

FAILED_TITLE = "Trang không mở được"
FAILED_TEXT = "Trang này bị lỗi hoặc tải quá lâu. Bạn có thể thử lại hoặc quay lại trang trước."
FAILED_RETRY = "Thử lại"

CERT_TITLE = "Kết nối không an toàn"
CERT_TEXT = "Trang này không chứng minh được là trang thật nên máy không mở. Hãy báo cán bộ một cửa."

CRASHED_TEXT = "Trang vừa bị lỗi. Máy đang mở lại trang…"

DOWNLOAD_SAVED = "Đã lưu tệp «{name}» vào giấy tờ của phiên này."
DOWNLOAD_REFUSED = "Máy không nhận tệp «{name}»: loại tệp này không được phép hoặc tệp quá lớn."
DOWNLOAD_VIEW = "Xem tệp"
DOWNLOAD_CLOSE = "Đóng"
VIEWER_PREVIOUS = "◀ Trang trước"
VIEWER_NEXT = "Trang sau ▶"
VIEWER_PAGE = "Trang {page} / {pages}"

DIALOG_OK = "Đồng ý"
DIALOG_CANCEL = "Hủy"
DIALOG_TITLE = "Thông báo của trang"

PICKER_TITLE = "Chọn giấy tờ để gửi"
PICKER_HINT_ONE = "Chạm vào một giấy tờ rồi bấm «Gửi giấy tờ này»."
PICKER_HINT_MANY = "Chạm để chọn một hoặc nhiều giấy tờ rồi bấm «Gửi các giấy tờ đã chọn»."
PICKER_CHOOSE_ONE = "Gửi giấy tờ này"
PICKER_CHOOSE_MANY = "Gửi các giấy tờ đã chọn"
PICKER_CANCEL = "Hủy"
PICKER_EMPTY = "Chưa có giấy tờ nào trong phiên này. Hãy về menu và chọn «Quét giấy tờ» trước."

KEYBOARD = "⌨  Bàn phím"
