/**
 * Reads the file version (VS_FIXEDFILEINFO inside the RT_VERSION resource) of a Windows PE file,
 * the same number Explorer shows as "File version". Pure parsing, no Windows API, so it runs and is
 * tested anywhere. Returns null when the file has no version resource.
 */
const RT_VERSION = 16;
const FIXED_FILE_INFO_SIGNATURE = 0xfeef04bd;

interface Section {
  virtualAddress: number;
  virtualSize: number;
  rawOffset: number;
  rawSize: number;
}

export class PeFormatError extends Error {}

export function readPeFileVersion(buffer: Buffer): string | null {
  const fixed = findFixedFileInfo(buffer);
  if (fixed === null) return null;
  const ms = buffer.readUInt32LE(fixed + 8);
  const ls = buffer.readUInt32LE(fixed + 12);
  return `${ms >>> 16}.${ms & 0xffff}.${ls >>> 16}.${ls & 0xffff}`;
}

function findFixedFileInfo(buf: Buffer): number | null {
  if (buf.length < 0x40 || buf.toString('latin1', 0, 2) !== 'MZ') throw new PeFormatError('not a PE file (no MZ header)');
  const peOffset = buf.readUInt32LE(0x3c);
  check(buf, peOffset, 24);
  if (buf.readUInt32LE(peOffset) !== 0x00004550) throw new PeFormatError('not a PE file (no PE signature)');
  const sectionCount = buf.readUInt16LE(peOffset + 6);
  const optionalSize = buf.readUInt16LE(peOffset + 20);
  const optional = peOffset + 24;
  check(buf, optional, 2);
  const magic = buf.readUInt16LE(optional);
  const dataDirs = magic === 0x20b ? optional + 112 : magic === 0x10b ? optional + 96 : -1;
  if (dataDirs < 0) throw new PeFormatError(`unknown optional header magic 0x${magic.toString(16)}`);
  const dirCount = buf.readUInt32LE(dataDirs - 4);
  if (dirCount < 3) return null;
  check(buf, dataDirs + 2 * 8, 8);
  const resourceRva = buf.readUInt32LE(dataDirs + 2 * 8);
  if (resourceRva === 0) return null;

  const sections: Section[] = [];
  const sectionTable = optional + optionalSize;
  for (let i = 0; i < sectionCount; i++) {
    const s = sectionTable + i * 40;
    check(buf, s, 40);
    sections.push({
      virtualSize: buf.readUInt32LE(s + 8),
      virtualAddress: buf.readUInt32LE(s + 12),
      rawSize: buf.readUInt32LE(s + 16),
      rawOffset: buf.readUInt32LE(s + 20),
    });
  }
  const toOffset = (rva: number): number => {
    for (const s of sections) {
      const size = Math.max(s.virtualSize, s.rawSize);
      if (rva >= s.virtualAddress && rva < s.virtualAddress + size) return rva - s.virtualAddress + s.rawOffset;
    }
    throw new PeFormatError(`RVA 0x${rva.toString(16)} is outside every section`);
  };
  const resourceBase = toOffset(resourceRva);

  // Resource tree: type → name → language → data entry. Take the first name and language.
  const typeEntry = findEntry(buf, resourceBase, resourceBase, RT_VERSION);
  if (typeEntry === null) return null;
  const nameEntry = firstEntry(buf, resourceBase, typeEntry);
  if (nameEntry === null) return null;
  const langEntry = firstEntry(buf, resourceBase, nameEntry);
  if (langEntry === null) return null;
  check(buf, langEntry, 8);
  const dataOffset = toOffset(buf.readUInt32LE(langEntry));
  const dataSize = buf.readUInt32LE(langEntry + 4);
  check(buf, dataOffset, Math.min(dataSize, 92));

  // VS_VERSIONINFO: wLength, wValueLength, wType, "VS_VERSION_INFO\0", padding to 4, then the fixed info.
  const end = Math.min(dataOffset + dataSize, buf.length - 52);
  for (let p = dataOffset; p <= end; p += 4) {
    if (buf.readUInt32LE(p) === FIXED_FILE_INFO_SIGNATURE) return p;
  }
  return null;
}

/** Returns the offset of the child directory (or data entry) with the given numeric id. */
function findEntry(buf: Buffer, base: number, dir: number, id: number): number | null {
  check(buf, dir, 16);
  const named = buf.readUInt16LE(dir + 12);
  const ids = buf.readUInt16LE(dir + 14);
  for (let i = 0; i < named + ids; i++) {
    const e = dir + 16 + i * 8;
    check(buf, e, 8);
    const nameField = buf.readUInt32LE(e);
    if ((nameField & 0x80000000) === 0 && nameField === id) return childOffset(buf, base, e);
  }
  return null;
}

function firstEntry(buf: Buffer, base: number, dir: number): number | null {
  check(buf, dir, 16);
  const count = buf.readUInt16LE(dir + 12) + buf.readUInt16LE(dir + 14);
  if (count === 0) return null;
  check(buf, dir + 16, 8);
  return childOffset(buf, base, dir + 16);
}

function childOffset(buf: Buffer, base: number, entry: number): number {
  const target = buf.readUInt32LE(entry + 4);
  return base + (target & 0x7fffffff);
}

function check(buf: Buffer, offset: number, length: number): void {
  if (offset < 0 || offset + length > buf.length) throw new PeFormatError('truncated PE file');
}
