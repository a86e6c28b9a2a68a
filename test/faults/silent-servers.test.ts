import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseSchema, type DatabaseConfig } from '../../src/main/core/config/schema';
import { DefaultSecretResolver } from '../../src/main/core/config/secrets';
import { sessionDeadlineMs } from '../../src/main/core/db/connection-config';
import { AgentError } from '../../src/main/core/errors/agent-error';
import { NativeShareClient } from '../../src/main/core/share/native-share';
import { Smb2ShareClient } from '../../src/main/core/share/smb2-share';
import { probeSmbDialect } from '../../src/main/core/share/smb-probe';
import { MssqlVersionSource } from '../../src/main/core/version/mssql-source';
import { TdsTestServer } from '../fixtures/tds';
import { runCli } from '../helpers/cli';
import { createScenario, type Scenario } from '../helpers/scenario';
import { mountSmbnetfs, type SmbnetfsMount } from '../helpers/smbnetfs';
import { jsonOf, startCli, type CliResultJson } from './support/cli-process';
import { FaultTable } from './support/fault-table';

/**
 * Servers that accept TCP and then never answer, or close at once: an SMB port (a bare net server),
 * the same port seen through the OS SMB client (smbnetfs), and the TDS test server in its silent,
 * close and stalled-query modes. Every call must end within its configured timeout (plus a small
 * margin) with a readable error; the worst case is printed.
 */
const table = new FaultTable('silent-servers');
const SHARE_TIMEOUT_MS = 2000;
const SLACK_MS = 1000;
const DB: Pick<DatabaseConfig, 'connectTimeoutSeconds' | 'requestTimeoutSeconds'> = { connectTimeoutSeconds: 2, requestTimeoutSeconds: 2 };
const DB_PASSWORD = 'Silent-Db-Pw-6620';
const DB_PASSWORD_ENV = 'HIS_FAULT_DB_PASSWORD';

interface Timed {
  call: string;
  boundMs: number;
  ms: number;
  code: string;
  message: string;
}
const timings: Timed[] = [];

afterAll(() => {
  const worst = [...timings].sort((a, b) => b.ms - b.boundMs - (a.ms - a.boundMs))[0];
  if (worst) process.stdout.write(`\nworst case against silent/closing servers: ${worst.call} ended after ${worst.ms} ms (bound ${worst.boundMs} ms) with ${worst.code}\n`);
  for (const t of timings) process.stdout.write(`  ${t.call.padEnd(58)} ${String(t.ms).padStart(6)} ms  bound ${t.boundMs} ms  ${t.code}\n`);
  table.print();
});

