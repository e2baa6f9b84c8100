import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyNativeError, createHostClient, HOST_NAME } from '../lib/host.js';

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
      return { id: msg.id, ok: true, result: { protocol: 1 } };
    },
  });
  assert.deepEqual(await client.request('hello'), { protocol: 1 });
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
