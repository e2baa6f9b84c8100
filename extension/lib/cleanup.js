// The cleanup run: executes a plan (plan.js) against the browser API and the native host, bounded
// as a whole (TOTAL_MS) and step by step, then verifies and builds the receipt (receipt.js).
//
// The host gets its whole wait: session.end may take the host's lock wait plus its longest step
// (contract.js, from the host's own budgets), so every step before it keeps that wait and the
// verification in reserve, and the whole run is that much longer than the browser steps alone.
//
// The critical path is only what truly depends on something else (issue 14). At the click: the
// files of downloads the host will not delete (plan.js planEarlyDownloads, while the downloads list
// still names them), Firefox's history (its slowest removal, after those files), the logout pages
// (each opened in its site's store, while the cookies still exist). As soon as the logout tabs
// exist: the session's tabs are closed and the receipt page put in front; then the host's
// `session.end` (no tab holds a file open while it deletes). At the click too, once the early files
// are gone: the removals the logout pages do not need (history, downloads, form data, passwords).
// After the logout pages only: cookies, site data, cache and storage, and what the logout pages
// left in the history (their visits and closed tabs: a few entries, where forgetting "recently
// closed" used to cost a second full history removal; see forgetClosedTabs).
// Firefox's private windows (purge.js): their tabs purge their own site data at the click, and are
// closed once that is done (a few hundred ms, alongside the logout pages); a planned host no page
// re-read empty gets a background page beside the logout pages; the cookies wait for those pages.
// Verification re-reads what it can last. One failing or hanging step never stops the others: each
// settles to an outcome that becomes a receipt line. Each step's start and duration go on the run
// record (`steps`), to explain a slow run without any personal data.
//
// `b` is the browser namespace (`browser` in Firefox, `chrome` in Chromium, promise-returning MV3
// APIs) or the test fake; nothing here depends on which.

import { CONTRACT } from './contract.js';
import { WAIT_MS } from './host.js';
import { bounded, Deadline } from './timeout.js';
import {
  cookieQuery, cookieRemoval, cookiesInScope, earlyDownloadTargets, judgeEarlyDownloads, keepsOwnSessions, planCleanup, planEarlyDownloads, planLogoutTab,
  planForget, planPurge, planStartPage, planTabs, isPrivateStore,
} from './plan.js';
import { purgeOpenTabs, purgeRemaining, purgeTab } from './purge.js';
import { buildReceipt } from './receipt.js';
import { siteForUrl } from './registry.js';

export const TOTAL_MS = CONTRACT.budgets.extension.cleanup_ms;
export const STEP_MS = Object.freeze({
  early: 1500, headStart: 2000, logout: 2500, browser: 3000, purgeOpen: 1000, purge: 2000,
  host: WAIT_MS['session.end'], verify: CONTRACT.budgets.extension.verify_ms,
});
/** What a step before the host keeps at least for logout pages, and for closing the tabs. */
export const MIN_MS = Object.freeze({ logout: 1000, tabs: 1000 });

/**
 * A reader for the many cookie queries of one step (plan.js: each registry domain in each store),
 * reading each store's whole jar once, in every partition (falls back where `partitionKey` is
 * unknown), and keeping for each query what belongs to it. Asking by domain is no cheaper for the
 * browser: Chromium's cookies API fetches every cookie from the network service, then filters.
 * The ~60 domain queries were ~60 reads of the aidant's whole jar at the click and again at the
 * verification: with 3,000 cookies of their own (a browser used for months), the verification
 * ran past its time limit and every receipt said `partial` (measure.mjs, worst setup).
 */
