// The start of an accompaniment and its registration with the host (hello + session.start), tried
// again while the accompaniment goes on if it fails. Used by background.js, unit-tested with the
// fake browser (test/start-end.test.js).
//
// The accompaniment starts at the click: its time and its `active` state are written before any
// host call, so tab tracking begins at once and a page visited while the host answers (the host
// may wait 2 s for its lock; Firefox takes ~300 ms to spawn it) is within every "since the start"
// removal and its verification.

import { HostError } from './host.js';
import { effectiveScope } from './settings.js';
import { hostAttemptFailed, hostRegistered, needsRegistration, startSession } from './session.js';

/** What the popup shows of the host registration (no id: the popup needs none). */
export function hostView(session) {
  const h = (session && session.host) || {};
  return { state: h.state || 'pending', code: h.code || '', attempts: h.attempts || 0 };
}

/**
 * @param {object} deps
 * @param {object} deps.b          browser namespace (alarms, windows, extension)
 * @param {{request(cmd, ms?)}} deps.host
 * @param {ReturnType<import('./store.js').createStore>} deps.store
 * @param {() => Promise<{settings}>} deps.context
 * @param {() => Promise<void>} [deps.updateBadge]
 */
export function createStart({ b, host, store, context, updateBadge = async () => {} }) {
  async function hello() {
    try {
      const h = await host.request('hello');
      await store.setHello({ ok: true, value: h, at: Date.now() });
      return { ok: true, value: h };
    } catch (e) {
      const code = e instanceof HostError ? e.code : 'host_error';
      await store.setHello({ ok: false, code, at: Date.now() });
      return { ok: false, code };
    }
  }

  async function start() {
    const clickedAt = Date.now();
    const existing = await store.getSession();
    if (existing.state === 'active') {
      if (host.connect) host.connect();
      if (needsRegistration(existing)) registerHost();
      return { ok: true, resumed: true, host: hostView(existing) };
    }
    if (existing.state === 'ending') return { ok: false, code: 'busy' };
    // The host is kept ready for the end: a port opened now (lib/host.js), its process started
    // while the aidant works.
    if (host.connect) host.connect();
    const [{ settings }, cached] = await Promise.all([context(), store.getHello()]);
    // The scope from the last hello known; the host's answer to session.start corrects it.
    const scope = effectiveScope(settings.values.scope, cached && cached.ok && cached.value ? cached.value.scope : undefined);
    const session = startSession({ now: clickedAt, scope });
    await store.mutateSession(() => session);
    await Promise.all([store.setOthers(null), store.forgetLast()]).catch(() => {});
    await store.setRun({ phase: 'idle' });
    registerHost();
    await updateBadge();

    let privateOpened = false;
    try {
      if (await b.extension.isAllowedIncognitoAccess()) {
        await b.windows.create({ incognito: true });
        privateOpened = true;
      }
    } catch {
      privateOpened = false;
    }
    // The receipt page's « Nouvel accompagnement » then goes to the start page IT chose, if any.
    return { ok: true, resumed: false, privateOpened, startPage: settings.values.startPage || '' };
  }

  // Host registration, one attempt at a time. A timer of this page runs the next attempt at the
  // recorded `nextAt`; the `hostRetry` alarm does it too if the worker slept meanwhile (a timer
  // dies with the worker).
  let registering = null;
  let retryTimer = null;
  function registerHost() {
    if (!registering) {
      registering = registerOnce().catch(() => {}).finally(() => {
        registering = null;
      });
    }
    return registering;
  }

  async function registerOnce() {
    const before = await store.getSession();
    if (!needsRegistration(before)) {
      await stopRetry();
      return;
    }
    // Should the worker sleep during the attempt, the alarm tries again.
    await b.alarms.create('hostRetry', { periodInMinutes: 0.5 });
    let result = null;
    let code = '';
    const h = await hello();
    if (!h.ok) code = h.code;
    else {
      try {
        result = await host.request('session.start');
      } catch (e) {
        code = e.code || 'host_error';
        if (code === 'session_unfinished') {
          // A previous wipe was interrupted: finish it first (its report is not this session's).
          try {
            await host.request('session.end');
            result = await host.request('session.start');
            code = '';
          } catch (e2) {
            code = e2.code || 'host_error';
          }
        }
      }
    }
    const { settings } = await context();
    const after = await store.mutateSession((s) => {
      // Same accompaniment only; an end that began meanwhile still learns the id (its report is
      // judged against it once the host has answered).
      if (s.startedAt !== before.startedAt || (s.state !== 'active' && s.state !== 'ending') || (s.host && s.host.sessionId)) return s;
      if (!result) return hostAttemptFailed(s, code, Date.now());
      const next = hostRegistered(s, result, Date.now());
      return s.state === 'active' && result.scope ? { ...next, scope: effectiveScope(settings.values.scope, result.scope) } : next;
    });
    await scheduleRetry(after);
  }

  async function scheduleRetry(session) {
    clearTimeout(retryTimer);
    retryTimer = null;
    if (!needsRegistration(session) || session.host.state !== 'retrying') {
      await stopRetry();
      return;
    }
    retryTimer = setTimeout(() => registerHost(), Math.max(0, session.host.nextAt - Date.now()));
    await b.alarms.create('hostRetry', { periodInMinutes: 0.5 });
  }

  async function stopRetry() {
    clearTimeout(retryTimer);
    retryTimer = null;
    await b.alarms.clear('hostRetry');
  }

  return {
    hello,
    start,
    registerHost,
    scheduleRetry,
    stopRetry,
    /** The registration attempt in flight, or null. */
    registering: () => registering,
  };
}
