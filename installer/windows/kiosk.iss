; Inno Setup script of the commune kiosk for Windows 10/11 (64-bit). UNTESTED: written on Linux,
; where neither Windows nor Inno Setup runs. README.md ("Windows") says how to build and try it.
;
; Build, on Windows, from the checkout:
;   py -3.11 -m venv .venv && .venv\Scripts\pip install -e ".[bundle]"
;   .venv\Scripts\python installer\build_bundle.py            -> dist\kiosk\kiosk.exe
;   "C:\Program Files (x86)\Inno Setup 6\ISCC.exe" installer\windows\kiosk.iss
;                                                             -> dist\kiosk-setup-<version>.exe
;
; What it does: copies the bundle to Program Files, creates the settings file and the data folder
; under ProgramData (kept on uninstall and on upgrade), and runs setup-kiosk-account.ps1, which
; creates the local account "kiosk" and starts the kiosk at that account's logon, restarting it
; when it stops. libvlc comes from VLC (64-bit, 3.0.x), which must be installed first.

#define AppName "Commune self-filing kiosk"
#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define DataRoot "{commonappdata}\CommuneKiosk"

[Setup]
AppId={{7F1E6C8B-3C55-4B8E-9F43-0C2B1D5A9E11}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=Commune kiosk project
DefaultDirName={autopf}\CommuneKiosk
DisableProgramGroupPage=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
PrivilegesRequired=admin
OutputDir=..\..\dist
OutputBaseFilename=kiosk-setup-{#AppVersion}
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
; An upgrade replaces the program; the kiosk must not be running while its files are replaced.
CloseApplications=force
UninstallDisplayName={#AppName}

[Languages]
Name: "en"; MessagesFile: "compiler:Default.isl"

[Dirs]
; The kiosk account writes its session log here; nobody else needs to.
Name: "{#DataRoot}"; Permissions: users-modify
Name: "{#DataRoot}\data"; Permissions: users-modify

[Files]
Source: "..\..\dist\kiosk\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs
Source: "kiosk-loop.cmd"; DestDir: "{app}"; Flags: ignoreversion
Source: "setup-kiosk-account.ps1"; DestDir: "{app}"; Flags: ignoreversion
; This kiosk's own settings: written once, never overwritten by an upgrade.
Source: "kiosk.toml"; DestDir: "{#DataRoot}"; Flags: onlyifdoesntexist uninsneveruninstall

[Run]
Filename: "powershell.exe"; \
  Parameters: "-NoProfile -ExecutionPolicy Bypass -File ""{app}\setup-kiosk-account.ps1"" -InstallDir ""{app}"""; \
  StatusMsg: "Creating the kiosk account and its start at logon..."; Flags: waituntilterminated

[UninstallRun]
Filename: "powershell.exe"; \
  Parameters: "-NoProfile -ExecutionPolicy Bypass -File ""{app}\setup-kiosk-account.ps1"" -Remove"; \
  RunOnceId: "RemoveKioskTask"; Flags: waituntilterminated

[Code]
// libvlc is not in the bundle: it comes from an installed 64-bit VLC 3.0.x.
function VlcInstalled(): Boolean;
var
  Dir: String;
begin
  Result := RegQueryStringValue(HKLM64, 'Software\VideoLAN\VLC', 'InstallDir', Dir)
            and FileExists(AddBackslash(Dir) + 'libvlc.dll');
end;

function InitializeSetup(): Boolean;
begin
  Result := VlcInstalled();
  if not Result then
    MsgBox('VLC (64-bit, version 3.0) is not installed. The kiosk plays its guide videos with it.' + #13#10 +
           'Install VLC first, then run this setup again. Nothing was changed.', mbError, MB_OK);
end;
