/**
 * The harness bench/smb2.mjs and bench/smb1.mjs share: one loopback Samba, the same 200 MiB file and
 * 2,000 x 20 KiB files fetched by smbclient and by our client in turns, every download checked by
 * sha256, medians printed as a table of ratios. The scripts only say which client and server to use.
 */
import { build } from 'esbuild';
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const args = process.argv.slice(2);
export const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const RUNS = option('runs', 5);
// Untimed rounds first: Node's JIT and Samba's caches warm up; smbclient gets the same treatment.
const WARMUP = option('warmup', 1);
const CONCURRENCY = option('concurrency', 32);
const BIG_MIB = option('big-mib', 200);
const SMALL_COUNT = option('files', 2000);
const SMALL_KIB = 20;
export const IN_FLIGHT = option('in-flight', 0);
const USER = 'hisbench';
const PASSWORD = `Bench-${crypto.randomBytes(6).toString('hex')}`;

/**
 * @typedef {object} SmbBench
 * @property {string} name           our client's column and result key ('smb2', 'smb1')
 * @property {string} clientModule   repo-relative module that exports the ShareClient class
 * @property {string} clientClass    its export name
 * @property {object} clientOptions  extra constructor options (chunk size, reads in flight)
 * @property {string} [sambaVariant] startSamba variant ('smb1', 'smb1-signing')
 * @property {string[]} smbclientOptions extra smbclient arguments (protocol limits)
 * @property {string} referenceLabel the smbclient column's title
 * @property {number} smallGoal      files/s ratio to reach
 * @property {string} heading        what is compared, before the run details
 * @property {object} [jsonExtra]    more fields for --json
 */

/** @param {SmbBench} bench */
export function runSmbBench(bench) {
  main(bench).catch((error) => {
    console.error(error);
    process.exit(2);
  });
}

async function loadModules(dir, bench) {
  const entry = path.join(dir, 'entry.ts');
  await fsp.writeFile(
    entry,
    `export { startSamba } from ${JSON.stringify(path.join(root, 'test/helpers/samba.ts'))};\n` +
      `export { ${bench.clientClass} as ShareClient } from ${JSON.stringify(path.join(root, bench.clientModule))};\n`,
  );
  const outfile = path.join(dir, 'bundle.mjs');
  await build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile, logLevel: 'warning' });
  return import(pathToFileURL(outfile).href);
}

async function writeRandomFile(file, size) {
  const hash = crypto.createHash('sha256');
  const handle = await fsp.open(file, 'w');
  for (let done = 0; done < size; ) {
    const chunk = crypto.randomBytes(Math.min(8 << 20, size - done));
    hash.update(chunk);
    await handle.write(chunk);
    done += chunk.length;
  }
  await handle.close();
  return hash.digest('hex');
}

async function sha256File(file) {
  const hash = crypto.createHash('sha256');
  await pipeline(fs.createReadStream(file, { highWaterMark: 1 << 20 }), hash);
  return hash.digest('hex');
}

