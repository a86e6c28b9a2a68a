import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { TRAY_ICON_STATES } from '../../src/main/electron/tray-model';

const root = path.resolve(__dirname, '../..');
const assets = path.join(root, 'assets');

/** RGBA of a PNG written by scripts/make-icons.mjs (8-bit RGBA); any row filter is undone. */
function decodePng(data: Buffer): { width: number; height: number; rgba: Buffer } {
  expect(data.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  let offset = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  while (offset < data.length) {
    const length = data.readUInt32BE(offset);
    const type = data.toString('latin1', offset + 4, offset + 8);
    const body = data.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      expect([body[8], body[9]]).toEqual([8, 6]);
    }
    if (type === 'IDAT') idat.push(body);
    offset += 12 + length;
  }
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const stride = width * 4;
  const rgba = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    for (let x = 0; x < stride; x++) {
      const value = raw[y * (stride + 1) + 1 + x]!;
      const left = x >= 4 ? rgba[y * stride + x - 4]! : 0;
      const up = y > 0 ? rgba[(y - 1) * stride + x]! : 0;
      const predicted = filter === 0 ? 0 : filter === 1 ? left : filter === 2 ? up : NaN;
      if (Number.isNaN(predicted)) throw new Error(`PNG filter ${filter} not expected here`);
      rgba[y * stride + x] = (value + predicted) & 0xff;
    }
  }
  return { width, height, rgba };
}

/** Entries of a .ico: size and RGBA (DIB entries are bottom-up BGRA; 256 px entries are PNG). */
function readIco(file: string): Array<{ size: number; format: 'dib' | 'png'; rgba: Buffer }> {
  const data = fs.readFileSync(file);
  expect(data.readUInt16LE(0)).toBe(0);
  expect(data.readUInt16LE(2)).toBe(1);
  const count = data.readUInt16LE(4);
  const out = [];
  for (let i = 0; i < count; i++) {
    const entry = 6 + i * 16;
    const size = data[entry] || 256;
    const length = data.readUInt32LE(entry + 8);
    const body = data.subarray(data.readUInt32LE(entry + 12), data.readUInt32LE(entry + 12) + length);
    if (body.subarray(0, 4).toString('hex') === '89504e47') {
      out.push({ size, format: 'png' as const, rgba: decodePng(body).rgba });
      continue;
    }
    expect(body.readUInt32LE(0)).toBe(40);
    expect(body.readInt32LE(4)).toBe(size);
    expect(body.readInt32LE(8)).toBe(size * 2);
    expect(body.readUInt16LE(14)).toBe(32);
    const rgba = Buffer.alloc(size * size * 4);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const from = 40 + ((size - 1 - y) * size + x) * 4;
        const to = (y * size + x) * 4;
        rgba[to] = body[from + 2]!;
        rgba[to + 1] = body[from + 1]!;
        rgba[to + 2] = body[from]!;
        rgba[to + 3] = body[from + 3]!;
      }
    }
    out.push({ size, format: 'dib' as const, rgba });
  }
  return out;
}

/** Pixels of the white glyph inside the coloured disc (rim excluded): the shape, without its colour. */
function glyphMask(rgba: Buffer, size: number): boolean[] {
  const mask: boolean[] = [];
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = (y * size + x) * 4;
      const inner = Math.hypot(x + 0.5 - size / 2, y + 0.5 - size / 2) < size * 0.38;
      const [r, g, b] = [rgba[i]!, rgba[i + 1]!, rgba[i + 2]!];
      mask.push(inner && Math.min(r, g, b) > 200);
    }
  }
  return mask;
}

describe('assets (scripts/make-icons.mjs)', () => {
  it('has a 16 and 32 px PNG and a 16/20/24/32 px .ico per tray state, and the app icon at 256 px', () => {
    for (const state of TRAY_ICON_STATES) {
      for (const size of [16, 32]) {
        const png = decodePng(fs.readFileSync(path.join(assets, `tray-${state}-${size}.png`)));
        expect([png.width, png.height]).toEqual([size, size]);
      }
      const ico = readIco(path.join(assets, `tray-${state}.ico`));
      expect(ico.map((e) => [e.size, e.format])).toEqual([
        [16, 'dib'],
        [20, 'dib'],
        [24, 'dib'],
        [32, 'dib'],
      ]);
      // The .ico's 16 px entry is the same picture as the PNG.
      expect(ico[0]!.rgba.equals(decodePng(fs.readFileSync(path.join(assets, `tray-${state}-16.png`))).rgba)).toBe(true);
    }
    const app = readIco(path.join(assets, 'app.ico'));
    expect(app.map((e) => e.size)).toEqual([16, 24, 32, 48, 64, 256]);
    expect(app.at(-1)!.format).toBe('png');
    expect(app.at(-1)!.rgba.equals(decodePng(fs.readFileSync(path.join(assets, 'app-256.png'))).rgba)).toBe(true);
  });

  it('colour is not the only signal: at 16 px every state has a visibly different glyph', () => {
    const masks = TRAY_ICON_STATES.map((state) => glyphMask(decodePng(fs.readFileSync(path.join(assets, `tray-${state}-16.png`))).rgba, 16));
    for (const mask of masks) expect(mask.filter(Boolean).length).toBeGreaterThan(10);
    for (let a = 0; a < masks.length; a++) {
      for (let b = a + 1; b < masks.length; b++) {
        const differing = masks[a]!.filter((v, i) => v !== masks[b]![i]).length;
        expect(differing, `${TRAY_ICON_STATES[a]} vs ${TRAY_ICON_STATES[b]}`).toBeGreaterThanOrEqual(12);
      }
    }
  });

  it('the committed files are what the script draws', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'his-icons-'));
    try {
      const run = spawnSync(process.execPath, [path.join(root, 'scripts/make-icons.mjs'), out], { encoding: 'utf8' });
      expect(run.status, run.stderr).toBe(0);
      const names = fs.readdirSync(out).sort();
      expect(names).toEqual(fs.readdirSync(assets).sort());
      for (const name of names) {
        if (name.endsWith('.png')) expect(decodePng(fs.readFileSync(path.join(out, name))).rgba.equals(decodePng(fs.readFileSync(path.join(assets, name))).rgba), name).toBe(true);
        else expect(readIco(path.join(out, name)).map((e) => e.rgba.toString('hex')), name).toEqual(readIco(path.join(assets, name)).map((e) => e.rgba.toString('hex')));
      }
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});
