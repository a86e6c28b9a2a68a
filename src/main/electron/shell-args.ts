/** What a command line asks the tray app to do (first start or forwarded from a second start). */
export interface ShellArgs {
  /** `launch <appId>`: update that app now if needed, then start the HIS (desktop shortcut). */
  launch: string | null;
  /** `--protect-secret`: encrypt stdin with DPAPI, print the config reference, exit. */
  protectSecret: boolean;
  /** `--config <file>`: another config file (tests, IT trying a config). */
  config: string | null;
  /** Started by Windows at logon (the login item passes it): stay quietly in the tray. */
  autostart: boolean;
}

export const AUTOSTART_FLAG = '--autostart';

/**
 * Reads the switches we know and ignores everything else: Electron and Chromium add their own
 * (`--allow-file-access-from-files`, `--original-process-start-time=…`), and in development argv[1]
 * is the app path.
 */
export function parseShellArgs(argv: readonly string[]): ShellArgs {
  const out: ShellArgs = { launch: null, protectSecret: false, config: null, autostart: false };
  const args = argv.slice(1);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const next = args[i + 1];
    if ((arg === 'launch' || arg === '--launch') && next !== undefined && !next.startsWith('-')) {
      out.launch = next;
      i++;
    } else if (arg.startsWith('--launch=')) {
      out.launch = arg.slice('--launch='.length) || null;
    } else if (arg === '--protect-secret') {
      out.protectSecret = true;
    } else if (arg === '--config' && next !== undefined) {
      out.config = next;
      i++;
    } else if (arg.startsWith('--config=')) {
      out.config = arg.slice('--config='.length) || null;
    } else if (arg === AUTOSTART_FLAG) {
      out.autostart = true;
    }
  }
  return out;
}
