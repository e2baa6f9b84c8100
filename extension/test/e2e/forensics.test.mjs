// The forensics search must be able to find what it claims to look for: otherwise "nothing
// found" after a browser run proves nothing. Real SQLite files (sqlite3 CLI) for the free-page
// case, a Chromium-style v10 cookie blob, UTF-16LE and Latin-1 text, and a symlink it must not
// follow.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { encodings, searchTrees, sqliteFreePages } from './forensics.mjs';
import { missing } from './harness.mjs';

function tree(t) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tablerase-forensics-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('finds a secret in UTF-8, UTF-16LE and Latin-1, and names the file', (t) => {
  const dir = tree(t);
  fs.mkdirSync(path.join(dir, 'a', 'b'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'a', 'utf8.txt'), 'xx Quervoëc yy');
  fs.writeFileSync(path.join(dir, 'a', 'b', 'utf16.bin'), Buffer.concat([Buffer.from([0, 1]), Buffer.from('Quervoëc', 'utf16le')]));
  fs.writeFileSync(path.join(dir, 'latin1.ldb'), Buffer.from('\u0001Quervoëc', 'latin1'));
  fs.writeFileSync(path.join(dir, 'clean.txt'), 'nothing here');
  const r = searchTrees([dir], [['nom', 'Quervoëc']]);
  const got = r.findings.map((f) => `${path.relative(dir, f.file)} ${f.encoding}`).sort();
  assert.deepEqual(got, ['a/b/utf16.bin utf16le', 'a/utf8.txt utf8', 'latin1.ldb latin1']);
  assert.equal(r.files, 4);
});

test('URL-encoded and form-encoded forms are searched too', () => {
  const labels = encodings('2 63 07').map(([e]) => e);
  assert.deepEqual(labels, ['utf8', 'utf16le', 'url', 'form']);
});

test('does not follow a symbolic link out of the tree', (t) => {
  const dir = tree(t);
  const outside = tree(t);
  fs.writeFileSync(path.join(outside, 'secret.txt'), 'Quervoëc');
  fs.symlinkSync(outside, path.join(dir, 'link'));
  fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(dir, 'file-link'));
  assert.deepEqual(searchTrees([dir], [['nom', 'Quervoëc']]).findings, []);
});

test('decrypts Chromium v10 cookie blobs (fixed Linux key) in Cookies files', (t) => {
  const dir = tree(t);
  const key = crypto.pbkdf2Sync('peanuts', 'saltysalt', 1, 16, 'sha1');
  const c = crypto.createCipheriv('aes-128-cbc', key, Buffer.alloc(16, 0x20));
  // Chromium 130+ prefixes the value with SHA-256(host) before encrypting.
  const plain = Buffer.concat([crypto.createHash('sha256').update('.caf.fr').digest(), Buffer.from('s0123456789abcdef')]);
  const blob = Buffer.concat([Buffer.from('v10'), c.update(plain), c.final()]);
  fs.writeFileSync(path.join(dir, 'Cookies'), Buffer.concat([Buffer.alloc(37, 7), blob, Buffer.alloc(20, 9)]));
  const r = searchTrees([dir], [['cookie', 's0123456789abcdef']]);
  assert.deepEqual(r.findings.map((f) => f.encoding), ['chromium-v10']);
});

test('locates a deleted SQLite row on a free page', { skip: missing('sqlite3') }, (t) => {
  const dir = tree(t);
  const db = path.join(dir, 'History');
  const secret = 'Quervoëc-'.repeat(500); // spans pages, so deleting it frees whole pages
  execFileSync('sqlite3', [db, `PRAGMA secure_delete=OFF; CREATE TABLE urls(id INTEGER PRIMARY KEY, title TEXT);
    INSERT INTO urls(title) VALUES ('${secret}'); INSERT INTO urls(title) VALUES ('keep');
    DELETE FROM urls WHERE id = 1;`]);
  const free = sqliteFreePages(fs.readFileSync(db));
  assert.ok(free && free.free.size > 0, 'the delete left free pages');
  const r = searchTrees([dir], [['nom', 'Quervoëc']]);
  assert.ok(r.findings.some((f) => f.where.startsWith('SQLite free page')), JSON.stringify(r.findings));
});
