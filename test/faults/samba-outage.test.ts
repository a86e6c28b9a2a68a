import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startSamba, type SambaOptions, type SambaServer } from '../helpers/samba';
import { createScenario, installState, type Scenario } from '../helpers/scenario';
import { mountSmbnetfs, type SmbnetfsMount } from '../helpers/smbnetfs';
import { runCli } from '../helpers/cli';
import { jsonOf, startCli, type CliResultJson } from './support/cli-process';
import { FaultTable } from './support/fault-table';
import { SlowLink } from './support/slow-link';

/**
 * Samba stopped in the middle of a download and started again on the same port, for both transports:
 * native (plain fs over smbnetfs, a real SMB client) and smb2 (the agent's own client). The wire in
 * between is a bandwidth-limited TCP link, so the stop lands mid-file. What must hold: a bounded number
 * of retries with growing waits, a readable error while the server is down, and a resume (fewer bytes
 * than the whole file) once it is back; the install stays all old until then.
 */
const table = new FaultTable('samba-outage');
afterAll(() => table.print());

const USER = 'hisfault';
const PASSWORD = 'Outage-Pw-4417';
const PASSWORD_ENV = 'HIS_FAULT_SMB_PASSWORD';
const BIG_BYTES = 12 * 1024 * 1024;
const LINK_RATE = 4 * 1024 * 1024;
/** The link stops forwarding here (5 MiB into the transfer), the test stops smbd, then lets go. */
const HOLD_AT = 5 * 1024 * 1024;
const SHARE_ERRORS = ['SHARE_UNREACHABLE', 'SHARE_CONNECTION_CLOSED', 'SHARE_TIMEOUT', 'SHARE_IO_ERROR'];

type Transport = 'native' | 'smb2';

interface Rig {
  s: Scenario;
  samba: SambaServer;
  sambaOptions: SambaOptions;
  link: SlowLink;
  mount: SmbnetfsMount | null;
  close(): Promise<void>;
}

async function rig(transport: Transport, agent: Record<string, unknown>): Promise<Rig> {
  const big = Buffer.alloc(BIG_BYTES);
  for (let i = 0; i < big.length; i += 4) big.writeUInt32LE((i * 2246822519) >>> 0, i);
  const s = await createScenario({ mode: 'mirror', files: 6, totalBytes: 64 * 1024, extraV2Files: { 'bin/big.dat': big }, agent: { downloadConcurrency: 1, ...agent } });
  const sambaOptions: SambaOptions = { shares: [{ name: 'update', path: path.dirname(s.shareDir) }], users: [{ name: USER, password: PASSWORD }] };
  const samba = await startSamba(sambaOptions);
  const link = await SlowLink.open(samba.port, LINK_RATE);
  const mount = transport === 'native' ? await mountSmbnetfs({ host: '127.0.0.1', port: link.port, workgroup: samba.workgroup, user: USER, password: PASSWORD, smbTimeoutMs: 3000 }) : null;
  await s.writeConfig((config) => {
    const app = (config.apps as Array<Record<string, unknown>>)[0]!;
    app.share =
      transport === 'native'
        ? { path: mount!.pathTo('update', 'nurse'), transport: 'native', timeoutSeconds: 3 }
        : { path: '\\\\127.0.0.1\\update\\nurse', transport: 'smb2', port: link.port, username: USER, password: { env: PASSWORD_ENV }, timeoutSeconds: 5 };
  });
  const r: Rig = {
    s,
    samba,
    sambaOptions,
    link,
    mount,
    async close() {
      await r.mount?.unmount();
      await r.link.close();
      await r.samba.stop();
      await r.s.cleanup();
    },
  };
  return r;
}

/** Mirror mode downloads into staging/<app>/incoming. */
/**
 * Stops smbd at once: SIGTERM to its whole process group (the connection children too), then the
 * helper's stop. SIGTERM to the parent alone lets a busy child serve on for seconds under load.
 */
async function stopSambaNow(samba: SambaServer, link: SlowLink): Promise<void> {
  try {
    process.kill(-samba.pid, 'SIGTERM');
  } catch {
    // already gone
  }
  link.dropConnections();
  await samba.stop();
}

const partFile = (s: Scenario) => path.join(s.stagingDir, 'nurse', 'incoming', 'bin', 'big.dat.his-part');
const partSize = (s: Scenario) => (fs.existsSync(partFile(s)) ? fs.statSync(partFile(s)).size : 0);

/**
 * Waits until the share answers again. The smbnetfs client (libsmbclient) refuses for a moment after
 * a failed connect, as a real SMB client may; the agent's own smb2 client reconnects at the next call.
 */
