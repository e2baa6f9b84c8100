// Forensics: after the browser has exited, search whole directory trees (the browser profile,
// the watched folders, the host's state) for the person's data as raw bytes.
//
// What "raw bytes" covers here, and why:
// - Each secret is searched in UTF-8, UTF-16LE (Chromium's LevelDB localStorage, SQLite databases
//   in UTF-16, Windows-style strings) and Latin-1 when that differs (Chromium stores Latin-1-only
//   strings one byte per character; Firefox's structured clone does too), plus its URL-encoded
//   form (history and cache keys hold URLs).
// - Every regular file is read, whatever its name: SQLite databases and their -wal / -journal,
//   LevelDB logs and tables, caches. Symbolic links are not followed (lstat).
// - Chromium on Linux without a keyring (puppeteer passes --password-store=basic) encrypts cookie
//   values with the fixed "v10" key (PBKDF2 of "peanuts"); a raw search would never see them. So
//   in files named Cookies* every "v10" blob is also decrypted and searched: a cookie value left
//   in a free page is found.
// - A hit in an SQLite main file is located: on a page of the freelist (a deleted row the
//   database has not overwritten: the extension cannot reach it, only VACUUM or secure_delete
//   can), or on a page in use (a live row, or unallocated space inside a live page).
// Not covered: data inside snappy-compressed LevelDB table blocks or Firefox's compressed
// IndexedDB values, where a string may be split by back-references (the uncompressed LevelDB
// logs, where writes land first, are searched).
//
// The report lists file + secret label + encoding + where; it is printed by the tests, never
// written to any log of the product.

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const MAX_HITS_PER_FILE_SECRET = 4;

/** The byte patterns a secret is searched as. */
export function encodings(secret) {
  const out = [['utf8', Buffer.from(secret, 'utf8')], ['utf16le', Buffer.from(secret, 'utf16le')]];
  const latin1 = Buffer.from(secret, 'latin1');
  if (/^[\u0000-\u00ff]*$/.test(secret) && !latin1.equals(out[0][1])) out.push(['latin1', latin1]);
  const url = encodeURIComponent(secret);
  if (url !== secret) out.push(['url', Buffer.from(url, 'utf8')]);
  const plus = url.replace(/%20/g, '+');
  if (plus !== url) out.push(['form', Buffer.from(plus, 'utf8')]);
  return out;
}

