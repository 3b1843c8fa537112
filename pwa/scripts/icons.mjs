// Draws the app's PNG icons (a mast with radio waves) with nothing but node:zlib, so the build needs no image tools.
import { deflateSync } from 'node:zlib';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const outDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'public', 'icons');
const background = [0x0b, 0x3d, 0x5c];
const foreground = [0xff, 0xd1, 0x4a];

function crc32(bytes) {
  let crc = ~0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function isMark(x, y, size) {
  const u = x / size;
  const v = y / size;
  const cx = 0.5;
  const cy = 0.42;
  if (Math.abs(u - cx) < 0.035 && v > cy && v < 0.82) return true;
  if (v > 0.78 && v < 0.84 && Math.abs(u - cx) < 0.18) return true;
  const r = Math.hypot(u - cx, v - cy);
  if (r < 0.06) return true;
  const upward = v < cy + 0.05;
  return upward && [0.14, 0.23, 0.32].some((ring) => Math.abs(r - ring) < 0.025);
}

function png(size) {
  const rows = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 3);
    for (let x = 0; x < size; x++) row.set(isMark(x, y, size) ? foreground : background, 1 + x * 3);
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

mkdirSync(outDir, { recursive: true });
for (const size of [192, 512]) writeFileSync(join(outDir, `icon-${size}.png`), png(size));
writeFileSync(join(outDir, 'apple-touch-icon.png'), png(180));
writeFileSync(
  join(outDir, 'icon.svg'),
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100"><rect width="100" height="100" fill="#0b3d5c"/>` +
    `<g fill="none" stroke="#ffd14a" stroke-width="5"><path d="M36 34a20 20 0 0 1 28 0M27 25a32 32 0 0 1 46 0"/></g>` +
    `<circle cx="50" cy="42" r="6" fill="#ffd14a"/><path d="M46 42h8v40h-8zM32 80h36v5H32z" fill="#ffd14a"/></svg>`,
);