async function shareAnswers(r: Rig): Promise<number> {
  const started = Date.now();
  if (!r.mount) return 0;
  const manifest = path.join(r.mount.pathTo('update', 'nurse'), 'his-release.json');
  for (;;) {
    try {
      await fs.promises.stat(manifest);
      return Date.now() - started;
    } catch (error) {
      if (Date.now() - started > 30_000) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

const retryLines = (stderr: string) => stderr.split('\n').filter((l) => /share read failed .* retry \d+\/\d+/.test(l));

describe.each<Transport>(['native', 'smb2'])('Samba stopped mid-transfer (%s transport)', (transport) => {
  const env = { [PASSWORD_ENV]: PASSWORD };

  it('down longer than the retries: bounded retries, a readable error, the install untouched; back on the same port: the next run resumes', async () => {
    const r = await rig(transport, { retries: 2, retryBackoffSeconds: 0.3 });
    try {
      await table.run(
        `Samba stopped mid-file, stays down (${transport})`,
        `${BIG_BYTES / 1048576} MiB file over a ${LINK_RATE / 1048576} MB/s link; smbd (its whole process group) SIGTERMed 5 MiB into the transfer; retries 2, backoff 0.3 s`,
        'exactly 2 retries (0.3 s, 0.6 s), readable share error, partial file kept, install all old',
        async (measure) => {
          const reached = r.link.holdAt(HOLD_AT);
          const cli = startCli(['update', '--json', '--verbose', '--config', r.s.configFile], { env });
          await reached;
          const stoppedAt = Date.now();
          await stopSambaNow(r.samba, r.link);
          r.link.release();
          const run = await cli.done;
          const failedAfter = Date.now() - stoppedAt;
          const out = jsonOf<CliResultJson>(run);
          expect(out.ok).toBe(false);
          expect(SHARE_ERRORS, `${out.errorCode}: ${out.message}`).toContain(out.errorCode);
          expect(out.message).toMatch(/127\.0\.0\.1|update|nurse/);
          const retries = retryLines(run.stderr);
          expect(retries.map((l) => /retry (\d+\/\d+)/.exec(l)![1])).toEqual(['1/2', '2/2']);
          expect(retries.map((l) => Number(/in (\d+) ms/.exec(l)![1]))).toEqual([300, 600]);
          expect(await installState(r.s)).toBe('old');
          const kept = partSize(r.s);
          expect(kept, run.stderr.slice(-3000)).toBeGreaterThan(0);
          expect(kept).toBeLessThan(BIG_BYTES);
          measure(`${out.errorCode} ${failedAfter} ms after the stop (2 retries); ${kept} B kept`);
          measure(`"${out.message.slice(0, 60)}…"`);

          // Started again on the same port: once the share answers, the next run fetches only what is missing.
          r.samba = await startSamba({ ...r.sambaOptions, port: r.samba.port });
          const backAfter = await shareAnswers(r);
          measure(`share answers again ${backAfter} ms after smbd restarted`);
          const linkBefore = r.link.bytesDown;
          const next = jsonOf<CliResultJson>(await runCli(['update', '--json', '--config', r.s.configFile], { env }));
          expect(next.ok, next.message).toBe(true);
          expect(await installState(r.s)).toBe('new');
          expect(next.bytes).toBeLessThan(BIG_BYTES);
          expect(next.bytes).toBeLessThanOrEqual(BIG_BYTES - kept + 128 * 1024);
          measure(`resumed: second run moved ${next.bytes} B of ${BIG_BYTES} (${r.link.bytesDown - linkBefore} B on the wire incl. SMB)`);
        },
      );
    } finally {
      await r.close();
    }
  }, 90_000);

  it('down for less than the retry budget: the same run waits, resumes and completes', async () => {
    const r = await rig(transport, { retries: 6, retryBackoffSeconds: 0.5 });
    try {
      await table.run(
        `Samba restarted mid-file within the retry budget (${transport})`,
        'smbd SIGTERMed 5 MiB into the transfer and started again on the same port at once; retries 6, backoff 0.5 s (budget 31.5 s)',
        'the same run succeeds (smb2: after ≥1 agent retry; native: the OS client may ride it out), all new by hash, resumed not restarted',
        async (measure) => {
          const started = Date.now();
          const reached = r.link.holdAt(HOLD_AT);
          const cli = startCli(['update', '--json', '--verbose', '--config', r.s.configFile], { env });
          await reached;
          await stopSambaNow(r.samba, r.link);
          r.link.release();
          const before = partSize(r.s);
          r.samba = await startSamba({ ...r.sambaOptions, port: r.samba.port });
          const run = await cli.done;
          const out = jsonOf<CliResultJson>(run);
          expect(out.ok, `${out.message}\n${run.stderr.slice(-1500)}`).toBe(true);
          expect(await installState(r.s)).toBe('new');
          const retries = retryLines(run.stderr);
          // smb2: the agent retries and reconnects. native: the OS SMB client (here libsmbclient under FUSE)
          // may hold the read until the server is back, so the agent may see no error at all.
          if (transport === 'smb2') expect(retries.length).toBeGreaterThanOrEqual(1);
          // Resumed from the partial file: no second full copy of the big file.
          expect(out.bytes).toBeLessThan(BIG_BYTES + before);
          measure(`${retries.length} retr${retries.length === 1 ? 'y' : 'ies'}, run took ${Date.now() - started} ms, ${out.bytes} B read for a ${BIG_BYTES} B file`);
        },
      );
    } finally {
      await r.close();
    }
  }, 90_000);
});

describe('the server drops the connection while the agent reads the manifest (smb2)', () => {
  it('the run reconnects and completes instead of failing until the next interval', async () => {
    const r = await rig('smb2', { retries: 3, retryBackoffSeconds: 0.2 });
    try {
      await table.run('connection dropped during the version check (smb2)', 'the link cuts the first SMB connection in the middle of a response, 1600 bytes in (the manifest stat/read of the version check)', 'one retry with backoff, a fresh connection, the run completes (all new)', async (measure) => {
        r.link.dropNextAfterBytes = 1600;
        const run = await runCli(['update', '--json', '--verbose', '--config', r.s.configFile], { env: { [PASSWORD_ENV]: PASSWORD } });
        const out = jsonOf<CliResultJson>(run);
        expect(out.ok, `${out.message}\n${run.stderr.slice(-1500)}`).toBe(true);
        expect(run.stderr).toMatch(/(version check|reading the release manifest) failed \(SHARE_CONNECTION_CLOSED\), retry 1\/3/);
        expect(r.link.connections).toBeGreaterThanOrEqual(2);
        expect(await installState(r.s)).toBe('new');
        measure(`${r.link.connections} connections, run completed`);
      });
    } finally {
      await r.close();
    }
  }, 60_000);
});
