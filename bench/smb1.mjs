#!/usr/bin/env node
/**
 * Benchmark of the agent's read-only SMB1 client (NT LM 0.12) against smbclient limited to NT1
 * (`--option='client min protocol=NT1' --option='client max protocol=NT1'`) on the same loopback
 * Samba that speaks only NT1 (like Windows Server 2003):
 *   1. one 200 MiB file          (goal: >= 1.0x smbclient's MiB/s)
 *   2. 2,000 files of 20 KiB     (goal: >= 1.0x smbclient's files/s, concurrency on one connection)
 * Every file written by either client is checked by sha256 against the source in the same run.
 * Timings include connecting and logging on (smbclient: process start too). Our downloads go through
 * the ShareClient API (list + createReadStream, 32 files in flight on one connection); the big file is
 * piped into a write stream, small files are written with one blocking write each, as smbclient does.
 *
 *   node bench/smb1.mjs [--signing] [--runs N] [--warmup N] [--concurrency N] [--chunk-kib N] [--in-flight N] [--big-mib N] [--files N] [--json]
 *
 * --signing runs against `server signing = mandatory` (both clients sign; Samba caps signed reads at 128 KiB).
 *
 * Needs root, samba and smbclient (as the integration tests). TypeScript sources are bundled on the
 * fly with esbuild into a temp dir. Exit code 1 when a checksum fails (not when a goal is missed).
 */
import { args, IN_FLIGHT, option, runSmbBench } from './smb-bench-common.mjs';

const CHUNK_KIB = option('chunk-kib', 0); // 0: the transport's default
const SIGNING = args.includes('--signing');

runSmbBench({
  name: 'smb1',
  clientModule: 'src/main/core/share/smb1-share.ts',
  clientClass: 'Smb1ShareClient',
  clientOptions: {
    ...(CHUNK_KIB ? { readChunkSize: CHUNK_KIB << 10 } : {}),
    ...(IN_FLIGHT ? { readsInFlight: IN_FLIGHT } : {}),
  },
  sambaVariant: SIGNING ? 'smb1-signing' : 'smb1',
  smbclientOptions: ['--option=client min protocol=NT1', '--option=client max protocol=NT1'],
  referenceLabel: 'smbclient NT1',
  smallGoal: 1.0,
  heading: `smb1 client vs smbclient (both NT1), loopback Samba NT1${SIGNING ? ' with signing mandatory' : ''}`,
  jsonExtra: { signing: SIGNING },
});
