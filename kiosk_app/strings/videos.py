"""Texts of the guide videos: the guide list, the player and its error messages."""

# Guide list
LIBRARY_TITLE = "Video hướng dẫn"
LIBRARY_HINT = "Chọn một video. Mỗi video chia thành từng bước ngắn."
LIBRARY_STEPS = "{count} bước"
LIBRARY_EMPTY = "Chưa có video hướng dẫn nào. Xin hỏi cán bộ một cửa."
LIBRARY_BROKEN = "Danh sách video đang bị lỗi. Xin hỏi cán bộ một cửa."

# Player controls
PLAY = "Xem tiếp"
PAUSE = "Tạm dừng"
PREVIOUS_STEP = "Bước trước"
REPEAT_STEP = "Xem lại bước này"
NEXT_STEP = "Bước tiếp theo"
RESTART = "Xem lại từ đầu"
VOLUME_DOWN = "Nhỏ tiếng"
VOLUME_UP = "To tiếng"
VOLUME_LEVEL = "Âm lượng {percent}%"
SUBTITLES_ON = "Bật phụ đề"
SUBTITLES_OFF = "Tắt phụ đề"
BACK_TO_GUIDES = "Danh sách video"
STEP_LABEL = "Bước {number}/{count}"
STEP_ITEM = "{number}. {title}"
STEPS_EARLIER = "▲"
STEPS_LATER = "▼"

# Messages over the video
STEP_DONE = "Xong bước {number}. Khi đã sẵn sàng, bấm \"Bước tiếp theo\"."
GUIDE_DONE = "Bạn đã xem hết video. Có thể xem lại hoặc về danh sách."
NO_AUDIO = "Video này không có tiếng. Hãy đọc chữ trên màn hình."

# Errors a resident sees instead of the video
ERROR_TITLE = "Không phát được video này"
ERROR_NO_ENGINE = "Máy chưa cài phần mềm phát video."
ERROR_MISSING = "Không tìm thấy tệp video."
ERROR_UNREADABLE = "Không đọc được tệp video."
ERROR_CORRUPT = "Tệp video bị hỏng."
ERROR_NEXT = "Bạn có thể xem video khác, hoặc nhờ cán bộ một cửa giúp."
