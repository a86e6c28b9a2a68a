import path from 'node:path';
import { redact, redactValue } from '../core/config/redact';
import type { Logger } from '../core/logger';

/** The part of electron-log (main or node flavour) the agent uses. */
export interface ElectronLogLike {
  debug(...params: unknown[]): void;
  info(...params: unknown[]): void;
  warn(...params: unknown[]): void;
  error(...params: unknown[]): void;
  hooks: Array<(message: { data: unknown[] }, transport?: unknown, transportName?: string) => { data: unknown[] } | false>;
  transports: {
    file: { resolvePathFn: (...args: never[]) => string; maxSize: number; level: string | false; format: unknown; writeOptions?: { flag?: string; mode?: number; encoding?: string } };
    console: { level: string | false };
  };
}

export const LOG_FILE_NAME = 'agent.log';
/** electron-log rotates at this size, keeping one old file (agent.old.log). */
export const LOG_MAX_BYTES = 5 * 1024 * 1024;

/**
 * Points electron-log at <logDir>/agent.log with size rotation and puts redaction in front of every
 * transport, so no secret reaches the file, the console or the IT window.
 */
export function configureElectronLog(log: ElectronLogLike, logDir: string, options: { console: boolean }): string {
  const file = path.join(logDir, LOG_FILE_NAME);
  log.transports.file.resolvePathFn = () => file;
  log.transports.file.maxSize = LOG_MAX_BYTES;
  log.transports.file.level = 'debug';
  log.transports.file.format = '[{y}-{m}-{d} {h}:{i}:{s}.{ms}] [{level}] {text}';
  // electron-log's default 0666 would let other accounts forge log lines (POSIX; Windows uses the folder ACL).
  log.transports.file.writeOptions = { flag: 'a', mode: 0o644, encoding: 'utf8' };
  log.transports.console.level = options.console ? 'debug' : false;
  log.hooks.push((message) => ({ ...message, data: message.data.map((d) => (typeof d === 'string' ? redact(d) : redactValue(d))) }));
  return file;
}

/** Adapts electron-log to the engine's Logger; meta goes out as one JSON tail. */
export function createEngineLogger(log: ElectronLogLike, onLine?: (level: 'debug' | 'info' | 'warn' | 'error', message: string) => void): Logger {
  const write = (level: 'debug' | 'info' | 'warn' | 'error') => (message: string, meta?: Record<string, unknown>) => {
    const text = redact(meta && Object.keys(meta).length > 0 ? `${message} ${JSON.stringify(redactValue(meta))}` : message);
    log[level](text);
    onLine?.(level, text);
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}
