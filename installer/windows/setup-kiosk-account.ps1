# Creates the local account "kiosk" and starts the kiosk at its logon (scheduled task
# "CommuneKiosk", restarting it whenever it stops). -Remove takes the task away again (the account
# and the data are kept). Run as administrator; Inno Setup (kiosk.iss) runs it. UNTESTED.
param(
    [string]$InstallDir = "$env:ProgramFiles\CommuneKiosk",
    [string]$Account = "kiosk",
    [switch]$Remove
)
$ErrorActionPreference = "Stop"
$TaskName = "CommuneKiosk"

if ($Remove) {
    Unregister-ScheduledTask -TaskName $TaskName -Confirm:$false -ErrorAction SilentlyContinue
    Write-Host "Removed the task $TaskName. The account $Account and $env:ProgramData\CommuneKiosk are kept."
    exit 0
}

if (-not (Get-LocalUser -Name $Account -ErrorAction SilentlyContinue)) {
    Write-Host "Creating the local account '$Account' (a standard user, not an administrator)."
    $password = Read-Host -AsSecureString "Password for the kiosk account (needed for automatic logon)"
    New-LocalUser -Name $Account -Password $password -FullName "Commune kiosk" `
        -Description "Runs the commune self-filing kiosk" -PasswordNeverExpires -UserMayNotChangePassword | Out-Null
    Add-LocalGroupMember -Group "Users" -Member $Account
} else {
    Write-Host "The account '$Account' exists; kept as it is."
}

$action = New-ScheduledTaskAction -Execute "$InstallDir\kiosk-loop.cmd" -WorkingDirectory $InstallDir
$trigger = New-ScheduledTaskTrigger -AtLogOn -User $Account
$principal = New-ScheduledTaskPrincipal -UserId $Account -LogonType Interactive -RunLevel Limited
$settings = New-ScheduledTaskSettingsSet -ExecutionTimeLimit ([TimeSpan]::Zero) -AllowStartIfOnBatteries `
    -DontStopIfGoingOnBatteries -RestartCount 999 -RestartInterval (New-TimeSpan -Minutes 1)
Register-ScheduledTask -TaskName $TaskName -Action $action -Trigger $trigger -Principal $principal `
    -Settings $settings -Force | Out-Null
Write-Host "The kiosk starts when '$Account' logs on (task $TaskName)."
Write-Host "Next: automatic logon for '$Account' (Sysinternals Autologon), then lock the account down"
Write-Host "with Shell Launcher or Assigned Access: see README.md, section Windows."
