#!/usr/bin/env node
// A stand-in for the `tablerase` native host (protocol v1), for developing the smoke test before
// the real host builds: `TABLERASE_HOST=fake npm run smoke`. It answers hello / session.start /
// session.end / status from a state file in $XDG_STATE_HOME and deletes nothing. Its answers are
// the goldens the host's Go types produce (test/golden.js), with this session's id and times;
// FAKE_TABLERASE_PROTOCOL=<n> makes it announce another protocol version (the popup's mismatch line).
import fs from 'node:fs';
import path from 'node:path';
import { golden } from '../golden.js';

const stateFile = path.join(process.env.XDG_STATE_HOME || '/tmp', 'fake-tablerase.json');
const load = () => { try { return JSON.parse(fs.readFileSync(stateFile, 'utf8')); } catch { return { state: 'none' }; } };
const save = (s) => fs.writeFileSync(stateFile, JSON.stringify(s));

function answer(req) {
  const s = load();
  const session = { state: s.state, id: s.id || '', started_at: s.started_at || '', unfinished: false };
  switch (req.cmd) {
    case 'hello': {
      const h = golden('hello');
      return { ...h, version: '0.0.0-fake', protocol: Number(process.env.FAKE_TABLERASE_PROTOCOL) || h.protocol, session };
    }
    case 'status':
      return { session };
    case 'session.start': {
      if (s.state === 'active') return { ...golden('session-start'), session_id: s.id, started_at: s.started_at, resumed: true };
      const n = { state: 'active', id: 'fake-session', started_at: new Date().toISOString() };
      save(n);
      return { ...golden('session-start'), session_id: n.id, started_at: n.started_at, resumed: false };
    }
    case 'session.end': {
      if (s.state === 'none') throw Object.assign(new Error('no session'), { code: 'no_session' });
      save({ ...s, state: 'ended' });
      return { ...golden('session-end-nothing'), session_id: s.id, started_at: s.started_at, ended_at: new Date().toISOString(),
        duration_ms: 1, already_ended: s.state === 'ended' };
    }
    default:
      throw Object.assign(new Error('unknown'), { code: 'unknown_cmd' });
  }
}

let buf = Buffer.alloc(0);
process.stdin.on('data', (chunk) => {
  buf = Buffer.concat([buf, chunk]);
  while (buf.length >= 4) {
    const len = buf.readUInt32LE(0);
    if (buf.length < 4 + len) return;
    const req = JSON.parse(buf.subarray(4, 4 + len).toString('utf8'));
    buf = buf.subarray(4 + len);
    let res;
    try {
      res = { id: req.id, ok: true, result: answer(req) };
    } catch (e) {
      res = { id: req.id, ok: false, error: { code: e.code || 'internal', message: e.message } };
    }
    const body = Buffer.from(JSON.stringify(res));
    const head = Buffer.alloc(4);
    head.writeUInt32LE(body.length);
    process.stdout.write(Buffer.concat([head, body]));
  }
});
process.stdin.on('end', () => process.exit(0));
