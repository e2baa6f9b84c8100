// background.js itself, loaded against the fake browser (test/fake-browser.js): when the
// accompaniment starts, how the host registration is retried, who may send messages, and what
// stays in storage.local after the end (issue 16, cases 6 and 7).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { fakeBrowser } from './fake-browser.js';
import { golden } from './golden.js';

const EXT = new URL('..', import.meta.url);
const ORIGIN = 'chrome-extension://ibejdgljgikfdimkajilpemalnckncnm/';
const POPUP = { id: 'ibejdgljgikfdimkajilpemalnckncnm', url: `${ORIGIN}popup/popup.html` };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// The extension's data files, as the background fetches them.
globalThis.fetch = async (url) => {
  const file = new URL(String(url).slice(ORIGIN.length), EXT);
  return { json: async () => JSON.parse(fs.readFileSync(file, 'utf8')) };
};

// The host's answers, from the goldens the Go side writes (test/golden.js).
const END_REPORT = (id, extra = {}) => ({ ...golden('session-end-clean'), session_id: id, ...extra });
/** Any other command: hello as the host answers it, {} for the rest. */
const OTHER = (msg) => ({ id: msg.id, ok: true, result: msg.cmd === 'hello' ? golden('hello') : {} });

let loaded = 0;
/** A worker start within a browser run (no recovery at import) with `host` as the native host. */
async function loadBackground(host, opts = {}) {
  const b = fakeBrowser({ host, sessions: true, ...opts });
  b.state.tabs.push({ id: 1, url: `${ORIGIN}popup/popup.html`, windowId: 1, status: 'complete' });
  await b.storage.session.set({ browserRun: 1 });
  delete globalThis.browser;
  globalThis.chrome = b;
  await import(`../background.js?instance=${++loaded}`);
  await sleep(20);
  return b;
}

/** Sends a runtime message as `sender`; undefined when the background does not answer. */
function send(b, msg, sender = POPUP) {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), 3000);
    const kept = b.runtime.onMessage.emit(msg, sender, (r) => {
      clearTimeout(timer);
      resolve(r);
    });
    // A listener that will answer returns true (it keeps the channel open).
    if (!kept.includes(true)) {
      clearTimeout(timer);
      resolve(undefined);
    }
  });
}

async function stored(b) {
  return (await b.storage.local.get(null));
}

async function until(fn, ms = 8000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out');
    await sleep(20);
  }
}

function visit(b, tabId, url) {
  const tab = { id: tabId, url, windowId: 1, status: 'complete', incognito: false };
  b.state.tabs.push(tab);
  b.tabs.onCreated.emit(tab);
  b.tabs.onUpdated.emit(tabId, { url }, tab);
  b.state.history.push({ url, lastVisitTime: Date.now() });
}

test('the accompaniment starts at the click: time, active state and tab tracking come before any host call', async () => {
  let firstHostCall = null;
  const b = await loadBackground(async (msg) => {
    if (!firstHostCall) firstHostCall = { at: Date.now(), session: (await b.storage.local.get('session')).session };
    if (msg.cmd === 'session.start') {
      await sleep(600); // the host waiting for its session lock
      return { id: msg.id, ok: true, result: { session_id: 'sid-7', started_at: new Date().toISOString(), scope: 'session' } };
    }
    if (msg.cmd === 'session.end') return { id: msg.id, ok: true, result: END_REPORT('sid-7') };
    return OTHER(msg);
  });
  const clicked = Date.now();
  const r = await send(b, { type: 'start' });
  assert.equal(r.ok, true);
  assert.ok(Date.now() - clicked < 300, 'the popup is answered without waiting for the host');
  assert.ok(firstHostCall, 'the host is asked');
  assert.equal(firstHostCall.session && firstHostCall.session.state, 'active', 'active in storage before the first host call');
  assert.ok(firstHostCall.session.startedAt >= clicked && firstHostCall.session.startedAt <= firstHostCall.at,
    'the start time is the click, recorded before the host is asked');
  // A page opened while the host still waits is the session's.
  visit(b, 5, 'https://www.caf.fr/compte');
  await until(async () => (await stored(b)).session.used.caf);
  assert.equal((await stored(b)).session.host.state, 'pending', 'the host has not answered yet');
  await until(async () => (await stored(b)).session.host.sessionId === 'sid-7');

  await send(b, { type: 'end' });
  const { run } = await until(async () => ((await stored(b)).run.phase === 'done' ? stored(b) : null));
  assert.equal(run.receipt.lines.find((l) => l.id === 'history').status, 'ok');
  assert.equal(b.state.history.length, 0, 'the visit made while the host answered is removed');
  assert.equal(run.receipt.lines.find((l) => l.id === 'files').key, 'receiptFiles');
});

