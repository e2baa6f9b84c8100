// The manifest and the locales: what the stores, the policies and the popup rely on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';

const read = (p) => fs.readFileSync(new URL(`../${p}`, import.meta.url), 'utf8');
const manifest = JSON.parse(read('manifest.json'));
const fr = JSON.parse(read('_locales/fr/messages.json'));
const en = JSON.parse(read('_locales/en/messages.json'));

test('manifest: pinned ids, both backgrounds, spanning, minimal permissions', () => {
  assert.equal(manifest.manifest_version, 3);
  assert.ok(manifest.key.startsWith('MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA3TVZDK01n3ly'));
  assert.equal(manifest.browser_specific_settings.gecko.id, 'tablerase@tablerase.fr');
  assert.equal(manifest.background.service_worker, 'background.js');
  assert.deepEqual(manifest.background.scripts, ['background.js']);
  assert.equal(manifest.incognito, 'spanning');
  for (const p of ['alarms', 'browsingData', 'cookies', 'downloads', 'history', 'idle', 'nativeMessaging', 'storage', 'tabs']) {
    assert.ok(manifest.permissions.includes(p), p);
  }
  assert.ok(!manifest.permissions.includes('<all_urls>'));
  assert.ok(!manifest.host_permissions.some((p) => p.includes('<all_urls>') || p === '*://*/*'));
  assert.equal(manifest.default_locale, 'fr');
  assert.ok(fs.existsSync(new URL(`../${manifest.storage.managed_schema}`, import.meta.url)));
});

test('the Chromium id derived from the manifest key is the pinned one', async () => {
  const { createHash } = await import('node:crypto');
  const hex = createHash('sha256').update(Buffer.from(manifest.key, 'base64')).digest('hex').slice(0, 32);
  const id = [...hex].map((c) => String.fromCharCode('a'.charCodeAt(0) + parseInt(c, 16))).join('');
  assert.equal(id, 'ibejdgljgikfdimkajilpemalnckncnm');
});

test('French and English carry the same messages, and every key the code uses exists', () => {
  assert.deepEqual(Object.keys(en).sort(), Object.keys(fr).sort());
  const sources = ['lib/receipt.js', 'lib/policy.js', 'lib/session.js', 'popup/popup.js', 'popup/render.js', 'popup/popup.html',
    'receipt/receipt.html', 'receipt/receipt.js', 'receipt/view.js',
    'options/options.html', 'options/options.js'].map(read).join('\n');
  const used = new Set();
  for (const m of sources.matchAll(/'((?:receipt|state|badge|progress|status|action|opt|private|session|error)[A-Z]\w*)'/g)) used.add(m[1]);
  for (const m of sources.matchAll(/data-i18n="(\w+)"/g)) used.add(m[1]);
  assert.ok(used.size > 40, `found ${used.size} keys`);
  for (const k of used) assert.ok(fr[k], `missing message ${k}`);
});

test('the host-missing sentence is the one the issue asks for', () => {
  assert.equal(fr.receiptHostMissing.message,
    "Le composant Table rase de l'ordinateur n'est pas installé : les fichiers téléchargés n'ont pas pu être supprimés. Prévenez votre service informatique.");
  assert.equal(fr.receiptTitleClean.message, 'Vos informations ont été effacées de cet ordinateur.');
});
