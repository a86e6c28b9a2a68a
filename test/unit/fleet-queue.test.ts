import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { likePrefix } from '../../src/main/core/report/fleet-sql';
import { FleetQueue } from '../../src/main/core/report/fleet-queue';
import { buildSnapshot } from '../../src/main/core/report/fleet-query';
import type { FleetRow, FleetStatus } from '../../src/main/core/report/fleet-types';

const row = (machine: string, extra: Partial<FleetStatus> = {}): FleetStatus => ({
  machine, user: 'u', app: 'nurse', installedVersion: '5.2', targetVersion: '5.2', state: 'updated', errorCode: null, messageZh: null,
  durationMs: 1, bytesMoved: 0, agentVersion: '0.1.0', reportedAt: '2026-11-25T08:00:00.000Z', ...extra,
});

describe('FleetQueue', () => {
  let dir: string;
  beforeEach(async () => { dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'fleet-queue-')); });
  afterEach(async () => fsp.rm(dir, { recursive: true, force: true }));

  test('keeps order, drops the oldest beyond the limit and counts them', async () => {
    const queue = new FleetQueue(dir, 3);
    for (const m of ['a', 'b', 'c']) expect(await queue.append(row(m))).toBe(0);
    expect(await queue.append(row('d'))).toBe(1);
    const read = await queue.read();
    expect(read.rows.map((r) => r.machine)).toEqual(['b', 'c', 'd']);
    expect(read.dropped).toBe(1);
  });

  test('removeSent takes rows off the head only when they are the ones sent', async () => {
    const queue = new FleetQueue(dir, 10);
    for (const m of ['a', 'b', 'c']) await queue.append(row(m));
    await queue.removeSent([row('a'), row('x')]);
    expect((await queue.read()).rows.map((r) => r.machine)).toEqual(['b', 'c']);
  });

  test('writes atomically (no temp files left) and removes the file once empty', async () => {
    const queue = new FleetQueue(dir, 10);
    await queue.append(row('a'));
    expect(await fsp.readdir(dir)).toEqual(['fleet-queue.json']);
    await queue.removeSent([row('a')]);
    expect(await fsp.readdir(dir)).toEqual([]);
  });

  test('a damaged file is treated as empty, and rows that are not status rows are ignored', async () => {
    await fsp.writeFile(path.join(dir, 'fleet-queue.json'), '{"rows": [ {"machine": "a"');
    const queue = new FleetQueue(dir, 10);
    expect((await queue.read()).rows).toEqual([]);
    await fsp.writeFile(path.join(dir, 'fleet-queue.json'), JSON.stringify({ rows: [row('a'), { machine: 5 }, null] }));
    expect((await queue.read()).rows.map((r) => r.machine)).toEqual(['a']);
  });
});

describe('fleet view', () => {
  const at = (hoursAgo: number) => new Date(Date.parse('2026-11-25T12:00:00Z') - hoursAgo * 3_600_000).toISOString();
  const view = (machine: string, app: string, version: string | null, errorCode: string | null, silent: boolean, hoursAgo = 1): FleetRow => ({
    ...row(machine, { app, installedVersion: version, errorCode, reportedAt: at(hoursAgo) }), receivedAt: at(hoursAgo), silent,
  });

  test('failed first (newest failure on top), then silent (longest silent on top), then by machine', () => {
    const snapshot = buildSnapshot([
      view('b', 'nurse', '5.2', null, false),
      view('f-old', 'nurse', '5.1', 'UPDATER_FAILED', false, 5),
      view('s-short', 'nurse', '5.1', null, true, 30),
      view('a', 'nurse', '5.2', null, false),
      view('f-new', 'doctor', '3.0', 'HASH_MISMATCH', false, 1),
      view('s-long', 'doctor', null, null, true, 90),
    ], 24, new Date('2026-11-25T12:00:00Z'));
    expect(snapshot.rows.map((r) => r.machine)).toEqual(['f-new', 'f-old', 's-long', 's-short', 'a', 'b']);
    expect(snapshot.countsByVersion).toEqual([
      { app: 'doctor', version: '3.0', count: 1 },
      { app: 'doctor', version: null, count: 1 },
      { app: 'nurse', version: '5.2', count: 2 },
      { app: 'nurse', version: '5.1', count: 2 },
    ]);
    expect(snapshot.totals).toEqual({ rows: 6, machines: 6, failed: 2, silent: 2 });
    expect(snapshot.error).toBeNull();
  });

  test('a machine-name prefix matches itself, LIKE wildcards included', () => {
    expect(likePrefix('ICU_')).toBe('ICU[_]%');
    expect(likePrefix('50%[a]')).toBe('50[%][[]a]%');
  });
});
