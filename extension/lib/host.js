// Native host client (protocol v1, host `fr.tablerase.host`).
//
// The contract with the host is not written here: the protocol version and how long each command
// may take come from contract.js, which the host's Go tests generate from the host's own types and
// budgets (host/internal/contract). `hello` is checked: a host that speaks another protocol
// version is refused (`protocol_mismatch`) and no session command is sent to it, since its
// answers could not be read truthfully; the browser part of the cleanup does not need it.
//
// One `runtime.sendNativeMessage` per request: the browser starts the host, sends one frame and
// reads one answer, so no host process (and no session lock) outlives a request, and a service
// worker that sleeps between requests loses nothing. Every request is bounded by a timeout.
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
 * @param {object} runtime  the browser's `runtime` (needs `sendNativeMessage` returning a promise)
 * @returns {{ request(cmd: string, ms?: number): Promise<object> }}
 */
export function createHostClient(runtime) {
  async function call(cmd) {
    const id = `${Date.now().toString(36)}-${++seq}`;
    let res;
    try {
      res = await runtime.sendNativeMessage(HOST_NAME, { id, cmd, args: {} });
    } catch (e) {
      throw new HostError(classifyNativeError(e && e.message), 'native messaging failed');
    }
    if (!res || typeof res !== 'object') throw new HostError('host_error', 'empty answer');
    if (res.ok === true && res.result && typeof res.result === 'object') return res.result;
    const code = res.error && typeof res.error.code === 'string' ? res.error.code : 'host_error';
    throw new HostError(code, 'host refused');
  }

  // Set by a hello of another protocol version; a later matching hello clears it.
  let mismatch = false;
  return {
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
