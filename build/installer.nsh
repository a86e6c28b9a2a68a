; Included by electron-builder's NSIS script (electron-builder.yml nsis.include).
; Prepares %ProgramData%\HisUpdateAgent for every Windows account on the PC:
;   config.json          Users: read (only administrators change the config)
;   state\ staging\ logs\ Users: modify (the tray runs as the logged-on nurse and writes there)
; Accounts are given by SID, so the same commands work on Chinese Windows, where "Users" is "用户":
;   *S-1-5-18 SYSTEM, *S-1-5-32-544 Administrators, *S-1-5-32-545 Users.

!macro customInstall
  ; $0-$2 belong to electron-builder's script: keep them.
  Push $0
  Push $1
  Push $2
  ReadEnvStr $0 ProgramData
  StrCmp $0 "" 0 +2
    StrCpy $0 "C:\ProgramData"
  StrCpy $1 "$0\HisUpdateAgent"
  CreateDirectory "$1"
  CreateDirectory "$1\state"
  CreateDirectory "$1\staging"
  CreateDirectory "$1\logs"
  ; First install: the shipped default config; an existing config (IT's) is never overwritten.
  IfFileExists "$1\config.json" +2 0
    CopyFiles /SILENT "$INSTDIR\resources\config.default.json" "$1\config.json"
  ; Root: no inherited ACEs; SYSTEM and Administrators full control, Users read (inherited by config.json).
  nsExec::ExecToLog 'icacls "$1" /inheritance:r /grant:r *S-1-5-18:(OI)(CI)F *S-1-5-32-544:(OI)(CI)F *S-1-5-32-545:(OI)(CI)RX'
  Pop $2
  ; Work folders: Users modify (create, write, delete files below).
  nsExec::ExecToLog 'icacls "$1\state" /grant:r *S-1-5-32-545:(OI)(CI)M'
  Pop $2
  nsExec::ExecToLog 'icacls "$1\staging" /grant:r *S-1-5-32-545:(OI)(CI)M'
  Pop $2
  nsExec::ExecToLog 'icacls "$1\logs" /grant:r *S-1-5-32-545:(OI)(CI)M'
  Pop $2
  ; A config copied above inherits the root's ACL; re-apply in case an older install left other ACEs.
  nsExec::ExecToLog 'icacls "$1\config.json" /reset'
  Pop $2
  ; restore electron-builder's registers
  Pop $2
  Pop $1
  Pop $0
!macroend

!macro customUnInstall
  ; %ProgramData%\HisUpdateAgent (config, history, logs) stays: a reinstall keeps IT's settings.
  ; Remove it by hand to clean up completely (docs/electron-shell.md).
!macroend
