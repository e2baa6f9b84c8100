// Background (Chromium service worker / Firefox event page): the thin browser layer.
//
// It owns the session and the cleanup so that closing the popup never stops them: the popup only
// asks (runtime messages `state`, `start`, `end`) and renders what this layer writes to
// storage.local (`session`, `run`, `hello`). Decisions live in lib/ (pure, unit-tested); this file
// wires browser events to them. Listeners are registered synchronously at top level, as MV3
// requires for a worker that is woken by events.
//
// Safety nets: tab navigations and cookie changes during a session mark registry sites as used;
// an interrupted cleanup (`session.state === 'ending'` when the worker starts) is resumed; at
// browser start an unfinished session (ours, or the host's `hello` report) is cleaned; idle time
// (managed setting) ends the session by itself.

import { buildRegistry } from './lib/registry.js';
import { createHostClient, HostError, PROTOCOL_MISMATCH } from './lib/host.js';
import { browserKey, offlineCacheFate, passwordsDisabled, policyLine } from './lib/policy.js';
import { effectiveScope, mergeSettings } from './lib/settings.js';
import {
  badgeFor, emptySession, endedSession, hostAttemptFailed, hostRegistered, needsRecovery, needsRegistration, noteCookie,
  noteNavigation, noteOtherHost, otherHostsInHistory, otherHostsOf, shouldEndOnIdle, startSession,
} from './lib/session.js';
import { runCleanup } from './lib/cleanup.js';
import { withoutNames } from './lib/receipt.js';
import { fromOwnPage } from './lib/messages.js';
import { bounded } from './lib/timeout.js';
import { bannerFor, loadReminders, matchPage, pickLang, popupReminders, recordShown } from './lib/reminders.js';
import { showBanner } from './content/banner.js';

const b = globalThis.browser ?? globalThis.chrome;
const FIREFOX = typeof b.runtime.getBrowserInfo === 'function';
const host = createHostClient(b.runtime);
const ORIGIN = b.runtime.getURL('');

// ---- state in storage.local --------------------------------------------------------------

let bundled = null;
async function loadBundled() {
  if (!bundled) {
    const res = await fetch(b.runtime.getURL('data/sites.json'));
    bundled = (await res.json()).sites;
  }
  return bundled;
}

async function loadSettings() {
  let managed = {};
  try {
    managed = (await b.storage.managed.get(null)) || {};
  } catch {
    managed = {}; // Firefox without a managed manifest throws: nothing managed
  }
  const { settings: local = {} } = await b.storage.local.get('settings');
  return mergeSettings(managed, local);
}

async function context() {
  const [sites, settings] = await Promise.all([loadBundled(), loadSettings()]);
  return { registry: buildRegistry(sites, settings.values), settings };
}

async function getSession() {
  const { session } = await b.storage.local.get('session');
  return session || emptySession();
}

// Session mutations are serialized: tab and cookie events arrive in bursts.
let chain = Promise.resolve();
function mutateSession(fn) {
  const next = chain.then(async () => {
    const before = await getSession();
    const after = await fn(before);
    if (after && after !== before) await b.storage.local.set({ session: after });
    return after || before;
  });
  chain = next.catch(() => {});
  return next;
}

// ---- badge ---------------------------------------------------------------------------------

async function updateBadge() {
  const [session, { run }] = await Promise.all([getSession(), b.storage.local.get('run')]);
  const badge = badgeFor(session, run && run.receipt && run.receipt.status, Date.now());
  await Promise.all([
    b.action.setBadgeText({ text: badge.text }),
    b.action.setBadgeBackgroundColor({ color: badge.color }),
    b.action.setTitle({ title: b.i18n.getMessage(badge.titleKey) }),
  ]).catch(() => {});
  if (session.state === 'active') b.alarms.create('badge', { periodInMinutes: 1 });
  else b.alarms.clear('badge');
}

// ---- host ------------------------------------------------------------------------------------

async function hello() {
  try {
    const h = await host.request('hello');
    await b.storage.local.set({ hello: { ok: true, value: h, at: Date.now() } });
    return { ok: true, value: h };
  } catch (e) {
    const code = e instanceof HostError ? e.code : 'host_error';
    await b.storage.local.set({ hello: { ok: false, code, at: Date.now() } });
    return { ok: false, code };
  }
}

