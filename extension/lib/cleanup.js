// The cleanup run: executes a plan (plan.js) against the browser API and the native host, bounded
// as a whole (TOTAL_MS) and step by step, then verifies and builds the receipt (receipt.js).
//
// The host gets its whole wait: session.end may take the host's lock wait plus its longest step
// (contract.js, from the host's own budgets), so every step before it keeps that wait and the
// verification in reserve, and the whole run is that much longer than the browser steps alone.
//
// Order matters: the files of downloads the host will not delete (plan.js planEarlyDownloads) go
// first, while the downloads list still names them; logout pages need the cookies, so they go
// next (only Firefox's history removal, its slowest and needing nothing, comes before them); cookies, site data, the whole-profile removal and the tabs run
// together; the host wipes files once the tabs that could hold them open are closed, alongside the
// browser's removals; verification re-reads what it can last. One failing or hanging step never
// stops the others: each settles to an outcome that becomes a receipt line. Each step's start and
// duration go on the run record (`steps`), to explain a slow run without any personal data.
//
// `b` is the browser namespace (`browser` in Firefox, `chrome` in Chromium, promise-returning MV3
// APIs) or the test fake; nothing here depends on which.

import { CONTRACT } from './contract.js';
import { WAIT_MS } from './host.js';
import { bounded, Deadline } from './timeout.js';
import {
  cookieQuery, cookieRemoval, cookiesInScope, earlyDownloadTargets, judgeEarlyDownloads, keepsOwnSessions, planCleanup, planEarlyDownloads, planLogoutTab,
  planForget, planStartPage, planTabs,
} from './plan.js';
import { buildReceipt } from './receipt.js';
import { siteForUrl } from './registry.js';

export const TOTAL_MS = CONTRACT.budgets.extension.cleanup_ms;
export const STEP_MS = Object.freeze({
  early: 1500, headStart: 2000, logout: 2500, browser: 3000,
  host: WAIT_MS['session.end'], verify: CONTRACT.budgets.extension.verify_ms,
});
/** What a step before the host keeps at least for logout pages, and for closing the tabs. */
export const MIN_MS = Object.freeze({ logout: 1000, tabs: 1000 });

/** Reads cookies for a query in every partition; falls back where `partitionKey` is unknown. */
export async function getCookies(b, q) {
  try {
    return cookiesInScope(await b.cookies.getAll(cookieQuery(q, true)), q);
  } catch {
    return cookiesInScope(await b.cookies.getAll(cookieQuery(q, false)), q);
  }
}

/** Stores the extension can see (regular; private ones only with private access). */
export async function cookieStoreIds(b) {
  try {
    const stores = await b.cookies.getAllCookieStores();
    return stores.map((s) => s.id).filter(Boolean);
  } catch {
    return [];
  }
}

/**
 * Opens a logout URL in a background tab of the store the site was used in (plan.js
 * planLogoutTab: `create` a tab, or a regular `window` when none is open), waits for it to load
 * (bounded by the caller), closes it. A load that ends on an HTTP error or a network failure is a
 * failed logout (the tab still completes, on an error page): the main-frame request's outcome is
 * read from webRequest where the browser has it (no blocking, the host permissions suffice).
 */
async function openLogout(b, target) {
  const seen = []; // main-frame outcomes by tab id, recorded before the tab id is known
  const onDone = (d) => {
    if (d && d.type === 'main_frame') seen.push({ tabId: d.tabId, status: Number(d.statusCode) || 0, error: d.error || '' });
  };
  const wr = b.webRequest;
  const filter = { urls: ['<all_urls>'], types: ['main_frame'] };
  if (wr) {
    wr.onCompleted.addListener(onDone, filter);
    wr.onErrorOccurred.addListener(onDone, filter);
  }
  let tab = null;
  try {
    tab = target.window ? (await b.windows.create(target.window)).tabs[0] : await b.tabs.create(target.create);
    // Firefox returns the new tab `complete` on about:blank, before the navigation has started:
    // closing it then cancels the logout request. Only a completed load of a real URL counts.
    const blank = (t) => !!t && (!t.url || t.url === 'about:blank');
    await new Promise((resolve) => {
      const onUpdated = (id, info, t) => {
        if (id === tab.id && info.status === 'complete' && !blank(t)) {
          b.tabs.onUpdated.removeListener(onUpdated);
          resolve();
        }
      };
      b.tabs.onUpdated.addListener(onUpdated);
      if (tab.status === 'complete') onUpdated(tab.id, { status: 'complete' }, tab);
    });
    await new Promise((r) => setTimeout(r, 20)); // an error event may trail the tab's `complete`
    const last = seen.filter((o) => o.tabId === tab.id).pop();
    if (last && last.error) throw Object.assign(new Error('logout page failed'), { code: 'logout_network' });
    if (last && last.status >= 400) throw Object.assign(new Error('logout page failed'), { code: 'logout_http' });
  } finally {
    if (wr) {
      wr.onCompleted.removeListener(onDone);
      wr.onErrorOccurred.removeListener(onDone);
    }
    if (tab) b.tabs.remove(tab.id).catch(() => {});
  }
}

