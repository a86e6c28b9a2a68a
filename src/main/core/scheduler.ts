import type { ScheduleConfig } from './config/schema';
import type { Logger } from './logger';

/** Time and timers, injected so tests drive the scheduler with a fake clock. */
export interface SchedulerClock {
  now(): number;
  /** Runs fn after ms; returns a function that cancels it. */
  setTimer(fn: () => void, ms: number): () => void;
  /** In [0, 1); spreads the fleet's checks so a ward's PCs do not hit the share at the same second. */
  random(): number;
}

export const systemClock: SchedulerClock = {
  now: () => Date.now(),
  setTimer: (fn, ms) => {
    const handle = setTimeout(fn, ms);
    handle.unref?.();
    return () => clearTimeout(handle);
  },
  random: () => Math.random(),
};

/** What a scheduled check found for one app. */
export interface ScheduledCheckResult {
  appId: string;
  updateAvailable: boolean;
  /** The version source marked the target mandatory: apply even outside the maintenance window. */
  mandatory: boolean;
}

export interface SchedulerActions {
  /** Checks every app without downloading; null when no check ran (another run was going). */
  check(): Promise<ScheduledCheckResult[] | null>;
  /** Full update run (check, download, apply) for these apps, or all of them when undefined. */
  update(appIds: string[] | undefined): Promise<void>;
  /** False while a run is going or Windows is logging off / shutting down. */
  canStart(): boolean;
  /** Fleet status heartbeat (only when the fleet report is enabled). */
  heartbeat?(): Promise<void>;
}

export interface SchedulerOptions {
  schedule: ScheduleConfig;
  actions: SchedulerActions;
  logger: Logger;
  clock?: SchedulerClock;
  /** Delay of the start check (the tray has just started with Windows). */
  startDelayMs?: number;
  /** Upper bound of the start check's random spread (the whole ward logs on at shift change). */
  startJitterMaxMs?: number;
  /** How soon to try again when a tick could not start (another run, shutdown). */
  retryMs?: number;
  /** Fleet heartbeat period; off when undefined. */
  heartbeatMinutes?: number;
}

const MINUTE = 60_000;
/** setTimeout fires at once beyond 2^31-1 ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Plans the agent's own runs: a check shortly after start, then every intervalMinutes plus a random
 * jitter. Inside the maintenance window (or when there is none) a tick is a full update run; outside
 * it a tick only checks, and applies just the apps whose target the version source marked mandatory.
 * An update found outside the window gets an extra tick at the window's start.
 */
export class Scheduler {
  private readonly clock: SchedulerClock;
  private cancelTick: (() => void) | null = null;
  private cancelHeartbeat: (() => void) | null = null;
  private nextAt: number | null = null;
  private ticking = false;
  private stopped = true;

  constructor(private readonly options: SchedulerOptions) {
    this.clock = options.clock ?? systemClock;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const { schedule } = this.options;
    if (schedule.checkAtStart) {
      const spread = Math.min(schedule.jitterMinutes * MINUTE, this.options.startJitterMaxMs ?? 5 * MINUTE);
      this.planTick(this.clock.now() + (this.options.startDelayMs ?? 15_000) + Math.floor(this.clock.random() * spread));
    } else {
      this.planTick(this.regularNext());
    }
    if (this.options.heartbeatMinutes && this.options.actions.heartbeat) this.planHeartbeat();
  }

  stop(): void {
    this.stopped = true;
    this.cancelTick?.();
    this.cancelTick = null;
    this.cancelHeartbeat?.();
    this.cancelHeartbeat = null;
    this.nextAt = null;
  }

  /** When the next scheduled run starts (ISO), for the IT window; null when stopped. */
  nextCheckAt(_appId?: string): string | null {
    return this.nextAt === null ? null : new Date(this.nextAt).toISOString();
  }

  /** After sleep or hibernation the planned time may have passed long ago: run soon instead. */
  wake(): void {
    if (this.stopped || this.ticking || this.nextAt === null) return;
    if (this.nextAt <= this.clock.now()) this.planTick(this.clock.now() + (this.options.retryMs ?? MINUTE));
  }

