// The managed-settings examples IT copies (manifests/extension-settings/) must only use keys the
// extension's managed_schema.json declares, with the declared types, and be accepted by the
// extension's own merge: an example that the extension ignores would mislead an admin.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mergeSettings } from '../lib/settings.js';

const schema = JSON.parse(readFileSync(new URL('../managed_schema.json', import.meta.url)));
const examples = new URL('../../manifests/extension-settings/', import.meta.url);
const typeOf = (v) => (Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v);

function checkAgainstSchema(where, settings) {
  for (const [key, value] of Object.entries(settings)) {
    const spec = schema.properties[key];
    assert.ok(spec, `${where}: "${key}" is not in managed_schema.json`);
    const want = spec.type === 'number' ? 'integer' : spec.type;
    assert.equal(typeOf(value), want, `${where}: "${key}" should be ${spec.type}`);
  }
  const { managed } = mergeSettings(settings, {});
  for (const key of Object.keys(settings)) {
    assert.ok(managed.includes(key), `${where}: the extension ignores "${key}" = ${JSON.stringify(settings[key])}`);
  }
}

test('Firefox and Chromium-family examples use the schema', () => {
  const ff = JSON.parse(readFileSync(new URL('firefox-policies.json', examples)));
  checkAgainstSchema('firefox-policies.json', ff.policies['3rdparty'].Extensions['tablerase@tablerase.fr']);
  const cr = JSON.parse(readFileSync(new URL('linux-chromium-family.json', examples)));
  checkAgainstSchema('linux-chromium-family.json', cr['3rdparty'].extensions.ibejdgljgikfdimkajilpemalnckncnm);
});

test('Windows .reg example names only schema keys', () => {
  const reg = readFileSync(new URL('windows-managed-settings.reg', examples), 'utf8');
  const names = [...reg.matchAll(/^"([^"]+)"=/gm)].map((m) => m[1]);
  assert.ok(names.length > 0);
  for (const n of names) assert.ok(schema.properties[n], `windows-managed-settings.reg: "${n}" is not in managed_schema.json`);
});
