/**
 * Fleet simulation (issue 8): N agents (default 500) in this one process, each a real Agent with its own
 * install, state and staging folders and its own Scheduler, check at a shift change against the TDS test
 * server (mssql version source, fleet status rows) and download over transport smb2 from one real Samba
 * share behind one shared, bandwidth-limited link (default 100 Mbit/s: the ward's uplink to the file
 * server). Measured per scenario: peak concurrent downloads, peak database and SMB connections, time
 * until all are updated, failures.
 *
 * The download cap is the engine's jittered start, nothing else: the agents do not coordinate, so the
 * cap is statistical. With T = N × release / link (the time the link needs for the whole fleet) and a
 * start window W, the link runs at ρ = T / W; the number downloading at once stays near ρ / (1 − ρ)
 * while W > T, and grows towards N when W < T (everyone shares the link, all finish at ≈ T anyway).
 * Scenarios: W = 0 (everyone at 07:00:00) and W = 1.5 T. A hard cap would need a shared counter (a slot
 * table in the HIS database); the engine has none, and this simulation does not pretend otherwise.
 *
 *   npx esbuild bench/fleet-sim.ts --bundle --platform=node --packages=external --outfile=dist/bench/fleet-sim.js
 *   node dist/bench/fleet-sim.js          (FLEET_AGENTS, FLEET_RELEASE_KB, FLEET_LINK_MBIT, FLEET_WINDOWS="0,1.5")
 * Needs root (Samba). Prints a table; writes bench/results/fleet-sim.{json,md}.
 */
// Every simulated PC has its own threads; 500 agents in one process must not queue their file
// operations behind libuv's default 4 (set before the first asynchronous fs call).
process.env.UV_THREADPOOL_SIZE ??= '64';
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Agent } from '../src/main/core/agent';
import { configSchema } from '../src/main/core/config/schema';
import { DefaultSecretResolver } from '../src/main/core/config/secrets';
import type { LoadedConfig } from '../src/main/core/config/load';
import { createEngineContext } from '../src/main/core/engine/create-context';
import { silentLogger } from '../src/main/core/logger';
import { Scheduler } from '../src/main/core/scheduler';
import { publishRelease } from '../src/main/core/sync/publish';
import { writeTree } from '../src/main/cli/demo/demo-tree';
import { openHisDatabase, type HisDatabase } from '../test/fixtures/tds/his-database';
import { startSamba } from '../test/helpers/samba';

const AGENTS = Number(process.env.FLEET_AGENTS ?? 500);
const RELEASE_BYTES = Number(process.env.FLEET_RELEASE_KB ?? 512) * 1024;
const RELEASE_FILES = Number(process.env.FLEET_RELEASE_FILES ?? 8);
const LINK_BYTES_PER_S = (Number(process.env.FLEET_LINK_MBIT ?? 100) * 1e6) / 8;
/** Start windows as multiples of T (the link time for the whole fleet). */
const WINDOWS = (process.env.FLEET_WINDOWS ?? '0,1.5').split(',').map(Number);
const SMB_USER = 'hisfleet';
const SMB_PASSWORD = 'Fleet-Sim-Pw-2026';

/**
 * The ward's uplink: one bandwidth budget shared by every connection (server → client), served
 * round-robin in 16 KiB slices; requests upstream pass unthrottled.
 */
class SharedLink {
  private server: net.Server | undefined;
  private readonly queues = new Map<net.Socket, { slices: Buffer[]; upstream: net.Socket }>();
  private timer: NodeJS.Timeout | undefined;
  port = 0;
  active = 0;
  peakActive = 0;
  bytes = 0;

  constructor(private readonly upstreamPort: number, private readonly bytesPerSecond: number) {}

  async open(): Promise<void> {
    this.server = net.createServer((client) => this.accept(client));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
    this.port = (this.server.address() as net.AddressInfo).port;
    const tickMs = 5;
    let last = performance.now();
    let budget = 0;
    this.timer = setInterval(() => {
      const now = performance.now();
      budget = Math.min(budget + ((now - last) / 1000) * this.bytesPerSecond, this.bytesPerSecond * 0.05);
      last = now;
      // Round-robin: one slice per connection per pass while the budget lasts.
      let progress = true;
      while (budget > 0 && progress) {
        progress = false;
        for (const [client, q] of this.queues) {
          const slice = q.slices.shift();
          if (!slice) continue;
          progress = true;
          budget -= slice.length;
          this.bytes += slice.length;
          if (!client.destroyed) client.write(slice);
          if (q.slices.length < 8 && q.upstream.isPaused()) q.upstream.resume();
          if (budget <= 0) break;
        }
      }
    }, tickMs);
  }