export function cookieReader(b) {
  const jars = new Map();
  const readJar = async (storeId) => {
    try {
      return await b.cookies.getAll(cookieQuery({ storeId }, true));
    } catch {
      return b.cookies.getAll(cookieQuery({ storeId }, false));
    }
  };
  return async (q) => {
    const key = q.storeId || '';
    if (!jars.has(key)) jars.set(key, readJar(q.storeId));
    return cookiesInScope(await jars.get(key), q);
  };
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
async function openLogout(b, target, ms, onCreated = () => {}, onLoaded = null) {
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
    onCreated(tab.id);
    // Firefox returns the new tab `complete` on about:blank, before the navigation has started:
    // closing it then cancels the logout request. Only a completed load of a real URL counts.
    const blank = (t) => !!t && (!t.url || t.url === 'about:blank');
    // Bounded here, not only by the caller: a page that never loads must still have its tab
    // closed (the finally below), since the closing of the session's tabs leaves the logout tabs.
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        b.tabs.onUpdated.removeListener(onUpdated);
        reject(Object.assign(new Error('logout page timed out'), { code: 'timeout' }));
      }, Math.max(0, ms));
      const onUpdated = (id, info, t) => {
        if (id === tab.id && info.status === 'complete' && !blank(t)) {
          clearTimeout(timer);
          b.tabs.onUpdated.removeListener(onUpdated);
          resolve();
        }
      };
      b.tabs.onUpdated.addListener(onUpdated);
      if (tab.status === 'complete') onUpdated(tab.id, { status: 'complete' }, tab);
    });
    // Firefox's private store: the page's site data, purged from inside before its tab closes (purge.js).
    if (onLoaded) await onLoaded(tab.id);
    // The main frame's webRequest outcome may trail the tab's `complete` (Firefox: by more than
    // tens of ms under load): wait for it, bounded, where the browser reports it.
    if (wr) {
      for (let waited = 0; waited < 500 && !seen.some((o) => o.tabId === tab.id); waited += 10) {
        await new Promise((r) => setTimeout(r, 10));
      }
    }
    const last = seen.filter((o) => o.tabId === tab.id).pop();
    if (last && last.error) throw Object.assign(new Error('logout page failed'), { code: 'logout_network' });
    if (last && last.status >= 400) throw Object.assign(new Error('logout page failed'), { code: 'logout_http' });
  } finally {
    if (wr) {
      wr.onCompleted.removeListener(onDone);
      wr.onErrorOccurred.removeListener(onDone);
    }
    // Awaited: "recently closed" is forgotten once the logout tabs are closed too.
    if (tab) await bounded(() => b.tabs.remove(tab.id), 500);
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

/** A cookieReader's read, with a vanished private store read as empty (see privateStoreGone). */
async function getCookiesOrGone(b, read, q) {
  try {
    return await read(q);
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
  const read = cookieReader(b);
  for (const list of await Promise.all(queries.map((q) => getCookiesOrGone(b, read, q)))) {
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

/**
 * Closes the accompaniment's tabs and puts the receipt page in front. `keep`: the logout tabs,
 * opened just before and still loading (they close themselves). Firefox then forgets the closed
 * tabs from "recently closed" (forgetClosedTab: cheap); Chromium has no such call, its history
 * removal that runs next (since the start) drops them (cleanup `browsingEarly`).
 */
async function closeTabs(b, session, registry, settings, extensionOrigin, keep = new Set()) {
  const tabs = (await b.tabs.query({})).filter((t) => !keep.has(t.id));
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
  // Firefox in private windows only runs the extension's own pages in a private context too.
  const privateOnly = !!(b.extension && b.extension.inIncognitoContext === true);
  const open = planStartPage(tabs, { close: plan.close, receiptUrl: extensionOrigin ? `${extensionOrigin}receipt/receipt.html` : '', privateOnly });
  if (open.focus) {
    await b.tabs.update(open.focus.tabId, { active: true });
    if (b.windows.update) await b.windows.update(open.focus.windowId, { focused: true }).catch(() => {});
  } else if (open.create) await b.tabs.create(open.create);
  else {
    // No regular window to put it in: a regular one of its own. A browser that allows none
    // (incognito forced by policy) refuses: then a tab where the person's tabs are, which stays.
    await b.windows.create(open.window).catch(async (e) => {
      const fallback = planStartPage(tabs, { close: plan.close, receiptUrl: open.window.url, privateOnly: true });
      if (!fallback.create) throw e;
      await b.tabs.create(fallback.create);
    });
  }
  if (plan.close.length) await b.tabs.remove(plan.close);
  await forgetClosedTabs(b, sinceOf(session, settings));
}

const hostOf = (url) => {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
};

const sinceOf = (session, settings) => (settings.scope === 'all' ? 0 : Math.max(0, Math.floor(session.startedAt || 0)));

/** Reads "recently closed" (null without the sessions API). */
async function recentlyClosed(b) {
  if (!b.sessions || typeof b.sessions.getRecentlyClosed !== 'function') return null;
  return b.sessions.getRecentlyClosed({});
}

/**
 * Forgets the tabs and windows closed since `since` from "recently closed" (Ctrl+Shift+T would
 * reopen the person's pages for the next user) where the browser has the calls for it (Firefox:
 * sessions.forgetClosedTab / forgetClosedWindow, each cheap). Chromium has none: its history
 * removal deletes the closed tabs of its time range. It used to run a second history removal once
 * the tabs were closed, queued behind the first (Chromium runs its removals one at a time), on the
 * host's path: 1.5 s. Now the session's history goes at the click (`browsingEarly`), and the
 * removal after the logout pages (`browsing`, which runs anyway for cookies, cache and storage)
 * takes the history of the same range too: by then the session's tabs and the logout tabs are
 * closed and the range holds only the logout pages' few visits, so it costs no second full removal.
 */
export async function forgetClosedTabs(b, since) {
  if (!b.sessions || typeof b.sessions.forgetClosedTab !== 'function') return;
  const p = planForget(await recentlyClosed(b), since);
  if (!p.tabs.length && !p.windows.length) return;
  // allSettled: an entry the history removal purged meanwhile is no failure; verify re-reads.
  await Promise.allSettled([
    ...p.tabs.map((t) => b.sessions.forgetClosedTab(t.windowId, t.sessionId)),
    ...p.windows.map((id) => b.sessions.forgetClosedWindow(id)),
  ]);
}

/**
 * Firefox, after the logout pages: the history since the click (their visits), then the closed
 * tabs from "recently closed" (the logout tabs too).
 */
async function forgetRecent(b, recentSince, since) {
  if (await historySince(b, recentSince)) await b.browsingData.remove({ since: recentSince }, { history: true });
  await forgetClosedTabs(b, since);
}

/** The whole-profile data types split: what may go at the click, what only after the logout pages. */
const AT_CLICK = Object.freeze(['history', 'downloads', 'formData', 'passwords']);
function splitTypes(types, firefox) {
  const early = {};
  const late = {};
  for (const [k, v] of Object.entries(types)) {
    // Firefox's history is the head start's (historyHeadStart) at the click, then `recent`.
    if (firefox && k === 'history') continue;
    if (AT_CLICK.includes(k)) early[k] = v;
    // Chromium: the history again after the logout pages (see forgetClosedTabs).
    if (!AT_CLICK.includes(k) || k === 'history') late[k] = v;
  }
  return { early, late };
}

/**
 * Chromium runs its browsingData removals one at a time: the per-site removals that differ only by
 * their origins go in one call (their outcome was already one receipt line).
 */
export function mergeSiteData(list) {
  const out = [];
  const byKey = new Map();
  for (const d of list) {
    const { origins, ...rest } = d.options || {};
    if (!Array.isArray(origins)) {
      out.push(d);
      continue;
    }
    const key = JSON.stringify([rest, d.dataTypes]);
    const prev = byKey.get(key);
    if (prev) prev.options.origins = [...new Set([...prev.options.origins, ...origins])];
    else {
      const merged = { ...d, options: { ...rest, origins: [...origins] } };
      byKey.set(key, merged);
      out.push(merged);
    }
  }
  return out;
}

/** One outcome for several removals: the first failure, else ok. */
function allOk(...outcomes) {
  return outcomes.find((o) => o && !o.ok) || { ok: true };
}

/**
 * The history head start (plan.js `browsing.headStart`). With `allIfNothingOlder`, when neither
 * the history nor the downloads list holds anything older than the range, the whole history is
 * cleared: the same result, cheaper than removing the range visit by visit (Firefox, 5,000
 * entries, measured ~1.5 s against ~2.2 s). Downloads too, because Firefox empties the finished
 * downloads list when the whole history is cleared. Otherwise the range. Nothing at all when the
 * range holds no visit (the downloads list is `browsingEarly`'s either way).
 */
async function historyHeadStart(b, headStart) {
  const since = headStart.options.since || 0;
  if (!(await historySince(b, since))) return undefined;
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
 * Whether the history holds a visit since `since` (ms; 0: at all). Firefox's removals cost their
 * fixed price even when there is nothing to remove: clearing an empty history took ~1 s in a
 * private-windows-only Firefox (deployed mode, which records none). Verification re-reads it anyway.
 */
async function historySince(b, since) {
  if (!b.history || typeof b.history.search !== 'function') return true;
  const found = await b.history.search({ text: '', startTime: since, maxResults: 1 }).catch(() => null);
  return !found || found.length > 0;
}

/**
 * Deletes the files of the downloads `plan` covers (plan.js planEarlyDownloads). In progress ones
 * are cancelled first (the browser deletes the partial file; removeFile takes finished downloads
 * only) and judged by the list re-read after; a finished one by what its removeFile proves
 * (plan.js judgeEarlyDownloads: never by Firefox's `exists`, stale after removeFile). One failing
 * call does not stop the others. Nothing here learns a file name.
 */
export async function removeEarlyDownloads(b, plan) {
  const q = { startedAfter: plan.startedAfter };
  let items = await b.downloads.search(q);
  const { ids, cancel } = earlyDownloadTargets(items, plan);
  if (!ids.length) return { mode: plan.mode, found: 0, removed: 0, gone: 0, left: 0 };
  if (cancel.length) {
    await Promise.allSettled(cancel.map((id) => b.downloads.cancel(id)));
    items = await b.downloads.search(q); // one may have finished meanwhile: its file is removed below
  }
  const finished = items.filter((d) => ids.includes(d.id) && d.state === 'complete' && d.exists !== false);
  const settled = await Promise.allSettled(finished.map((d) => b.downloads.removeFile(d.id)));
  const removals = new Map(finished.map((d, i) => [d.id, settled[i]]));
  return { mode: plan.mode, ...judgeEarlyDownloads(ids, removals, items) };
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
  // Every read at once: each is a round trip to the browser process and none depends on another
  // (one after the other, the registry's ~60 domains cost ~0.15 s in Firefox, more under load).
  const [cookies, history, closedLeft, downloads] = await Promise.all([
    verifyCookies(b, plan.verify.cookies).catch(() => null),
    b.history.search({ text: '', startTime: plan.verify.since, maxResults: 100 })
      .then((items) => countHistory(items, startPage, extensionOrigin), () => null),
    recentlyClosed(b).then((closed) => {
      if (!closed) return null;
      const p = planForget(closed, plan.verify.since);
      return p.tabs.length + p.windows.length;
    }).catch(() => null),
    b.downloads.search({ startedAfter: new Date(Math.max(0, plan.verify.since - 1)).toISOString() })
      .then((items) => items.length, () => null),
  ]);
  return {
    cookiesLeft: cookies ? cookies.left : null,
    unverified: cookies ? cookies.unverified : [],
    othersLeft: cookies ? cookies.othersLeft : null,
    othersUnverified: cookies ? cookies.othersUnverified : 0,
    history,
    closedLeft,
    downloads,
  };
}

/**
 * The cookies left, per registry site (other sites: counted, never named). Without host access
 * (an IT-added site, or a host permission the person withheld in Firefox) cookies.getAll sees
 * nothing: that site is "not verified", never "clean". One failing read fails the whole count.
 */
async function verifyCookies(b, queries) {
  const read = cookieReader(b);
  const seen = new Map();
  const canSee = (pattern) => {
    if (!b.permissions || typeof b.permissions.contains !== 'function') return Promise.resolve(true);
    if (!seen.has(pattern)) seen.set(pattern, b.permissions.contains({ origins: [pattern] }).catch(() => false));
    return seen.get(pattern);
  };
  const counts = await Promise.all(queries.map(async (q) => {
    if (q.pattern && !(await canSee(q.pattern))) return null;
    return (await getCookiesOrGone(b, read, q)).length;
  }));
  const left = {};
  const unverified = new Set();
  const othersBlind = new Set();
  let othersLeft = 0;
  queries.forEach((q, i) => {
    const n = counts[i];
    if (n === null) {
      if (q.siteId) unverified.add(q.siteId);
      else othersBlind.add(q.domain);
    } else if (n && q.siteId) left[q.siteId] = (left[q.siteId] || 0) + n;
    else othersLeft += n;
  });
  return { left, unverified: [...unverified], othersLeft, othersUnverified: othersBlind.size };
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
  // Phases as the receipt page lists them (receipt/view.js STEPS), never going back: the host may
  // be asked before the browser's removals after the logout pages begin.
  const PHASES = ['logout', 'browser', 'host', 'verify'];
  let phaseAt = -1;
  const progress = (phase, extra) => {
    const i = PHASES.indexOf(phase);
    if (i >= 0 && i <= phaseAt) return;
    if (i >= 0) phaseAt = i;
    if (ctx.progress) ctx.progress(phase, extra);
  };
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
  const storeList = stores.ok ? [...new Set([...stores.value, ...(session.stores || [])])] : session.stores || [];
  const plan = planCleanup({
    browser: ctx.browser,
    scope: settings.scope,
    startedAt: session.startedAt,
    registry,
    used: session.used || {},
    visitedHosts: ctx.visitedHosts || [],
    webmail: settings.webmail,
    cookieStoreIds: storeList,
  });
  // Firefox's private windows: site data no browsingData call reaches (plan.js planPurge, purge.js).
  const purgePlan = planPurge({
    browser: ctx.browser, scope: settings.scope, registry, used: session.used || {}, cookieStoreIds: storeList,
    visitedHosts: ctx.visitedHosts || [], webmail: settings.webmail,
  });

  // 0. The files of downloads the host's snapshot holds (started before it registered the
  //    accompaniment), or of every download when it never did: the browser removes them itself,
  //    before anything erases the downloads list (Firefox's history removal below empties it too).
  const registration = await readHostSession(ctx, session);
  const earlyPlan = planEarlyDownloads({
    scope: settings.scope, startedAt: session.startedAt, registered: !!registration.id, registeredAt: registration.registeredAt,
  });
  // Kept in reserve by every step before session.end: the host's whole wait, then verification.
  const hostReserve = limits.host + limits.verify;
  const minLogout = Math.min(MIN_MS.logout, limits.logout);
  const firefox = ctx.browser === 'firefox';
  const since = sinceOf(session, settings);
  // The history since the click holds only the logout pages' visits (and what a tab still loading
  // adds): removed after them, cheaply. A second of margin for the browser's clock.
  const recentSince = Math.max(since, Math.floor(Date.now()) - 1000);
  const types = splitTypes(plan.browsing.dataTypes, firefox);
  const browserMs = () => deadline.budget(limits.browser, limits.verify);

  // Everything that depends on nothing starts at the click; what depends on something waits for
  // that only: the cookies and site data for the logout pages (which need the cookies), the
  // whole-profile removal of the session's history for the closing of its tabs (Chromium forgets
  // closed tabs with the history) and for the early files (the downloads list names them),
  // `session.end` for the closing of the tabs (no tab holds a file open while the host deletes),
  // and the verification for all of them.
  progress('logout');

  // 0b. Firefox's private store: the person's private tabs purge their own site data at the click,
  //     alongside the logout pages; the tabs close once it is done (bounded).
  const purgeOpen = purgePlan
    ? timed('purgeOpen', bounded(() => purgeOpenTabs(b, limits.purgeOpen), limits.purgeOpen + 200))
    : Promise.resolve(null);
  const purgedLogout = [];

  // 0. The files of downloads the host's snapshot holds (started before it registered the
  //    accompaniment), or of every download when it never did: the browser removes them itself,
  //    before anything erases the downloads list.
  const early = earlyPlan
    ? timed('early', bounded(() => removeEarlyDownloads(b, earlyPlan), deadline.budget(limits.early, minLogout + hostReserve)))
    : Promise.resolve(null);

  // 1. Firefox's history, its slowest removal (plan.js `browsing.headStart`), alongside everything
  //    else, once the early files are gone (clearing the whole history empties the downloads list).
  const headStart = plan.browsing.headStart
    ? early.then(() => timed('headStart', bounded(() => historyHeadStart(b, plan.browsing.headStart), browserMs())))
    : Promise.resolve(null);

  // 2. Logout pages, in parallel, each bounded, each in the window / cookie store where its site
  //    was used, while its cookies still exist; a hanging site only costs its own line.
  const logoutMs = deadline.budget(limits.logout, hostReserve);
  const wins = plan.logout.length ? await bounded(() => b.windows.getAll({}), 500) : { ok: false };
  const logoutTabs = new Set();
  const created = [];
  const logoutDone = timed('logout', Promise.all(plan.logout.map(async (l) => {
    const target = planLogoutTab(l, wins.ok ? wins.value : [], ctx.browser);
    if (target.skip) return { siteId: l.siteId, ok: true, skipped: target.skip };
    let tabCreated;
    created.push(new Promise((r) => { tabCreated = r; }));
    // The page's own limit is logoutMs; the outer bound only covers a browser call that hangs.
    const purgeLogout = purgePlan && isPrivateStore(l.storeId, ctx.browser)
      ? async (id) => purgedLogout.push(...await purgeTab(b, id, limits.purgeOpen)) : null;
    const out = await bounded(() => openLogout(b, target, logoutMs, (id) => {
      logoutTabs.add(id);
      tabCreated();
    }, purgeLogout), logoutMs + 600 + (purgeLogout ? limits.purgeOpen : 0));
    tabCreated(); // never created (failed, timed out): nothing to wait for
    return { siteId: l.siteId, ...out };
  })));

  // 3. The tabs, once the logout tabs exist (so that none is taken for a tab to close, and a
  //    private store keeps a window while its logout page loads): the receipt page in front, the
  //    session's tabs closed. Then the host (once the early files are gone too), with its whole wait.
  const tabsMs = deadline.budget(limits.browser, hostReserve);
  // Firefox's private store: once the person's tabs have purged themselves, the planned hosts no
  // page re-read empty are loaded in background tabs (purge.js purgeRemaining), beside the logout
  // pages, which re-read their own hosts; the tabs close around them.
  let purgeTabsReady = () => {};
  const purgeTabs = new Promise((r) => { purgeTabsReady = r; });
  const purgeLate = purgePlan
    ? purgeOpen.then((open) => {
      const purgeMs = deadline.budget(limits.purge, hostReserve);
      const skip = plan.logout.filter((l) => isPrivateStore(l.storeId, ctx.browser)).map((l) => hostOf(l.url)).filter(Boolean);
      return timed('purge', bounded(() => purgeRemaining(b, purgePlan, open && open.ok ? open.value : [], purgeMs, {
        skip, onCreated: (id) => logoutTabs.add(id), ready: purgeTabsReady, later: logoutDone.then(() => purgedLogout),
      }), purgeMs + limits.logout + 600));
    })
    : Promise.resolve(null);
  if (!purgePlan) purgeTabsReady();
  // (purgeLate settles, bounded, even if the purge hangs before its tabs exist.)
  const tabsDone = Promise.all([...created, purgeOpen, Promise.race([purgeTabs, purgeLate])]).then(() =>
    timed('tabs', bounded(() => closeTabs(b, session, registry, settings, ctx.extensionOrigin || '', logoutTabs), tabsMs)));
  // The host waits for the early files too: a download the extension takes for early (its
  // registration time is stamped a moment after the host's) may also be one the host tracks; the
  // two deleting the same file at once left the browser's copy counted as not removed (Firefox).
  const hostDone = Promise.all([tabsDone, early.catch(() => null)]).then(() => {
    progress('host');
    if (!ctx.host) return { ok: false, code: ctx.hostCode || (session.host && session.host.code) || 'host_missing' };
    const hostMs = deadline.budget(limits.host, limits.verify);
    return timed('host', bounded(() => ctx.host.request('session.end', hostMs), hostMs));
  });
  // Whose report it is, read once the host has answered: a start that registered the session
  // while the cleanup ran is known by then.
  const hostSession = hostDone.then(() => readHostSession(ctx, session)).catch(() => ({ id: '' }));

  // 4. What the logout pages do not need, once the early files are gone (the downloads list names
  //    them): history (Chromium), downloads, form data, passwords.
  const browsingEarly = early.then(() =>
    timed('browsingEarly', bounded(() => b.browsingData.remove(plan.browsing.options, types.early), browserMs())));

  // 5. After the logout pages (and the tabs, closed long before): cookies, site data, the rest of
  //    the whole profile (cache, storage; Chromium: the history of the range again, now only the
  //    logout pages' visits and the closed tabs), and in Firefox the history since the click.
  const logout = await logoutDone;
  await tabsDone;
  progress('browser');
  // The purge's pages are closed before the cookies go (a cookie those pages set goes too).
  const purge = await purgeLate;
  if (purge) {
    // How many background pages it loaded, and what it found (counts only) on the run record.
    if (purge.ok && steps.purge) {
      const v = purge.value;
      Object.assign(steps.purge, { loaded: v.loaded, clean: v.clean, left: v.left, unverified: v.unverified });
    }
  }
  const siteDataCalls = firefox ? plan.siteData : mergeSiteData(plan.siteData);
  const [cookies, siteData, late] = await Promise.all([
    timed('cookies', bounded(() => removeCookies(b, plan.cookies), browserMs())),
    timed('siteData', bounded(() => Promise.all(siteDataCalls.map((d) => b.browsingData.remove(d.options, d.dataTypes))), browserMs())),
    timed('browsing', bounded(() => b.browsingData.remove(plan.browsing.options, types.late), browserMs())),
    firefox ? timed('recent', bounded(() => forgetRecent(b, recentSince, since), browserMs())) : null,
  ]);
  // 6. Verify before claiming: what the browser holds, once its removals are done, without
  //    waiting for the host (whose report is its own verification). The browser's lines are shown
  //    then (`lines`); the whole receipt, with its overall status, once the host has answered.
  const [tabs, , bEarly, earlyOut] = await Promise.all([tabsDone, headStart, browsingEarly, early]);
  // Firefox's history removals (the head start, then since the click) are judged by the
  // verification alone, which re-reads the history and "recently closed": one that ran past its
  // time limit on a loaded machine (the browser goes on with it) but is done by then is done, one
  // that is not leaves entries the history line counts. They no longer fail the cookies and
  // passwords lines, which share this outcome.
  const browsing = allOk(late, bEarly);
  progress('verify');
  let checked = await timed('verify', bounded(() => verify(b, plan, settings.startPage, ctx.extensionOrigin || ''), deadline.budget(limits.verify)));
  // Chromium records a closed tab in "recently closed" a moment after tabs.remove has answered: a
  // tab closed just before the history removal of step 5 can escape it (seen with no logout page
  // to wait for). Only then: the history of the range once more, and a re-read.
  if (!firefox && checked.ok && checked.value.closedLeft > 0) {
    await timed('closedAgain', bounded(() => b.browsingData.remove(plan.browsing.options, { history: true }), browserMs()));
    checked = await timed('verify', bounded(() => verify(b, plan, settings.startPage, ctx.extensionOrigin || ''), deadline.budget(limits.verify)));
  }
  const outcomes = {
    usedSites: plan.usedSites,
    webmailKept: plan.webmailKept,
    logout,
    cookies,
    siteData,
    purge,
    browsing,
    tabs,
    passwords: plan.passwords,
    passwordsPolicy: !!ctx.passwordsPolicy,
    offlineCache: ctx.offlineCache,
    startedAt: session.startedAt,
    early: earlyOut,
    verify: checked.ok ? checked.value : {},
  };
  progress('lines', { lines: buildReceipt({ ...outcomes, hostPending: true }).lines });
  const receipt = buildReceipt({ ...outcomes, host: await hostDone, hostSession: await hostSession });
  const finishedAt = now();
  return { ...receipt, finishedAt, durationMs: finishedAt - t0, steps };
}
