// lib/start.js and lib/end.js against the fake browser, without background.js: the orchestration
// of an accompaniment's start and end, with the storage module (lib/store.js) they share.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { fakeBrowser } from './fake-browser.js';
import { golden } from './golden.js';
import { createHostClient } from '../lib/host.js';
import { buildRegistry } from '../lib/registry.js';
import { createStore } from '../lib/store.js';
import { createStart } from '../lib/start.js';
import { createEnd } from '../lib/end.js';

const ORIGIN = 'chrome-extension://ibejdgljgikfdimkajilpemalnckncnm/';
const SITES = JSON.parse(fs.readFileSync(new URL('../data/sites.json', import.meta.url), 'utf8')).sites;

/** The host: hello and session.start from the goldens, session.end reporting for the id it was given. */
function goldenHost(calls = [], sessionId = 'id-1') {
  return async (msg) => {
    calls.push(msg.cmd);
    if (msg.cmd === 'hello') return { id: msg.id, ok: true, result: golden('hello') };
    if (msg.cmd === 'session.start') return { id: msg.id, ok: true, result: { ...golden('session-start'), session_id: sessionId } };
    if (msg.cmd === 'session.end') return { id: msg.id, ok: true, result: { ...golden('session-end-clean'), session_id: sessionId } };
    return { id: msg.id, ok: true, result: {} };
  };
}

function setup(hostFn, opts = {}) {
  const b = fakeBrowser({ host: hostFn, sessions: true, ...opts });
  const store = createStore(b);
  const host = createHostClient(b.runtime);
  const context = async () => {
    const settings = await store.settings();
    return { registry: buildRegistry(SITES, settings.values), settings };
  };
  const starter = createStart({ b, host, store, context });
  const ender = createEnd({ b, host, store, context, starter, firefox: false, origin: ORIGIN, browserKey: () => 'chromium', ...opts.end });
  return { b, store, starter, ender };
}

test('start: the session is active before the host answers; the host registration lands on it', async () => {
  let release;
  const gate = new Promise((r) => { release = r; });
  const calls = [];
  const inner = goldenHost(calls);
  const { store, starter } = setup(async (msg) => {
    await gate;
    return inner(msg);
  });
  const r = await starter.start();
  assert.equal(r.ok, true);
  const s = await store.getSession();
  assert.equal(s.state, 'active');
  assert.equal(s.host.state, 'pending');
  release();
  await starter.registering();
  const after = await store.getSession();
  assert.equal(after.host.state, 'ok');
  assert.equal(after.host.sessionId, 'id-1');
  assert.deepEqual(calls, ['hello', 'session.start']);
  assert.equal((await store.getHello()).ok, true);
});

test('end: one run at a time; the session is ended with no names on disk, the receipt written, the names in memory', async () => {
  const calls = [];
  const { b, store, starter, ender } = setup(goldenHost(calls));
  await starter.start();
  await starter.registering();
  await store.mutateSession((s) => ({ ...s, used: { 'impots': { hosts: ['www.impots.gouv.fr'], stores: ['0'] } } }));
  await store.setOthers({ startedAt: (await store.getSession()).startedAt, hosts: ['example.org'] });
  const first = ender.end('popup');
  const second = ender.end('popup');
  assert.equal(first, second);
  const receipt = await first;
  assert.equal(calls.filter((c) => c === 'session.end').length, 1);
  const onDisk = JSON.stringify(await b.storage.local.get(null));
  assert.doesNotMatch(onDisk, /impots\.gouv|example\.org/);
  const s = await store.getSession();
  assert.equal(s.state, 'ended');
  assert.deepEqual(s.used, {});
  const run = await store.getRun();
  assert.equal(run.phase, 'done');
  assert.equal(run.receipt.status, receipt.status);
  assert.equal(await store.getOthers(), null);
  const last = await store.getLast();
  assert.deepEqual(Object.keys(last.used), ['impots']);
  assert.deepEqual(last.others, ['example.org']);
  // « Réessayer » gets the names back from memory.
  assert.deepEqual(Object.keys((await store.restoreLast(s)).used), ['impots']);
});

test('end with nothing recorded: the host\'s open session is taken as this one and ended', async () => {
  const calls = [];
  const hs = { id: 'host-open', state: 'active', started_at: new Date(Date.now() - 60000).toISOString() };
  const host = goldenHost(calls, 'host-open');
  const { store, ender } = setup(async (msg) => {
    if (msg.cmd === 'hello') {
      calls.push('hello');
      return { id: msg.id, ok: true, result: { ...golden('hello'), session: hs } };
    }
    return host(msg);
  });
  let seen = null;
  const receipt = await ender.end('recovery');
  seen = await store.getSession();
  assert.equal(seen.state, 'ended');
  assert.equal(seen.host.sessionId, 'host-open');
  assert.equal(seen.startedAt, Date.parse(hs.started_at));
  assert.ok(calls.includes('session.end'));
  const files = receipt.lines.find((l) => l.id === 'files');
  assert.ok(files, 'the receipt has a files line');
  assert.notEqual(files.status, 'failed');
});

test('end: a cleanup that throws still ends the session, with a failed receipt offering « Réessayer »', async () => {
  const { store, starter, ender } = setup(goldenHost(), { end: { cleanup: async () => { throw new Error('boom'); } } });
  await starter.start();
  const receipt = await ender.end('popup');
  assert.equal(receipt.status, 'failed');
  assert.equal((await store.getSession()).state, 'ended');
  assert.equal((await store.getRun()).receipt.status, 'failed');
  assert.equal((await store.getRun()).receipt.lines[0].action, 'retry');
});

test('end: the browser\'s lines, verified, are written before the receipt: names in memory only', async () => {
  const { b, store, starter, ender } = setup(goldenHost());
  await starter.start();
  await starter.registering();
  await store.mutateSession((s) => ({ ...s, used: { 'ameli': { hosts: ['assure.ameli.fr'], stores: ['0'] } } }));
  const runs = [];
  b.storage.onChanged.addListener((c, area) => {
    if (area === 'local' && c.run) runs.push(c.run.newValue);
  });
  await ender.end('popup');
  const shown = runs.find((r) => r.phase === 'lines');
  assert.ok(shown, JSON.stringify(runs.map((r) => r.phase)));
  assert.ok(runs.indexOf(shown) < runs.findIndex((r) => r.phase === 'done'));
  assert.ok(shown.lines.some((l) => l.id === 'logout'));
  assert.doesNotMatch(JSON.stringify(shown), /ameli/i, 'no site name on disk');
  const { pending } = await b.storage.session.get('pending');
  assert.match(JSON.stringify(pending.lines), /ameli/, 'the names in memory, for the page');
  await starter.start();
  assert.equal((await b.storage.session.get('pending')).pending, undefined, 'forgotten at the next start');
});
