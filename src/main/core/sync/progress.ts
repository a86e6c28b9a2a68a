import type { ProgressView } from '../../../shared/api-types';

/** A snapshot of a transfer, as the tray, the window and the CLI's bar show it (ProgressView without the phase). */
export type TransferProgress = Omit<ProgressView, 'phase'>;

/**
 * Tracks bytes and files and turns them into throttled snapshots. Speed is an exponential moving
 * average over ~1 s samples so the ETA does not jump with every chunk.
 */
export class ProgressTracker {
  private bytesDone = 0;
  private filesDone = 0;
  private current: string | null = null;
  private speed = 0;
  private lastSampleAt: number;
  private lastSampleBytes = 0;
  private lastEmitAt = 0;
  private startedAt: number;

  constructor(
    private readonly bytesTotal: number,
    private readonly filesTotal: number,
    private readonly emit: (p: TransferProgress) => void,
    private readonly now: () => number = Date.now,
    private readonly intervalMs = 200,
  ) {
    this.lastSampleAt = now();
    this.startedAt = this.lastSampleAt;
  }

  fileStarted(relPath: string): void {
    this.current = relPath;
    this.maybeEmit();
  }

  bytes(count: number): void {
    this.bytesDone += count;
    this.maybeEmit();
  }

  fileDone(): void {
    this.filesDone += 1;
    this.maybeEmit(true);
  }

  snapshot(): TransferProgress {
    const remaining = Math.max(0, this.bytesTotal - this.bytesDone);
    // Before the first full sample, the average since the start is the best guess.
    const elapsed = this.now() - this.startedAt;
    const speed = this.speed > 0 ? this.speed : elapsed >= 250 ? (this.bytesDone * 1000) / elapsed : 0;
    return {
      bytesDone: Math.min(this.bytesDone, this.bytesTotal),
      bytesTotal: this.bytesTotal,
      filesDone: this.filesDone,
      filesTotal: this.filesTotal,
      bytesPerSecond: Math.round(speed),
      etaSeconds: speed > 0 ? Math.ceil(remaining / speed) : remaining === 0 ? 0 : null,
      currentFile: this.current,
    };
  }

  finish(): void {
    this.current = null;
    this.sample(true);
    this.emit(this.snapshot());
  }

  private maybeEmit(force = false): void {
    const t = this.now();
    this.sample(false);
    if (force || t - this.lastEmitAt >= this.intervalMs) {
      this.lastEmitAt = t;
      this.emit(this.snapshot());
    }
  }

  private sample(final: boolean): void {
    const t = this.now();
    const elapsed = t - this.lastSampleAt;
    if (elapsed < 1000 && !(final && elapsed > 0)) return;
    const instant = ((this.bytesDone - this.lastSampleBytes) * 1000) / elapsed;
    this.speed = this.speed === 0 ? instant : this.speed * 0.6 + instant * 0.4;
    this.lastSampleAt = t;
    this.lastSampleBytes = this.bytesDone;
  }
}
