import { describe, expect, it } from 'vitest';
import { isInWindow, nextWindowStart, Scheduler, type ScheduledCheckResult, type SchedulerClock } from '../../src/main/core/scheduler';
import { scheduleSchema } from '../../src/main/core/config/schema';
import { silentLogger } from '../../src/main/core/logger';

/** A clock whose time moves only when the test says so; timers fire in order as it passes them. */
class FakeClock implements SchedulerClock {
  private timers: Array<{ at: number; fn: () => void; id: number }> = [];
  private seq = 0;
  constructor(
    public time: number,
    private readonly rand = 0,
  ) {}
  now(): number {
    return this.time;
  }
  random(): number {
    return this.rand;
  }
  setTimer(fn: () => void, ms: number): () => void {
    const id = ++this.seq;
    this.timers.push({ at: this.time + ms, fn, id });
    return () => {
      this.timers = this.timers.filter((t) => t.id !== id);
    };
  }
  get pending(): number[] {
    return this.timers.map((t) => t.at).sort((a, b) => a - b);
  }
  /** Moves to `to`, firing due timers one by one and letting their async work settle. */
  async advanceTo(to: number): Promise<void> {
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers[0];
      if (!next || next.at > to) break;
      this.timers.shift();
      this.time = Math.max(this.time, next.at);
      next.fn();
      for (let i = 0; i < 20; i++) await Promise.resolve();
    }
    this.time = to;
  }
}

const MIN = 60_000;
const at = (h: number, m = 0, day = 5) => new Date(2026, 0, day, h, m, 0, 0).getTime();

function harness(options: { schedule: Record<string, unknown>; check?: ScheduledCheckResult[]; rand?: number; start: number; canStart?: () => boolean; heartbeatMinutes?: number }) {
  const clock = new FakeClock(options.start, options.rand ?? 0);
  const calls: string[] = [];
  const times: number[] = [];
  const scheduler = new Scheduler({
    schedule: scheduleSchema.parse(options.schedule),
    logger: silentLogger,
    clock,
    startDelayMs: 10_000,
    ...(options.heartbeatMinutes ? { heartbeatMinutes: options.heartbeatMinutes } : {}),
    actions: {
      check: async () => {
        calls.push('check');
        times.push(clock.now());
        return options.check ?? [];
      },
      update: async (ids) => {
        calls.push(`update:${ids ? ids.join(',') : 'all'}`);
        times.push(clock.now());
      },
      canStart: options.canStart ?? (() => true),
      heartbeat: async () => {
        calls.push('heartbeat');
      },
    },
  });
  return { clock, calls, times, scheduler };
}

describe('maintenance window arithmetic (local time)', () => {
  it('handles same-day and midnight-crossing windows', () => {
    const day = { start: '12:00', end: '14:00' };
    expect(isInWindow(at(11, 59), day)).toBe(false);
    expect(isInWindow(at(12, 0), day)).toBe(true);
    expect(isInWindow(at(13, 59), day)).toBe(true);
    expect(isInWindow(at(14, 0), day)).toBe(false);
    const night = { start: '22:00', end: '06:00' };
    expect(isInWindow(at(21, 59), night)).toBe(false);
    expect(isInWindow(at(22, 0), night)).toBe(true);
    expect(isInWindow(at(0, 30), night)).toBe(true);
    expect(isInWindow(at(5, 59), night)).toBe(true);
    expect(isInWindow(at(6, 0), night)).toBe(false);
    expect(isInWindow(at(15, 0), { start: '03:00', end: '03:00' })).toBe(true);
  });

  it('finds the next opening strictly after now', () => {
    expect(nextWindowStart(at(10, 0), { start: '22:00' })).toBe(at(22, 0));
    expect(nextWindowStart(at(22, 0), { start: '22:00' })).toBe(at(22, 0, 6));
    expect(nextWindowStart(at(23, 0), { start: '02:30' })).toBe(at(2, 30, 6));
  });
});

