import type { TransferProgress } from '../core/sync/progress';
import { formatBytes, formatDuration } from '../core/util/format';

const WIDTH = 24;

/** One line: bar, percent, bytes, speed, time left, current file. */
export function renderProgressLine(p: TransferProgress, columns = 100): string {
  const ratio = p.bytesTotal > 0 ? Math.min(1, p.bytesDone / p.bytesTotal) : p.filesTotal > 0 ? p.filesDone / p.filesTotal : 1;
  const filled = Math.round(ratio * WIDTH);
  const bar = `${'█'.repeat(filled)}${'░'.repeat(WIDTH - filled)}`;
  const eta = p.etaSeconds === null ? '--' : formatDuration(p.etaSeconds * 1000);
  const head = `[${bar}] ${String(Math.floor(ratio * 100)).padStart(3)}%  ${formatBytes(p.bytesDone)}/${formatBytes(p.bytesTotal)}  ${p.filesDone}/${p.filesTotal} 文件  ${formatBytes(p.bytesPerSecond)}/s  剩余 ${eta}`;
  const file = p.currentFile ? `  ${p.currentFile}` : '';
  const line = head + file;
  return line.length > columns ? `${line.slice(0, columns - 1)}…` : line;
}

/**
 * Redraws in place on a terminal; elsewhere (logs, CI, scheduled tasks) prints a line every 10 %
 * so the output stays readable.
 */
export function createProgressPrinter(stream: NodeJS.WriteStream) {
  let lastDecile = -1;
  let drawn = false;
  return {
    update(p: TransferProgress) {
      if (stream.isTTY) {
        stream.write(`\r${renderProgressLine(p, (stream.columns || 100) - 1)}\u001b[K`);
        drawn = true;
        return;
      }
      const decile = p.bytesTotal > 0 ? Math.floor((p.bytesDone / p.bytesTotal) * 10) : 10;
      if (decile !== lastDecile) {
        lastDecile = decile;
        stream.write(`${renderProgressLine(p)}\n`);
      }
    },
    end() {
      if (drawn) stream.write('\n');
      drawn = false;
    },
  };
}
