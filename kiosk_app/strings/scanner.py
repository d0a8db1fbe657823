"""Texts of the scan screen: the steps, page tools, documents, and what to do after a fault.

A hint that names a button quotes the button's own text ({scan}), so they always agree.
"""

TITLE = "Quét giấy tờ"

# The steps, as the step bar shows them
STEPS = ("Chọn", "Đặt giấy", "Quét", "Kiểm tra", "Đặt tên")
STEP_MARK = "{n}. {name}"

# Step 1: what are you scanning?
WHAT_TITLE = "Bạn muốn quét giấy tờ gì?"
KIND_TITLE = "Chọn loại giấy tờ:"
PROCEDURE_ASK = "Bạn đang làm thủ tục nào?"
PROCEDURE_NONE = "Không theo thủ tục nào"
PROCEDURE_PAPERS = "Giấy tờ cần cho thủ tục “{name}”: chạm vào từng giấy tờ để quét."
PROCEDURE_CHANGE = "Chọn thủ tục khác"
PROCEDURE_BACK = "◀ Giấy tờ của thủ tục"
PAPER_TODO = "☐  {name}"
PAPER_DONE = "☑  {name} — đã quét"
PAPERS_ALL_DONE = "Đã quét đủ các giấy tờ của thủ tục này."
PAPER_OTHER = "Giấy tờ khác"

# Step 2: place it
PLACE_TITLE = "Đặt giấy vào máy quét"
PLACE_FOR = "Đang quét: {name}"
PLACE_GLASS = ("Mặt kính (từng tờ): mở nắp máy, úp mặt chữ xuống kính, đẩy giấy vào góc có "
               "mũi tên, đóng nắp lại rồi bấm “{scan}”.")
PLACE_GLASS_CARD = ("Thẻ, giấy nhỏ: mở nắp máy, úp mặt có chữ xuống kính, đặt thẻ sát góc có "
                    "mũi tên, đóng nắp lại rồi bấm “{scan}”.")
PLACE_FEEDER = ("Khay giấy (nhiều tờ một lúc): xếp các tờ ngay ngắn, trang đầu ở trên, đặt vào "
                "khay phía trên máy rồi bấm “{scan}”. Không dùng khay cho thẻ hay giấy nhàu.")
SCAN = "Quét"
SCAN_FLATBED = "Quét trên mặt kính"
SCAN_FEEDER = "Quét từ khay giấy"
CHANGE_KIND = "◀ Chọn lại giấy tờ"

# Step 3: scanning
SCANNING = "Đang quét… trang {page}"
SCANNING_WAIT = "Đang quét, xin chờ. Không mở nắp máy."
STOP = "Dừng"
STOPPED = "Đã dừng quét."
SLOW = ("Máy quét đang chậm hoặc không trả lời. Hãy chờ thêm một chút, hoặc bấm “Dừng”: "
        "các trang đã quét vẫn được giữ.")
PREPARING = "Đang tìm máy quét…"

# No scanner
NO_SCANNER = "Chưa có máy quét nào được kết nối."
NO_SCANNER_HELP = "Vui lòng báo cán bộ."
TRY_AGAIN = "Thử lại"

# Step 4: check the pages
CHECK_TITLE = "Kiểm tra các trang ({count} trang)"
PAGES_EMPTY = "Chưa có trang nào."
PAGES_ADDED = "Đã quét xong {count} trang."
PAGE_N = "Trang {n}"
PAGE_OF = "Trang {n}/{total}."
PAGE_PICK = "Chạm vào trang khác bên phải để xem."
ROTATE = "Xoay"
DELETE = "Xóa trang"
DELETED = "Đã xóa trang {n}. Còn {count} trang."
UNDO = "Hoàn tác"
MOVE_EARLIER = "◀ Lên trước"
MOVE_LATER = "Ra sau ▶"
RESCAN = "Quét lại trang này"
ADD_PAGE = "Quét thêm trang"
TO_NAME = "Tiếp: đặt tên ▶"
BLANK_FOUND = "Có {count} trang trắng. Bỏ các trang trắng?"
BLANK_REMOVE = "Bỏ trang trắng"
BLANK_KEEP = "Giữ lại"
BLANK_MARK = "(trang trắng)"

# Step 5: name it
NAME_TITLE = "Đây là giấy tờ gì?"
NAME_SAVE_AS = "Lưu với tên “{name}”"
NAME_OTHER = "Tên khác…"
NAME_PROMPT = "Gõ tên giấy tờ"
NAME_OK = "Xong"
NAME_BACK = "◀ Xem lại các trang"
SAVING = "Đang lưu tệp…"
SAVED = "Đã lưu “{name}”: {pages} trang, {size}."
SAVED_REDUCED = "Tệp lớn nên máy đã giảm chất lượng ảnh để vừa {budget}."
SAVED_TOO_BIG = "Tệp vẫn lớn hơn {budget}. Hãy bớt trang hoặc quét từng phần."

# After saving: go on
NEXT_PAPER = "Quét giấy tờ tiếp theo"
NEXT_OTHER = "Quét giấy tờ khác"
TO_FILING = "Sang nộp hồ sơ ▶"
DOCUMENTS_TITLE = "Tệp đã sẵn sàng để nộp:"
DOCUMENTS_NONE = "Chưa có tệp nào."
DOCUMENTS_HINT = "Khi nộp hồ sơ trên Cổng, chọn các tệp này ở bước đính kèm."
SIZE_KB = "{kb} KB"
SIZE_MB = "{mb} MB"

# Faults: what happened, then what to do. {scan} is the text of the button that scans again.
FAULTS = {
    "no_scanner": "Không tìm thấy máy quét. Vui lòng báo cán bộ.",
    "jammed": "Giấy bị kẹt. Mở nắp khay, rút tờ giấy ra nhẹ nhàng, đặt lại rồi bấm “{scan}”.",
    "cover_open": "Nắp máy quét đang mở. Đóng nắp lại rồi bấm “{scan}”.",
    "feeder_empty": "Không thấy giấy. Đặt giấy vào máy rồi bấm “{scan}”.",
    "busy": "Máy quét đang bận. Chờ một chút rồi bấm “{scan}”.",
    "io_error": "Máy quét bị mất kết nối. Vui lòng báo cán bộ.",
    "hung": "Máy quét không trả lời nên máy đã khởi động lại phần quét. Bấm “{scan}” để quét lại.",
    "crashed": "Phần quét bị lỗi và đã khởi động lại. Bấm “{scan}” để quét lại.",
    "disk_full": "Máy hết chỗ lưu. Vui lòng báo cán bộ.",
    "other": "Không quét được. Bấm “{scan}” để thử lại, hoặc báo cán bộ.",
}
PAGES_KEPT = "Các trang đã quét trước đó vẫn được giữ."