test('session.start answered busy: the popup is told, the start is retried until it succeeds, the files line counts', async () => {
  let starts = 0;
  const b = await loadBackground(async (msg) => {
    if (msg.cmd === 'session.start') {
      starts++;
      if (starts <= 2) return { id: msg.id, ok: false, error: { code: 'busy', message: 'locked' } };
      return { id: msg.id, ok: true, result: { session_id: 'sid-late', started_at: new Date().toISOString(), scope: 'session' } };
    }
    if (msg.cmd === 'session.end') return { id: msg.id, ok: true, result: END_REPORT('sid-late') };
    return OTHER(msg);
  });
  await send(b, { type: 'start' });
  await until(async () => (await stored(b)).session.host.state === 'retrying');
  const st = await send(b, { type: 'state' });
  assert.deepEqual(st.session.host, { state: 'retrying', code: 'busy', attempts: 1 }, 'the popup can say so at once');
  assert.ok(b.alarms.created.has('hostRetry'), 'an alarm retries if the worker sleeps');
  // The alarm (a worker woken after the backoff's time) retries too.
  const s = (await stored(b)).session;
  await b.storage.local.set({ session: { ...s, host: { ...s.host, nextAt: Date.now() } } });
  b.alarms.onAlarm.emit({ name: 'hostRetry' });
  await until(async () => starts >= 2);
  // And the timer, after its delay.
  const done = await until(async () => ((await stored(b)).session.host.state === 'ok' ? (await stored(b)).session : null));
  assert.equal(done.host.sessionId, 'sid-late');
  assert.equal(starts, 3);
  assert.ok(!b.alarms.created.has('hostRetry'), 'no more retries once registered');

  await send(b, { type: 'end' });
  const { run } = await until(async () => ((await stored(b)).run.phase === 'done' ? stored(b) : null));
  const files = run.receipt.lines.find((l) => l.id === 'files');
  assert.equal(files.status, 'ok');
  assert.equal(files.key, 'receiptFiles');
});

test('session.start never succeeds: the files line is unverified with the reason, never « rien à supprimer »', async () => {
  const b = await loadBackground(async (msg) => {
    if (msg.cmd === 'session.start') return { id: msg.id, ok: false, error: { code: 'busy', message: 'locked' } };
    // The host's previous session, ended long ago: the report it keeps, already_ended.
    if (msg.cmd === 'session.end') {
      return { id: msg.id, ok: true, result: END_REPORT('previous', { already_ended: true, files: { status: 'clean', removed: 0 } }) };
    }
    return OTHER(msg);
  });
  await send(b, { type: 'start' });
  await until(async () => (await stored(b)).session.host.state === 'retrying');
  await send(b, { type: 'end' });
  const { run } = await until(async () => ((await stored(b)).run.phase === 'done' ? stored(b) : null));
  const files = run.receipt.lines.find((l) => l.id === 'files');
  assert.equal(files.status, 'failed');
  assert.equal(files.key, 'receiptFilesNotTrackedBusy');
  assert.notEqual(run.receipt.status, 'clean');
  assert.ok(!b.alarms.created.has('hostRetry'), 'the end stops the retries');
});

test('the report of a session this end did not close is not trusted (already_ended, or another id)', async () => {
  for (const [report, key] of [
    [END_REPORT('sid-1', { already_ended: true }), 'receiptFilesEndedElsewhere'],
    [END_REPORT('sid-other'), 'receiptFilesOtherSession'],
  ]) {
    const b = await loadBackground(async (msg) => {
      if (msg.cmd === 'session.start') return { id: msg.id, ok: true, result: { session_id: 'sid-1', started_at: new Date().toISOString() } };
      if (msg.cmd === 'session.end') return { id: msg.id, ok: true, result: report };
      return OTHER(msg);
    });
    await send(b, { type: 'start' });
    await until(async () => (await stored(b)).session.host.state === 'ok');
    await send(b, { type: 'end' });
    const { run } = await until(async () => ((await stored(b)).run.phase === 'done' ? stored(b) : null));
    assert.equal(run.receipt.lines.find((l) => l.id === 'files').key, key);
    // « Réessayer »: the host keeps the report of the end this accompaniment asked for.
    if (key === 'receiptFilesEndedElsewhere') {
      await b.storage.local.set({ run: { phase: 'idle' } });
      await send(b, { type: 'end', retry: true });
      const again = await until(async () => ((await stored(b)).run.phase === 'done' ? stored(b) : null));
      assert.equal(again.run.receipt.lines.find((l) => l.id === 'files').key, 'receiptFiles',
        'a retry of an end that asked the host itself trusts the kept report');
    }
  }
});

