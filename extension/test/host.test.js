import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyNativeError, createHostClient, HOST_NAME, PROTOCOL, protocolMismatch, WAIT_MS } from '../lib/host.js';
import { CONTRACT } from '../lib/contract.js';
import { golden } from './golden.js';

test('browser native-messaging failures map to stable codes', () => {
  assert.equal(classifyNativeError('Specified native messaging host not found.'), 'host_missing');
  assert.equal(classifyNativeError('No such native application fr.tablerase.host'), 'host_missing');
  assert.equal(classifyNativeError('Access to the specified native messaging host is forbidden.'), 'host_forbidden');
  assert.equal(classifyNativeError('Native host has exited.'), 'host_error');
});

test('requests carry only the command, answers and protocol errors come back as values or codes', async () => {
  const sent = [];
  const client = createHostClient({
    async sendNativeMessage(name, msg) {
      sent.push([name, msg]);
      if (msg.cmd === 'session.end') return { id: msg.id, ok: false, error: { code: 'no_session', message: 'x' } };
      return { id: msg.id, ok: true, result: golden('hello') };
    },
  });
  assert.deepEqual(await client.request('hello'), golden('hello'));
  await assert.rejects(client.request('session.end'), { code: 'no_session' });
  assert.equal(sent[0][0], HOST_NAME);
  assert.deepEqual(Object.keys(sent[0][1]).sort(), ['args', 'cmd', 'id']);
  assert.deepEqual(sent[0][1].args, {});
});

test('missing, malformed and hanging hosts', async () => {
  const missing = createHostClient({ sendNativeMessage: async () => { throw new Error('Specified native messaging host not found.'); } });
  await assert.rejects(missing.request('hello'), { code: 'host_missing' });
  const empty = createHostClient({ sendNativeMessage: async () => undefined });
  await assert.rejects(empty.request('hello'), { code: 'host_error' });
  const hang = createHostClient({ sendNativeMessage: () => new Promise(() => {}) });
  await assert.rejects(hang.request('hello', 10), { code: 'timeout' });
});

test('hello is checked: a host of another protocol version is refused, and gets no session command', async () => {
  assert.equal(PROTOCOL, golden('hello').protocol, 'the version the Go host announces');
  assert.equal(protocolMismatch(golden('hello')), false);
  assert.equal(protocolMismatch({ ...golden('hello'), protocol: PROTOCOL + 1 }), true);
  assert.equal(protocolMismatch({}), true, 'a hello without a version is not ours either');
  let version = PROTOCOL + 1;
  const sent = [];
  const client = createHostClient({
    async sendNativeMessage(name, msg) {
      sent.push(msg.cmd);
      return { id: msg.id, ok: true, result: msg.cmd === 'hello' ? { ...golden('hello'), protocol: version } : golden('session-start') };
    },
  });
  await assert.rejects(client.request('hello'), { code: 'protocol_mismatch' });
  await assert.rejects(client.request('session.start'), { code: 'protocol_mismatch' });
  await assert.rejects(client.request('session.end'), { code: 'protocol_mismatch' });
  assert.deepEqual(sent, ['hello'], 'nothing but hello reached the host');
  version = PROTOCOL; // IT updated the host
  assert.equal((await client.request('hello')).protocol, PROTOCOL);
  assert.equal((await client.request('session.start')).session_id, golden('session-start').session_id);
});

