#!/usr/bin/env node
/**
 * Benchmark of the smb2 transport against smbclient (Samba's C client) on the same loopback Samba:
 *   1. one 200 MiB file          (goal: >= 1.0x smbclient's MiB/s)
 *   2. 2,000 files of 20 KiB     (goal: >= 1.2x smbclient's files/s, concurrency on one connection)
 * Every file written by either client is checked by sha256 against the source in the same run.
 * Timings include connecting and logging on (smbclient: process start too). Our downloads go through
 * the ShareClient API (list + createReadStream, 32 files in flight on one connection); the big file is
 * piped into a write stream, small files are written with one blocking write each, as smbclient does.
 *
 *   node bench/smb2.mjs [--runs N] [--warmup N] [--concurrency N] [--chunk-mib N] [--in-flight N] [--big-mib N] [--files N] [--json]
 *
 * Needs root, samba and smbclient (as the integration tests). TypeScript sources are bundled on the
 * fly with esbuild into a temp dir. Exit code 1 when a checksum fails (not when a goal is missed).
 */
import { IN_FLIGHT, option, runSmbBench } from './smb-bench-common.mjs';

const CHUNK_MIB = option('chunk-mib', 0); // 0: the transport's default

runSmbBench({
  name: 'smb2',
  clientModule: 'src/main/core/share/smb2-share.ts',
  clientClass: 'Smb2ShareClient',
  clientOptions: {
    ...(CHUNK_MIB ? { readChunkSize: CHUNK_MIB << 20 } : {}),
    ...(IN_FLIGHT ? { readsInFlight: IN_FLIGHT } : {}),
  },
  smbclientOptions: [],
  referenceLabel: 'smbclient',
  smallGoal: 1.2,
  heading: 'smb2 transport vs smbclient, loopback Samba',
});
