// The end of an accompaniment: marks the session `ending`, runs the cleanup (cleanup.js) with what
// the background knows (the sites used, the other sites in memory, the host's last hello), then
// keeps on disk only what carries no name and writes the receipt. Once at a time. Used by
// background.js, unit-tested with the fake browser (test/start-end.test.js).

import { PROTOCOL_MISMATCH } from './host.js';
import { offlineCacheFate, passwordsDisabled } from './policy.js';
import { effectiveScope } from './settings.js';
import { endedSession, hostAttemptFailed, hostRegistered, otherHostsInHistory, otherHostsOf, startSession } from './session.js';
import { runCleanup } from './cleanup.js';
import { CONTRACT } from './contract.js';
import { withoutNames } from './receipt.js';
import { bounded } from './timeout.js';

/**
 * @param {object} deps
 * @param {object} deps.b
 * @param {{request(cmd, ms?)}} deps.host
 * @param {ReturnType<import('./store.js').createStore>} deps.store
 * @param {() => Promise<{registry, settings}>} deps.context
 * @param {ReturnType<import('./start.js').createStart>} deps.starter
 * @param {boolean} deps.firefox
 * @param {string} deps.origin         the extension's own origin (runtime.getURL(''))
 * @param {() => string} deps.browserKey  policy.js browserKey of this browser
 * @param {() => Promise<void>} [deps.updateBadge]
 * @param {(ctx: object) => Promise<object>} [deps.cleanup]  runCleanup (tests may wrap it)
 */
