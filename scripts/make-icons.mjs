// Draws the tray and app icons into RGBA buffers (no image libraries), encodes PNG with node:zlib and
// wraps them in Windows .ico files. Outputs are committed in assets/; run `node scripts/make-icons.mjs`
// after changing a shape. Each tray state has its own glyph, so colour is not the only signal.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// ---- shapes in unit coordinates (0..1), tested per sub-sample --------------------------------------
const circle = (cx, cy, r) => (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
const ring = (cx, cy, r, w) => (x, y) => {
  const d = Math.hypot(x - cx, y - cy);
  return d <= r + w / 2 && d >= r - w / 2;
};
const segment = (x0, y0, x1, y1, w) => (x, y) => {
  const dx = x1 - x0;
  const dy = y1 - y0;
  const t = Math.max(0, Math.min(1, ((x - x0) * dx + (y - y0) * dy) / (dx * dx + dy * dy || 1)));
  return Math.hypot(x - (x0 + t * dx), y - (y0 + t * dy)) <= w / 2;
};
const polygon = (points) => (x, y) => {
  let inside = false;
  for (let i = 0, j = points.length - 1; i < points.length; j = i++) {
    const [xi, yi] = points[i];
    const [xj, yj] = points[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
};
const roundedRect = (x0, y0, x1, y1, r) => (x, y) => {
  if (x < x0 || x > x1 || y < y0 || y > y1) return false;
  const cx = Math.max(x0 + r, Math.min(x1 - r, x));
  const cy = Math.max(y0 + r, Math.min(y1 - r, y));
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
};
const union = (...shapes) => (x, y) => shapes.some((s) => s(x, y));

const hex = (h) => [parseInt(h.slice(1, 3), 16), parseInt(h.slice(3, 5), 16), parseInt(h.slice(5, 7), 16), 255];
const WHITE = [255, 255, 255, 255];

/** Paints layers (shape, colour) over a transparent square; 4×4 sub-samples per pixel for smooth edges. */
function render(size, layers) {
  const n = 4;
  const rgba = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const x = (px + (sx + 0.5) / n) / size;
          const y = (py + (sy + 0.5) / n) / size;
          let colour = null;
          for (const [shape, c] of layers) if (shape(x, y)) colour = c;
          if (colour) {
            r += colour[0];
            g += colour[1];
            b += colour[2];
            a += 255;
          }
        }
      }
      const i = (py * size + px) * 4;
      const covered = a / 255;
      rgba[i] = covered ? Math.round(r / covered) : 0;
      rgba[i + 1] = covered ? Math.round(g / covered) : 0;
      rgba[i + 2] = covered ? Math.round(b / covered) : 0;
      rgba[i + 3] = Math.round(a / (n * n));
    }
  }
  return rgba;
}

// ---- the pictures --------------------------------------------------------------------------------
export const TRAY = {
  // grey, a dash: nothing to do
  idle: { colour: '#5f6b7a', glyph: segment(0.27, 0.5, 0.73, 0.5, 0.17) },
  // indigo, a magnifier: asking the version source
  checking: { colour: '#4f46e5', glyph: union(ring(0.44, 0.44, 0.16, 0.11), segment(0.56, 0.56, 0.74, 0.74, 0.14)) },
  // blue, a down arrow: downloading / applying
  updating: { colour: '#1d64d8', glyph: union(segment(0.5, 0.22, 0.5, 0.56, 0.15), polygon([[0.25, 0.5], [0.75, 0.5], [0.5, 0.8]])) },
  // green, a check mark: up to date
  'up-to-date': { colour: '#15803d', glyph: union(segment(0.26, 0.52, 0.43, 0.69, 0.15), segment(0.43, 0.69, 0.75, 0.33, 0.15)) },
  // red, an exclamation mark: the last run failed
  error: { colour: '#c81e1e', glyph: union(segment(0.5, 0.21, 0.5, 0.57, 0.16), circle(0.5, 0.76, 0.09)) },
};

export function trayIcon(state, size) {
  const { colour, glyph } = TRAY[state];
  // A white rim keeps the disc readable on both dark and light taskbars.
  return render(size, [
    [circle(0.5, 0.5, 0.5), WHITE],
    [circle(0.5, 0.5, 0.43), hex(colour)],
    [glyph, WHITE],
  ]);
}

