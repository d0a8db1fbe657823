"""Texts of the scan screen: presets, page tools, documents, and what to do after a fault."""

TITLE = "Quét giấy tờ"
INTRO = "Đặt giấy lên mặt kính (úp mặt chữ xuống) rồi bấm Quét."

# Where the paper is: one button each, so one touch starts the scan
SCAN_FLATBED = "Quét trên mặt kính"
SCAN_FEEDER = "Quét từ khay giấy"

# Scanning
SCAN = "Quét"
SCANNING = "Đang quét… trang {page}"
STOP = "Dừng"
STOPPED = "Đã dừng quét."
PAGES_ADDED = "Đã quét xong {count} trang."
PREPARING = "Đang tìm máy quét…"
SLOW = ("Máy quét đang chậm hoặc không trả lời. Hãy chờ thêm một chút, hoặc bấm Dừng: "
        "các trang đã quét vẫn được giữ.")

# No scanner
NO_SCANNER = "Chưa có máy quét nào được kết nối."
NO_SCANNER_HELP = "Vui lòng báo cán bộ."
TRY_AGAIN = "Thử lại"
DEMO_SCANNER = "Máy quét thử (trình diễn)"

# Page tools
PAGES_EMPTY = "Chưa có trang nào. Chọn loại giấy tờ rồi bấm Quét."
PAGE_N = "Trang {n}"
PAGE_OF = "Trang {n}/{total}"
ROTATE = "Xoay"
DELETE = "Xóa trang"
MOVE_EARLIER = "◀ Trước"
MOVE_LATER = "Sau ▶"
RESCAN = "Quét lại"
ADD_PAGE = "Thêm trang"
BLANK_FOUND = "Có {count} trang trắng. Bỏ các trang trắng?"
BLANK_REMOVE = "Bỏ trang trắng"
BLANK_KEEP = "Giữ lại"
BLANK_MARK = "(trang trắng)"

# Documents
SAVE = "Lưu thành tệp"
NAME_TITLE = "Đây là giấy tờ gì?"
NAME_OTHER = "Tên khác…"
NAME_PROMPT = "Gõ tên giấy tờ"
NAME_OK = "Xong"
NAME_CANCEL = "Quay lại"
SAVING = "Đang lưu tệp…"
SAVED = "Đã lưu “{name}”: {pages} trang, {size}."
SAVED_REDUCED = "Tệp lớn nên máy đã giảm chất lượng ảnh để vừa {budget}."
SAVED_TOO_BIG = "Tệp vẫn lớn hơn {budget}. Hãy bớt trang hoặc quét từng phần."
DOCUMENTS_TITLE = "Tệp đã sẵn sàng để nộp:"
DOCUMENTS_NONE = "Chưa có tệp nào."
DOCUMENTS_HINT = "Khi nộp hồ sơ trên Cổng, chọn các tệp này ở bước đính kèm."
SIZE_KB = "{kb} KB"
SIZE_MB = "{mb} MB"

# Faults: what happened, then what to do.
FAULTS = {
    "no_scanner": "Không tìm thấy máy quét. Vui lòng báo cán bộ.",
    "jammed": "Giấy bị kẹt. Mở nắp khay, rút tờ giấy ra nhẹ nhàng rồi bấm Quét lại.",
    "cover_open": "Nắp máy quét đang mở. Đóng nắp lại rồi bấm Quét.",
    "feeder_empty": "Không thấy giấy. Đặt giấy vào máy rồi bấm Quét.",
    "busy": "Máy quét đang bận. Chờ một chút rồi bấm Quét lại.",
    "io_error": "Máy quét bị mất kết nối. Vui lòng báo cán bộ.",
    "hung": "Máy quét không trả lời. Máy đã khởi động lại phần quét, hãy bấm Quét lại.",
    "crashed": "Phần quét bị lỗi và đã khởi động lại. Hãy bấm Quét lại.",
    "disk_full": "Máy hết chỗ lưu. Vui lòng báo cán bộ.",
    "other": "Không quét được. Hãy thử lại hoặc báo cán bộ.",
}
PAGES_KEPT = "Các trang đã quét trước đó vẫn được giữ."
