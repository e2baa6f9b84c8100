// Native host client (protocol v1, host `fr.tablerase.host`).
//
// One `runtime.sendNativeMessage` per request: the browser starts the host, sends one frame and
// reads one answer, so no host process (and no session lock) outlives a request, and a service
// worker that sleeps between requests loses nothing. Every request is bounded by a timeout.
// Errors become `HostError` with a stable code: the protocol's codes (no_session, busy,
// session_unfinished…) or `host_missing` (not installed / not registered for this browser),
// `host_forbidden` (registered, but not for this extension id), `timeout`, `host_error`.
// Requests never carry a path, URL or command: only the command name and `{}` args.

import { bounded } from './timeout.js';

export const HOST_NAME = 'fr.tablerase.host';

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

  return {
    async request(cmd, ms = 4000) {
      const out = await bounded(() => call(cmd), ms);
      if (out.ok) return out.value;
      throw out.error instanceof HostError ? out.error : new HostError(out.code);
    },
  };
}