async function verify(dir, expected) {
  let bad = 0;
  for (const [name, sum] of expected) {
    const got = await sha256File(path.join(dir, name)).catch(() => 'missing');
    if (got !== sum) bad++;
  }
  return bad;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Our client fetches the big file through a write stream. */
async function downloadBig(client, out) {
  await pipeline(await client.createReadStream('big.bin'), fs.createWriteStream(path.join(out, 'big.bin'), { highWaterMark: 1 << 20 }));
}

/** Our client fetches the small files, CONCURRENCY at a time on its one connection. */
async function downloadSmall(client, out) {
  const entries = (await client.list('many')).filter((e) => !e.isDirectory);
  let next = 0;
  const worker = async () => {
    while (next < entries.length) {
      const entry = entries[next++];
      const name = entry.path.split('/').pop();
      const parts = [];
      for await (const chunk of await client.createReadStream(entry.path)) parts.push(chunk);
      // Written like smbclient writes: one plain blocking write (µs on tmpfs). The transport is
      // what is compared; a write stream per 20 KiB file would add ~0.15 ms of Node overhead each.
      fs.writeFileSync(path.join(out, name), Buffer.concat(parts));
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

/** @param {SmbBench} bench */
async function main(bench) {
  const work = await fsp.mkdtemp(path.join(os.tmpdir(), `his-bench-${bench.name}-`));
  // Downloads land on tmpfs when there is one, so disk writeback noise does not swamp the transport.
  const outRoot = await fsp.mkdtemp(path.join(fs.existsSync('/dev/shm') ? '/dev/shm' : work, 'his-bench-out-'));
  const shareDir = path.join(work, 'share');
  const smallDir = path.join(shareDir, 'many');
  await fsp.mkdir(smallDir, { recursive: true });
  const { startSamba, ShareClient } = await loadModules(work, bench);

  process.stdout.write(`preparing ${BIG_MIB} MiB file and ${SMALL_COUNT} x ${SMALL_KIB} KiB files … `);
  const bigSum = await writeRandomFile(path.join(shareDir, 'big.bin'), BIG_MIB << 20);
  const smallSums = new Map();
  for (let i = 0; i < SMALL_COUNT; i++) {
    const name = `f${String(i).padStart(5, '0')}.dat`;
    const data = crypto.randomBytes(SMALL_KIB << 10);
    await fsp.writeFile(path.join(smallDir, name), data);
    smallSums.set(name, crypto.createHash('sha256').update(data).digest('hex'));
  }
  console.log('done');

  const samba = await startSamba({
    ...(bench.sambaVariant ? { variant: bench.sambaVariant } : {}),
    shares: [{ name: 'bench', path: shareDir }],
    users: [{ name: USER, password: PASSWORD }],
  });
  const authFile = path.join(work, 'auth.txt');
  await fsp.writeFile(authFile, `username = ${USER}\npassword = ${PASSWORD}\ndomain = ${samba.workgroup}\n`, { mode: 0o600 });
  const smbclient = (command, cwd) =>
    execFileAsync('smbclient', [`//127.0.0.1/bench`, '-p', String(samba.port), '-A', authFile, ...bench.smbclientOptions, '-c', command], { cwd, maxBuffer: 64 << 20 });
  const ours = () =>
    new ShareClient({
      path: '\\\\127.0.0.1\\bench',
      port: samba.port,
      username: USER,
      domain: samba.workgroup,
      password: PASSWORD,
      timeoutMs: 30_000,
      ...bench.clientOptions,
    });
  const clients = ['smbclient', bench.name];

  let failures = 0;
  const results = { big: { smbclient: [], [bench.name]: [] }, small: { smbclient: [], [bench.name]: [] } };
  try {
    for (let run = -WARMUP; run < RUNS; run++) {
      const record = (list, value) => {
        if (run >= 0) list.push(value);
      };
      // --- one big file
      for (const who of clients) {
        const out = await fsp.mkdtemp(path.join(outRoot, `big-${who}-`));
        const t0 = performance.now();
        if (who === 'smbclient') {
          await smbclient(`get big.bin ${path.join(out, 'big.bin')}`);
        } else {
          const client = ours();
          await downloadBig(client, out);
          await client.close();
        }
        const seconds = (performance.now() - t0) / 1000;
        failures += await verify(out, new Map([['big.bin', bigSum]]));
        record(results.big[who], BIG_MIB / seconds);
        await fsp.rm(out, { recursive: true, force: true });
      }
      // --- many small files
      for (const who of clients) {
        const out = await fsp.mkdtemp(path.join(outRoot, `small-${who}-`));
        const t0 = performance.now();
        if (who === 'smbclient') {
          await smbclient('prompt off; recurse on; cd many; mget *', out);
        } else {
          const client = ours();
          await downloadSmall(client, out);
          await client.close();
        }
        const seconds = (performance.now() - t0) / 1000;
        failures += await verify(out, smallSums);
        record(results.small[who], SMALL_COUNT / seconds);
        await fsp.rm(out, { recursive: true, force: true });
      }
    }
  } finally {
    await samba.stop();
    await fsp.rm(work, { recursive: true, force: true });
    await fsp.rm(outRoot, { recursive: true, force: true });
  }

  const bigRef = median(results.big.smbclient);
  const bigOurs = median(results.big[bench.name]);
  const smallRef = median(results.small.smbclient);
  const smallOurs = median(results.small[bench.name]);
  const rows = [
    [`1 x ${BIG_MIB} MiB (MiB/s)`, bigRef, bigOurs, bigOurs / bigRef, 1.0],
    [`${SMALL_COUNT} x ${SMALL_KIB} KiB (files/s)`, smallRef, smallOurs, smallOurs / smallRef, bench.smallGoal],
  ];
  if (args.includes('--json')) {
    console.log(JSON.stringify({ runs: RUNS, concurrency: CONCURRENCY, ...bench.jsonExtra, results, rows, checksumFailures: failures }));
  } else {
    console.log(`\n${bench.heading}, median of ${RUNS} runs after ${WARMUP} warm-up, concurrency ${CONCURRENCY}, downloads to ${path.dirname(outRoot)}`);
    console.log(`| case | ${bench.referenceLabel} | ${bench.name} (ours) | ratio | goal |`);
    console.log('|---|---:|---:|---:|---:|');
    for (const [name, ref, own, ratio, goal] of rows) {
      console.log(`| ${name} | ${ref.toFixed(0)} | ${own.toFixed(0)} | ${ratio.toFixed(2)}x ${ratio >= goal ? '✓' : '✗'} | >= ${goal.toFixed(1)}x |`);
    }
    console.log(`sha256: ${failures === 0 ? `all ${(1 + SMALL_COUNT) * 2 * (RUNS + WARMUP)} downloaded files correct` : `${failures} FAILED`}`);
  }
  if (failures) process.exitCode = 1;
}
