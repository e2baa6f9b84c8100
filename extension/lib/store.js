// Every storage call of the background, behind one small API (the only module that touches
// `storage.local`, `storage.session` or `storage.managed` for the background).
//
// On disk (storage.local): `session` (session.js record, no personal data once ended), `run` (the
// cleanup's phase, then the receipt without names), `hello` (the host's last answer), `settings`
// (options page). In memory (storage.session: held in memory by the browser, Firefox 115+, Chrome
// 102+, survives a worker restart, emptied at a browser start; without it, variables of this
// page): the other sites visited (`others`), the last session's names (`last`), the reminders
// shown, and the browser-run marker. Never on disk: the other sites' names would themselves be a
// trace of the person's browsing.

import { mergeSettings } from './settings.js';
import { emptySession } from './session.js';

/** @param {object} b  browser namespace (or the test fake) */
export function createStore(b) {
  const local = b.storage.local;
  const memory = b.storage.session || null;
  const inPage = {}; // memory fallback without storage.session

  const memGet = async (key) => {
    if (!memory) return inPage[key] ?? null;
    const got = await memory.get(key);
    return got[key] ?? null;
  };
  const memSet = async (key, v) => {
    if (!memory) inPage[key] = v;
    else if (v === null || v === undefined) await memory.remove(key);
    else await memory.set({ [key]: v });
  };

  const getSession = async () => {
    const { session } = await local.get('session');
    return session || emptySession();
  };

  // Session mutations are serialized: tab and cookie events arrive in bursts.
  let chain = Promise.resolve();
  function mutateSession(fn) {
    const next = chain.then(async () => {
      const before = await getSession();
      const after = await fn(before);
      if (after && after !== before) await local.set({ session: after });
      return after || before;
    });
    chain = next.catch(() => {});
    return next;
  }

  // Reminders shown: in memory where possible, else on disk (removed at the end of each session).
  const remindArea = memory || local;

  return {
    /** Managed settings (IT) merged over the options page's. */
    async settings() {
      let managed = {};
      try {
        managed = (await b.storage.managed.get(null)) || {};
      } catch {
        managed = {}; // Firefox without a managed manifest throws: nothing managed
      }
      const { settings: own = {} } = await local.get('settings');
      return mergeSettings(managed, own);
    },
    getSession,
    mutateSession,
    async getRun() {
      const { run } = await local.get('run');
      return run || null;
    },
    setRun: (run) => local.set({ run }),
    async getHello() {
      const { hello } = await local.get('hello');
      return hello || null;
    },
    setHello: (hello) => local.set({ hello }),

    // Hosts outside the registry visited during the session (session.js noteOtherHost): memory only.
    getOthers: () => memGet('others'),
    setOthers: (v) => memSet('others', v || null),

    // The last session's names, for « Réessayer » after an incomplete cleanup and for the popup's
    // receipt: memory only too, replaced at the next start.
    keepLast: (session, others, receipt) => memSet('last', {
      startedAt: session.startedAt, used: session.used || {}, stores: session.stores || [], others, receipt,
    }),
    getLast: () => memGet('last'),
    /** The lines verified so far, with the sites' names (memory only; the page shows them). */
    keepPending: (startedAt, lines) => memSet('pending', { startedAt, lines }),
    forgetLast: () => Promise.all([memSet('last', null), memSet('pending', null)]),
    /** The session with the names of the sites used put back from memory (same accompaniment only). */
    async restoreLast(session) {
      const last = await memGet('last').catch(() => null);
      if (!last || last.startedAt !== session.startedAt) return session;
      return { ...session, used: last.used || {}, stores: last.stores || [] };
    },

    async getReminders() {
      const { reminders } = await remindArea.get('reminders');
      return reminders;
    },
    setReminders: (reminders) => remindArea.set({ reminders }),
    /** At the end of a session: the reminders shown are forgotten when they were on disk. */
    async forgetDiskReminders() {
      if (remindArea === local) await local.remove('reminders');
    },

    /**
     * Whether this is the first worker start of this browser run (storage.session is empty after a
     * browser (re)start, and only then); marks the run. False without storage.session.
     */
    async firstInBrowserRun() {
      if (!memory) return false;
      const { browserRun } = await memory.get('browserRun').catch(() => ({ browserRun: 1 }));
      if (browserRun) return false;
      await memory.set({ browserRun: Date.now() }).catch(() => {});
      return true;
    },
  };
}