describe('Scheduler', () => {
  it('without a window: update run at start (after delay + jitter), then every interval + jitter', async () => {
    const h = harness({ schedule: { intervalMinutes: 60, jitterMinutes: 10 }, rand: 0.5, start: at(8) });
    h.scheduler.start();
    // start: 10 s + 0.5 × min(10 min, 5 min)
    const first = at(8) + 10_000 + 2.5 * MIN;
    expect(h.scheduler.nextCheckAt('nurse')).toBe(new Date(first).toISOString());
    await h.clock.advanceTo(first - 1);
    expect(h.calls).toEqual([]);
    await h.clock.advanceTo(first);
    expect(h.calls).toEqual(['update:all']);
    const second = first + 60 * MIN + 5 * MIN;
    expect(h.scheduler.nextCheckAt('nurse')).toBe(new Date(second).toISOString());
    await h.clock.advanceTo(second + 65 * MIN);
    expect(h.calls).toEqual(['update:all', 'update:all', 'update:all']);
    expect(h.times).toEqual([first, second, second + 65 * MIN]);
    h.scheduler.stop();
    expect(h.scheduler.nextCheckAt('nurse')).toBeNull();
    expect(h.clock.pending).toEqual([]);
  });

  it('checkAtStart false: the first run waits a whole interval', async () => {
    const h = harness({ schedule: { checkAtStart: false, intervalMinutes: 30, jitterMinutes: 0 }, start: at(8) });
    h.scheduler.start();
    await h.clock.advanceTo(at(8, 29));
    expect(h.calls).toEqual([]);
    await h.clock.advanceTo(at(8, 30));
    expect(h.calls).toEqual(['update:all']);
    h.scheduler.stop();
  });

  it('outside the window only checks; an update found waits for the window start', async () => {
    const h = harness({
      schedule: { intervalMinutes: 240, jitterMinutes: 0, window: { start: '12:00', end: '13:00' } },
      check: [{ appId: 'nurse', updateAvailable: true, mandatory: false }],
      start: at(9),
    });
    h.scheduler.start();
    await h.clock.advanceTo(at(9, 1));
    expect(h.calls).toEqual(['check']);
    // the regular next tick (13:00:10) would miss the window: the window start wins
    expect(h.scheduler.nextCheckAt()).toBe(new Date(at(12)).toISOString());
    await h.clock.advanceTo(at(12));
    expect(h.calls).toEqual(['check', 'update:all']);
    h.scheduler.stop();
  });

  it('a window crossing midnight: update inside at 23:30 and at 01:00, check only at 07:00', async () => {
    const h = harness({ schedule: { checkAtStart: false, intervalMinutes: 90, jitterMinutes: 0, window: { start: '22:00', end: '06:00' } }, start: at(22) });
    h.scheduler.start();
    await h.clock.advanceTo(at(23, 30));
    await h.clock.advanceTo(at(1, 0, 6));
    expect(h.calls).toEqual(['update:all', 'update:all']);
    await h.clock.advanceTo(at(7, 0, 6));
    expect(h.calls.slice(-1)).toEqual(['check']);
    h.scheduler.stop();
  });

  it('mandatory targets apply outside the window, only for those apps', async () => {
    const h = harness({
      schedule: { jitterMinutes: 0, window: { start: '22:00', end: '06:00' } },
      check: [
        { appId: 'nurse', updateAvailable: true, mandatory: true },
        { appId: 'doctor', updateAvailable: true, mandatory: false },
        { appId: 'lab', updateAvailable: false, mandatory: true },
      ],
      start: at(10),
    });
    h.scheduler.start();
    await h.clock.advanceTo(at(10, 1));
    expect(h.calls).toEqual(['check', 'update:nurse']);
    h.scheduler.stop();
  });

  it('does not start while canStart is false (shutdown, another run): retries a minute later', async () => {
    let allowed = false;
    const h = harness({ schedule: { jitterMinutes: 0 }, start: at(10), canStart: () => allowed });
    h.scheduler.start();
    await h.clock.advanceTo(at(10, 5));
    expect(h.calls).toEqual([]);
    allowed = true;
    await h.clock.advanceTo(at(10, 6));
    expect(h.calls).toEqual(['update:all']);
    h.scheduler.stop();
  });

  it('wake() after sleep runs an overdue tick soon instead of waiting a full interval', async () => {
    const h = harness({ schedule: { checkAtStart: false, intervalMinutes: 60, jitterMinutes: 0 }, start: at(10) });
    h.scheduler.start();
    // The PC slept from 10:10 to 14:00; the OS did not fire the timer (fake: we jump without firing).
    h.clock.time = at(14);
    h.scheduler.wake();
    expect(h.scheduler.nextCheckAt()).toBe(new Date(at(14, 1)).toISOString());
    h.scheduler.stop();
  });

  it('fires the fleet heartbeat on its own period', async () => {
    const h = harness({ schedule: { checkAtStart: false, intervalMinutes: 600, jitterMinutes: 0 }, start: at(0), heartbeatMinutes: 120 });
    h.scheduler.start();
    await h.clock.advanceTo(at(6, 30));
    expect(h.calls).toEqual(['heartbeat', 'heartbeat', 'heartbeat']);
    h.scheduler.stop();
    await h.clock.advanceTo(at(12));
    expect(h.calls).toEqual(['heartbeat', 'heartbeat', 'heartbeat']);
  });

  it('a failing action does not stop the schedule', async () => {
    const clock = new FakeClock(at(10));
    let runs = 0;
    const scheduler = new Scheduler({
      schedule: scheduleSchema.parse({ checkAtStart: false, intervalMinutes: 10, jitterMinutes: 0 }),
      logger: silentLogger,
      clock,
      actions: {
        check: async () => null,
        update: async () => {
          runs++;
          throw new Error('share down');
        },
        canStart: () => true,
      },
    });
    scheduler.start();
    await clock.advanceTo(at(10, 30));
    expect(runs).toBe(3);
    scheduler.stop();
  });
});
