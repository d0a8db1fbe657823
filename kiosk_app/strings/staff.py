"""Texts of the staff menus, the end-of-session questions, satisfaction, statistics and exports."""

# Staff menu
MENU_TITLE = "Menu cán bộ"
SWITCH_PRACTICE = "Chuyển sang luyện tập"
MENU_HELLO = "Xin chào {name} ({role})"
ROLE_NAMES = {"officer": "cán bộ", "admin": "quản trị"}
GUIDED_START = "Phiên có hướng dẫn"
STEP_IN = "Tôi vào hỗ trợ"
STEPPED_IN = "Đã ghi: cán bộ hỗ trợ phiên này."
RECORD_OUTCOME = "Ghi kết quả, kết thúc"
STATS = "Thống kê, báo cáo"
SETTINGS = "Cài đặt kiosk"
SESSION_RUNNING = "Đang có phiên: {mode}{procedure}."
SESSION_NONE = "Không có phiên nào đang chạy."
MODE_NAMES = {"self": "người dân tự làm", "guided": "có cán bộ hướng dẫn", "practice": "luyện tập"}

# Starting a guided session
GUIDED_TITLE = "Phiên hướng dẫn"
GUIDED_PICK_PROCEDURE = "1. Chọn thủ tục người dân cần làm"
GUIDED_PICK_HOW = "2. Người dân sẽ làm thế nào?"
GUIDED_ALONE = "Người dân tự làm"
GUIDED_WITH_HELP = "Cán bộ cùng làm"
GUIDED_PRACTICE = "Làm thử (luyện tập)"
GUIDED_OTHER = "Thủ tục khác"
GUIDED_NEED_PROCEDURE = "Hãy chọn thủ tục trước."

# Outcome recorded by an officer
OUTCOME_TITLE = "Kết quả của phiên"
OUTCOME_NAMES = {
    "filed_alone": "Người dân tự nộp được",
    "filed_helped": "Đã nộp, có cán bộ giúp",
    "not_filed": "Chưa nộp được",
    "practice": "Chỉ luyện tập",
}
OUTCOME_HELPED_NOTE = ("Phiên này đã có người hỗ trợ, nên nếu người dân nộp xong thì được tính là "
                      "'Đã nộp, có cán bộ giúp'.")
NOT_FILED_TITLE = "Vì sao chưa nộp được?"
NOT_FILED_REASONS = {
    "no_level2": "Chưa có tài khoản định danh mức 2",
    "missing_documents": "Thiếu giấy tờ",
    "portal_error": "Cổng dịch vụ công bị lỗi",
    "gave_up": "Không muốn làm tiếp",
    "other": "Lý do khác",
}
UNKNOWN = "Không rõ"

# The resident's "Kết thúc": two big questions
END_Q_SUBMITTED = "Bạn đã nộp hồ sơ xong chưa?"
END_A_SUBMITTED = "Đã nộp xong"
END_A_NOT_SUBMITTED = "Chưa nộp"
END_Q_HELPED = "Có ai giúp bạn làm không?"
END_A_ALONE = "Tôi tự làm"
END_A_HELPED = "Có người giúp"
END_Q_WHY = "Vì sao bạn chưa nộp được?"
END_SKIP = "Bỏ qua"
END_BACK = "Quay lại dùng tiếp"

# Satisfaction (anonymous)
SAT_TITLE = "Bạn có hài lòng không?"
SAT_ANON = "Không ghi tên, không ghi thông tin cá nhân."
SAT_LEVELS = {5: "Rất hài lòng", 4: "Hài lòng", 3: "Bình thường", 2: "Không hài lòng",
              1: "Rất không hài lòng"}
SAT_TRIPS_Q = "Bạn đã phải đi lại mấy lần cho việc này?"
SAT_TRIPS = {0: "Không phải đi lại", 1: "1 lần", 2: "2 lần trở lên"}
SAT_WHY_Q = "Điều gì làm bạn chưa hài lòng?"
SAT_WHY = {
    "waited_long": "Phải chờ lâu",
    "hard_to_follow": "Hướng dẫn khó hiểu",
    "machine_fault": "Máy hoặc mạng bị lỗi",
    "staff_attitude": "Cán bộ chưa nhiệt tình",
    "other": "Lý do khác",
}
SAT_THANKS = "Cảm ơn bạn đã góp ý!"
SAT_WIPED = "Thông tin của bạn đã được xóa khỏi máy."
SAT_DONE = "Xong"