/** Runs a call that must fail; checks the error is an AgentError with a readable message and it came in time. */
async function mustFailInTime(call: string, boundMs: number, codes: string[], run: () => Promise<unknown>): Promise<Timed> {
  const started = Date.now();
  const error = await run().then(
    () => new Error(`${call}: expected a failure`),
    (e: unknown) => e,
  );
  const ms = Date.now() - started;
  expect(error, call).toBeInstanceOf(AgentError);
  const agentError = error as AgentError;
  expect(codes, `${call}: ${agentError.code} ${agentError.en}`).toContain(agentError.code);
  expect(agentError.zh.length).toBeGreaterThan(10);
  expect(agentError.zh).not.toMatch(/\{\w+\}|undefined|\[object/);
  expect(ms, `${call} took ${ms} ms`).toBeLessThanOrEqual(boundMs + SLACK_MS);
  const timed = { call, boundMs, ms, code: agentError.code, message: agentError.zh };
  timings.push(timed);
  return timed;
}

async function fakeServer(behavior: 'silent' | 'close'): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    if (behavior === 'close') socket.destroy();
    else socket.resume(); // read and ignore everything
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    port: (server.address() as net.AddressInfo).port,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function summary(rows: Timed[]): string {
  const worst = rows.reduce((a, b) => (b.ms > a.ms ? b : a));
  return `${rows.length} calls, worst ${worst.ms} ms (${worst.call}, bound ${worst.boundMs} ms); codes ${[...new Set(rows.map((r) => r.code))].join(', ')}`;
}

describe('SMB server that accepts TCP and never answers, or closes at once', () => {
  let silent: Awaited<ReturnType<typeof fakeServer>>;
  let closing: Awaited<ReturnType<typeof fakeServer>>;
  let mount: SmbnetfsMount;
  beforeAll(async () => {
    [silent, closing] = await Promise.all([fakeServer('silent'), fakeServer('close')]);
    mount = await mountSmbnetfs({ host: '127.0.0.1', port: silent.port, workgroup: 'HISDOM', user: 'nobody', password: 'x', smbTimeoutMs: 8000 });
  });
  afterAll(async () => {
    await mount?.unmount();
    await silent?.close();
    await closing?.close();
  });

  it('smb2 transport and the dialect probe: every call ends within the share timeout', async () => {
    await table.run('SMB: accepts, never answers / closes at once (smb2 client)', 'stat, readFile, list, createReadStream, dialect probe; timeoutSeconds 2', 'each call ends ≤ timeout + 1 s with SHARE_TIMEOUT / SHARE_CONNECTION_CLOSED', async (measure) => {
      const client = (port: number) => new Smb2ShareClient({ path: '\\\\127.0.0.1\\update\\nurse', port, timeoutMs: SHARE_TIMEOUT_MS, username: 'u', password: 'p' });
      const rows: Timed[] = [];
      for (const [kind, port, codes] of [
        ['silent', silent.port, ['SHARE_TIMEOUT']],
        ['closing', closing.port, ['SHARE_CONNECTION_CLOSED', 'SHARE_UNREACHABLE']],
      ] as const) {
        const calls: Array<[string, (c: Smb2ShareClient) => Promise<unknown>]> = [
          ['stat', (c) => c.stat('his-release.json')],
          ['readFile', (c) => c.readFile('his-release.json', 1024)],
          ['list', (c) => c.list('')],
          ['createReadStream', (c) => c.createReadStream('bin/a.dll', { start: 0 })],
        ];
        const results = await Promise.all(
          calls.map(async ([name, call]) => {
            const c = client(port);
            try {
              return await mustFailInTime(`smb2 ${name} (${kind})`, SHARE_TIMEOUT_MS, [...codes], () => call(c));
            } finally {
              await c.close();
            }
          }),
        );
        rows.push(...results);
        rows.push(await mustFailInTime(`SMB dialect probe (${kind})`, SHARE_TIMEOUT_MS, [...codes, 'SHARE_PROTOCOL_ERROR'], () => probeSmbDialect('127.0.0.1', port, SHARE_TIMEOUT_MS)));
      }
      measure(summary(rows));
    });
  });

  const cleanups: Array<() => void> = [];
  afterAll(() => cleanups.forEach((c) => c()));

  it('native transport through the OS SMB client (smbnetfs) on a silent server: bounded by the agent, not by the OS client', async () => {
    await table.run('SMB: accepts, never answers (native over smbnetfs)', 'stat, readFile, list, createReadStream, fetchToFile (worker-thread copy) through a FUSE SMB client whose own timeout is 8 s; agent timeoutSeconds 2', 'each call ends ≤ timeout + 1 s with SHARE_TIMEOUT / SHARE_UNREACHABLE', async (measure) => {
      const share = new NativeShareClient({ path: mount.pathTo('update', 'nurse'), timeoutMs: SHARE_TIMEOUT_MS });
      const calls: Array<[string, () => Promise<unknown>]> = [
        ['stat', () => share.stat('his-release.json')],
        ['readFile', () => share.readFile('his-release.json', 1024)],
        ['list', () => share.list('')],
        [
          'createReadStream',
          async () => {
            const stream = await share.createReadStream('bin/a.dll', { start: 0, end: 100 });
            for await (const _chunk of stream) {
              /* drain */
            }
          },
        ],
      ];
      // The download path: a copy on a worker thread whose blocking read the agent must give up on.
      if (share.fetchToFile) {
        const dest = path.join(os.tmpdir(), `his-fault-fetch-${process.pid}.his-part`);
        // (The part file is removed after the test: fs calls queue behind libuv threads the hung FUSE calls hold.)
        calls.push(['fetchToFile', () => share.fetchToFile!('bin/a.dll', dest, { start: 0, limit: 100, onBytes: () => {} })]);
        cleanups.push(() => fs.rmSync(dest, { force: true }));
      }
      const rows = await Promise.all(calls.map(([name, call]) => mustFailInTime(`native ${name} (silent, smbnetfs)`, SHARE_TIMEOUT_MS, ['SHARE_TIMEOUT', 'SHARE_UNREACHABLE', 'SHARE_NOT_FOUND'], call)));
      // Copy workers still blocked in the OS client end with it; do not wait for them here.
      void share.close();
      measure(summary(rows));
    });
  });

  // Node joins its blocked fs threads at exit: with the OS SMB client hung, the process lingers until that
  // client's own timeout (smbnetfs here: 8 s; Windows' redirector: its session timeout, 60 s by default) after the agent has answered.
  it('the CLI check against a silent SMB server answers with a readable error in time (whole process)', async () => {
    const s: Scenario = await createScenario({ mode: 'mirror', files: 3, totalBytes: 4096 });
    try {
      await table.run('SMB: silent server, whole CLI run', '`his-update check` with transport smb2 and native (smbnetfs), timeoutSeconds 2', 'exit 1; the answer (JSON line) comes < timeout + process start + 1 s', async (measure) => {
        for (const transport of ['smb2', 'native'] as const) {
          await s.writeConfig((config) => {
            const app = (config.apps as Array<Record<string, unknown>>)[0]!;
            app.share =
              transport === 'smb2'
                ? { path: '\\\\127.0.0.1\\update\\nurse', transport, port: silent.port, timeoutSeconds: SHARE_TIMEOUT_MS / 1000 }
                : { path: mount.pathTo('update', 'nurse'), transport, timeoutSeconds: SHARE_TIMEOUT_MS / 1000 };
          });
          // The answer (one JSON line) is what a caller waits for; the process exit is measured apart.
          const started = Date.now();
          const cli = startCli(['check', '--json', '--config', s.configFile]);
          while (!cli.output().stdout.includes('\n') && cli.child.exitCode === null) await new Promise((r) => setTimeout(r, 10));
          const ms = Date.now() - started;
          const run = await cli.done;
          const exitedMs = Date.now() - started;
          const out = jsonOf<CliResultJson>(run);
          expect(run.code).toBe(1);
          expect(['SHARE_TIMEOUT', 'SHARE_UNREACHABLE']).toContain(out.errorCode);
          expect(ms).toBeLessThan(SHARE_TIMEOUT_MS + 2500);
          timings.push({ call: `CLI check, ${transport} (silent): answer`, boundMs: SHARE_TIMEOUT_MS + 1500, ms, code: out.errorCode!, message: out.message });
          measure(`${transport}: ${out.errorCode} answered after ${ms} ms, process exited after ${exitedMs} ms: "${out.message.slice(0, 40)}…"`);
        }
      });
    } finally {
      await s.cleanup();
    }
  }, 90_000);
});

describe('TDS server that never answers, closes at once, or stalls the query', () => {
  const servers: TdsTestServer[] = [];
  const secrets = new DefaultSecretResolver({ [DB_PASSWORD_ENV]: DB_PASSWORD });
  const config = (port: number): DatabaseConfig =>
    databaseSchema.parse({ server: '127.0.0.1', port, database: 'his', authentication: { type: 'sql', user: 'his_update', password: { env: DB_PASSWORD_ENV } }, ...DB });
  const start = async (options: Partial<ConstructorParameters<typeof Object>[0]> & Record<string, unknown>) => {
    const server = await TdsTestServer.start({ users: { his_update: DB_PASSWORD }, databases: ['his'], ...options });
    servers.push(server);
    return server;
  };
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });

  it('the version query ends within its configured timeouts in every mode', async () => {
    await table.run(
      'TDS: silent / close / stalled query / stalled and attention ignored',
      'MssqlVersionSource.getTarget with connectTimeoutSeconds 2, requestTimeoutSeconds 2',
      'silent ≤ connect timeout, close at once, stall ≤ connect + request + cancel, attention ignored ≤ session deadline (+1 s)',
      async (measure) => {
        const [silentDb, closingDb, stalling, deaf] = await Promise.all([
          start({ behavior: 'silent' }),
          start({ behavior: 'close' }),
          start({ stall: /his_fault_stall/ }),
          start({ stall: /his_fault_stall/, ignoreAttention: true }),
        ]);
        const query = "SELECT N'2.0.0' AS version /* his_fault_stall */";
        const ask = (server: TdsTestServer) => () =>
          new MssqlVersionSource({ database: config(server.port), query, secrets }).getTarget({ appId: 'nurse', machine: 'PC1', user: 'u', currentVersion: '1.0.0' });
        const deadline = sessionDeadlineMs(config(deaf.port));
        const rows = await Promise.all([
          mustFailInTime('TDS silent (connect 2 s)', DB.connectTimeoutSeconds * 1000, ['DB_TIMEOUT'], ask(silentDb)),
          mustFailInTime('TDS closes at once', 1000, ['DB_CONNECTION_CLOSED', 'DB_UNREACHABLE', 'DB_NOT_SQL_SERVER'], ask(closingDb)),
          mustFailInTime('TDS stalls the query (request 2 s)', (DB.connectTimeoutSeconds + DB.requestTimeoutSeconds) * 1000 + 2000, ['DB_TIMEOUT'], ask(stalling)),
          mustFailInTime('TDS stalls and ignores the cancel', deadline, ['DB_TIMEOUT'], ask(deaf)),
        ]);
        measure(summary(rows));
        for (const r of rows) measure(`${r.call}: ${r.ms} ms ${r.code}`);
      },
    );
  });

  it('the CLI check with a silent database ends with DB_TIMEOUT (whole process)', async () => {
    const db = await start({ behavior: 'silent' });
    const s = await createScenario({ mode: 'mirror', files: 3, totalBytes: 4096 });
    try {
      await table.run('TDS: silent database, whole CLI run', '`his-update check` with versionSource mssql, connectTimeoutSeconds 2', 'exit 1, DB_TIMEOUT naming the server, < 2 s + process start + 1 s', async (measure) => {
        await s.writeConfig((c) => {
          c.database = { server: '127.0.0.1', port: db.port, database: 'his', authentication: { type: 'sql', user: 'his_update', password: { env: DB_PASSWORD_ENV } }, ...DB };
          (c.apps as Array<Record<string, unknown>>)[0]!.versionSource = { type: 'mssql', query: "SELECT N'2.0.0' AS version" };
        });
        const started = Date.now();
        const run = await runCli(['check', '--json', '--config', s.configFile], { env: { [DB_PASSWORD_ENV]: DB_PASSWORD } });
        const ms = Date.now() - started;
        const out = jsonOf<CliResultJson>(run);
        expect(run.code).toBe(1);
        expect(out.errorCode).toBe('DB_TIMEOUT');
        expect(out.message).toContain('127.0.0.1');
        expect(ms).toBeLessThan(2000 + 2500);
        expect(run.stdout + run.stderr).not.toContain(DB_PASSWORD);
        timings.push({ call: 'CLI check, mssql (silent)', boundMs: 3500, ms, code: out.errorCode!, message: out.message });
        measure(`DB_TIMEOUT after ${ms} ms (process included): "${out.message.slice(0, 50)}…"`);
      });
    } finally {
      await s.cleanup();
    }
  });
});

