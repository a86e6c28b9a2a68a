/** FILE_ATTRIBUTE_DIRECTORY (MS-FSCC 2.6), the same bit in SMB1 and SMB2. */
const ATTRIBUTE_DIRECTORY = 0x10;

/** FILETIME (100 ns since 1601-01-01 UTC) → Unix milliseconds. */
export function fileTimeToMs(value: bigint): number {
  if (value === 0n) return 0;
  return Number(value / 10000n - 11644473600000n);
}

export interface DirectoryInfoEntry {
  name: string;
  /** FileIndex: where SMB1's FIND_NEXT2 resumes. */
  resumeKey: number;
  size: number;
  mtimeMs: number;
  isDirectory: boolean;
}

/**
 * Walks a FileDirectoryInformation chain (MS-FSCC 2.4.10): SMB2's QUERY_DIRECTORY output and SMB1's
 * SMB_FIND_FILE_DIRECTORY_INFO have the same layout. Stops after `limit` entries.
 */
export function parseFileDirectoryInformation(buf: Buffer, limit = Infinity): DirectoryInfoEntry[] {
  const entries: DirectoryInfoEntry[] = [];
  for (let pos = 0; entries.length < limit && pos + 64 <= buf.length; ) {
    const next = buf.readUInt32LE(pos);
    const nameLength = buf.readUInt32LE(pos + 60);
    if (pos + 64 + nameLength > buf.length) throw new Error('directory entry name out of bounds');
    entries.push({
      name: buf.toString('utf16le', pos + 64, pos + 64 + nameLength).replace(/\0+$/, ''),
      resumeKey: buf.readUInt32LE(pos + 4),
      size: Number(buf.readBigUInt64LE(pos + 40)),
      mtimeMs: fileTimeToMs(buf.readBigUInt64LE(pos + 24)),
      isDirectory: (buf.readUInt32LE(pos + 56) & ATTRIBUTE_DIRECTORY) !== 0,
    });
    if (next === 0) break;
    pos += next;
  }
  return entries;
}
