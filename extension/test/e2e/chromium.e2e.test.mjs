// End-to-end, Debian Chromium (headless=new, unpacked extension loaded at start, host installed
// by `tablerase install --user --browsers chromium` into <home>/.config/chromium/NativeMessagingHosts,
// which is the browser's --user-data-dir). The scenario and its checks are in scenario.mjs.
// TABLERASE_E2E_KEEP=1 keeps the temp homes for inspection.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { formatFindings, searchTrees } from './forensics.mjs';
import { cannotRun, CHROMIUM, launchChromium, setUp } from './harness.mjs';
import { COOKIE_PARENTS, fullScenario, visit } from './scenario.mjs';
import { CHROMIUM_RESIDUE } from './residue.mjs';

const skip = cannotRun(CHROMIUM, 'Xvfb', 'xclip', 'openssl', 'go');

export { CHROMIUM_RESIDUE };

test('chromium: after one click nothing of the person is left', { skip, timeout: 180000 }, async (t) => {
  await fullScenario(t, 'chromium', launchChromium, { profileAllowed: CHROMIUM_RESIDUE });
});

// Control: the same visit without the click. The same search must find the person in the
// profile (cookie values through the v10 decryption, names, documents), or "nothing found"
// above would prove nothing.
test('chromium control: without the click, forensics finds the person', { skip, timeout: 120000 }, async (t) => {
  const { persona, h, d } = await setUp(t, 'chromium', { launch: launchChromium });
  const popup = await d.openPopup();
  await visit(d, h, persona, { popup });
  await d.browser.close();
  const secrets = [...persona.secrets(COOKIE_PARENTS), ['nom de fichier', persona.documentName('caf')]];
  const r = searchTrees([h.home], secrets);
  const found = new Set(r.findings.map((f) => f.label));
  for (const l of formatFindings(r.findings, { [h.profile]: '<profil>', [h.downloads]: '<Downloads>', [h.home]: '~' })) {
    t.diagnostic(`control: ${l}`);
  }
  assert.ok(r.findings.some((f) => f.encoding === 'chromium-v10'), 'cookie values found in Cookies (v10 decrypted)');
  for (const label of ['nom', 'numéro fiscal', 'nom de fichier']) assert.ok(found.has(label), `control finds: ${label}`);
  assert.ok(r.findings.some((f) => f.file.startsWith(h.downloads)), 'the documents are found in Downloads');
  assert.ok(r.findings.some((f) => f.file.includes(`${path.sep}.cache${path.sep}chromium${path.sep}`)),
    'the cached API answer is found in the disk cache beside the profile (~/.cache/chromium)');
});