# Statistics screen
STATS_TITLE = "Thống kê"
STATS_FROM = "Từ ngày"
STATS_TO = "Đến ngày"
STATS_SHOW = "Xem"
STATS_TODAY = "Hôm nay"
STATS_THIS_MONTH = "Tháng này"
STATS_LAST_MONTH = "Tháng trước"
STATS_THIS_YEAR = "Năm nay"
STATS_EMPTY = "Không có phiên nào trong khoảng ngày này."
STATS_BY_MONTH = "Theo tháng"
STATS_BY_DAY = "Theo ngày"
STATS_CHART_TITLE = "Hồ sơ đã nộp: tự nộp và có hỗ trợ"
STATS_EXPORT_TO = "Lưu vào: {folder}"
STATS_EXPORT_NO_TARGET = "Chưa có USB. Cắm USB rồi bấm lại, hoặc nhập thư mục."
STATS_EXPORT_DONE = "Đã lưu {file}"
STATS_EXPORT_RUNNING = "Đang xuất tệp… Với nhiều năm dữ liệu có thể mất một phút."
STATS_EXPORT_FAILED = "Không lưu được: {error}"
STATS_EXPORT_CSV = "Xuất CSV"
STATS_EXPORT_XLSX = "Xuất Excel"
STATS_EXPORT_PDF = "Xuất báo cáo PDF"
STATS_FOLDER = "Thư mục lưu"
STATS_FOLDER_CHOOSE = "Chọn thư mục"
STATS_FOLDER_USB = "Tìm USB"

# Figures: name and how each is computed (shown next to the figure, and in exports)
FIGURES = {
    "sessions": ("Số phiên", "Mọi phiên trong khoảng ngày (giờ Việt Nam), kể cả luyện tập; không tính phiên thử máy."),
    "non_practice": ("Số phiên (không tính luyện tập)", "Số phiên, trừ các phiên luyện tập."),
    "practice": ("Phiên luyện tập", "Phiên chỉ làm thử trên cổng luyện tập."),
    "filed": ("Hồ sơ đã nộp tại kiosk", "Phiên có kết quả 'tự nộp' hoặc 'nộp có hỗ trợ'."),
    "filed_alone": ("Người dân tự nộp", "Phiên người dân nộp xong mà không ai giúp."),
    "filed_helped": ("Nộp có hỗ trợ", "Phiên nộp xong mà có người giúp: phiên 'cán bộ cùng làm', phiên cán bộ "
                     "đã vào hỗ trợ, hoặc người dân trả lời có người giúp. Phiên có người giúp luôn tính ở đây."),
    "not_filed": ("Chưa nộp được", "Phiên kết thúc mà chưa nộp (có ghi lý do)."),
    "no_outcome": ("Không rõ kết quả", "Phiên hết giờ hoặc bỏ ngang, không ai trả lời câu hỏi cuối."),
    "stepped_in": ("Phiên có cán bộ hỗ trợ", "Phiên cán bộ cùng làm hoặc đã bấm 'Tôi vào hỗ trợ'."),
    "self_filing_rate": ("Tỷ lệ tự nộp", "Người dân tự nộp ÷ hồ sơ đã nộp. Đây là chỉ số riêng của kiosk, "
                         "khác tỷ lệ hồ sơ trực tuyến chính thức."),
    "completion_rate": ("Tỷ lệ hoàn thành", "Hồ sơ đã nộp ÷ số phiên không phải luyện tập."),
    "portal_submitted": ("Cổng xác nhận đã nộp", "Số phiên mà kiosk thấy trang nộp thành công của Cổng "
                         "(không tính câu trả lời của người dân hay cán bộ)."),
    "avg_duration": ("Thời gian trung bình", "Trung bình thời lượng các phiên đã kết thúc."),
    "satisfied": ("Người dân hài lòng", "Số lượt chọn 'Hài lòng' hoặc 'Rất hài lòng' trên số lượt đánh giá."),
    "satisfaction": ("Điểm hài lòng", "Điểm trung bình: 5 = Rất hài lòng, 1 = Rất không hài lòng."),
    "scans": ("Giấy tờ đã quét", "Số trang quét và số tệp PDF tạo ra trong khoảng ngày."),
    "guides": ("Video hướng dẫn", "Số lần mở, số lần xem hết, và bước mà người xem dừng lại nhiều nhất."),
}
RATE_NONE = "—"
MINUTES = "{minutes} phút"
SHARE = "{percent} % ({part} trên {whole} lượt)"
SCORE = "{score} điểm trên 5 ({n} lượt)"
SCANS = "{pages} trang, {documents} tệp PDF"
CALCULATING = "Đang tính…"

