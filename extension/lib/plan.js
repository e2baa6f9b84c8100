// Cleanup planning: from what the session saw (sites used, hosts, tabs, cookie stores) to the exact
// browser calls the cleanup makes. Pure functions only: the browser layer (cleanup.js with a real
// or fake `api`) executes the plan, so every decision here is unit-tested without a browser.
//
// Per-browser facts the plan encodes (checked against MDN / developer.chrome.com, 2026-11):
// - Chromium `browsingData.remove` filters with `origins` (exact origins for storage and cache; the
//   whole registrable domain for cookies). It only reaches the regular profile: incognito data lives
//   in an off-the-record context that disappears when its last window closes, so closing those
//   windows is how incognito is cleared.
// - Firefox filters with `hostnames` (exact hosts, subdomains not included) for cookies,
//   localStorage, indexedDB and service workers only; with `cookieStoreId` it accepts cookies and
//   indexedDB only (anything else rejects the whole call). It rejects localStorage with `since`,
//   and clears indexedDB / service workers of every site whatever `since` says
//   (toolkit/components/extensions/parent/ext-browsingData.js).
// - `passwords` is honoured by Firefox; Chrome ignores it since version 144 (the call still
//   resolves), so on Chromium the receipt relies on policy and the host, and says so.
// - Partitioned cookies (CHIPS) are invisible to `cookies.getAll` unless a `partitionKey` is given;
//   `partitionKey: {}` (no topLevelSite) returns partitioned and unpartitioned cookies alike.

import { holdsOwnSessions, hostMatchesDomain, normalizeHost } from './registry.js';

/** Chromium data types the whole-profile removal covers. */
export const CHROMIUM_TYPES = Object.freeze({
  cache: true, cacheStorage: true, cookies: true, downloads: true, fileSystems: true, formData: true,
  history: true, indexedDB: true, localStorage: true, passwords: true, serviceWorkers: true, webSQL: true,
});

/** Firefox data types (Firefox rejects unknown keys in the DataTypeSet). */
export const FIREFOX_TYPES = Object.freeze({
  cache: true, cookies: true, downloads: true, formData: true, history: true, indexedDB: true,
  localStorage: true, passwords: true, serviceWorkers: true,
});

/** Per-site data types: what an `origins` (Chromium) / `hostnames` (Firefox) filter accepts. */
export const CHROMIUM_SITE_TYPES = Object.freeze({
  cache: true, cacheStorage: true, cookies: true, fileSystems: true, indexedDB: true,
  localStorage: true, serviceWorkers: true, webSQL: true,
});
export const FIREFOX_STORE_TYPES = Object.freeze({ cookies: true, indexedDB: true });
export const FIREFOX_HOST_TYPES = Object.freeze({ localStorage: true, serviceWorkers: true });

/** The hosts of a site worth naming in a filter: its domains, their www., and the hosts seen. */
export function siteHosts(site, seenHosts = []) {
  const hosts = new Set();
  for (const d of site.domains) {
    hosts.add(d);
    if (!site.hostsOnly) hosts.add(`www.${d}`);
  }
  for (const raw of seenHosts) {
    const h = normalizeHost(raw);
    if (h && site.domains.some((d) => (site.hostsOnly ? h === d : hostMatchesDomain(h, d)))) hosts.add(h);
  }
  return [...hosts].sort();
}

/** Hosts outside the registry worth naming: valid, deduplicated, not covered by a registry site. */
export function otherHosts(registry, hosts = []) {
  const out = new Set();
  for (const raw of hosts || []) {
    const h = normalizeHost(raw);
    if (h && !registry.some((s) => s.domains.some((d) => (s.hostsOnly ? h === d : hostMatchesDomain(h, d))))) out.add(h);
  }
  return [...out].sort();
}