function currentBrowserKey() {
  const brands = (globalThis.navigator && navigator.userAgentData && navigator.userAgentData.brands) || [];
  return browserKey({ firefox: FIREFOX, brands, brave: !!(globalThis.navigator && navigator.brave) });
}

// ---- start -----------------------------------------------------------------------------------

// The accompaniment starts at the click: its time and its `active` state are written before any
// host call, so tab tracking begins at once and a page visited while the host answers (the host
// may wait 2 s for its lock; Firefox takes ~300 ms to spawn it) is within every "since the start"
// removal and its verification. The host's snapshot (hello + session.start) follows, and is tried
// again while the accompaniment goes on if it fails (registerHost).
async function start() {
  const clickedAt = Date.now();
  const existing = await getSession();
  if (existing.state === 'active') {
    if (needsRegistration(existing)) registerHost();
    return { ok: true, resumed: true, host: hostView(existing) };
  }
  if (existing.state === 'ending') return { ok: false, code: 'busy' };
  const [{ settings }, { hello: cached }] = await Promise.all([context(), b.storage.local.get('hello')]);
  // The scope from the last hello known; the host's answer to session.start corrects it.
  const scope = effectiveScope(settings.values.scope, cached && cached.ok && cached.value ? cached.value.scope : undefined);
  const session = startSession({ now: clickedAt, scope });
  await mutateSession(() => session);
  await Promise.all([setOthers(null), forgetLast()]).catch(() => {});
  await b.storage.local.set({ run: { phase: 'idle' } });
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

/** What the popup shows of the host registration (no id: the popup needs none). */
function hostView(session) {
  const h = (session && session.host) || {};
  return { state: h.state || 'pending', code: h.code || '', attempts: h.attempts || 0 };
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
  const before = await getSession();
  if (!needsRegistration(before)) {
    await stopRetry(before);
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
  const after = await mutateSession((s) => {
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
    await stopRetry(session);
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

// ---- end (the cleanup) -----------------------------------------------------------------------

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

async function doEnd(reason) {
  const { registry, settings } = await context();
  let session = await getSession();
  if (session.state === 'none') {
    // Nothing recorded by us (e.g. storage lost): still clean from the host's start, if any, and
    // take the host's open session as ours.
    const h = await hello();
    const hs = h.ok && h.value.session;
    const started = hs && Date.parse(hs.started_at);
    session = startSession({ now: started || Date.now(), scope: effectiveScope(settings.values.scope, h.ok && h.value.scope) });
    // The host's own start is its snapshot's time: nothing downloaded before it is ours.
    if (hs && hs.id && (hs.state === 'active' || hs.state === 'ending')) session = hostRegistered(session, { session_id: hs.id }, started || 0);
    else session = hostAttemptFailed(session, h.ok ? 'no_session' : h.code, Date.now());
  } else if (session.state === 'ended') {
    // « Réessayer »: the names of the sites used were dropped from disk; they are in memory.
    session = await restoreLast(session);
  }
  // The host session an earlier end of this accompaniment already asked to end (a retry, or an
  // end interrupted by a crash): its `already_ended` report is this accompaniment's own.
  const endedBefore = (session.host && session.host.endAsked) || '';
  session = await mutateSession((s) => {
    const base = s.state === 'none' || s.state === 'ended' ? session : s;
    const h = base.host || {};
    return { ...base, state: 'ending', endReason: reason, host: { ...h, endAsked: h.sessionId || h.endAsked || '' } };
  });
  await stopRetry();
  // A start attempt still in flight: let it land first (bounded), so that the host's session.end
  // comes after its session.start and the report is judged against the id it returns.
  if (registering) await bounded(() => registering, 3000);
  const writeRun = (phase, extra = {}) => b.storage.local.set({ run: { phase, reason, ...extra } });
  await writeRun('logout');
  await updateBadge();

  const { hello: cached } = await b.storage.local.get('hello');
  const last = await getLast().catch(() => null);
  let visitedHosts = otherHostsOf(await getOthers().catch(() => null), session);
  if (last && last.startedAt === session.startedAt) visitedHosts = [...new Set([...visitedHosts, ...(last.others || [])])];
  if (reason === 'recovery' && FIREFOX) visitedHosts = [...new Set([...visitedHosts, ...await historyHosts(session, registry)])];
  const key = currentBrowserKey();
  // A host of another protocol version gets no session command: its report could not be read
  // truthfully. The browser part runs in full; the receipt says the files were not verified.
  const mismatch = !!(cached && !cached.ok && cached.code === PROTOCOL_MISMATCH);
  let receipt;
  try {
    receipt = await runCleanup({
      b,
      host: mismatch ? null : host,
      hostCode: mismatch ? PROTOCOL_MISMATCH : '',
      browser: FIREFOX ? 'firefox' : 'chromium',
      session,
      visitedHosts,
      registry,
      settings: { scope: session.scope || effectiveScope(settings.values.scope), startPage: settings.values.startPage, webmail: settings.values.webmail },
      passwordsPolicy: passwordsDisabled(cached && cached.ok ? cached.value : null, key),
      offlineCache: offlineCacheFate(cached && cached.ok ? cached.value : null, key, FIREFOX),
      extensionOrigin: ORIGIN,
      hostSession: async () => {
        const h = (await getSession()).host || {};
        return { id: h.sessionId || '', startCode: h.code || '', endedBefore, registeredAt: h.registeredAt || 0 };
      },
      progress: (phase) => {
        writeRun(phase).catch(() => {});
      },
    });
  } catch {
    receipt = { status: 'failed', lines: [{ id: 'internal', status: 'failed', key: 'receiptTitleFailed', subs: [], action: 'retry' }], finishedAt: Date.now() };
  }
  // Nothing of what the person did stays on disk: the session record drops the sites used, the
  // receipt on disk says how many sites instead of their names. Both are kept in memory
  // (storage.session) for the popup and for « Réessayer ».
  let ended = null;
  await mutateSession((s) => {
    ended = s;
    return endedSession(s, receipt.finishedAt);
  });
  await keepLast(ended, otherHostsOf(await getOthers().catch(() => null), session), receipt).catch(() => {});
  await setOthers(null).catch(() => {}); // the other sites' names are forgotten with the session
  if (remindStore === b.storage.local) await b.storage.local.remove('reminders').catch(() => {});
  await writeRun('done', { receipt: withoutNames(receipt) });
  await updateBadge();
  return receipt;
}

// ---- popup messages --------------------------------------------------------------------------

async function state() {
  const [{ settings }, h, reminders] = await Promise.all([context(), hello(), loadReminderConfig()]);
  const session = await getSession();
  const { run } = await b.storage.local.get('run');
  return {
    session: { state: session.state, startedAt: session.startedAt || 0, host: hostView(session) },
    policy: policyLine(h.ok ? h.value : null, currentBrowserKey(), h.code),
    run: run || { phase: 'idle' },
    confirmBeforeEnd: !!settings.values.confirmBeforeEnd,
    reminders: popupReminders(reminders, settings.values),
  };
}

b.runtime.onMessage.addListener((msg, sender, sendResponse) => {
  // The extension's own pages only: never a script running inside a web page (lib/messages.js).
  if (!fromOwnPage(sender, { id: b.runtime.id, origin: ORIGIN }) || !msg || typeof msg.type !== 'string') return false;
  const handlers = {
    state: () => state(),
    start: () => start(),
    // The popup does not wait for the cleanup: it follows `run` in storage.
    end: async () => {
      end(msg.retry ? 'retry' : 'popup');
      return { ok: true };
    },
  };
  const h = handlers[msg.type];
  if (!h) return false;
  h().then(sendResponse, () => sendResponse({ ok: false, code: 'internal' }));
  return true;
});

/**
 * Firefox, recovery after a crash: the memory-only list of other sites is gone, so they are read
 * from the session's history before the cleanup removes it (bounded; Chromium needs no list, its
 * `since` removal reaches every site).
 */
async function historyHosts(session, registry) {
  const read = await bounded(() => b.history.search({ text: '', startTime: session.startedAt, maxResults: 5000 }), 1000);
  return read.ok ? otherHostsInHistory(read.value, registry, session.startedAt) : [];
}

// ---- tracking sites used -----------------------------------------------------------------------

// Hosts outside the registry visited during the session (session.js noteOtherHost): memory only.
// storage.session is held in memory by the browser (Firefox 115+, Chrome 102+) and survives a
// worker restart; without it, a variable of this page (lost if the worker stops: those sites then
// keep what `since` cannot reach, as before). Never storage.local: on disk, the list would itself
// be a trace of the person's browsing.
const memory = b.storage.session || null;
let othersInPage = null;
async function getOthers() {
  if (!memory) return othersInPage;
  const { others } = await memory.get('others');
  return others || null;
}
async function setOthers(v) {
  if (!memory) othersInPage = v;
  else if (v) await memory.set({ others: v });
  else await memory.remove('others');
}

// The last session's names, for « Réessayer » after an incomplete cleanup and for the popup's
// receipt: memory only too, replaced at the next start.
async function keepLast(session, others, receipt) {
  const last = { startedAt: session.startedAt, used: session.used || {}, stores: session.stores || [], others, receipt };
  if (!memory) lastInPage = last;
  else await memory.set({ last });
}
let lastInPage = null;
async function getLast() {
  if (!memory) return lastInPage;
  const { last } = await memory.get('last');
  return last || null;
}
async function forgetLast() {
  if (!memory) lastInPage = null;
  else await memory.remove('last');
}
async function restoreLast(session) {
  const last = await getLast().catch(() => null);
  if (!last || last.startedAt !== session.startedAt) return session;
  return { ...session, used: last.used || {}, stores: last.stores || [] };
}

function storeOfTab(tab) {
  if (tab.cookieStoreId) return tab.cookieStoreId; // Firefox
  return tab.incognito ? '1' : '0';
}

b.tabs.onUpdated.addListener((tabId, info, tab) => {
  if (!info.url && info.status !== 'complete') return;
  const url = info.url || tab.url;
  if (!url || url.startsWith(ORIGIN)) return;
  context().then(({ registry }) =>
    mutateSession(async (s) => {
      // Only a URL change counts as a visit: a page the aidant opened before the start that merely
      // reloads keeps its data.
      const others = await getOthers();
      const next = noteOtherHost(others, s, registry, { url, navigated: !!info.url });
      if (next !== others) await setOthers(next);
      return noteNavigation(s, registry, { tabId, url, storeId: storeOfTab(tab) });
    }),
  ).catch(() => {});
});

b.tabs.onCreated.addListener((tab) => {
  mutateSession((s) => (s.state === 'active' && !s.tabIds.includes(tab.id) ? { ...s, tabIds: [...s.tabIds, tab.id] } : s))
    .catch(() => {});
});

b.cookies.onChanged.addListener(({ removed, cookie }) => {
  if (removed) return;
  context().then(({ registry }) => mutateSession((s) => noteCookie(s, registry, cookie))).catch(() => {});
});

// ---- charter reminders --------------------------------------------------------------------------
// A banner on the pages where a rule of the charter matters (lib/reminders.js decides; the banner is
// content/banner.js), during an accompaniment only, once per page per accompaniment. It is injected
// with scripting.executeScript into the top frame of a matching page only: no content script runs
// on any other page. Nothing of the page is read; only the rule key is recorded (`reminders`, in
// storage.session: memory only, nothing about the person's pages is written to disk).

let reminderConfig = null;
async function loadReminderConfig() {
  if (!reminderConfig) {
    const res = await fetch(b.runtime.getURL('data/reminders.json'));
    reminderConfig = loadReminders(await res.json());
  }
  return reminderConfig;
}

const remindStore = b.storage.session || b.storage.local;
let remindChain = Promise.resolve();
function remind(tabId, url) {
  remindChain = remindChain.then(async () => {
    const config = await loadReminderConfig();
    if (!matchPage(config, url)) return; // most pages: decided without reading any state
    const [session, settings, { reminders: shown }] = await Promise.all([
      getSession(), loadSettings(), remindStore.get('reminders')]);
    const disabled = settings.values.disabledReminders;
    const r = bannerFor({ config, url, session, shown, disabled, lang: pickLang(b.i18n.getUILanguage()) });
    if (!r) return;
    const tab = await b.tabs.get(tabId); // still on a page of the same rule?
    const now = tab && matchPage(config, tab.url, disabled);
    if (!now || now.key !== r.key) return;
    const [res] = await b.scripting.executeScript({ target: { tabId }, func: showBanner, args: [r.banner] });
    if (res && res.result === true) await remindStore.set({ reminders: recordShown(shown, session, r.key) });
  }).catch(() => {}); // no access to this tab (private window not allowed, error page…): no banner
  return remindChain;
}

b.tabs.onUpdated.addListener((tabId, info, tab) => {
  // A page finished loading, or a single-page site changed its URL.
  if (info.status !== 'complete' && !(info.url && tab.status === 'complete')) return;
  if (tab.url && tab.url.startsWith('https:')) remind(tabId, tab.url);
});

// ---- safety nets -------------------------------------------------------------------------------

b.alarms.onAlarm.addListener((alarm) => {
  if (alarm.name === 'badge') updateBadge().catch(() => {});
  if (alarm.name === 'hostRetry') {
    getSession().then((s) => {
      // Not before the backoff's time (the timer of a live worker keeps it); always after it.
      if (needsRegistration(s) && Date.now() >= (s.host.nextAt || 0) - 500) registerHost();
      else if (!needsRegistration(s)) stopRetry();
    }).catch(() => {});
  }
});

async function armIdle() {
  const { settings } = await context();
  const min = settings.values.idleMinutes;
  if (min > 0) b.idle.setDetectionInterval(Math.max(15, min * 60));
}

b.idle.onStateChanged.addListener((idleState) => {
  Promise.all([getSession(), loadSettings()]).then(([session, settings]) => {
    if (shouldEndOnIdle(session, idleState, settings.values.idleMinutes)) end('idle');
  }).catch(() => {});
});

// Recovery at browser start. A session still open is marked ending at once, before the host
// answers, and its tab ids are forgotten: nothing of the new browser run may be taken for the
// crashed session's (tab ids restart, so Firefox's same numbers name the aidant's new tabs, and
// tabs opened meanwhile were recorded as the session's: both were closed by the cleanup).
function recoverAtBrowserStart() {
  const marked = mutateSession((s) => (s.state === 'active' || s.state === 'ending' ? { ...s, state: 'ending', tabIds: [] } : s));
  Promise.all([marked, hello()]).then(([session, h]) => {
    if (needsRecovery(session, h.ok ? h.value : null)) end('recovery');
  }).catch(() => {});
}
b.runtime.onStartup.addListener(recoverAtBrowserStart);

// runtime.onStartup never reaches an extension loaded from the command line (--load-extension:
// Chromium fires onInstalled at every start instead), so the first worker start of each browser
// run checks too: storage.session is empty after a browser (re)start, and only then.
const browserStart = b.storage.session
  ? b.storage.session.get('browserRun').then(({ browserRun }) => !browserRun, () => false)
  : Promise.resolve(false);
browserStart.then((first) => {
  if (!first) return;
  b.storage.session.set({ browserRun: Date.now() }).catch(() => {});
  recoverAtBrowserStart();
}).catch(() => {});

b.storage.onChanged.addListener((changes, area) => {
  if (area === 'managed' || (area === 'local' && changes.settings)) armIdle().catch(() => {});
});

// Worker restart within a browser run: an interrupted cleanup is resumed (at a browser start,
// recoverAtBrowserStart does it); the badge and idle timer are restored.
browserStart.then(async (first) => {
  const s = await getSession();
  if (!first && s.state === 'ending') end('recovery');
  // A registration with the host still to try: its timer died with the previous worker.
  if (!first && needsRegistration(s)) {
    if (s.host.state === 'pending') registerHost();
    else scheduleRetry(s).catch(() => {});
  }
}).catch(() => {});
updateBadge().catch(() => {});
armIdle().catch(() => {});
