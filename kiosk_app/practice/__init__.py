"""The bundled practice portal (CHẾ ĐỘ LUYỆN TẬP), served on loopback by the kiosk itself."""