  private planTick(at: number): void {
    this.cancelTick?.();
    this.nextAt = at;
    this.cancelTick = this.clock.setTimer(() => void this.tick(), clampDelay(at - this.clock.now()));
  }

  private async tick(): Promise<void> {
    this.cancelTick = null;
    if (this.stopped || this.ticking) return;
    const { actions, logger } = this.options;
    if (!actions.canStart()) {
      this.planTick(this.clock.now() + (this.options.retryMs ?? MINUTE));
      return;
    }
    this.ticking = true;
    this.nextAt = null;
    let pendingForWindow = false;
    try {
      const window = this.options.schedule.window;
      if (!window || isInWindow(this.clock.now(), window)) {
        logger.info('scheduled update run', { window: window ? `${window.start}-${window.end}` : 'none' });
        await actions.update(undefined);
      } else {
        const results = await actions.check();
        const mandatory = (results ?? []).filter((r) => r.updateAvailable && r.mandatory).map((r) => r.appId);
        pendingForWindow = (results ?? []).some((r) => r.updateAvailable && !r.mandatory);
        if (mandatory.length > 0 && actions.canStart()) {
          logger.info('mandatory update outside the maintenance window', { apps: mandatory.join(', ') });
          await actions.update(mandatory);
        }
        if (pendingForWindow) logger.info('update available; it applies in the maintenance window', { window: `${window.start}-${window.end}` });
      }
    } catch (error) {
      logger.warn('scheduled run failed', { error: String(error) });
    } finally {
      this.ticking = false;
    }
    if (this.stopped) return;
    let next = this.regularNext();
    const window = this.options.schedule.window;
    if (window && pendingForWindow) {
      const opens = nextWindowStart(this.clock.now(), window);
      const spread = Math.min(this.options.schedule.jitterMinutes * MINUTE, windowLengthMinutes(window) * MINUTE * 0.5);
      next = Math.min(next, opens + Math.floor(this.clock.random() * spread));
    }
    this.planTick(next);
  }

  private regularNext(): number {
    const { intervalMinutes, jitterMinutes } = this.options.schedule;
    return this.clock.now() + intervalMinutes * MINUTE + Math.floor(this.clock.random() * jitterMinutes * MINUTE);
  }

  private planHeartbeat(): void {
    const period = this.options.heartbeatMinutes! * MINUTE;
    this.cancelHeartbeat = this.clock.setTimer(() => {
      if (this.stopped) return;
      void this.options.actions.heartbeat!().catch((error: unknown) => this.options.logger.warn('fleet heartbeat failed', { error: String(error) }));
      this.planHeartbeat();
    }, clampDelay(period));
  }
}

function clampDelay(ms: number): number {
  return Math.min(Math.max(0, ms), MAX_TIMER_MS);
}

function parseTime(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
}

/** Local wall-clock minutes; a window whose start equals its end is the whole day. */
export function isInWindow(nowMs: number, window: { start: string; end: string }): boolean {
  const d = new Date(nowMs);
  const minute = d.getHours() * 60 + d.getMinutes();
  const start = parseTime(window.start);
  const end = parseTime(window.end);
  if (start === end) return true;
  return start < end ? minute >= start && minute < end : minute >= start || minute < end;
}

/** The next local time the window opens, strictly after now. */
export function nextWindowStart(nowMs: number, window: { start: string }): number {
  const start = parseTime(window.start);
  const candidate = new Date(nowMs);
  candidate.setHours(Math.floor(start / 60), start % 60, 0, 0);
  if (candidate.getTime() <= nowMs) candidate.setDate(candidate.getDate() + 1);
  return candidate.getTime();
}

function windowLengthMinutes(window: { start: string; end: string }): number {
  const length = (parseTime(window.end) - parseTime(window.start) + 24 * 60) % (24 * 60);
  return length === 0 ? 24 * 60 : length;
}
