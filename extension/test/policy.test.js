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