# Exports: column headings (one row per session) and summary sheets
EXPORT_SESSION_COLUMNS = [
    "Mã phiên", "Máy", "Ngày", "Giờ bắt đầu", "Thời lượng (phút)", "Hình thức", "Mã thủ tục",
    "Tên thủ tục", "Cán bộ", "Cán bộ hỗ trợ", "Kết quả", "Lý do chưa nộp", "Cổng xác nhận đã nộp",
    "Mức hài lòng", "Số lần đi lại", "Lý do chưa hài lòng", "Cách kết thúc",
]
# The other columns of the grouped sheets are the figures' names (kiosk_app/stats/definitions.py).
COLUMN_PROCEDURE_CODE = "Mã thủ tục"
COLUMN_PROCEDURE = "Tên thủ tục"
COLUMN_PERIOD = "Kỳ"
COLUMN_OFFICER = "Cán bộ"
SHEET_SUMMARY = "Tổng hợp"
SHEET_PROCEDURES = "Theo thủ tục"
SHEET_MONTHS = "Theo tháng"
SHEET_DAYS = "Theo ngày"
SHEET_OFFICERS = "Theo cán bộ"
SHEET_REASONS = "Lý do chưa nộp"
SHEET_SESSIONS = "Danh sách phiên"
SUMMARY_HEAD = ["Chỉ số", "Giá trị", "Cách tính"]
SUMMARY_RANGE = "Khoảng ngày (giờ Việt Nam)"
SUMMARY_KIOSK = "Đơn vị"
YES = "Có"
NO = "Không"
NO_PROCEDURE = "(chưa chọn thủ tục)"
NO_OFFICER = "(không có cán bộ)"
END_REASONS = {"finished": "Người dân bấm Kết thúc", "timeout": "Hết thời gian chờ",
               "staff": "Cán bộ kết thúc", "interrupted": "Máy tắt giữa chừng", "shutdown": "Tắt chương trình"}

# PDF report for the commune leadership
REPORT_TITLE = "Báo cáo kiosk tự nộp hồ sơ trực tuyến"
REPORT_SUBTITLE = "{commune} · từ {start} đến {end}"
REPORT_FIGURES = "Các chỉ số chính"
REPORT_CHART = "Hồ sơ nộp tại kiosk"
REPORT_LEGEND_ALONE = "Người dân tự nộp"
REPORT_LEGEND_HELPED = "Có hỗ trợ"
REPORT_PROCEDURES = "Theo thủ tục (5 thủ tục nhiều phiên nhất)"
REPORT_NOTE = ("Tỷ lệ tự nộp là chỉ số riêng của kiosk: người dân tự nộp ÷ hồ sơ đã nộp tại kiosk. "
               "Tỷ lệ hồ sơ trực tuyến chính thức tính trên mọi hồ sơ của đơn vị.")
REPORT_MADE = "Lập lúc {when}"

# Errors a person sees (screens)
RANGE_ERRORS = {
    "format": "Ngày không đúng dạng. Nhập theo dạng ngày/tháng/năm, ví dụ 01/11/2026.",
    "order": "Ngày bắt đầu phải trước ngày kết thúc.",
    "too_long": "Khoảng ngày quá dài (tối đa 20 năm).",
    "out_of_range": "Ngày nằm ngoài lịch. Nhập một ngày từ năm 0001 đến năm 9999.",
}
EXPORT_ERRORS = {
    "missing": "Không tìm thấy thư mục lưu. Kiểm tra lại USB hoặc thư mục.",
    "read_only": "Thư mục lưu không cho ghi (USB bị khóa?).",
    "full": "Không đủ chỗ trống trên USB hoặc ổ đĩa.",
    "failed": "Lỗi khi ghi tệp. Thử lại hoặc chọn chỗ lưu khác.",
    "database": "Không đọc được dữ liệu phiên.",
    "not_a_file": "Tên tệp lưu không phải một tệp thường. Chọn tên tệp khác.",
}
STATS_TAB_OVERVIEW = "Tổng quan"
STATS_GUIDE_COLUMNS = ["Video", "Số lần mở", "Số lần xem hết", "Bước hay dừng nhất"]
STATS_HOW = "Cách tính"
STATS_HOW_NAME = "Chỉ số"
BACK = "Quay lại"

# Kiosk settings (administrators)
SETTINGS_TITLE = "Cài đặt kiosk"
SETTINGS_FILE = "Lưu vào tệp: {file}"
SETTINGS_FIELDS = {
    "kiosk.commune": "Tên đơn vị",
    "session.idle_timeout_s": "Số giây chờ (15–3600)",
    "portal.start_url": "Trang đầu của Cổng",
    "guided.procedures": "Thủ tục (mã | tên)",
    "scanner.presets": "Nút quét (mã | tên | màu/xám | dpi | rộng x cao mm)",
}
SETTINGS_SAVE = "Lưu và áp dụng"
SETTINGS_SAVED = "Đã lưu và áp dụng. Trang đầu của Cổng và nút quét áp dụng khi mở lại kiosk."
SETTINGS_BAD = "Chưa lưu: {field} không hợp lệ. {detail}"
SETTINGS_CANNOT_WRITE = "Chưa lưu: không ghi được tệp cài đặt."