function* walk(root) {
  let entries;
  try {
    entries = fs.readdirSync(root, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const p = path.join(root, e.name);
    if (e.isDirectory()) yield* walk(p);
    else if (e.isFile()) yield p;
  }
}

const V10_KEY = crypto.pbkdf2Sync('peanuts', 'saltysalt', 1, 16, 'sha1');
const V10_IV = Buffer.alloc(16, 0x20);

/** Decrypts, from every "v10" marker, the following bytes (CBC decrypts block by block). */
export function chromiumV10Plaintexts(buf, maxBytes = 512) {
  const out = [];
  for (let i = buf.indexOf('v10'); i >= 0; i = buf.indexOf('v10', i + 3)) {
    const len = Math.min(maxBytes, Math.floor((buf.length - i - 3) / 16) * 16);
    if (len < 16) break;
    const d = crypto.createDecipheriv('aes-128-cbc', V10_KEY, V10_IV);
    d.setAutoPadding(false);
    out.push({ offset: i, plain: Buffer.concat([d.update(buf.subarray(i + 3, i + 3 + len)), d.final()]) });
  }
  return out;
}

/** Pages of the SQLite freelist (1-based page numbers), or null if `buf` is not an SQLite file. */
export function sqliteFreePages(buf) {
  if (buf.length < 100 || buf.toString('latin1', 0, 16) !== 'SQLite format 3\u0000') return null;
  let pageSize = buf.readUInt16BE(16);
  if (pageSize === 1) pageSize = 65536;
  const free = new Set();
  let trunk = buf.readUInt32BE(32);
  let guard = 0;
  while (trunk && guard++ < 100000) {
    const off = (trunk - 1) * pageSize;
    if (off + 8 > buf.length) break;
    free.add(trunk);
    const n = buf.readUInt32BE(off + 4);
    for (let k = 0; k < n && off + 8 + 4 * k + 4 <= buf.length; k++) free.add(buf.readUInt32BE(off + 8 + 4 * k));
    trunk = buf.readUInt32BE(off);
  }
  return { pageSize, free };
}

function where(file, offset, sqlite) {
  const base = path.basename(file);
  if (/-wal$/.test(base)) return 'SQLite write-ahead log';
  if (/-journal$/.test(base)) return 'SQLite rollback journal';
  if (sqlite) {
    const page = Math.floor(offset / sqlite.pageSize) + 1;
    return sqlite.free.has(page) ? `SQLite free page ${page}` : `SQLite page ${page} in use`;
  }
  if (/\.log$/.test(base) && /leveldb|Storage|IndexedDB|_db|Sync Data/i.test(file)) return 'LevelDB log';
  if (/\.ldb$/.test(base)) return 'LevelDB table';
  return 'file';
}

/**
 * Searches `roots` for `secrets`.
 * @param {string[]} roots
 * @param {Array<[string, string]>} secrets  [label, value]
 * @param {object} [o]
 * @param {(file: string) => boolean} [o.skip]  files not to search (e.g. the extension's own sources)
 * @returns {{ files: number, bytes: number, findings: Array<{file, label, encoding, where, offset}> }}
 */
export function searchTrees(roots, secrets, o = {}) {
  const patterns = secrets.filter(([, v]) => v && v.length >= 4)
    .flatMap(([label, v]) => encodings(v).map(([encoding, bytes]) => ({ label, encoding, bytes })));
  const findings = [];
  let files = 0;
  let bytes = 0;
  for (const root of roots) {
    for (const file of walk(root)) {
      if (o.skip && o.skip(file)) continue;
      let buf;
      try {
        buf = fs.readFileSync(file);
      } catch {
        continue;
      }
      files++;
      bytes += buf.length;
      const sqlite = sqliteFreePages(buf);
      for (const p of patterns) {
        const perKind = new Map(); // at most a few hits per (secret, kind of place) and file
        for (let i = buf.indexOf(p.bytes); i >= 0; i = buf.indexOf(p.bytes, i + 1)) {
          const w = where(file, i, sqlite);
          const kind = w.replace(/ \d+/, '');
          const n = perKind.get(kind) || 0;
          if (n >= MAX_HITS_PER_FILE_SECRET) continue;
          perKind.set(kind, n + 1);
          findings.push({ file, label: p.label, encoding: p.encoding, where: w, offset: i });
        }
      }
      if (/^Cookies/.test(path.basename(file))) {
        for (const { offset, plain } of chromiumV10Plaintexts(buf)) {
          for (const p of patterns) {
            if (p.encoding === 'utf8' && plain.includes(p.bytes)) {
              findings.push({ file, label: p.label, encoding: 'chromium-v10', where: where(file, offset, sqlite), offset });
            }
          }
        }
      }
    }
  }
  return { files, bytes, findings };
}

/** One line per (file, secret label, where), for the test output. */
export function formatFindings(findings, rootLabel = {}) {
  const seen = new Map();
  for (const f of findings) {
    let file = f.file;
    // The longest matching root names the file (a profile inside the home is "<profil>", not "~").
    const root = Object.keys(rootLabel).filter((r) => file.startsWith(r)).sort((a, b) => b.length - a.length)[0];
    if (root) file = `${rootLabel[root]}${file.slice(root.length)}`;
    const key = `${file} | ${f.where.replace(/ \d+/, '')}`;
    if (!seen.has(key)) seen.set(key, new Set());
    seen.get(key).add(`${f.label} (${f.encoding})`);
  }
  return [...seen].map(([k, labels]) => `${k}: ${[...labels].join(', ')}`);
}
