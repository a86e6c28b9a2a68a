/**
 * Builds a minimal, valid PE32+ image with one .rsrc section holding an RT_VERSION resource: enough
 * for any PE reader (ours, Windows Explorer) to find VS_FIXEDFILEINFO. Used to test the PE version
 * reader without shipping binaries.
 */
export function buildPeWithVersion(version: [number, number, number, number]): Buffer {
  const fileAlignment = 0x200;
  const sectionRva = 0x1000;
  const versionInfo = buildVersionInfo(version);
  // Resource tree: root(type) → name → language → data entry → data.
  const rsrc = Buffer.alloc(0x200 + versionInfo.length);
  const dir = (offset: number, entryId: number, childOffset: number, leaf: boolean) => {
    rsrc.writeUInt16LE(0, offset + 12); // named entries
    rsrc.writeUInt16LE(1, offset + 14); // id entries
    rsrc.writeUInt32LE(entryId, offset + 16);
    rsrc.writeUInt32LE(leaf ? childOffset : (childOffset | 0x80000000) >>> 0, offset + 20);
  };
  dir(0x00, 16, 0x18, false); // RT_VERSION
  dir(0x18, 1, 0x30, false); // name id 1
  dir(0x30, 0x0409, 0x48, true); // en-US → data entry
  const dataOffset = 0x60;
  rsrc.writeUInt32LE(sectionRva + dataOffset, 0x48);
  rsrc.writeUInt32LE(versionInfo.length, 0x4c);
  versionInfo.copy(rsrc, dataOffset);
  const rawSize = Math.ceil(rsrc.length / fileAlignment) * fileAlignment;

  const headers = Buffer.alloc(0x200);
  headers.write('MZ', 0, 'latin1');
  headers.writeUInt32LE(0x40, 0x3c);
  const pe = 0x40;
  headers.writeUInt32LE(0x00004550, pe);
  headers.writeUInt16LE(0x8664, pe + 4); // AMD64
  headers.writeUInt16LE(1, pe + 6); // one section
  headers.writeUInt16LE(240, pe + 20); // optional header size (PE32+)
  headers.writeUInt16LE(0x0022, pe + 22); // executable, large address aware
  const opt = pe + 24;
  headers.writeUInt16LE(0x20b, opt);
  headers.writeUInt32LE(sectionRva, opt + 32);
  headers.writeUInt32LE(fileAlignment, opt + 36);
  headers.writeUInt32LE(sectionRva + Math.ceil(rsrc.length / 0x1000) * 0x1000, opt + 56); // SizeOfImage
  headers.writeUInt32LE(0x200, opt + 60); // SizeOfHeaders
  headers.writeUInt16LE(2, opt + 68); // GUI subsystem
  headers.writeUInt32LE(16, opt + 108); // NumberOfRvaAndSizes
  headers.writeUInt32LE(sectionRva, opt + 112 + 2 * 8); // resource table RVA
  headers.writeUInt32LE(rsrc.length, opt + 112 + 2 * 8 + 4);
  const section = opt + 240;
  headers.write('.rsrc', section, 'latin1');
  headers.writeUInt32LE(rsrc.length, section + 8);
  headers.writeUInt32LE(sectionRva, section + 12);
  headers.writeUInt32LE(rawSize, section + 16);
  headers.writeUInt32LE(0x200, section + 20);
  headers.writeUInt32LE(0x40000040, section + 36); // initialized data, readable
  const body = Buffer.alloc(rawSize);
  rsrc.copy(body);
  return Buffer.concat([headers, body]);
}

function buildVersionInfo([a, b, c, d]: [number, number, number, number]): Buffer {
  const key = Buffer.from('VS_VERSION_INFO\0', 'utf16le');
  const headerLength = 6 + key.length;
  const padded = Math.ceil(headerLength / 4) * 4;
  const fixed = Buffer.alloc(52);
  fixed.writeUInt32LE(0xfeef04bd, 0);
  fixed.writeUInt32LE(0x00010000, 4);
  fixed.writeUInt32LE(((a << 16) | b) >>> 0, 8);
  fixed.writeUInt32LE(((c << 16) | d) >>> 0, 12);
  fixed.writeUInt32LE(((a << 16) | b) >>> 0, 16);
  fixed.writeUInt32LE(((c << 16) | d) >>> 0, 20);
  const total = padded + fixed.length;
  const out = Buffer.alloc(total);
  out.writeUInt16LE(total, 0);
  out.writeUInt16LE(fixed.length, 2);
  out.writeUInt16LE(0, 4);
  key.copy(out, 6);
  fixed.copy(out, padded);
  return out;
}
