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
import { createHostClient, HostError } from './lib/host.js';
import { browserKey, offlineCacheFate, passwordsDisabled, policyLine } from './lib/policy.js';
import { effectiveScope, mergeSettings } from './lib/settings.js';
import {
  badgeFor, emptySession, needsRecovery, noteCookie, noteNavigation, noteOtherHost, otherHostsInHistory, otherHostsOf,
  shouldEndOnIdle, startSession,
} from './lib/session.js';
import { runCleanup } from './lib/cleanup.js';
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
    const h = await host.request('hello', 2500);
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

async function start() {
  const existing = await getSession();
  if (existing.state === 'active') return { ok: true, resumed: true };
  if (existing.state === 'ending') return { ok: false, code: 'busy' };
  const [{ settings }, h] = await Promise.all([context(), hello()]);
  let hostStart = null;
  let hostCode = h.ok ? '' : h.code;
  if (h.ok) {
    try {
      hostStart = await host.request('session.start', 3000);
    } catch (e) {
      hostCode = e.code || 'host_error';
      if (hostCode === 'session_unfinished') {
        // A previous wipe was interrupted: finish it first (its report is not this session's).
        try {
          await host.request('session.end', 4000);
          hostStart = await host.request('session.start', 3000);
          hostCode = '';
        } catch (e2) {
          hostCode = e2.code || 'host_error';
        }
      }
    }
  }
  const scope = effectiveScope(settings.values.scope, (hostStart && hostStart.scope) || (h.ok && h.value.scope));
  const session = startSession({ now: Date.now(), scope, host: hostStart, hostCode });
  await setOthers(null).catch(() => {});
  await mutateSession(() => session);
  await b.storage.local.set({ run: { phase: 'idle' } });
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
  return { ok: true, resumed: false, privateOpened, hostCode };
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
    // Nothing recorded by us (e.g. storage lost): still clean from the host's start, if any.
    const h = await hello();
    const started = h.ok && h.value.session && Date.parse(h.value.session.started_at);
    session = startSession({ now: started || Date.now(), scope: effectiveScope(settings.values.scope, h.ok && h.value.scope) });
  }
  session = await mutateSession((s) => ({ ...(s.state === 'none' ? session : s), state: 'ending', endReason: reason }));
  const writeRun = (phase, extra = {}) => b.storage.local.set({ run: { phase, reason, ...extra } });
  await writeRun('logout');
  await updateBadge();

  const { hello: cached } = await b.storage.local.get('hello');
  let visitedHosts = otherHostsOf(await getOthers().catch(() => null), session);
  if (reason === 'recovery' && FIREFOX) visitedHosts = [...new Set([...visitedHosts, ...await historyHosts(session, registry)])];
  const key = currentBrowserKey();
  let receipt;
  try {
    receipt = await runCleanup({
      b,
      host,
      browser: FIREFOX ? 'firefox' : 'chromium',
      session,
      visitedHosts,
      registry,
      settings: { scope: session.scope || effectiveScope(settings.values.scope), startPage: settings.values.startPage },
      passwordsPolicy: passwordsDisabled(cached && cached.ok ? cached.value : null, key),
      offlineCache: offlineCacheFate(cached && cached.ok ? cached.value : null, key, FIREFOX),
      extensionOrigin: ORIGIN,
      progress: (phase) => {
        writeRun(phase).catch(() => {});
      },
    });
  } catch {
    receipt = { status: 'failed', lines: [{ id: 'internal', status: 'failed', key: 'receiptTitleFailed', subs: [], action: 'retry' }], finishedAt: Date.now() };
  }
  await mutateSession((s) => ({ ...s, state: 'ended', endedAt: receipt.finishedAt }));
  await setOthers(null).catch(() => {}); // the other sites' names are forgotten with the session
  await writeRun('done', { receipt });
  await updateBadge();
  return receipt;
}

// ---- popup messages --------------------------------------------------------------------------

async function state() {
  const [{ settings }, h, reminders] = await Promise.all([context(), hello(), loadReminderConfig()]);
  const session = await getSession();
  const { run } = await b.storage.local.get('run');
  return {
    session: { state: session.state, startedAt: session.startedAt || 0 },
    policy: policyLine(h.ok ? h.value : null, currentBrowserKey()),
    run: run || { phase: 'idle' },
    confirmBeforeEnd: !!settings.values.confirmBeforeEnd,
    reminders: popupReminders(reminders, settings.values),
  };
}

b.runtime.onMessage.addListener((msg, sender, sendResponse) => {
  if (sender.id !== b.runtime.id || !msg || typeof msg.type !== 'string') return false;
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
  if (!first && (await getSession()).state === 'ending') end('recovery');
}).catch(() => {});
updateBadge().catch(() => {});
armIdle().catch(() => {});