test('each command waits as long as the host may take (the Go side derives it from the host\'s budgets)', async () => {
  assert.equal(WAIT_MS['session.end'], CONTRACT.waits.session_end_ms);
  assert.equal(WAIT_MS['session.start'], CONTRACT.waits.session_start_ms);
  assert.equal(WAIT_MS.hello, CONTRACT.waits.hello_ms);
  const h = CONTRACT.budgets.host;
  assert.ok(WAIT_MS['session.end'] > h.lock_ms + h.files_ms, 'more than the host\'s lock wait and files budget');
  assert.ok(WAIT_MS['session.start'] > h.lock_ms + h.snapshot_ms, 'more than the host\'s lock wait and snapshot budget');
  // The default wait is the command's: a host answering after the old 4 s is still heard.
  const waited = [];
  const clock = globalThis.setTimeout;
  globalThis.setTimeout = (fn, ms) => { waited.push(ms); return clock(fn, 60000); };
  try {
    const client = createHostClient({ sendNativeMessage: async (n, msg) => ({ id: msg.id, ok: true, result: {} }) });
    await client.request('session.end');
    await client.request('session.start');
  } finally {
    globalThis.setTimeout = clock;
  }
  assert.deepEqual(waited, [WAIT_MS['session.end'], WAIT_MS['session.start']]);
});

test('a port: requests go over it one at a time; while it is busy, or once it broke, one-shots are used', async () => {
  const { fakeBrowser } = await import('./fake-browser.js');
  let release;
  const gate = new Promise((r) => { release = r; });
  const b = fakeBrowser({
    host: async (msg) => {
      if (msg.cmd === 'session.end') await gate;
      return { id: msg.id, ok: true, result: msg.cmd === 'hello' ? golden('hello') : { cmd: msg.cmd } };
    },
  });
  const client = createHostClient(b.runtime);
  assert.equal(client.connect(), true);
  assert.equal(client.connect(), true, 'one port only');
  assert.equal(b.calls.filter(([k]) => k === 'connectNative').length, 1);
  await client.request('hello');
  const end = client.request('session.end');
  // The port is busy with session.end: a hello meanwhile goes as a one-shot, and is answered first.
  const h = await client.request('hello');
  assert.equal(h.protocol, PROTOCOL);
  const via = (k, cmd) => b.calls.filter(([kind, , m]) => kind === k && m.cmd === cmd).length;
  assert.equal(via('port.postMessage', 'hello'), 1);
  assert.equal(via('sendNativeMessage', 'hello'), 1);
  release();
  assert.deepEqual(await end, { cmd: 'session.end' });
  assert.equal(via('port.postMessage', 'session.end'), 1);
  assert.equal(via('sendNativeMessage', 'session.end'), 0);
  // The host process dies: a request in flight fails (never re-sent by itself), the next goes one-shot.
  let hold;
  b.state.host = (msg) => new Promise((r) => { hold = () => r({ id: msg.id, ok: true, result: {} }); });
  const inFlight = client.request('status');
  await new Promise((r) => setTimeout(r, 5));
  b.state.ports[0].crash();
  await assert.rejects(inFlight, { code: 'host_error' });
  assert.equal(client.connected(), false);
  hold();
  b.state.host = (msg) => ({ id: msg.id, ok: true, result: { oneShot: true } });
  assert.deepEqual(await client.request('status'), { oneShot: true });
  assert.equal(via('sendNativeMessage', 'status'), 1);
});

test('a port the browser cannot open (host missing): the code is the one-shot\'s, later requests go one-shot', async () => {
  const { fakeBrowser } = await import('./fake-browser.js');
  const b = fakeBrowser({ noPort: true, host: async () => { throw new Error('Specified native messaging host not found.'); } });
  b.runtime.sendNativeMessage = async () => { throw new Error('Specified native messaging host not found.'); };
  const client = createHostClient(b.runtime);
  client.connect();
  await assert.rejects(client.request('hello'), { code: 'host_missing' });
  assert.equal(client.connected(), false);
  await assert.rejects(client.request('hello'), { code: 'host_missing' });
  // No connectNative at all (an old browser): one-shots only.
  const plain = createHostClient({ sendNativeMessage: async (n, msg) => ({ id: msg.id, ok: true, result: golden('hello') }) });
  assert.equal(plain.connect(), false);
  assert.equal((await plain.request('hello')).protocol, PROTOCOL);
});