/**
 * A private store (Chromium incognito `1`, Firefox `firefox-private`) exists only while a private
 * window is open; the cleanup closes those windows, and the browser then drops the store with all
 * its cookies. A query or removal in a private store that is no longer there is done, not failed.
 */
const PRIVATE_STORES = new Set(['1', 'firefox-private']);
async function privateStoreGone(b, storeId) {
  if (!PRIVATE_STORES.has(storeId)) return false;
  try {
    return !(await b.cookies.getAllCookieStores()).some((s) => s.id === storeId);
  } catch {
    return false;
  }
}

/** getCookies, with a vanished private store read as empty (see privateStoreGone). */
async function getCookiesOrGone(b, q) {
  try {
    return await getCookies(b, q);
  } catch (e) {
    if (await privateStoreGone(b, q.storeId)) return [];
    throw e;
  }
}

/**
 * Removes the cookies the queries find. All calls at once: each is a round trip to the browser
 * process and they do not depend on each other (one after the other cost ~0.5 s in Firefox). A
 * cookie two queries find is removed once.
 */
async function removeCookies(b, queries) {
  const found = new Map();
  for (const list of await Promise.all(queries.map((q) => getCookiesOrGone(b, q)))) {
    for (const c of list) {
      found.set(JSON.stringify([c.storeId, c.domain, c.path, c.name, c.partitionKey || null, c.firstPartyDomain || null]), c);
    }
  }
  const cookies = [...found.values()];
  const results = await Promise.allSettled(cookies.map((c) => b.cookies.remove(cookieRemoval(c))));
  const failed = await Promise.all(results.map(async (r, i) => r.status === 'rejected' && !(await privateStoreGone(b, cookies[i].storeId))));
  if (failed.some(Boolean)) {
    throw Object.assign(new Error('cookie removal failed'), { code: 'cookies_failed' });
  }
}

async function closeTabs(b, session, registry, settings, extensionOrigin) {
  const tabs = await b.tabs.query({});
  const plan = planTabs(tabs, {
    scope: settings.scope,
    sessionTabIds: session.tabIds || [],
    extensionOrigin,
    // A tab on the aidant's own webmail, never seen during the session, stays (plan.js keepsOwnSessions).
    isRegistryUrl: (u) => {
      const site = siteForUrl(registry, u);
      return !!site && !keepsOwnSessions(site, settings);
    },
  });
  // The receipt page first, active, in a regular window (plan.js planStartPage): closing the rest
  // never closes the browser, and the receipt is what is on screen at the end.
  const open = planStartPage(tabs, { close: plan.close, receiptUrl: extensionOrigin ? `${extensionOrigin}receipt/receipt.html` : '' });
  if (open.focus) {
    await b.tabs.update(open.focus.tabId, { active: true });
    if (b.windows.update) await b.windows.update(open.focus.windowId, { focused: true }).catch(() => {});
  } else if (open.create) await b.tabs.create(open.create);
  else await b.windows.create(open.window);
  if (plan.close.length) await b.tabs.remove(plan.close);
  await forgetClosed(b, settings.scope === 'all' ? 0 : Math.max(0, Math.floor(session.startedAt || 0)));
}

/** Reads "recently closed" (null without the sessions API). */
async function recentlyClosed(b) {
  if (!b.sessions || typeof b.sessions.getRecentlyClosed !== 'function') return null;
  return b.sessions.getRecentlyClosed({});
}

/**
 * Forgets the tabs and windows closed since `since` from "recently closed" (Ctrl+Shift+T would
 * reopen the person's pages for the next user), once the tabs are closed: the whole-profile
 * history removal runs alongside and may purge before the last close. Firefox has
 * sessions.forgetClosedTab / forgetClosedWindow. Chromium has no such call, but its history
 * removal deletes the closed tabs of its time range: it is run again, history only. Two passes: a
 * tab still closing (a logout page) may appear after the first read.
 */