// Webmail (registry `kind: 'webmail'`) is where every code arrives, and the aidant's own mail
// sessions live in the same profile for months. In scope `session`, unless IT asks for webmail to
// be handled like the administrations (managed `webmail: 'administration'`), only what was set
// during the accompaniment goes: no cookie is removed by name and no logout page is opened; the
// whole-profile removal with `since` (cookies, storage created since the start) and a per-site
// removal with `since` do the work (Chromium: cookies and site data by creation time; Firefox:
// cookies by creation time, per store). The cookies left (the aidant's) are not counted against
// the receipt, which names the service and says what to check instead. Scope `all`: like the others.
// The same holds for a company account shared by many services (`kind: 'account'`: La Poste, whose
// compte serves L'Identité Numérique and the aidant's own parcels and mail), under the same
// managed setting.

/** Whether a site's own older sessions are kept: webmail and shared accounts, in scope `session`, unless IT says otherwise. */
export function keepsOwnSessions(site, { scope, webmail = 'accompaniment' } = {}) {
  return holdsOwnSessions(site) && scope !== 'all' && webmail !== 'administration';
}

/**
 * Plans the cleanup.
 * @param {object} p
 * @param {'chromium'|'firefox'} p.browser
 * @param {'session'|'all'} p.scope
 * @param {number} p.startedAt  ms since epoch: `since` for scope `session`
 * @param {Array} p.registry    effective registry (registry.js)
 * @param {object} p.used       { [siteId]: { hosts: string[] } } sites used during the session
 * @param {string[]} p.cookieStoreIds  stores the extension can see (cookies.getAllCookieStores)
 * @param {string[]} [p.visitedHosts]  hosts outside the registry visited during the session (kept
 *   in memory only by the background); never named in the receipt, only counted
 * @param {'accompaniment'|'administration'} [p.webmail]  managed setting (see keepsOwnSessions)
 */