test('messages from a web page (the banner, any content script) are refused; the popup and options pages are heard', async () => {
  const b = await loadBackground(async (msg) => OTHER(msg));
  const page = 'https://www.caf.fr/compte';
  for (const sender of [
    { id: POPUP.id, url: page, tab: { id: 5, url: page }, frameId: 0 }, // content script / injected banner
    { id: POPUP.id, url: page, origin: 'https://www.caf.fr', tab: { id: 5, url: page } },
    { id: POPUP.id, url: `${ORIGIN}popup/popup.html`, tab: { id: 5, url: page } }, // a forged url from a tab of a web page
    { id: 'another-extension', url: 'chrome-extension://another-extension/x.html' },
  ]) {
    for (const type of ['start', 'end', 'state']) {
      assert.equal(await send(b, { type }, sender), undefined, `${type} from ${JSON.stringify(sender)}`);
    }
  }
  assert.equal((await stored(b)).session, undefined, 'nothing started');
  assert.ok((await send(b, { type: 'state' }, { ...POPUP, url: `${ORIGIN}options/options.html` })).session);
  // The popup opened as a tab (as the tests do) is an extension page too.
  const tabbed = { ...POPUP, tab: { id: 1, url: POPUP.url } };
  assert.equal((await send(b, { type: 'start' }, tabbed)).ok, true);
  await until(async () => (await stored(b)).session.host.state !== 'pending');
  await send(b, { type: 'end' }, tabbed);
  await until(async () => (await stored(b)).run.phase === 'done');
});

test('after the end, storage.local holds no name of a site used; the popup and « Réessayer » still have them in memory', async () => {
  const b = await loadBackground(async (msg) => {
    if (msg.cmd === 'session.start') return { id: msg.id, ok: true, result: { session_id: 'sid-1', started_at: new Date().toISOString() } };
    if (msg.cmd === 'session.end') return { id: msg.id, ok: true, result: END_REPORT('sid-1') };
    return OTHER(msg);
  }, { stores: ['0', 'private-store'] });
  await send(b, { type: 'start' });
  visit(b, 5, 'https://www.caf.fr/compte');
  visit(b, 6, 'https://www.example-commerce.fr/panier');
  b.cookies.onChanged.emit({ removed: false, cookie: { name: 'sid', domain: '.ameli.fr', storeId: 'private-store' } });
  await until(async () => {
    const s = (await stored(b)).session;
    return s.used.caf && s.used.ameli && s.host.state === 'ok';
  });
  await send(b, { type: 'end' });
  await until(async () => (await stored(b)).run.phase === 'done');
  const disk = JSON.stringify(await stored(b));
  for (const name of [/caf/i, /ameli/i, /example-commerce/i, /private-store/]) assert.doesNotMatch(disk, name);
  const { session, run } = await stored(b);
  assert.deepEqual([session.used, session.tabIds, session.stores], [{}, [], []]);
  assert.equal(run.receipt.lines.find((l) => l.id === 'logout').key, 'receiptLogoutCount');
  const { last } = await b.storage.session.get('last');
  assert.match(last.receipt.lines.find((l) => l.id === 'logout').subs[0], /CAF/, 'the popup shows the names from memory');

  // « Réessayer » still logs out of the sites used (names from memory), and still writes none to disk.
  b.calls.length = 0;
  b.state.cookies.push({ name: 'sid', domain: '.caf.fr', path: '/', storeId: '0', created: Date.now() - 86400e3 });
  await b.storage.local.set({ run: { phase: 'idle' } });
  await send(b, { type: 'end', retry: true });
  await until(async () => (await stored(b)).run.phase === 'done');
  assert.ok(!b.state.cookies.some((c) => c.domain === '.caf.fr'), 'the retry reaches caf.fr again: its session cookie goes');
  assert.doesNotMatch(JSON.stringify(await stored(b)), /caf|ameli|example-commerce/i);
});

