import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { DEFAULTS, effectiveScope, mergeSettings } from '../lib/settings.js';
import { browserKey, passwordsDisabled, policyLine } from '../lib/policy.js';

test('managed settings win key by key; invalid values are ignored', () => {
  const { values, managed } = mergeSettings(
    { idleMinutes: 20, scope: 'everything', startPage: 'javascript:alert(1)' },
    { idleMinutes: 5, scope: 'all', confirmBeforeEnd: true, startPage: 'http://insecure.example' },
  );
  assert.equal(values.idleMinutes, 20);
  assert.equal(values.scope, 'all', 'a bad managed scope falls back to the local choice');
  assert.equal(values.startPage, '', 'only https start pages');
  assert.equal(values.confirmBeforeEnd, true);
  assert.deepEqual(managed, ['idleMinutes']);
  assert.deepEqual(mergeSettings().values, DEFAULTS);
});

test('scope: setting, else the host, else session', () => {
  assert.equal(effectiveScope('all', 'session'), 'all');
  assert.equal(effectiveScope('', 'all'), 'all');
  assert.equal(effectiveScope('', undefined), 'session');
});

test('policy line states what holds, never more', () => {
  const hello = (p) => ({ policy: { browsers: { chromium: p } } });
  assert.equal(policyLine(null, 'chromium').key, 'stateHostMissing');
  assert.equal(policyLine(hello({ private: 'forced' }), 'chromium').key, 'statePrivateForced');
  assert.equal(policyLine(hello({ private: 'private_profile' }), 'chromium').key, 'statePrivateProfile');
  assert.equal(policyLine(hello({ private: 'none' }), 'chromium').level, 'warn');
  assert.equal(policyLine(hello({ private: 'forced' }), 'edge').key, 'statePolicyUnknown');
  assert.equal(passwordsDisabled(hello({ checks: { passwords_disabled: true } }), 'chromium'), true);
  assert.equal(passwordsDisabled(hello({ checks: {} }), 'chromium'), false);
});

test('browser key from UA brands', () => {
  assert.equal(browserKey({ firefox: true }), 'firefox');
  assert.equal(browserKey({ brands: [{ brand: 'Microsoft Edge' }] }), 'edge');
  assert.equal(browserKey({ brands: [{ brand: 'Google Chrome' }, { brand: 'Chromium' }] }), 'chrome');
  assert.equal(browserKey({ brave: true, brands: [{ brand: 'Chromium' }] }), 'brave');
  assert.equal(browserKey({ brands: [{ brand: 'Chromium' }] }), 'chromium');
});

test('webmail: handled for the accompaniment only by default; IT may ask for the administrations\' treatment', () => {
  assert.equal(mergeSettings().values.webmail, 'accompaniment');
  assert.equal(mergeSettings({ webmail: 'administration' }).values.webmail, 'administration');
  assert.equal(mergeSettings({ webmail: 'everything' }).values.webmail, 'accompaniment', 'a bad value keeps the default');
  const schema = JSON.parse(fs.readFileSync(new URL('../managed_schema.json', import.meta.url)));
  assert.deepEqual(schema.properties.webmail.enum, ['accompaniment', 'administration']);
});