export function planCleanup({ browser, scope, startedAt, registry, used, cookieStoreIds, visitedHosts = [], webmail = 'accompaniment' }) {
  const firefox = browser === 'firefox';
  const keepOwn = (s) => keepsOwnSessions(s, { scope, webmail });
  const allUsed = registry.filter((s) => used && Object.hasOwn(used, s.id));
  const usedSites = allUsed.filter((s) => !keepOwn(s));
  const webmailKept = allUsed.filter(keepOwn);
  const stores = cookieStoreIds && cookieStoreIds.length ? [...cookieStoreIds] : [undefined];
  const since = scope === 'all' ? 0 : Math.max(0, Math.floor(startedAt || 0));

  const others = otherHosts(registry, visitedHosts);
  // One logout page per store the site was used in (unknown: the regular one, as before).
  const logout = [];
  for (const s of usedSites.filter((x) => x.logoutUrl)) {
    const seen = used[s.id] && Array.isArray(used[s.id].stores) ? used[s.id].stores.filter((x) => typeof x === 'string' && x) : [];
    for (const storeId of seen.length ? seen : [undefined]) {
      const l = { siteId: s.id, url: s.logoutUrl };
      if (storeId) l.storeId = storeId;
      logout.push(l);
    }
  }

  // Cookies of every used site, in every store, partitioned ones included.
  const cookies = [];
  for (const s of usedSites) {
    for (const domain of s.domains) {
      for (const storeId of stores) cookies.push({ siteId: s.id, domain, hostsOnly: s.hostsOnly, storeId });
    }
  }
  // Other sites' cookies: only where the extension has host access (cookies.getAll sees nothing
  // else); the browsingData calls below and the whole-profile removal reach them regardless.
  for (const domain of others) {
    for (const storeId of stores) cookies.push({ siteId: null, domain, hostsOnly: true, storeId });
  }

  const siteData = [];
  for (const s of usedSites) {
    const hosts = siteHosts(s, used[s.id] && used[s.id].hosts);
    if (firefox) {
      // Firefox accepts only cookies and indexedDB with a cookieStoreId; localStorage and service
      // workers go in one call without it (every non-private store).
      for (const storeId of stores) {
        const options = { hostnames: hosts };
        if (storeId) options.cookieStoreId = storeId;
        siteData.push({ siteId: s.id, options, dataTypes: { ...FIREFOX_STORE_TYPES } });
      }
      siteData.push({ siteId: s.id, options: { hostnames: hosts }, dataTypes: { ...FIREFOX_HOST_TYPES } });
    } else {
      const origins = hosts.flatMap((h) => [`https://${h}`, `http://${h}`]);
      siteData.push({ siteId: s.id, options: { origins }, dataTypes: { ...CHROMIUM_SITE_TYPES } });
    }
  }
  // Webmail in scope `session`: only what was created since the start, by creation time.
  for (const s of webmailKept) {
    const hosts = siteHosts(s, used[s.id] && used[s.id].hosts);
    if (firefox) {
      for (const storeId of stores) {
        const options = { hostnames: hosts, since };
        if (storeId) options.cookieStoreId = storeId;
        siteData.push({ siteId: s.id, options, dataTypes: { cookies: true } });
      }
    } else {
      const origins = hosts.flatMap((h) => [`https://${h}`, `http://${h}`]);
      siteData.push({ siteId: s.id, options: { origins, since }, dataTypes: { ...CHROMIUM_SITE_TYPES } });
    }
  }
  // Other sites, Firefox: the same calls, by name, since `since` cannot reach their localStorage,
  // IndexedDB and service workers. Chromium's whole-profile removal (`since`, every site) covers them.
  if (firefox && others.length) {
    for (const storeId of stores) {
      const options = { hostnames: others };
      if (storeId) options.cookieStoreId = storeId;
      siteData.push({ siteId: null, options, dataTypes: { ...FIREFOX_STORE_TYPES } });
    }
    siteData.push({ siteId: null, options: { hostnames: others }, dataTypes: { ...FIREFOX_HOST_TYPES } });
  }

  // The whole profile. Firefox refuses localStorage with `since` and clears indexedDB and service
  // workers of every site whatever `since` says: in scope `session` those are left to the per-site
  // calls above, so the aidant's own sites keep their data.
  let types = { ...(firefox ? FIREFOX_TYPES : CHROMIUM_TYPES) };
  if (firefox && since > 0) {
    const { localStorage, indexedDB, serviceWorkers, ...rest } = types;
    types = rest;
  }
  // `headStart` (Firefox): history alone, by far its slowest removal (5,000 entries: 1.4–2.5 s
  // measured here; every other type together < 0.4 s). It may run before the logout pages because
  // it holds nothing the receipt relies on: the full removal runs after them (their visits come
  // later) and is quick once the bulk is gone. Firefox removes a range visit by visit,
  // one notification per page; `allIfNothingOlder`: when nothing in the history or the downloads
  // list predates the range, clearing the whole history gives the same result, faster (cleanup.js
  // checks, then decides). Not in Chromium: its removals run one at a time, so a head start only
  // delayed the site data and tabs behind it (measured: 2.9 s against 2.0 s).
  const range = since > 0 ? { since } : {};
  const browsing = {
    options: range,
    dataTypes: types,
    headStart: firefox ? { options: { ...range }, dataTypes: { history: true }, allIfNothingOlder: true } : null,
  };

  // Every registry domain is re-read at verification, not only the used ones: a cookie of a site the
  // tracking missed must still be found (the receipt then names no site, it just fails the line).
  const verifyCookies = [];
  for (const s of registry) {
    if (keepOwn(s)) continue; // the aidant's own sessions stay there: not a leftover
    for (const domain of s.domains) {
      const pattern = s.hostsOnly ? `*://${domain}/*` : `*://*.${domain}/*`;
      for (const storeId of stores) verifyCookies.push({ siteId: s.id, domain, hostsOnly: s.hostsOnly, storeId, pattern });
    }
  }
  // Other sites are re-read too where the extension may (siteId null: counted, never named).
  for (const domain of others) {
    for (const storeId of stores) verifyCookies.push({ siteId: null, domain, hostsOnly: true, storeId, pattern: `*://${domain}/*` });
  }

  return {
    usedSites: usedSites.map((s) => ({ id: s.id, name: s.name })),
    webmailKept: webmailKept.map((s) => ({ id: s.id, name: s.name, kind: s.kind })),
    logout,
    cookies,
    siteData,
    browsing,
    passwords: firefox ? 'api' : 'policy',
    verify: { cookies: verifyCookies, since },
  };
}

/** Whether a cookie store is the private one (Chromium incognito `1`, Firefox `firefox-private`). */
export function isPrivateStore(storeId, browser) {
  return browser === 'firefox' ? storeId === 'firefox-private' : storeId === '1';
}

