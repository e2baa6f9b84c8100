import { test } from 'node:test';
import assert from 'node:assert/strict';
import { offlineCacheFate } from '../lib/policy.js';

const hello = (priv, caps = ['files']) => ({ capabilities: caps, policy: { browsers: { firefox: { present: true, private: priv } } } });

test('offline copies: only Firefox outside forced private windows keeps them, and the receipt says until when', () => {
  assert.equal(offlineCacheFate(hello('none'), 'chromium', false), undefined, 'Chromium clears Cache Storage itself');
  assert.equal(offlineCacheFate(hello('forced'), 'firefox', true), undefined, 'forced private windows: they go with the windows');
  assert.equal(offlineCacheFate(hello('none'), 'firefox', true), 'kept');
  assert.equal(offlineCacheFate(hello('none', ['files', 'closed_browsers']), 'firefox', true), 'later');
  assert.equal(offlineCacheFate(null, 'firefox', true), 'kept', 'host missing: nothing will remove them');
});

test('the popup line: a host of another protocol version is said plainly, not taken for a missing one', async () => {
  const { policyLine } = await import('../lib/policy.js');
  const fs = await import('node:fs');
  const read = (l) => JSON.parse(fs.readFileSync(new URL(`../_locales/${l}/messages.json`, import.meta.url), 'utf8'));
  assert.deepEqual(policyLine(null, 'chromium', 'protocol_mismatch'), { key: 'stateHostMismatch', level: 'warn' });
  assert.deepEqual(policyLine(null, 'chromium', 'host_missing'), { key: 'stateHostMissing', level: 'warn' });
  assert.deepEqual(policyLine(null, 'chromium'), { key: 'stateHostMissing', level: 'warn' });
  const fr = read('fr').stateHostMismatch.message;
  assert.match(fr, /^Le composant Table rase de cet ordinateur et l'extension ne correspondent pas/);
  assert.match(fr, /Prévenez votre service informatique\.$/);
  assert.match(read('en').stateHostMismatch.message, /do not match.*Tell your IT department\.$/);
});