export function createEnd({ b, host, store, context, starter, firefox, origin, browserKey, updateBadge = async () => {}, cleanup = runCleanup }) {
  let running = null;

  /** Runs the cleanup once at a time; `reason` is 'popup' | 'idle' | 'recovery' | 'retry'. */
  function end(reason) {
    if (!running) {
      running = doEnd(reason).finally(() => {
        running = null;
      });
    }
    return running;
  }

  /**
   * Firefox, recovery after a crash: the memory-only list of other sites is gone, so they are read
   * from the session's history before the cleanup removes it (bounded; Chromium needs no list, its
   * `since` removal reaches every site).
   */
  async function historyHosts(session, registry) {
    const read = await bounded(() => b.history.search({ text: '', startTime: session.startedAt, maxResults: 5000 }), 1000);
    return read.ok ? otherHostsInHistory(read.value, registry, session.startedAt) : [];
  }

  async function doEnd(reason) {
    // No port yet (a worker that restarted, a recovery): the host starts now, alongside the rest.
    if (host.connect) host.connect();
    // Each storage call is a round trip (tens of ms in a loaded Firefox): those that do not depend
    // on one another go together, here and below.
    const [{ registry, settings }, read] = await Promise.all([context(), store.getSession()]);
    let session = read;
    if (session.state === 'none') {
      // Nothing recorded by us (e.g. storage lost): still clean from the host's start, if any, and
      // take the host's open session as ours.
      const h = await starter.hello();
      const hs = h.ok && h.value.session;
      const started = hs && Date.parse(hs.started_at);
      session = startSession({ now: started || Date.now(), scope: effectiveScope(settings.values.scope, h.ok && h.value.scope) });
      // The host's own start is its snapshot's time: nothing downloaded before it is ours.
      if (hs && hs.id && (hs.state === 'active' || hs.state === 'ending')) session = hostRegistered(session, { session_id: hs.id }, started || 0);
      else session = hostAttemptFailed(session, h.ok ? 'no_session' : h.code, Date.now());
    } else if (session.state === 'ended') {
      // « Réessayer »: the names of the sites used were dropped from disk; they are in memory.
      session = await store.restoreLast(session);
    }
    // The host session an earlier end of this accompaniment already asked to end (a retry, or an
    // end interrupted by a crash): its `already_ended` report is this accompaniment's own.
    const endedBefore = (session.host && session.host.endAsked) || '';
    session = await store.mutateSession((s) => {
      const base = s.state === 'none' || s.state === 'ended' ? session : s;
      const h = base.host || {};
      return { ...base, state: 'ending', endReason: reason, host: { ...h, endAsked: h.sessionId || h.endAsked || '' } };
    });
    // A start attempt still in flight: let it land first, so that the host's session.end comes
    // after its session.start and the report is judged against the id it returns. Bounded by the
    // contract's time before the host (budgets.json before_host_ms): the browser steps that
    // precede session.end now take tens of ms, so that allowance is this wait's.
    const inFlight = starter.registering();
    const writeRun = (phase, extra = {}) => store.setRun({ phase, reason, ...extra });
    // The badge is not waited for.
    const [, , cached, last, others] = await Promise.all([
      starter.stopRetry(),
      inFlight ? bounded(() => inFlight, CONTRACT.budgets.extension.before_host_ms) : null,
      store.getHello(), store.getLast().catch(() => null), store.getOthers().catch(() => null), writeRun('logout'),
    ]);
    updateBadge().catch(() => {});
    let visitedHosts = otherHostsOf(others, session);
    if (last && last.startedAt === session.startedAt) visitedHosts = [...new Set([...visitedHosts, ...(last.others || [])])];
    if (reason === 'recovery' && firefox) visitedHosts = [...new Set([...visitedHosts, ...await historyHosts(session, registry)])];
    const key = browserKey();
    // A host of another protocol version gets no session command: its report could not be read
    // truthfully. The browser part runs in full; the receipt says the files were not verified.
    const mismatch = !!(cached && !cached.ok && cached.code === PROTOCOL_MISMATCH);
    let receipt;
    try {
      receipt = await cleanup({
        b,
        host: mismatch ? null : host,
        hostCode: mismatch ? PROTOCOL_MISMATCH : '',
        browser: firefox ? 'firefox' : 'chromium',
        session,
        visitedHosts,
        registry,
        settings: { scope: session.scope || effectiveScope(settings.values.scope), startPage: settings.values.startPage, webmail: settings.values.webmail },
        passwordsPolicy: passwordsDisabled(cached && cached.ok ? cached.value : null, key),
        offlineCache: offlineCacheFate(cached && cached.ok ? cached.value : null, key, firefox),
        extensionOrigin: origin,
        hostSession: async () => {
          const h = (await store.getSession()).host || {};
          return { id: h.sessionId || '', startCode: h.code || '', endedBefore, registeredAt: h.registeredAt || 0 };
        },
        progress: (phase, extra) => {
          if (phase !== 'lines') {
            writeRun(phase).catch(() => {});
            return;
          }
          // The browser's lines, verified: in memory with the sites' names, on disk without
          // (withoutNames), the memory copy written first so that the page finds it.
          store.keepPending(session.startedAt, extra.lines).catch(() => {})
            .then(() => writeRun('lines', { lines: withoutNames({ lines: extra.lines }).lines }))
            .catch(() => {});
        },
      });
    } catch {
      receipt = { status: 'failed', lines: [{ id: 'internal', status: 'failed', key: 'receiptTitleFailed', subs: [], action: 'retry' }], finishedAt: Date.now() };
    }
    // Nothing of what the person did stays on disk: the session record drops the sites used, the
    // receipt on disk says how many sites instead of their names. Both are kept in memory
    // (storage.session) for the popup and for « Réessayer ».
    let ended = null;
    const [, othersAtEnd] = await Promise.all([
      store.mutateSession((s) => {
        ended = s;
        return endedSession(s, receipt.finishedAt);
      }),
      store.getOthers().catch(() => null),
      store.forgetDiskReminders().catch(() => {}),
    ]);
    // The names in memory first, so that the page showing the receipt finds them.
    await store.keepLast(ended, otherHostsOf(othersAtEnd, session), receipt).catch(() => {});
    await Promise.all([
      store.setOthers(null).catch(() => {}), // the other sites' names are forgotten with the session
      writeRun('done', { receipt: withoutNames(receipt) }),
    ]);
    await updateBadge();
    // No host process outlives the accompaniment: the next start opens a new port (and so reads
    // the configuration as it is then).
    if (host.disconnect) host.disconnect();
    return receipt;
  }

  return { end, running: () => running };
}