test('an end clicked while session.start is in flight waits for it: the host ends the session it just started', async () => {
  const order = [];
  const b = await loadBackground(async (msg) => {
    order.push(msg.cmd);
    if (msg.cmd === 'session.start') {
      await sleep(500);
      return { id: msg.id, ok: true, result: { session_id: 'sid-2', started_at: new Date().toISOString() } };
    }
    if (msg.cmd === 'session.end') return { id: msg.id, ok: true, result: END_REPORT('sid-2') };
    return OTHER(msg);
  });
  await send(b, { type: 'start' });
  await until(() => order.includes('session.start'));
  await send(b, { type: 'end' });
  const { run } = await until(async () => ((await stored(b)).run.phase === 'done' ? stored(b) : null));
  assert.ok(order.indexOf('session.end') > order.indexOf('session.start'), order.join(' → '));
  assert.equal(run.receipt.lines.find((l) => l.id === 'files').key, 'receiptFiles');
});

test('busy at the click, registered later: a file downloaded in between is deleted by the browser, the receipt counts it', async () => {
  let starts = 0;
  const b = await loadBackground(async (msg) => {
    if (msg.cmd === 'session.start') {
      starts++;
      if (starts === 1) return { id: msg.id, ok: false, error: { code: 'busy', message: 'locked' } };
      return { id: msg.id, ok: true, result: { session_id: 'sid-late', started_at: new Date().toISOString(), scope: 'session' } };
    }
    // The host's snapshot (taken at the late start) holds the early file: it keeps it.
    if (msg.cmd === 'session.end') return { id: msg.id, ok: true, result: END_REPORT('sid-late', { files: { status: 'clean', removed: 0, folders: [] } }) };
    return OTHER(msg);
  });
  b.download({ id: 1, startTime: new Date(Date.now() - 3600e3).toISOString() }); // the aidant's, before the click
  await send(b, { type: 'start' });
  await until(async () => (await stored(b)).session.host.state === 'retrying');
  b.download({ id: 2, startTime: new Date().toISOString() }); // while the host is busy
  const done = await until(async () => ((await stored(b)).session.host.state === 'ok' ? (await stored(b)).session : null));
  assert.ok(done.host.registeredAt >= done.startedAt + 900, 'the registration time is kept');

  await send(b, { type: 'end' });
  const { run } = await until(async () => ((await stored(b)).run.phase === 'done' ? stored(b) : null));
  assert.deepEqual([...b.state.files], [1], 'the early file is gone, the aidant\'s older one stays');
  assert.deepEqual(run.receipt.lines.find((l) => l.id === 'files'), { id: 'files', status: 'ok', key: 'receiptFilesOne', subs: ['1'] });
  assert.equal(run.receipt.status, 'clean');
});

// Issue 13: `hello.protocol` was sent and never checked.
test('a host of another protocol version: the popup says so, no session command is sent, the browser part runs in full', async () => {
  const asked = [];
  const b = await loadBackground(async (msg) => {
    asked.push(msg.cmd);
    if (msg.cmd === 'hello') return { id: msg.id, ok: true, result: { ...golden('hello'), protocol: golden('hello').protocol + 1 } };
    if (msg.cmd === 'session.start') return { id: msg.id, ok: true, result: golden('session-start') };
    if (msg.cmd === 'session.end') return { id: msg.id, ok: true, result: golden('session-end-clean') };
    return OTHER(msg);
  });
  const state = await send(b, { type: 'state' });
  assert.deepEqual(state.policy, { key: 'stateHostMismatch', level: 'warn' });
  await send(b, { type: 'start' });
  const { session } = await until(async () => ((await stored(b)).session.host.state === 'failed' ? stored(b) : null));
  assert.equal(session.host.code, 'protocol_mismatch', 'given up at once: no wait changes a version');
  assert.equal((await send(b, { type: 'state' })).session.host.code, 'protocol_mismatch');
  visit(b, 5, 'https://www.caf.fr/compte');
  await until(async () => (await stored(b)).session.used.caf);
  await send(b, { type: 'end' });
  const { run } = await until(async () => ((await stored(b)).run.phase === 'done' ? stored(b) : null));
  assert.deepEqual(asked.filter((c) => c !== 'hello'), [], 'neither session.start nor session.end reached that host');
  const line = (id) => run.receipt.lines.find((l) => l.id === id);
  assert.deepEqual(line('files'), { id: 'files', status: 'failed', key: 'receiptHostMismatch', subs: [] });
  assert.equal(line('clipboard'), undefined);
  assert.equal(line('history').status, 'ok', 'the browser part ran');
  assert.equal(line('cookies').status, 'ok');
  assert.equal(run.receipt.status, 'partial');
});
