// The accompaniment session as the extension records it (storage.local, so a service-worker
// restart or a browser crash finds it again). Pure state transitions; the background persists.
//
// What is recorded is the least the cleanup needs: start time, which registry sites were used
// (ids and their host names, never a full URL or a page title), which tab ids were seen, and
// which cookie stores. Other sites visited are kept apart, in memory only (noteOtherHost).
// State: none → active → ending → ended (→ active again at the next start).

import { holdsOwnSessions, normalizeHost, siteForCookie, siteForUrl } from './registry.js';

export function emptySession() {
  return { state: 'none' };
}

/**
 * A new active session, started at the aidant's click (`now`, taken before any host call: pages
 * visited while the host answers belong to the session). The host registers it afterwards
 * (hostRegistered / hostAttemptFailed): until then `host.state` is 'pending' and no host session
 * id is known.
 */
export function startSession({ now, scope }) {
  return {
    state: 'active',
    startedAt: now,
    scope,
    used: {},
    tabIds: [],
    stores: [],
    host: { state: 'pending', sessionId: '', code: '', attempts: 0, nextAt: 0 },
  };
}

// Registering the session with the host (session.start). A start that fails is tried again while
// the accompaniment goes on: `busy` (the logon clean or another browser holds the session lock)
// lasts seconds. Bounded: after the last delay the files are said unverified, with the reason.
// Codes that no wait can change stop at once.
export const RETRY_DELAYS_MS = Object.freeze([1000, 2000, 4000, 8000, 15000, 30000, 30000, 30000, 60000, 60000]);
const FINAL_CODES = new Set(['host_missing', 'host_forbidden', 'forbidden', 'unknown_cmd', 'bad_request', 'protocol_mismatch']);

/**
 * The host answered session.start: its session id is this accompaniment's. `now`: when (its
 * snapshot of the watched folders precedes it); a file downloaded before then is in that
 * snapshot, so the host keeps it and the browser deletes it itself at the end (plan.js
 * planEarlyDownloads). 0 when unknown.
 */
export function hostRegistered(session, result, now = 0) {
  const prev = session.host || {};
  const id = result && typeof result.session_id === 'string' ? result.session_id : '';
  if (!id) return hostAttemptFailed(session, 'host_error', 0);
  return {
    ...session,
    host: { ...prev, state: 'ok', sessionId: id, code: '', attempts: (prev.attempts || 0) + 1, nextAt: 0, registeredAt: now || 0 },
  };
}

/** An attempt failed with `code` at `now`: retry later (`nextAt`), or give up ('failed'). */
export function hostAttemptFailed(session, code, now) {
  const prev = session.host || {};
  const attempts = (prev.attempts || 0) + 1;
  const last = FINAL_CODES.has(code) || attempts > RETRY_DELAYS_MS.length;
  return {
    ...session,
    host: { ...prev, state: last ? 'failed' : 'retrying', sessionId: '', code: code || 'host_error', attempts,
      nextAt: last ? 0 : now + RETRY_DELAYS_MS[attempts - 1] },
  };
}

/** Whether the host registration must be tried (again) for this session. */
export function needsRegistration(session) {
  const h = session && session.host;
  return !!session && session.state === 'active' && !!h && !h.sessionId && (h.state === 'pending' || h.state === 'retrying');
}

/**
 * The session as kept on disk once the cleanup is done: what the person did (the registry sites
 * used and their host names, tab ids, cookie stores) is dropped; the start and end times, the scope
 * and the host session id (not personal, and needed to judge a retry's report) stay.
 * `endAsked`: the host session an end of this accompaniment asked the host to end (set when an
 * end begins): a later report for it saying `already_ended` is this accompaniment's own.
 */
export function endedSession(session, endedAt) {
  const h = session.host || {};
  return {
    state: 'ended',
    startedAt: session.startedAt,
    endedAt,
    scope: session.scope,
    used: {},
    tabIds: [],
    stores: [],
    host: { state: h.state || 'failed', sessionId: h.sessionId || '', code: h.code || '', attempts: h.attempts || 0, nextAt: 0,
      registeredAt: h.registeredAt || 0, endAsked: h.endAsked || h.sessionId || '' },
  };
}

function addUnique(list, v) {
  return list.includes(v) ? list : [...list, v];
}

// Per site, the cookie stores it was used in (`used[id].stores`): its logout page must open in
// that store (a private window, a Firefox container), or the request carries the wrong cookies.
// `pages`: the hosts of its pages opened in a tab (not a cookie's domain): where a document ran,
// so where its own storage may be (plan.js planPurge, Firefox's private windows).
function withSite(session, site, host, storeId, page = false) {
  const prev = session.used[site.id] || { hosts: [], stores: [] };
  const prevStores = prev.stores || [];
  const h = normalizeHost(host);
  const hosts = h ? addUnique(prev.hosts, h) : prev.hosts;
  const prevPages = prev.pages || [];
  const pages = h && page ? addUnique(prevPages, h) : prevPages;
  const siteStores = storeId ? addUnique(prevStores, storeId) : prevStores;
  const stores = storeId ? addUnique(session.stores, storeId) : session.stores;
  if (session.used[site.id] && hosts === prev.hosts && pages === prevPages && siteStores === prevStores && stores === session.stores) return session;
  // `pages` always present (empty: no page of it opened), so a record of this version is never
  // read as an older one's (plan.js planPurge then takes every host seen).
  return { ...session, used: { ...session.used, [site.id]: { hosts, stores: siteStores, pages } }, stores };
}