export async function forgetClosed(b, since) {
  for (let pass = 0; pass < 2; pass++) {
    const p = planForget(await recentlyClosed(b), since);
    if (!p.tabs.length && !p.windows.length) return;
    if (typeof b.sessions.forgetClosedTab === 'function') {
      // allSettled: an entry the history removal purged meanwhile is no failure; verify re-reads.
      await Promise.allSettled([
        ...p.tabs.map((t) => b.sessions.forgetClosedTab(t.windowId, t.sessionId)),
        ...p.windows.map((id) => b.sessions.forgetClosedWindow(id)),
      ]);
    } else {
      await b.browsingData.remove(since > 0 ? { since } : {}, { history: true });
    }
  }
}

/**
 * The history head start (plan.js `browsing.headStart`). With `allIfNothingOlder`, when neither
 * the history nor the downloads list holds anything older than the range, the whole history is
 * cleared: the same result, cheaper than removing the range visit by visit (Firefox, 5,000
 * entries, measured ~1.5 s against ~2.2 s). Downloads too, because Firefox empties the finished
 * downloads list when the whole history is cleared. Otherwise the range.
 */
async function historyHeadStart(b, headStart) {
  const since = headStart.options.since || 0;
  if (headStart.allIfNothingOlder && b.history && typeof b.history.deleteAll === 'function') {
    const [visits, downloads] = since > 0
      ? await Promise.all([
        b.history.search({ text: '', startTime: 0, endTime: since - 1, maxResults: 1 }),
        b.downloads.search({ startedBefore: new Date(since).toISOString(), limit: 1 }),
      ])
      : [[], []];
    if (!visits.length && !downloads.length) return b.history.deleteAll();
  }
  return b.browsingData.remove(headStart.options, headStart.dataTypes);
}

/**
 * Deletes the files of the downloads `plan` covers (plan.js planEarlyDownloads), then re-reads
 * them: only what the browser reports gone counts. In progress ones are cancelled first (the
 * browser deletes the partial file; removeFile takes finished downloads only). One failing call
 * does not stop the others. Nothing here learns a file name.
 */
export async function removeEarlyDownloads(b, plan) {
  const q = { startedAfter: plan.startedAfter };
  let items = await b.downloads.search(q);
  const { ids, cancel } = earlyDownloadTargets(items, plan);
  if (!ids.length) return { mode: plan.mode, found: 0, removed: 0, left: 0 };
  if (cancel.length) {
    await Promise.allSettled(cancel.map((id) => b.downloads.cancel(id)));
    items = await b.downloads.search(q); // one may have finished meanwhile: its file is removed below
  }
  const finished = items.filter((d) => ids.includes(d.id) && d.state === 'complete' && d.exists !== false);
  await Promise.allSettled(finished.map((d) => b.downloads.removeFile(d.id)));
  return { mode: plan.mode, ...judgeEarlyDownloads(ids, await b.downloads.search(q)) };
}

/**
 * History items that count at verification: neither a start page IT configured nor the
 * extension's own pages (the receipt page opened at the end; browsers do not record extension
 * pages, this makes sure).
 */
export function countHistory(items, startPage, extensionOrigin = '') {
  let origin = '';
  try {
    origin = startPage ? new URL(startPage).origin : '';
  } catch {
    origin = '';
  }
  const ours = (u) => (origin && u.startsWith(`${origin}/`)) || (extensionOrigin && u.startsWith(extensionOrigin));
  return items.filter((h) => !(typeof h.url === 'string' && ours(h.url))).length;
}