/**
 * Where a logout page opens, so that its request carries the cookies of the store the site was used
 * in: a private store → a tab in a private (incognito) window; a Firefox container → a tab with that
 * `cookieStoreId`; the regular store → a tab in a regular window, named explicitly (left to the
 * browser, the tab could land in the focused incognito window and carry the wrong cookies).
 * A private store whose windows are all closed is gone, its cookies with it: nothing to open.
 * @param {{url: string, storeId?: string}} l  one plan.logout entry
 * @param {{id: number, incognito: boolean, type?: string}[]} windows  windows.getAll()
 * @returns {{create: object} | {window: object} | {skip: 'store_closed'}}
 */
export function planLogoutTab({ url, storeId }, windows, browser) {
  const firefox = browser === 'firefox';
  const wins = (windows || []).filter((w) => w && Number.isInteger(w.id) && (!w.type || w.type === 'normal'));
  if (isPrivateStore(storeId, browser)) {
    const w = wins.find((x) => x.incognito);
    return w ? { create: { url, active: false, windowId: w.id } } : { skip: 'store_closed' };
  }
  const container = firefox && storeId && storeId !== 'firefox-default' ? storeId : '';
  const w = wins.find((x) => !x.incognito);
  if (!w) {
    const win = { url, focused: false, incognito: false };
    if (container) win.cookieStoreId = container;
    return { window: win };
  }
  const create = { url, active: false, windowId: w.id };
  if (container) create.cookieStoreId = container;
  return { create };
}

/**
 * Details for `cookies.getAll` reaching partitioned cookies too (see the file comment); without a
 * domain, the store's whole jar (cleanup.js cookieReader).
 */
export function cookieQuery({ domain, storeId }, partitioned = true) {
  const q = domain ? { domain } : {};
  if (storeId) q.storeId = storeId;
  if (partitioned) q.partitionKey = {};
  return q;
}

/** Keeps only cookies that really belong to the query (`hostsOnly` sites match exact hosts). */
export function cookiesInScope(cookies, { domain, hostsOnly }) {
  return (cookies || []).filter((c) => {
    const h = normalizeHost(c.domain);
    return hostsOnly ? h === domain : hostMatchesDomain(h, domain);
  });
}

/** Details for `cookies.remove` of one cookie, in its store and partition. */
export function cookieRemoval(cookie) {
  const host = normalizeHost(cookie.domain);
  const details = {
    url: `${cookie.secure ? 'https' : 'http'}://${host}${cookie.path || '/'}`,
    name: cookie.name,
  };
  if (cookie.storeId) details.storeId = cookie.storeId;
  if (cookie.partitionKey) details.partitionKey = cookie.partitionKey;
  if (cookie.firstPartyDomain) details.firstPartyDomain = cookie.firstPartyDomain;
  return details;
}

/**
 * Which tabs the cleanup closes. Our own extension pages stay (the popup opened as a tab shows the
 * receipt). Scope `all`: every other tab. Scope `session`: tabs seen during the session, every
 * private tab, and any tab still on a registry site.
 * @returns {{ close: number[], startPage: boolean }}
 */
export function planTabs(tabs, { scope, sessionTabIds = [], extensionOrigin = '', isRegistryUrl = () => false }) {
  const seen = new Set(sessionTabIds);
  const close = [];
  let kept = 0;
  for (const t of tabs) {
    const ours = extensionOrigin && typeof t.url === 'string' && t.url.startsWith(extensionOrigin);
    if (ours) {
      kept++;
      continue;
    }
    if (scope === 'all' || t.incognito || seen.has(t.id) || isRegistryUrl(t.url || '')) close.push(t.id);
    else kept++;
  }
  return { close, startPage: true, kept };
}

/**
 * Where the cleanup shows its receipt: the extension's own receipt page (receipt/receipt.html),
 * opened as the active tab of a regular window before the other tabs close, so that closing them
 * never closes the browser and what is on screen at the end is the receipt. Never the browser's new
 * tab page: Debian's Chromium loads a remote site there (start.duckduckgo.com), recorded in history
 * after the cleanup, which the verification then finds. A receipt page already open in a regular
 * window is brought to the front instead of opening a second one (it follows storage by itself).
 * @param {Array} tabs        tabs.query({}) before any is closed
 * @param {object} o
 * @param {number[]} o.close  the tabs planTabs closes
 * @param {string} o.receiptUrl  runtime.getURL('receipt/receipt.html') ('' : about:blank)
 * @returns {{ focus: {tabId: number, windowId: number} } | { create: object } | { window: object }}
 */
