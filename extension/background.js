// Background (Chromium service worker / Firefox event page): wires browser events to lib/.
//
// It owns the session and the cleanup so that closing the popup never stops them: the popup only
// asks (runtime messages `state`, `start`, `end`) and renders what is written to storage.local
// (`session`, `run`, `hello`). Storage is lib/store.js, the start and the host registration
// lib/start.js, the end lib/end.js (then lib/cleanup.js), the session's transitions
// lib/session.js; this file only wires listeners. Listeners are registered synchronously at top level, as MV3
// requires for a worker that is woken by events.
//
// Safety nets: tab navigations and cookie changes during a session mark registry sites as used;
// an interrupted cleanup (`session.state === 'ending'` when the worker starts) is resumed; at
// browser start an unfinished session (ours, or the host's `hello` report) is cleaned; idle time
// (managed setting) ends the session by itself.

import { buildRegistry } from './lib/registry.js';
import { createHostClient } from './lib/host.js';
import { browserKey, policyLine } from './lib/policy.js';
import { badgeFor, needsRecovery, needsRegistration, noteCookie, noteNavigation, noteOtherHost, shouldEndOnIdle } from './lib/session.js';
import { createStore } from './lib/store.js';
import { createStart, hostView } from './lib/start.js';
import { createEnd } from './lib/end.js';
import { fromOwnPage } from './lib/messages.js';
import { bannerFor, loadReminders, matchPage, pickLang, popupReminders, recordShown } from './lib/reminders.js';
import { showBanner } from './content/banner.js';

const b = globalThis.browser ?? globalThis.chrome;
const FIREFOX = typeof b.runtime.getBrowserInfo === 'function';
const host = createHostClient(b.runtime);
const ORIGIN = b.runtime.getURL('');

const store = createStore(b);

let bundled = null;
async function loadBundled() {
  if (!bundled) {
    const res = await fetch(b.runtime.getURL('data/sites.json'));
    bundled = (await res.json()).sites;
  }
  return bundled;
}

async function context() {
  const [sites, settings] = await Promise.all([loadBundled(), store.settings()]);
  return { registry: buildRegistry(sites, settings.values), settings };
}

async function updateBadge() {
  const [session, run] = await Promise.all([store.getSession(), store.getRun()]);
  const badge = badgeFor(session, run && run.receipt && run.receipt.status, Date.now());
  await Promise.all([
    b.action.setBadgeText({ text: badge.text }),
    b.action.setBadgeBackgroundColor({ color: badge.color }),
    b.action.setTitle({ title: b.i18n.getMessage(badge.titleKey) }),
  ]).catch(() => {});
  if (session.state === 'active') b.alarms.create('badge', { periodInMinutes: 1 });
  else b.alarms.clear('badge');
}

function currentBrowserKey() {
  const brands = (globalThis.navigator && navigator.userAgentData && navigator.userAgentData.brands) || [];
  return browserKey({ firefox: FIREFOX, brands, brave: !!(globalThis.navigator && navigator.brave) });
}

const starter = createStart({ b, host, store, context, updateBadge });
const { hello, start, registerHost, scheduleRetry, stopRetry } = starter;
const { end } = createEnd({ b, host, store, context, starter, firefox: FIREFOX, origin: ORIGIN, browserKey: currentBrowserKey, updateBadge });

// ---- popup messages --------------------------------------------------------------------------

