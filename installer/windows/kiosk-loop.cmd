@echo off
rem Starts the kiosk and starts it again whenever it stops (Windows has no systemd here).
rem Run at the logon of the kiosk account by the scheduled task "CommuneKiosk". UNTESTED.
set KIOSK_DATA_DIR=%ProgramData%\CommuneKiosk\data
set KIOSK_CONFIG=%ProgramData%\CommuneKiosk\kiosk.toml
:loop
rem /min keeps the kiosk's console (its log) out of the way; its own window is fullscreen.
start "" /min /wait "%~dp0kiosk.exe" --config "%KIOSK_CONFIG%" --data-dir "%KIOSK_DATA_DIR%" --log-json "%KIOSK_DATA_DIR%\logs\events.jsonl"
timeout /t 3 /nobreak >nul
goto loop