export function planStartPage(tabs, { close = [], receiptUrl = '', privateOnly = false }) {
  const closing = new Set(close);
  const url = receiptUrl || 'about:blank';
  // A browser in private windows only (Firefox with PrivateBrowsingModeAvailability 2): no window
  // is regular, nor can one be; a new window would be private too, and opening one costs ~0.6 s
  // (measured, deployed Firefox). Its private session is not dropped by closing windows (only by
  // quitting): the receipt page goes, active, in a window that is there, one that stays if any.
  const here = privateOnly ? (tabs || []) : (tabs || []).filter((t) => !t.incognito);
  const regular = here.filter((t) => !closing.has(t.id));
  const open = receiptUrl && regular.find((t) => typeof t.url === 'string' && t.url.split(/[?#]/)[0] === receiptUrl);
  if (open) return { focus: { tabId: open.id, windowId: open.windowId } };
  const normal = regular[0] || here[0];
  if (normal) return { create: { url, windowId: normal.windowId, active: true } };
  return { window: { url, incognito: false, focused: true } };
}

/**
 * The "recently closed" entries (sessions.getRecentlyClosed) the cleanup must forget: those closed
 * since `since` (every one when 0), so Ctrl+Shift+T cannot reopen the person's pages for the next
 * user. `lastModified` is in milliseconds in Firefox and in whole seconds (rounded down) in
 * Chromium: an entry of the very second the session started is left out there, as it may be the
 * aidant's own tab closed just before the start (none of the person's can close that fast).
 * @returns {{ tabs: {windowId, sessionId}[], windows: string[] }}
 */
export function planForget(entries, since) {
  const tabs = [];
  const windows = [];
  for (const e of entries || []) {
    const lm = Number(e && e.lastModified) || 0;
    const ms = lm > 0 && lm < 1e11 ? lm * 1000 : lm;
    if (since > 0 && ms < since) continue;
    if (e.tab && e.tab.sessionId != null) tabs.push({ windowId: e.tab.windowId, sessionId: e.tab.sessionId });
    else if (e.window && e.window.sessionId != null) windows.push(e.window.sessionId);
  }
  return { tabs, windows };
}

// Downloads the browser itself deletes at the end (downloads.removeFile; the `downloads`
// permission covers it in Chromium and Firefox). The host deletes, in scope `session`, what is
// new since its snapshot, taken when it registered the accompaniment (session.start): a file the
// browser downloaded between the click and a late registration (the host was busy) is in that
// snapshot, and the host keeps it. Those the browser knows are removed by it; with no registration
// at all, every download of the accompaniment is. Only downloads started after the accompaniment's
// start: never the aidant's older ones.

/** Slack on the registration time: the host's snapshot precedes its answer, clocks are coarse. */
export const EARLY_MARGIN_MS = 2000;

/**
 * Which downloads of the accompaniment the browser must delete, or null (none).
 * @param {object} p
 * @param {'session'|'all'} p.scope
 * @param {number} p.startedAt     the accompaniment's start (the click), ms
 * @param {boolean} p.registered   the host registered the accompaniment (a session id is known)
 * @param {number} [p.registeredAt] when it did (ms); unknown: the host's start is the snapshot's
 * @returns {{mode: 'early'|'unregistered', startedAfter: string, before: number}|null}
 */
export function planEarlyDownloads({ scope, startedAt, registered, registeredAt }) {
  const since = Math.max(0, Math.floor(startedAt || 0));
  const startedAfter = new Date(Math.max(0, since - 1)).toISOString();
  if (!registered) return { mode: 'unregistered', startedAfter, before: Number.POSITIVE_INFINITY };
  // Scope `all`: the host empties the watched folders whatever its snapshot holds.
  if (scope === 'all' || !(Number(registeredAt) > 0)) return null;
  return { mode: 'early', startedAfter, before: Number(registeredAt) + EARLY_MARGIN_MS };
}

/**
 * The downloads (downloads.search items) the plan covers that may still have a file on disk: a
 * finished one whose file exists, one in progress, one interrupted that keeps its partial data
 * to resume. `cancel`: to cancel first (the browser then deletes the partial file).
 * @returns {{ids: number[], cancel: number[]}}
 */
export function earlyDownloadTargets(items, plan) {
  const ids = [];
  const cancel = [];
  if (!plan) return { ids, cancel };
  const since = Date.parse(plan.startedAfter);
  for (const d of items || []) {
    const t = Date.parse(d && d.startTime);
    if (!Number.isInteger(d.id) || !(t > since) || !(t < plan.before)) continue;
    if (d.state === 'complete' && d.exists !== false) ids.push(d.id);
    else if (d.state === 'in_progress' || (d.state === 'interrupted' && d.canResume === true)) {
      ids.push(d.id);
      cancel.push(d.id);
    }
  }
  return { ids, cancel };
}

/** Whether a download, as re-read after its cancellation, has no file left the browser knows of. */
export function downloadGone(d) {
  if (!d || d.state === 'in_progress' || d.canResume === true) return false;
  return d.state !== 'complete' || d.exists === false;
}

/**
 * A downloads.removeFile rejection that says the file was not there (already gone: the host, the
 * person or another program took it): not a failure. Seen (test/e2e/earlymargin.e2e.test.mjs):
 * - Firefox ESR 153.8 (ext-downloads.js removeFile: `IOUtils.remove(item.filename, { ignoreAbsent:
 *   false })`): file present, resolves and the file is off the disk, but `exists` stays true;
 *   file missing, rejects "Could not remove download id N because the file doesn't exist" (each
 *   call), `exists` still true.
 * - Chromium 156: file present, resolves, off the disk, `exists` false; file missing (deleted
 *   behind its back), the first call resolves (it cannot tell: a missing path deletes fine), a
 *   second rejects "Download file already deleted"; `exists` false after.
 * Any other rejection: the file may be there.
 */
export const FILE_ABSENT = /doesn't exist|already deleted/i;

/** What a settled downloads.removeFile proves: 'removed', 'gone' (was not there) or 'left'. */
export function removalOutcome(settled) {
  if (settled.status === 'fulfilled') return 'removed';
  const r = settled.reason;
  return FILE_ABSENT.test(String((r && r.message) || r || '')) ? 'gone' : 'left';
}

/**
 * The outcome of the early removals: how many were found, removed, already gone, and may be left.
 * A file whose removeFile was called is judged by that call alone (`removals`: id → settled):
 * both browsers resolve it only once the file is off the disk (Firefox's IOUtils.remove with
 * ignoreAbsent false; Chromium's base::DeleteFile), while the `exists` that downloads.search
 * returns is, in Firefox, `download.target.exists`, not refreshed after removeFile: re-read, it
 * said "still there" for files that were gone (issue 14). `exists` and the state judge only the
 * downloads removeFile was not called for (cancelled ones: the browser deletes the partial file),
 * as re-read in `after`.
 */
export function judgeEarlyDownloads(ids, removals, after) {
  const byId = new Map((after || []).map((d) => [d.id, d]));
  const n = { removed: 0, gone: 0, left: 0 };
  for (const id of ids) {
    if (removals.has(id)) {
      n[removalOutcome(removals.get(id))]++;
      continue;
    }
    const d = byId.get(id);
    if (!downloadGone(d)) n.left++;
    else if (d.state === 'complete') n.gone++; // finished meanwhile, already without its file
    else n.removed++; // cancelled: the browser deleted the partial file
  }
  return { found: ids.length, ...n };
}

// Firefox's private windows (issue 15). browsingData does not reach their site data: it clears
// localStorage and IndexedDB through the quota manager's on-disk origins only, and returns without
// doing anything for the private store ("Can not clear localStorage/indexedDB in private browsing
// mode, just ignore", ext-browsingData.js, ESR 153); Cache Storage is no browsingData type in
// Firefox at all. Firefox drops that data only when the last private window closes, which, with
// every window private (policy PrivateBrowsingModeAvailability 2), means quitting the browser. So
// the cleanup purges it from inside each origin (purge.js): what to purge is planned here.

/**
 * The hosts whose site data the cleanup purges from inside their own pages, or null (Chromium:
 * closing the incognito windows drops their data; Firefox without the private store in use).
 * Registry sites used in the private store (or whose store is unknown), the hosts of their pages;
 * the other hosts visited (siteId null: counted, never named). Sites whose own older sessions are
 * kept (keepsOwnSessions) are left alone, as everywhere else.
 * @returns {{storeId: string, hosts: {host: string, siteId: string|null}[]}|null}
 */
export function planPurge({ browser, scope, registry, used, cookieStoreIds = [], visitedHosts = [], webmail = 'accompaniment' }) {
  if (browser !== 'firefox') return null;
  const storeId = 'firefox-private';
  if (!(cookieStoreIds || []).some((s) => isPrivateStore(s, browser))) return null;
  const hosts = new Map();
  for (const s of registry) {
    if (!used || !Object.hasOwn(used, s.id) || keepsOwnSessions(s, { scope, webmail })) continue;
    const u = used[s.id] || {};
    const stores = Array.isArray(u.stores) ? u.stores : [];
    if (stores.length && !stores.some((x) => isPrivateStore(x, browser))) continue;
    // The hosts of its pages (session.js `pages`); a record without them (an older version's):
    // every host seen, cookie domains included.
    for (const raw of (Array.isArray(u.pages) ? u.pages : u.hosts) || []) {
      const h = normalizeHost(raw);
      if (h && !hosts.has(h)) hosts.set(h, s.id);
    }
  }
  for (const h of otherHosts(registry, visitedHosts)) if (!hosts.has(h)) hosts.set(h, null);
  return { storeId, hosts: [...hosts].map(([host, siteId]) => ({ host, siteId })).sort((a, b) => a.host.localeCompare(b.host)) };
}

/**
 * What the purge found, host by host, from the frames' own re-reads (purge.js): `results` are
 * { host, top, clean } (clean: localStorage, IndexedDB, Cache Storage and service workers re-read
 * empty in that document); `blind`: hosts the extension may not script (no host permission);
 * `gone`: the private store no longer exists (its last window closed: Firefox dropped it all).
 * A planned host is clean when a top-level document of it re-read empty and none of its documents
 * re-read anything; left when one did; otherwise not verified. A frame of a host outside the plan
 * that re-read something counts as left (another site's, not named).
 * @returns {{clean: number, left: number, unverified: number, sitesLeft: string[],
 *   sitesUnverified: string[], othersLeft: number, othersUnverified: number}}
 */
export function judgePurge(plan, results = [], { blind = [], gone = false } = {}) {
  const out = { clean: 0, left: 0, unverified: 0, sitesLeft: [], sitesUnverified: [], othersLeft: 0, othersUnverified: 0 };
  if (!plan) return out;
  const planned = new Map(plan.hosts.map((h) => [h.host, h.siteId]));
  const blindSet = new Set(blind);
  const seenTop = new Set();
  const dirty = new Set();
  const strayLeft = new Set();
  for (const r of results) {
    if (!r || !r.host) continue;
    if (!r.clean) {
      if (planned.has(r.host)) dirty.add(r.host);
      else strayLeft.add(r.host);
    } else if (r.top) seenTop.add(r.host);
  }
  const add = (list, id) => {
    if (id && !list.includes(id)) list.push(id);
  };
  for (const [host, siteId] of planned) {
    let state = 'unverified';
    if (dirty.has(host)) state = 'left';
    else if (gone || seenTop.has(host)) state = 'clean';
    else if (blindSet.has(host)) state = 'unverified';
    out[state]++;
    if (state === 'left') {
      if (siteId) add(out.sitesLeft, siteId);
      else out.othersLeft++;
    } else if (state === 'unverified') {
      if (siteId) add(out.sitesUnverified, siteId);
      else out.othersUnverified++;
    }
  }
  out.left += strayLeft.size;
  out.othersLeft += strayLeft.size;
  return out;
}
