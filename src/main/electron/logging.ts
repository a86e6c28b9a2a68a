import fs from 'node:fs';
import log from 'electron-log/main';
import type { AgentEvents } from '../core/engine/events';
import type { Logger } from '../core/logger';
import { configureElectronLog, createEngineLogger, LOG_FILE_NAME, type ElectronLogLike } from '../logging/engine-logger';
import path from 'node:path';

export interface ShellLog {
  file: string;
  logger: Logger;
  /** Moves the file transport (the config named another logDir than the default). */
  moveTo(logDir: string): string;
}

/**
 * electron-log/main writing <logDir>/agent.log (rotated at 5 MiB into agent.old.log), redaction in front
 * of every transport, the engine logging through the same logger. Lines of level info and above are
 * also emitted as engine `log` events, which the IT window's log tab follows live.
 */
export function openShellLog(logDir: string, options: { console: boolean; events?: AgentEvents }): ShellLog {
  const electronLog = log as unknown as ElectronLogLike;
  fs.mkdirSync(logDir, { recursive: true });
  let file = configureElectronLog(electronLog, logDir, options);
  const events = options.events;
  const logger = createEngineLogger(electronLog, events ? (level, text) => level !== 'debug' && events.emit({ type: 'log', level, message: text, at: new Date().toISOString() }) : undefined);
  return {
    get file() {
      return file;
    },
    logger,
    moveTo(dir: string) {
      fs.mkdirSync(dir, { recursive: true });
      file = path.join(dir, LOG_FILE_NAME);
      electronLog.transports.file.resolvePathFn = () => file;
      return file;
    },
  };
}