/**
 * Records a tab navigation. Returns the same object when nothing changed (so the caller can skip
 * a storage write).
 */
export function noteNavigation(session, registry, { tabId, url, storeId }) {
  if (!session || session.state !== 'active') return session;
  let s = session;
  if (Number.isInteger(tabId) && !s.tabIds.includes(tabId)) s = { ...s, tabIds: [...s.tabIds, tabId] };
  const site = siteForUrl(registry, url);
  if (!site) return s;
  return withSite(s, site, new URL(url).hostname, storeId, true);
}

/**
 * Records a cookie set during the session (a site used in a frame counts as used). Not webmail
 * nor a shared account (registry.js holdsOwnSessions): the aidant's own mail tabs refresh their
 * cookies all day; such a site counts as used when a tab of the accompaniment went there.
 */
export function noteCookie(session, registry, cookie) {
  if (!session || session.state !== 'active' || !cookie) return session;
  const site = siteForCookie(registry, cookie);
  if (!site || holdsOwnSessions(site)) return session;
  return withSite(session, site, cookie.domain, cookie.storeId);
}

// Sites outside the registry. Their data must go too (Firefox can only clear localStorage,
// IndexedDB and service workers of hosts it is given by name), but their names are the person's
// own browsing: they are kept in memory only (storage.session, see background.js), never in the
// session record above, which is on disk. Only top-level navigations made during the session count,
// so a site the aidant had open before (and only reloads) keeps its data in scope `session`.

/**
 * Records the host of a top-level navigation outside the registry. `others` is the memory-only
 * record ({ startedAt, hosts }, or null); a record left by another session is replaced. Returns the
 * same object when nothing changed (so the caller can skip a write).
 * @param {{url: string, navigated: boolean}} nav  navigated: the URL changed (not a mere reload)
 */
export function noteOtherHost(others, session, registry, { url, navigated }) {
  if (!session || session.state !== 'active' || !navigated) return others;
  const h = otherHost(url, registry);
  if (!h) return others;
  const current = others && others.startedAt === session.startedAt ? others : { startedAt: session.startedAt, hosts: [] };
  if (current.hosts.includes(h)) return current;
  return { ...current, hosts: [...current.hosts, h] };
}

/**
 * The hosts outside the registry found in history items visited since `since` (ms): after a
 * browser crash the memory-only list is gone, but the browser's own history of the session (about
 * to be removed) still names them.
 */
export function otherHostsInHistory(items, registry, since) {
  const hosts = new Set();
  for (const it of items || []) {
    if (!it || typeof it.url !== 'string' || !((it.lastVisitTime || 0) >= since)) continue;
    const h = otherHost(it.url, registry);
    if (h) hosts.add(h);
  }
  return [...hosts].sort();
}

/** The host of a web URL outside the registry, or '' (not http(s), unparsable, a registry site). */
function otherHost(url, registry) {
  let u;
  try {
    u = new URL(url);
  } catch {
    return '';
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return '';
  const h = normalizeHost(u.hostname);
  return h && !siteForUrl(registry, url) ? h : '';
}

/** The hosts outside the registry visited during `session` (none from a record of another session). */
export function otherHostsOf(others, session) {
  return others && session && others.startedAt === session.startedAt && Array.isArray(others.hosts) ? others.hosts : [];
}

/** Badge for the toolbar button: text, colour and title message key. */
export function badgeFor(session, lastStatus, now) {
  if (session && (session.state === 'active' || session.state === 'ending')) {
    const min = Math.max(0, Math.floor((now - session.startedAt) / 60000));
    const text = min < 60 ? `${min}'` : `${Math.floor(min / 60)}h`;
    return { text, color: '#005a9c', titleKey: 'badgeActive' };
  }
  if (lastStatus === 'failed' || lastStatus === 'partial') return { text: '!', color: '#b00020', titleKey: 'badgeFailed' };
  return { text: '', color: '#005a9c', titleKey: 'badgeNone' };
}

/** Whether the idle safety net must end the session now. */
export function shouldEndOnIdle(session, idleState, idleMinutes) {
  return !!session && session.state === 'active' && idleMinutes > 0 && (idleState === 'idle' || idleState === 'locked');
}

/** Whether a session found at browser start must be cleaned (crash or browser closed mid-session). */
export function needsRecovery(session, hostHello) {
  if (session && (session.state === 'active' || session.state === 'ending')) return true;
  return !!(hostHello && hostHello.session && hostHello.session.unfinished);
}