async function state() {
  const [{ settings }, h, reminders] = await Promise.all([context(), hello(), loadReminderConfig()]);
  const [session, run] = await Promise.all([store.getSession(), store.getRun()]);
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

// ---- tracking sites used -----------------------------------------------------------------------
// Other sites visited are kept in memory only (lib/store.js getOthers / setOthers).

function storeOfTab(tab) {
  if (tab.cookieStoreId) return tab.cookieStoreId; // Firefox
  return tab.incognito ? '1' : '0';
}

b.tabs.onUpdated.addListener((tabId, info, tab) => {
  if (!info.url && info.status !== 'complete') return;
  const url = info.url || tab.url;
  if (!url || url.startsWith(ORIGIN)) return;
  context().then(({ registry }) =>
    store.mutateSession(async (s) => {
      // Only a URL change counts as a visit: a page the aidant opened before the start that merely
      // reloads keeps its data.
      const others = await store.getOthers();
      const next = noteOtherHost(others, s, registry, { url, navigated: !!info.url });
      if (next !== others) await store.setOthers(next);
      return noteNavigation(s, registry, { tabId, url, storeId: storeOfTab(tab) });
    }),
  ).catch(() => {});
});

b.tabs.onCreated.addListener((tab) => {
  store.mutateSession((s) => (s.state === 'active' && !s.tabIds.includes(tab.id) ? { ...s, tabIds: [...s.tabIds, tab.id] } : s))
    .catch(() => {});
});

b.cookies.onChanged.addListener(({ removed, cookie }) => {
  if (removed) return;
  context().then(({ registry }) => store.mutateSession((s) => noteCookie(s, registry, cookie))).catch(() => {});
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

let remindChain = Promise.resolve();
function remind(tabId, url) {
  remindChain = remindChain.then(async () => {
    const config = await loadReminderConfig();
    if (!matchPage(config, url)) return; // most pages: decided without reading any state
    const [session, settings, shown] = await Promise.all([
      store.getSession(), store.settings(), store.getReminders()]);
    const disabled = settings.values.disabledReminders;
    const r = bannerFor({ config, url, session, shown, disabled, lang: pickLang(b.i18n.getUILanguage()) });
    if (!r) return;
    const tab = await b.tabs.get(tabId); // still on a page of the same rule?
    const now = tab && matchPage(config, tab.url, disabled);
    if (!now || now.key !== r.key) return;
    const [res] = await b.scripting.executeScript({ target: { tabId }, func: showBanner, args: [r.banner] });
    if (res && res.result === true) await store.setReminders(recordShown(shown, session, r.key));
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
    store.getSession().then((s) => {
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
  Promise.all([store.getSession(), store.settings()]).then(([session, settings]) => {
    if (shouldEndOnIdle(session, idleState, settings.values.idleMinutes)) end('idle');
  }).catch(() => {});
});

// Recovery at browser start. A session still open is marked ending at once, before the host
// answers, and its tab ids are forgotten: nothing of the new browser run may be taken for the
// crashed session's (tab ids restart, so Firefox's same numbers name the aidant's new tabs, and
// tabs opened meanwhile were recorded as the session's: both were closed by the cleanup).
function recoverAtBrowserStart() {
  const marked = store.mutateSession((s) => (s.state === 'active' || s.state === 'ending' ? { ...s, state: 'ending', tabIds: [] } : s));
  Promise.all([marked, hello()]).then(([session, h]) => {
    if (needsRecovery(session, h.ok ? h.value : null)) end('recovery');
  }).catch(() => {});
}
b.runtime.onStartup.addListener(recoverAtBrowserStart);

// runtime.onStartup never reaches an extension loaded from the command line (--load-extension:
// Chromium fires onInstalled at every start instead), so the first worker start of each browser
// run checks too: storage.session is empty after a browser (re)start, and only then.
const browserStart = store.firstInBrowserRun().catch(() => false);
browserStart.then((first) => {
  if (first) recoverAtBrowserStart();
}).catch(() => {});

b.storage.onChanged.addListener((changes, area) => {
  if (area === 'managed' || (area === 'local' && changes.settings)) armIdle().catch(() => {});
});

// Worker restart within a browser run: an interrupted cleanup is resumed (at a browser start,
// recoverAtBrowserStart does it); the badge and idle timer are restored.
browserStart.then(async (first) => {
  const s = await store.getSession();
  // An accompaniment going on: the host is kept ready for its end (lib/host.js).
  if (s.state === 'active' || s.state === 'ending') host.connect();
  if (!first && s.state === 'ending') end('recovery');
  // A registration with the host still to try: its timer died with the previous worker.
  if (!first && needsRegistration(s)) {
    if (s.host.state === 'pending') registerHost();
    else scheduleRetry(s).catch(() => {});
  }
}).catch(() => {});
updateBadge().catch(() => {});
armIdle().catch(() => {});