async function verify(b, plan, startPage, extensionOrigin) {
  const out = {
    cookiesLeft: null, history: null, downloads: null, unverified: [], othersLeft: null, othersUnverified: 0, closedLeft: null,
  };
  const left = {};
  const unverified = new Set();
  const othersBlind = new Set(); // other sites (siteId null): counted, never named
  let othersLeft = 0;
  const seen = new Map();
  // Without host access (an IT-added site, or a host permission the person withheld in Firefox)
  // cookies.getAll sees nothing: that site is "not verified", never "clean".
  const canSee = async (pattern) => {
    if (!b.permissions || typeof b.permissions.contains !== 'function') return true;
    if (!seen.has(pattern)) seen.set(pattern, await b.permissions.contains({ origins: [pattern] }).catch(() => false));
    return seen.get(pattern);
  };
  try {
    for (const q of plan.verify.cookies) {
      if (q.pattern && !(await canSee(q.pattern))) {
        if (q.siteId) unverified.add(q.siteId);
        else othersBlind.add(q.domain);
        continue;
      }
      const n = (await getCookiesOrGone(b, q)).length;
      if (n && q.siteId) left[q.siteId] = (left[q.siteId] || 0) + n;
      else othersLeft += n;
    }
    out.cookiesLeft = left;
    out.unverified = [...unverified];
    out.othersLeft = othersLeft;
    out.othersUnverified = othersBlind.size;
  } catch {
    out.cookiesLeft = null;
  }
  try {
    const items = await b.history.search({ text: '', startTime: plan.verify.since, maxResults: 100 });
    out.history = countHistory(items, startPage, extensionOrigin);
  } catch {
    out.history = null;
  }
  try {
    const closed = await recentlyClosed(b);
    if (closed) {
      const p = planForget(closed, plan.verify.since);
      out.closedLeft = p.tabs.length + p.windows.length;
    }
  } catch {
    out.closedLeft = null;
  }
  try {
    const items = await b.downloads.search({ startedAfter: new Date(Math.max(0, plan.verify.since - 1)).toISOString() });
    out.downloads = items.length;
  } catch {
    out.downloads = null;
  }
  return out;
}

/** This accompaniment's host session as known now (ctx.hostSession, else the session record). */
async function readHostSession(ctx, session) {
  try {
    if (typeof ctx.hostSession === 'function') return (await ctx.hostSession()) || { id: '' };
  } catch {
    return { id: '' };
  }
  const h = session.host || {};
  return { id: h.sessionId || '', startCode: h.code || '', endedBefore: h.endAsked || '', registeredAt: h.registeredAt || 0 };
}

/**
 * Runs the whole cleanup.
 * @param {object} ctx
 * @param {object} ctx.b                 browser namespace (or fake)
 * @param {{request(cmd, ms)}|null} ctx.host  host client (null when known missing, or of another
 *                                       protocol version)
 * @param {string} [ctx.hostCode]        why ctx.host is null (e.g. 'protocol_mismatch'); default:
 *                                       the code of the session's last registration attempt
 * @param {'chromium'|'firefox'} ctx.browser
 * @param {object} ctx.session           session.js record
 * @param {() => Promise<{id, startCode, endedBefore, registeredAt}>} [ctx.hostSession]  this
 *                                       accompaniment's host session, read at the start (which
 *                                       downloads the browser removes) and after session.end (whose
 *                                       report it is); default: from ctx.session.host
 * @param {string[]} [ctx.visitedHosts]  hosts outside the registry visited (memory only, session.js)
 * @param {Array} ctx.registry
 * @param {object} ctx.settings          { scope, startPage }
 * @param {boolean} ctx.passwordsPolicy
 * @param {'later'|'kept'} [ctx.offlineCache]  see policy.js offlineCacheFate
 * @param {string} ctx.extensionOrigin
 * @param {(phase: string) => void} [ctx.progress]
 * @param {() => number} [ctx.now]
 * @param {object} [ctx.limits]          overrides of TOTAL_MS (`total`) and STEP_MS, for tests
 * @returns {Promise<{status, lines, finishedAt, durationMs, steps}>}
 */
