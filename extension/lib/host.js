// Native host client (protocol v1, host `fr.tablerase.host`).
//
// The contract with the host is not written here: the protocol version and how long each command
// may take come from contract.js, which the host's Go tests generate from the host's own types and
// budgets (host/internal/contract). `hello` is checked: a host that speaks another protocol
// version is refused (`protocol_mismatch`) and no session command is sent to it, since its
// answers could not be read truthfully; the browser part of the cleanup does not need it.
//
// Two ways to reach the host, as PROTOCOL.md says they coexist. A port (`runtime.connectNative`,
// `connect()`), opened at the start of an accompaniment and kept while the background lives: the
// host process is then already running at the end (Firefox takes 150–300 ms to spawn it), and
// reads frame after frame until the port closes; it takes the session lock per command only, so
// an idle port blocks nobody. The port answers in order, one request at a time: a request made
// while it is busy (a popup's hello during session.end), or without a port, or after the port
// broke, goes by `runtime.sendNativeMessage` (the browser starts a host for that one frame). A
// request in flight on a port that breaks fails with `host_error`, as a one-shot whose host died
// would; it is never sent again by itself. Every request is bounded by a timeout.
// Errors become `HostError` with a stable code: the protocol's codes (no_session, busy,
// session_unfinished…) or `host_missing` (not installed / not registered for this browser),
// `host_forbidden` (registered, but not for this extension id), `protocol_mismatch` (hello says
// another protocol version), `timeout`, `host_error`.
// Requests never carry a path, URL or command: only the command name and `{}` args.

import { CONTRACT } from './contract.js';
import { bounded } from './timeout.js';

export const HOST_NAME = 'fr.tablerase.host';

/** The protocol version this extension speaks (hello's `protocol` must be the same). */
export const PROTOCOL = CONTRACT.protocol;

/**
 * How long to wait for each command (ms): the host's longest time for it (its lock wait and
 * budgets) plus starting the host and carrying the frames, as derived on the Go side.
 */
export const WAIT_MS = Object.freeze({
  hello: CONTRACT.waits.hello_ms,
  status: CONTRACT.waits.hello_ms,
  'session.start': CONTRACT.waits.session_start_ms,
  'session.end': CONTRACT.waits.session_end_ms,
});

/** Error code of a host that speaks another protocol version than this extension. */
export const PROTOCOL_MISMATCH = 'protocol_mismatch';

/** True when a hello result is from a host of another protocol version (or says none). */
export function protocolMismatch(hello) {
  return !!hello && typeof hello === 'object' && hello.protocol !== PROTOCOL;
}

export class HostError extends Error {
  constructor(code, message = code) {
    super(message);
    this.name = 'HostError';
    this.code = code;
  }
}

/** Maps a browser's native-messaging failure message to a stable code. */
export function classifyNativeError(message) {
  const m = String(message || '');
  if (/not found|no such native application|not installed|manifest/i.test(m)) return 'host_missing';
  if (/forbidden/i.test(m)) return 'host_forbidden';
  if (/exited|disconnected|failed to start|error when communicating/i.test(m)) return 'host_error';
  return 'host_error';
}

let seq = 0;

/**
 * @param {object} runtime  the browser's `runtime` (needs `sendNativeMessage` returning a promise;
 *                          `connectNative` for a port)
 * @returns {{ request(cmd: string, ms?: number): Promise<object>, connect(): boolean,
 *   disconnect(): void, connected(): boolean }}
 */
export function createHostClient(runtime) {
  let port = null;
  const pending = new Map(); // id → { resolve, reject } of the request on the port

  function dropPort(message) {
    const err = new HostError(classifyNativeError(message), 'native port closed');
    port = null;
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  }

  /** Opens the port if none is open; false when the browser cannot (then one-shots are used). */
  function connect() {
    if (port) return true;
    if (!runtime || typeof runtime.connectNative !== 'function') return false;
    let p;
    try {
      p = runtime.connectNative(HOST_NAME);
    } catch {
      return false;
    }
    port = p;
    p.onMessage.addListener((res) => {
      const id = res && typeof res.id === 'string' ? res.id : null;
      const waiter = id !== null && pending.get(id);
      if (!waiter) return; // an answer to a request already given up on (timeout): ignored
      pending.delete(id);
      waiter.resolve(res);
    });
    p.onDisconnect.addListener((q) => {
      if (port !== p) return;
      const err = (q && q.error) || (runtime.lastError) || null; // Firefox: port.error; Chromium: lastError
      dropPort(err && err.message);
    });
    return true;
  }

  function disconnect() {
    const p = port;
    if (!p) return;
    dropPort('disconnected');
    try {
      p.disconnect();
    } catch {
      // already closed
    }
  }

  function viaPort(msg) {
    return new Promise((resolve, reject) => {
      pending.set(msg.id, { resolve, reject });
      try {
        port.postMessage(msg);
      } catch (e) {
        pending.delete(msg.id);
        reject(new HostError(classifyNativeError(e && e.message), 'native port failed'));
      }
    });
  }

  async function call(cmd) {
    const id = `${Date.now().toString(36)}-${++seq}`;
    const msg = { id, cmd, args: {} };
    let res;
    if (port && pending.size === 0) {
      res = await viaPort(msg);
    } else {
      try {
        res = await runtime.sendNativeMessage(HOST_NAME, msg);
      } catch (e) {
        throw new HostError(classifyNativeError(e && e.message), 'native messaging failed');
      }
    }
    if (!res || typeof res !== 'object') throw new HostError('host_error', 'empty answer');
    if (res.ok === true && res.result && typeof res.result === 'object') return res.result;
    const code = res.error && typeof res.error.code === 'string' ? res.error.code : 'host_error';
    throw new HostError(code, 'host refused');
  }

  // Set by a hello of another protocol version; a later matching hello clears it.
  let mismatch = false;
  return {
    connect,
    disconnect,
    connected: () => !!port,
    async request(cmd, ms = WAIT_MS[cmd] || WAIT_MS.hello) {
      if (mismatch && cmd !== 'hello') throw new HostError(PROTOCOL_MISMATCH, 'host speaks another protocol');
      const out = await bounded(() => call(cmd), ms);
      if (!out.ok) throw out.error instanceof HostError ? out.error : new HostError(out.code);
      if (cmd === 'hello') {
        mismatch = protocolMismatch(out.value);
        if (mismatch) throw new HostError(PROTOCOL_MISMATCH, 'host speaks another protocol');
      }
      return out.value;
    },
  };
}
