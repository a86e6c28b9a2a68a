import fsp from 'node:fs/promises';
import type { LogLevel, LogLine } from '../../shared/api-types';

const LEVELS: LogLevel[] = ['debug', 'info', 'warn', 'error'];
/** electron-log line as configured in logging/engine-logger.ts: "[2026-11-25 12:00:00.123] [info] text". */
const LINE = /^\[(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3})\] \[(\w+)\]\s*(.*)$/;
const TAIL_BYTES = 2 * 1024 * 1024;

/** The last lines of the agent log, newest last, filtered by level and a case-insensitive search. */
export async function readLogTail(file: string, options: { maxLines: number; minLevel?: LogLevel; search?: string }): Promise<LogLine[]> {
  let text: string;
  try {
    const handle = await fsp.open(file, 'r');
    try {
      const { size } = await handle.stat();
      const start = Math.max(0, size - TAIL_BYTES);
      const buffer = Buffer.alloc(size - start);
      await handle.read(buffer, 0, buffer.length, start);
      text = buffer.toString('utf8');
      if (start > 0) text = text.slice(text.indexOf('\n') + 1);
    } finally {
      await handle.close();
    }
  } catch {
    return [];
  }
  const minIndex = LEVELS.indexOf(options.minLevel ?? 'debug');
  const needle = options.search?.toLowerCase();
  const lines: LogLine[] = [];
  for (const raw of text.split('\n')) {
    const match = LINE.exec(raw);
    if (match) {
      const level = (LEVELS.includes(match[2] as LogLevel) ? match[2] : 'info') as LogLevel;
      lines.push({ at: match[1]!.replace(' ', 'T'), level, text: match[3]! });
    } else if (raw.trim() && lines.length > 0) {
      // Continuation of a multi-line entry (stack, updater output).
      lines[lines.length - 1]!.text += `\n${raw}`;
    }
  }
  return lines
    .filter((l) => LEVELS.indexOf(l.level) >= minIndex && (!needle || l.text.toLowerCase().includes(needle)))
    .slice(-options.maxLines);
}