export async function runCleanup(ctx) {
  const { b, registry, session, settings } = ctx;
  const now = ctx.now || (() => Date.now());
  const progress = ctx.progress || (() => {});
  const t0 = now();
  const limits = { total: TOTAL_MS, ...STEP_MS, ...(ctx.limits || {}) };
  const deadline = new Deadline(limits.total, now);
  // When each step began and how long it took (ms from the start; names and numbers only): kept
  // on the run record, so a slow cleanup can be explained without logging anything about the person.
  const steps = {};
  const timed = async (name, p) => {
    const at = now();
    try {
      return await p;
    } finally {
      steps[name] = { at: at - t0, ms: now() - at };
    }
  };

  const stores = await timed('stores', bounded(() => cookieStoreIds(b), 500));
  const plan = planCleanup({
    browser: ctx.browser,
    scope: settings.scope,
    startedAt: session.startedAt,
    registry,
    used: session.used || {},
    visitedHosts: ctx.visitedHosts || [],
    webmail: settings.webmail,
    cookieStoreIds: stores.ok ? [...new Set([...stores.value, ...(session.stores || [])])] : session.stores || [],
  });

  // 0. The files of downloads the host's snapshot holds (started before it registered the
  //    accompaniment), or of every download when it never did: the browser removes them itself,
  //    before anything erases the downloads list (Firefox's history removal below empties it too).
  const registration = await readHostSession(ctx, session);
  const earlyPlan = planEarlyDownloads({
    scope: settings.scope, startedAt: session.startedAt, registered: !!registration.id, registeredAt: registration.registeredAt,
  });
  // Kept in reserve by every step before session.end: the host's whole wait, then verification;
  // before the logout pages, also the least they and the closing of the tabs keep.
  const hostReserve = limits.host + limits.verify;
  const minTabs = Math.min(MIN_MS.tabs, limits.browser);
  const minLogout = Math.min(MIN_MS.logout, limits.logout);
  const early = earlyPlan
    ? await timed('early', bounded(() => removeEarlyDownloads(b, earlyPlan),
      deadline.budget(limits.early, minLogout + minTabs + hostReserve)))
    : null;

  // 1. Firefox's history, its slowest removal, first and alone (plan.js `browsing.headStart`):
  //    alongside the logout pages it took ~1 s longer than they take (5,000 entries, measured:
  //    2.4 s against 1.4 s). Bounded: past `headStart` ms the logout pages go ahead regardless.
  progress('logout');
  if (plan.browsing.headStart) {
    await timed('headStart', bounded(() => historyHeadStart(b, plan.browsing.headStart),
      deadline.budget(limits.headStart, minLogout + minTabs + hostReserve)));
  }
  // 2. Logout pages, in parallel, each bounded; a hanging site only costs its own line.
  const logoutMs = deadline.budget(limits.logout, minTabs + hostReserve);
  // Each in the window / cookie store where its site was used, while its cookies still exist.
  const wins = plan.logout.length ? await bounded(() => b.windows.getAll({}), 500) : { ok: false };
  const logout = await timed('logout', Promise.all(plan.logout.map(async (l) => {
    const target = planLogoutTab(l, wins.ok ? wins.value : [], ctx.browser);
    if (target.skip) return { siteId: l.siteId, ok: true, skipped: target.skip };
    return { siteId: l.siteId, ...(await bounded(() => openLogout(b, target), logoutMs)) };
  })));

  // 3–5. Cookies, site data, whole-profile data and tabs together; the host (files, clipboard,
  // recent documents) as soon as the tabs that could hold files open are closed, without waiting
  // for the browser's removals. The whole-profile removal is the one the receipt relies on (the
  // head start came before the logout pages' visits).
  progress('browser');
  // The tabs gate the host: they must be closed while the host's whole wait is still ahead. The
  // browser's removals run alongside the host and may take until the verification.
  const tabsMs = deadline.budget(limits.browser, hostReserve);
  const browserMs = deadline.budget(limits.browser, limits.verify);
  const tabsDone = timed('tabs', bounded(() => closeTabs(b, session, registry, settings, ctx.extensionOrigin || ''), tabsMs));
  const hostDone = tabsDone.then(() => {
    progress('host');
    if (!ctx.host) return { ok: false, code: ctx.hostCode || (session.host && session.host.code) || 'host_missing' };
    const hostMs = deadline.budget(limits.host, limits.verify);
    return timed('host', bounded(() => ctx.host.request('session.end', hostMs), hostMs));
  });
  // Whose report it is, read once the host has answered: a start that registered the session
  // while the cleanup ran is known by then.
  const hostSession = hostDone.then(() => readHostSession(ctx, session)).catch(() => ({ id: '' }));
  const [cookies, siteData, browsing, tabs, host] = await Promise.all([
    timed('cookies', bounded(() => removeCookies(b, plan.cookies), browserMs)),
    timed('siteData', bounded(() => Promise.all(plan.siteData.map((d) => b.browsingData.remove(d.options, d.dataTypes))), browserMs)),
    timed('browsing', bounded(() => b.browsingData.remove(plan.browsing.options, plan.browsing.dataTypes), browserMs)),
    tabsDone,
    hostDone,
  ]);

  // 6. Verify before claiming.
  progress('verify');
  const checked = await timed('verify', bounded(() => verify(b, plan, settings.startPage, ctx.extensionOrigin || ''), deadline.budget(limits.verify)));
  const receipt = buildReceipt({
    usedSites: plan.usedSites,
    webmailKept: plan.webmailKept,
    logout,
    cookies,
    siteData,
    browsing,
    tabs,
    passwords: plan.passwords,
    passwordsPolicy: !!ctx.passwordsPolicy,
    offlineCache: ctx.offlineCache,
    host,
    hostSession: await hostSession,
    startedAt: session.startedAt,
    early,
    verify: checked.ok ? checked.value : {},
  });
  const finishedAt = now();
  return { ...receipt, finishedAt, durationMs: finishedAt - t0, steps };
}