export function appIcon(size) {
  const cross = union(roundedRect(0.33, 0.15, 0.53, 0.7, 0.04), roundedRect(0.155, 0.325, 0.705, 0.525, 0.04));
  const arrow = union(segment(0.72, 0.6, 0.72, 0.76, 0.07), polygon([[0.62, 0.74], [0.82, 0.74], [0.72, 0.87]]));
  return render(size, [
    [roundedRect(0.04, 0.04, 0.96, 0.96, 0.2), hex('#1d4ed8')],
    [cross, WHITE],
    [circle(0.72, 0.74, 0.23), WHITE],
    [circle(0.72, 0.74, 0.19), hex('#15803d')],
    [arrow, WHITE],
  ]);
}

// ---- encoders ------------------------------------------------------------------------------------
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buffer) {
  let c = 0xffffffff;
  for (const byte of buffer) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

export function encodePng(rgba, size, height = size) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const raw = Buffer.alloc(height * (size * 4 + 1));
  for (let y = 0; y < height; y++) rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4); // filter 0 per row
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Classic DIB entry (BITMAPINFOHEADER, bottom-up BGRA, empty AND mask): every Windows and NSIS reads it. */
function encodeDib(rgba, size) {
  const header = Buffer.alloc(40);
  header.writeUInt32LE(40, 0);
  header.writeInt32LE(size, 4);
  header.writeInt32LE(size * 2, 8); // XOR + AND masks
  header.writeUInt16LE(1, 12);
  header.writeUInt16LE(32, 14);
  const pixels = Buffer.alloc(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const from = (y * size + x) * 4;
      const to = ((size - 1 - y) * size + x) * 4;
      pixels[to] = rgba[from + 2];
      pixels[to + 1] = rgba[from + 1];
      pixels[to + 2] = rgba[from];
      pixels[to + 3] = rgba[from + 3];
    }
  }
  const maskRow = Math.ceil(size / 32) * 4;
  header.writeUInt32LE(pixels.length + maskRow * size, 20);
  return Buffer.concat([header, pixels, Buffer.alloc(maskRow * size)]);
}

/** .ico with one entry per size: DIB below 256 px, PNG at 256 px (as Windows' own icons do). */
export function encodeIco(images) {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(images.length, 4);
  const entries = [];
  const bodies = [];
  let offset = 6 + 16 * images.length;
  for (const { size, rgba } of images) {
    const body = size >= 256 ? encodePng(rgba, size) : encodeDib(rgba, size);
    const entry = Buffer.alloc(16);
    entry[0] = size >= 256 ? 0 : size;
    entry[1] = size >= 256 ? 0 : size;
    entry.writeUInt16LE(1, 4);
    entry.writeUInt16LE(32, 6);
    entry.writeUInt32LE(body.length, 8);
    entry.writeUInt32LE(offset, 12);
    offset += body.length;
    entries.push(entry);
    bodies.push(body);
  }
  return Buffer.concat([header, ...entries, ...bodies]);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // Optional argument: another output folder (the icon test regenerates into a temp folder).
  const outDir = path.resolve(process.argv[2] ?? path.join(root, 'assets'));
  mkdirSync(outDir, { recursive: true });
  const written = [];
  const write = (name, data) => {
    writeFileSync(path.join(outDir, name), data);
    written.push(`${name} (${data.length} B)`);
  };
  for (const state of Object.keys(TRAY)) {
    for (const size of [16, 32]) write(`tray-${state}-${size}.png`, encodePng(trayIcon(state, size), size));
    write(`tray-${state}.ico`, encodeIco([16, 20, 24, 32].map((size) => ({ size, rgba: trayIcon(state, size) }))));
  }
  write('app-256.png', encodePng(appIcon(256), 256));
  write('app.ico', encodeIco([16, 24, 32, 48, 64, 256].map((size) => ({ size, rgba: appIcon(size) }))));
  console.log(`${path.relative(root, outDir) || outDir}/: ${written.join(', ')}`);
}