  private accept(client: net.Socket): void {
    const upstream = net.connect({ host: '127.0.0.1', port: this.upstreamPort });
    const q = { slices: [] as Buffer[], upstream };
    this.queues.set(client, q);
    this.peakActive = Math.max(this.peakActive, ++this.active);
    let closed = false;
    const cut = () => {
      if (closed) return;
      closed = true;
      this.active--;
      this.queues.delete(client);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', cut).on('close', cut);
    upstream.on('error', cut).on('close', cut);
    client.on('data', (chunk: Buffer) => upstream.write(chunk));
    upstream.on('data', (chunk: Buffer) => {
      for (let o = 0; o < chunk.length; o += 16384) q.slices.push(chunk.subarray(o, o + 16384));
      if (q.slices.length > 64) upstream.pause();
    });
  }

  resetPeaks(): void {
    this.peakActive = this.active;
    this.bytes = 0;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    for (const [client, q] of this.queues) {
      client.destroy();
      q.upstream.destroy();
    }
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}

interface ScenarioResult {
  windowFactor: number;
  windowS: number;
  updated: number;
  failed: Record<string, number>;
  allUpdatedS: number;
  runP50S: number;
  runP95S: number;
  peakDownloads: number;
  peakDb: number;
  peakSmb: number;
  linkMB: number;
  linkUtilization: number;
  verifiedInstalls: number;
  retries: number;
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

async function runScenario(options: { root: string; shareUnc: string; sambaPort: number; db: HisDatabase; windowFactor: number; linkTimeS: number; release: Map<string, string> }): Promise<ScenarioResult> {
  const windowS = options.windowFactor * options.linkTimeS;
  const link = new SharedLink(options.sambaPort, LINK_BYTES_PER_S);
  await link.open();
  const tds = options.db.tds!;
  await options.db.run(`DELETE FROM ${options.db.tables.status}`);
  const secrets = new DefaultSecretResolver({ HIS_FLEET_SMB: SMB_PASSWORD, HIS_TEST_DB_PASSWORD: options.db.password });
  const base = path.join(options.root, `w${options.windowFactor}`);
  const agents: Array<{ agent: Agent; scheduler: Scheduler; finished: Promise<number> }> = [];
  const logs = new Map<number, string[]>();
  let retries = 0;
  let downloading = 0;
  let peakDownloads = 0;
  const started = Date.now();

  for (let i = 0; i < AGENTS; i++) {
    const dir = path.join(base, `pc${String(i).padStart(3, '0')}`);
    const installDir = path.join(dir, 'his');
    await fsp.mkdir(installDir, { recursive: true });
    await fsp.writeFile(path.join(installDir, 'version.txt'), '1.0.0\n');
    const config = configSchema.parse({
      agent: { stateDir: path.join(dir, 'state'), stagingDir: path.join(dir, 'staging'), logDir: path.join(dir, 'logs'), downloadConcurrency: 2, retries: 5, retryBackoffSeconds: 1 },
      schedule: { checkAtStart: true, intervalMinutes: 1440, jitterMinutes: 1440, autoStart: false },
      database: options.db.config({ connectTimeoutSeconds: 30, requestTimeoutSeconds: 30 }),
      fleet: { enabled: true, table: options.db.tables.status },
      apps: [
        {
          id: 'nurse',
          displayName: '护士工作站',
          installDir,
          localVersion: { type: 'file', path: 'version.txt' },
          versionSource: { type: 'mssql', query: `SELECT version FROM ${options.db.tables.versions} WHERE app = @app` },
          share: { path: options.shareUnc, transport: 'smb2', port: link.port, username: SMB_USER, password: { env: 'HIS_FLEET_SMB' } },
          apply: { mode: 'mirror' },
        },
      ],
    });
    const loaded: LoadedConfig = { file: path.join(dir, 'config.json'), config, dirs: { stateDir: config.agent.stateDir!, stagingDir: config.agent.stagingDir!, logDir: config.agent.logDir! } };
    const lines: string[] = [];
    const keep = (level: string) => (m: string) => {
      if (/retry \d+\//.test(m)) retries++;
      if (process.env.FLEET_VERBOSE) lines.push(`${level} ${m}`);
    };
    const logger = { ...silentLogger, info: keep('info'), warn: keep('warn'), error: keep('error') };
    logs.set(i, lines);
    const ctx = createEngineContext(loaded, logger, { secrets });
    ctx.machine = `WARD${Math.floor(i / 40) + 1}-PC${String(i % 40).padStart(2, '0')}`;
    const agent = new Agent(ctx);
    let state = 'idle';
    agent.ctx.events.subscribe((event) => {
      if (event.type !== 'state') return;
      if (event.state === 'downloading') peakDownloads = Math.max(peakDownloads, ++downloading);
      else if (state === 'downloading') downloading--;
      state = event.state;
    });
    let resolveFinished!: (ms: number) => void;
    const finished = new Promise<number>((resolve) => (resolveFinished = resolve));
    const scheduler = new Scheduler({
      schedule: config.schedule,
      logger: silentLogger,
      startDelayMs: 0,
      startJitterMaxMs: Math.max(1, Math.round(windowS * 1000)),
      actions: {
        check: async () => null,
        update: async () => {
          const runStart = Date.now();
          await agent.update(undefined, 'schedule');
          await agent.flushFleet(60_000);
          resolveFinished(Date.now() - runStart);
        },
        canStart: () => !agent.busy,
      },
    });
    agents.push({ agent, scheduler, finished });
  }

  tds.stats.peakActive = tds.stats.active;
  link.resetPeaks();
  const keepAlive = setInterval(() => {}, 1000);
  const shiftChange = Date.now();
  for (const a of agents) a.scheduler.start();
  const runMs = await Promise.all(agents.map((a) => a.finished));
  const allUpdatedS = (Date.now() - shiftChange) / 1000;
  clearInterval(keepAlive);
  for (const a of agents) a.scheduler.stop();

  const failed: Record<string, number> = {};
  let updated = 0;
  for (const a of agents) {
    const status = await a.agent.readStatus();
    const last = status.history.at(-1);
    if (last?.outcome === 'updated') updated++;
    else {
      const key = last?.error?.code ?? last?.outcome ?? 'no-run';
      if (!failed[key] && process.env.FLEET_VERBOSE) console.log(`    first ${key}: ${last?.error?.en} ${last?.error?.detail}\n      ${logs.get(agents.indexOf(a))?.slice(-4).join('\n      ')}`);
      failed[key] = (failed[key] ?? 0) + 1;
    }
  }
  // Every install byte-for-byte: the sha256 of each release file in each install.
  let verifiedInstalls = 0;
  for (const a of agents) {
    const installDir = a.agent.apps[0]!.installDir;
    let ok = true;
    for (const [rel, hash] of options.release) {
      const bytes = await fsp.readFile(path.join(installDir, ...rel.split('/'))).catch(() => null);
      if (!bytes || crypto.createHash('sha256').update(bytes).digest('hex') !== hash) ok = false;
    }
    if (ok) verifiedInstalls++;
  }
  const sorted = runMs.map((ms) => ms / 1000).sort((x, y) => x - y);
  const result: ScenarioResult = {
    windowFactor: options.windowFactor,
    windowS,
    updated,
    failed,
    allUpdatedS,
    runP50S: quantile(sorted, 0.5),
    runP95S: quantile(sorted, 0.95),
    peakDownloads,
    peakDb: tds.stats.peakActive - 1, // minus the simulation's own admin connection
    peakSmb: link.peakActive,
    linkMB: link.bytes / 1e6,
    linkUtilization: link.bytes / LINK_BYTES_PER_S / allUpdatedS,
    verifiedInstalls,
    retries,
  };
  await link.close();
  await fsp.rm(base, { recursive: true, force: true });
  void started;
  return result;
}

/**
 * The link is processor-sharing: with a start window W and ρ = T / W < 1, about ρ / (1 − ρ) PCs download
 * at once on average, so ~cap on average needs ρ = cap / (cap + 1), i.e. W = T (cap + 1) / cap.
 */
function onPaper(releaseMB: number, pcs: number, linkMBps: number, cap: number): string[] {
  const t = (pcs * releaseMB) / linkMBps;
  const w = t * ((cap + 1) / cap);
  return [`${releaseMB} MB`, `${(t / 60).toFixed(0)} min`, `${((releaseMB * cap) / linkMBps).toFixed(0)} s`, `≥ ${(w / 60).toFixed(0)} min`];
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

async function main(): Promise<void> {
  const root = await fsp.mkdtemp(path.join(os.tmpdir(), 'his-fleet-sim-'));
  await fsp.chmod(root, 0o755);
  const shareRoot = path.join(root, 'export');
  const share = path.join(shareRoot, 'nurse');
  await writeTree(share, { files: RELEASE_FILES, totalBytes: RELEASE_BYTES, seed: 'fleet' });
  await fsp.writeFile(path.join(share, 'version.txt'), '2.0.0\n');
  const { manifest, totalBytes } = await publishRelease({ dir: share, app: 'nurse', version: '2.0.0' });
  const release = new Map(manifest.files.map((f) => [f.path, f.sha256]));
  const samba = await startSamba({ shares: [{ name: 'update', path: shareRoot }], users: [{ name: SMB_USER, password: SMB_PASSWORD }] });
  const db = await openHisDatabase('tds');
  const ddl = fs.readFileSync(path.join(__dirname, '../../sql/his_update_status.sql'), 'utf8').replace(/his_update_status/g, db.tables.status.replace(/^dbo\./, ''));
  await db.run(ddl);
  await db.run(`CREATE TABLE ${db.tables.versions} (app NVARCHAR(64) NOT NULL, version NVARCHAR(64) NULL)`);
  await db.run(`INSERT INTO ${db.tables.versions} (app, version) VALUES (N'nurse', N'2.0.0')`);
  const linkTimeS = (AGENTS * totalBytes) / LINK_BYTES_PER_S;
  console.log(`fleet simulation: ${AGENTS} agents, release ${manifest.files.length} files / ${(totalBytes / 1024).toFixed(0)} KiB, shared link ${((LINK_BYTES_PER_S * 8) / 1e6).toFixed(0)} Mbit/s → T = ${linkTimeS.toFixed(1)} s of link time for the whole fleet`);
  const results: ScenarioResult[] = [];
  try {
    for (const windowFactor of WINDOWS) {
      const result = await runScenario({ root, shareUnc: '\\\\127.0.0.1\\update\\nurse', sambaPort: samba.port, db, windowFactor, linkTimeS, release });
      results.push(result);
      console.log(`  start window ${result.windowS.toFixed(1)} s: ${result.updated}/${AGENTS} updated in ${result.allUpdatedS.toFixed(1)} s, peak ${result.peakDownloads} downloading, ${result.peakDb} DB, ${result.peakSmb} SMB connections`);
    }
  } finally {
    if (process.env.FLEET_VERBOSE) console.log(samba.log().split('\n').filter((l) => /error|refus|denied|fail|limit|max/i.test(l)).slice(-20).join('\n'));
    await db.close();
    await samba.stop();
    await fsp.rm(root, { recursive: true, force: true });
  }

  const measured = table(
    ['start window (jitter)', 'updated', 'failed', 'share retries', 'all updated after', 'run p50 / p95', 'peak downloading', 'peak DB conns', 'peak SMB conns', 'link MB', 'link busy', 'installs verified'],
    results.map((r) => [
      `${r.windowS.toFixed(1)} s (${r.windowFactor} T)`,
      `${r.updated}/${AGENTS}`,
      Object.entries(r.failed).map(([k, v]) => `${k} ×${v}`).join(', ') || '0',
      String(r.retries),
      `${r.allUpdatedS.toFixed(1)} s`,
      `${r.runP50S.toFixed(1)} / ${r.runP95S.toFixed(1)} s`,
      String(r.peakDownloads),
      String(r.peakDb),
      String(r.peakSmb),
      r.linkMB.toFixed(0),
      `${(r.linkUtilization * 100).toFixed(0)} %`,
      `${r.verifiedInstalls}/${AGENTS}`,
    ]),
  );
  const paperLink = 11; // MB/s: 100 Mbit/s minus Ethernet/TCP/SMB1 overhead, what Server 2003 delivers
  const paper = table(
    ['release', 'T = 500 × release / 11 MB/s (all updated, at best)', 'one download, 10 at once', 'start window for ~10 at once'],
    [20, 50, 100, 200].map((mb) => onPaper(mb, 500, paperLink, 10)),
  );
  const perPc = (paperLink * 1024) / 500;
  const storm = `If all 500 start together each PC gets ${paperLink} MB/s / 500 ≈ ${perPc.toFixed(0)} KB/s: one 4 MiB read of the smb2 transport takes ≈ ${((4 * 1024) / perPc).toFixed(0)} s, beyond the default 30 s share timeout (timeouts, retries); the start window must be ≥ T.`;
  const text = `## Fleet simulation (${AGENTS} agents, ${(totalBytes / 1024).toFixed(0)} KiB release, ${((LINK_BYTES_PER_S * 8) / 1e6).toFixed(0)} Mbit/s shared link, T = ${linkTimeS.toFixed(1)} s)\n\n${measured}\n\n### On paper: 500 PCs, one Server 2003 share on a 100 Mbit/s link\n\n${paper}\n\n${storm}\n`;
  console.log(`\n${text}`);
  const out = path.join(__dirname, '..', '..', 'bench', 'results');
  await fsp.mkdir(out, { recursive: true });
  await fsp.writeFile(path.join(out, 'fleet-sim.md'), text);
  await fsp.writeFile(path.join(out, 'fleet-sim.json'), JSON.stringify({ agents: AGENTS, releaseBytes: totalBytes, linkBytesPerSecond: LINK_BYTES_PER_S, linkTimeS, results }, null, 2));
  const ok = results.every((r) => r.updated === AGENTS && r.verifiedInstalls === AGENTS);
  process.exitCode = ok ? 0 : 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
