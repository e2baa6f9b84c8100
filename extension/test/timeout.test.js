import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bounded, Deadline, errorCode } from '../lib/timeout.js';

test('bounded returns the value of a step that finishes', async () => {
  assert.deepEqual(await bounded(async () => 42, 1000), { ok: true, value: 42 });
  assert.deepEqual(await bounded(() => 'sync', 1000), { ok: true, value: 'sync' });
});

test('bounded turns a hanging step into a timeout outcome', async () => {
  const out = await bounded(() => new Promise(() => {}), 5);
  assert.deepEqual(out, { ok: false, code: 'timeout' });
});

test('bounded never throws: sync throws and rejections become codes', async () => {
  const sync = await bounded(() => { throw Object.assign(new Error('x'), { code: 'boom' }); }, 100);
  assert.equal(sync.code, 'boom');
  const rej = await bounded(() => Promise.reject(new Error('plain')), 100);
  assert.equal(rej.code, 'error');
  assert.equal(errorCode(null), 'error');
});

test('bounded with an injected clock: the timer fires, a late value is dropped', async () => {
  let fire;
  const clock = { setTimeout: (fn) => { fire = fn; return 1; }, clearTimeout: () => {} };
  let resolveLate;
  const p = bounded(() => new Promise((r) => { resolveLate = r; }), 1000, clock);
  fire();
  resolveLate('late');
  assert.deepEqual(await p, { ok: false, code: 'timeout' });
});

test('Deadline gives each step its own timeout but never past the end minus reserves', () => {
  let now = 0;
  const d = new Deadline(10000, () => now);
  assert.equal(d.budget(2500, 5000), 2500);
  now = 7000;
  assert.equal(d.budget(4000, 1200), 1800);
  now = 9500;
  assert.equal(d.budget(4000, 1200), 0);
  assert.equal(d.remaining(), 500);
  now = 20000;
  assert.equal(d.remaining(), 0);
});
