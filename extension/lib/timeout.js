// Bounded steps. Every step of the cleanup runs under its own timeout and inside one overall
// deadline (cleanup.js TOTAL_MS, from contract.js): a site or the host that hangs turns into a
// "timeout" line on the receipt, it never keeps the person waiting. A step never throws to its
// caller: it settles to an outcome.

/** Error code of a step that did not finish in time. */
export const TIMEOUT = 'timeout';

/**
 * Runs `fn()` (sync or async) and settles within `ms`:
 * `{ ok: true, value }`, `{ ok: false, code: 'timeout' }` or `{ ok: false, code, error }`.
 * A late result is dropped. `clock` is injectable for tests ({ setTimeout, clearTimeout }).
 */
export function bounded(fn, ms, clock = globalThis) {
  return new Promise((resolve) => {
    let done = false;
    const finish = (outcome) => {
      if (done) return;
      done = true;
      clock.clearTimeout(timer);
      resolve(outcome);
    };
    const timer = clock.setTimeout(() => finish({ ok: false, code: TIMEOUT }), Math.max(0, ms));
    let p;
    try {
      p = Promise.resolve(fn());
    } catch (error) {
      finish({ ok: false, code: errorCode(error), error });
      return;
    }
    p.then(
      (value) => finish({ ok: true, value }),
      (error) => finish({ ok: false, code: errorCode(error), error }),
    );
  });
}

/** A stable, data-free code for an error: its `code` if it has one, else 'error'. */
export function errorCode(error) {
  return error && typeof error.code === 'string' && error.code ? error.code : 'error';
}

/**
 * An overall deadline. `budget(stepMs, reserveMs)` gives the time a step may use: its own
 * timeout, but never past the deadline minus what later steps must keep (`reserveMs`).
 */
export class Deadline {
  constructor(totalMs, now = () => Date.now()) {
    this.now = now;
    this.end = now() + totalMs;
  }

  remaining() {
    return Math.max(0, this.end - this.now());
  }

  budget(stepMs, reserveMs = 0) {
    return Math.max(0, Math.min(stepMs, this.remaining() - reserveMs));
  }
}
