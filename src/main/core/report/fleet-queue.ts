import fsp from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../util/fs-atomic';
import type { FleetStatus } from './fleet-types';

interface QueueFile {
  version: 1;
  /** Rows dropped because the queue was full, since the file was created. */
  dropped: number;
  rows: FleetStatus[];
}

/**
 * Status rows waiting for the database, oldest first, in one JSON file in the state folder. Bounded:
 * when full, the oldest rows go (the newest state of a PC matters most). Every change is written
 * atomically (temp file + rename), so a crash leaves the old or the new queue, never half of one.
 */
export class FleetQueue {
  readonly file: string;

  constructor(stateDir: string, private readonly limit: number) {
    this.file = path.join(stateDir, 'fleet-queue.json');
  }

  async read(): Promise<QueueFile> {
    try {
      const parsed = JSON.parse(await fsp.readFile(this.file, 'utf8')) as Partial<QueueFile>;
      const rows = Array.isArray(parsed.rows) ? parsed.rows.filter(isStatus) : [];
      return { version: 1, dropped: typeof parsed.dropped === 'number' ? parsed.dropped : 0, rows };
    } catch {
      // Missing or damaged: start empty (losing queued status rows never harms an update).
      return { version: 1, dropped: 0, rows: [] };
    }
  }

  /** Appends a row; returns how many old rows had to go to stay within the limit. */
  async append(row: FleetStatus): Promise<number> {
    const queue = await this.read();
    queue.rows.push(row);
    const excess = Math.max(0, queue.rows.length - this.limit);
    queue.rows.splice(0, excess);
    queue.dropped += excess;
    await this.write(queue);
    return excess;
  }

  /** Removes the rows that reached the database from the head of the queue (they are the oldest). */
  async removeSent(sent: FleetStatus[]): Promise<void> {
    if (!sent.length) return;
    const queue = await this.read();
    for (const row of sent) {
      if (queue.rows.length && JSON.stringify(queue.rows[0]) === JSON.stringify(row)) queue.rows.shift();
    }
    await this.write(queue);
  }

  private async write(queue: QueueFile): Promise<void> {
    if (!queue.rows.length && queue.dropped === 0) {
      await fsp.rm(this.file, { force: true });
      return;
    }
    await writeFileAtomic(this.file, JSON.stringify(queue));
  }
}

function isStatus(value: unknown): value is FleetStatus {
  const row = value as Partial<FleetStatus> | null;
  return !!row && typeof row.machine === 'string' && typeof row.app === 'string' && typeof row.state === 'string' && typeof row.reportedAt === 'string';
}
