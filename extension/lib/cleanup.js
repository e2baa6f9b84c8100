// The cleanup run: executes a plan (plan.js) against the browser API and the native host, bounded
// as a whole (10 s) and step by step, then verifies and builds the receipt (receipt.js).
//
// Order matters: logout pages need the cookies, so they go first; cookies, site data, the
// whole-profile removal and the tabs run together; the host wipes files once the tabs that could
// hold them open are closed; verification re-reads what it can last. One failing or hanging step
// never stops the others: each settles to an outcome that becomes a receipt line.
//
// `b` is the browser namespace (`browser` in Firefox, `chrome` in Chromium, promise-returning MV3
// APIs) or the test fake; nothing here depends on which.

import { bounded, Deadline } from './timeout.js';
import { cookieQuery, cookieRemoval, cookiesInScope, planCleanup, planTabs } from './plan.js';
import { buildReceipt } from './receipt.js';
import { siteForUrl } from './registry.js';

export const TOTAL_MS = 10000;
export const STEP_MS = Object.freeze({ logout: 2500, browser: 3000, host: 4000, verify: 1200 });

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

/** Opens a logout URL in a background tab, waits for it to load (bounded by the caller), closes it. */
async function openLogout(b, url) {
  const tab = await b.tabs.create({ url, active: false });
  // Firefox returns the new tab `complete` on about:blank, before the navigation has started:
  // closing it then cancels the logout request. Only a completed load of a real URL counts.
  const blank = (t) => !!t && (!t.url || t.url === 'about:blank');
  try {
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
  } finally {
    b.tabs.remove(tab.id).catch(() => {});
  }
}

async function removeCookies(b, queries) {
  let failed = 0;
  for (const q of queries) {
    for (const c of await getCookies(b, q)) {
      try {
        await b.cookies.remove(cookieRemoval(c));
      } catch {
        failed++;
      }
    }
  }
  if (failed) throw Object.assign(new Error('cookie removal failed'), { code: 'cookies_failed' });
}

async function closeTabs(b, session, registry, settings, extensionOrigin) {
  const tabs = await b.tabs.query({});
  const plan = planTabs(tabs, {
    scope: settings.scope,
    sessionTabIds: session.tabIds || [],
    extensionOrigin,
    isRegistryUrl: (u) => !!siteForUrl(registry, u),
  });
  // Open the clean start page first, in a regular window, so closing the rest never closes the browser.
  const normal = tabs.find((t) => !t.incognito && !plan.close.includes(t.id)) || tabs.find((t) => !t.incognito);
  const props = settings.startPage ? { url: settings.startPage } : {};
  if (normal) await b.tabs.create({ ...props, windowId: normal.windowId, active: true });
  else await b.windows.create({ ...props, incognito: false });
  if (plan.close.length) await b.tabs.remove(plan.close);
}

/** History items that count at verification: the clean start page we just opened does not. */
export function countHistory(items, startPage) {
  let origin = '';
  try {
    origin = startPage ? new URL(startPage).origin : '';
  } catch {
    origin = '';
  }
  return items.filter((h) => !(origin && typeof h.url === 'string' && h.url.startsWith(`${origin}/`))).length;
}

async function verify(b, plan, startPage) {
  const out = { cookiesLeft: null, history: null, downloads: null, unverified: [] };
  const left = {};
  const unverified = new Set();
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
        unverified.add(q.siteId);
        continue;
      }
      const n = (await getCookies(b, q)).length;
      if (n) left[q.siteId] = (left[q.siteId] || 0) + n;
    }
    out.cookiesLeft = left;
    out.unverified = [...unverified];
  } catch {
    out.cookiesLeft = null;
  }
  try {
    const items = await b.history.search({ text: '', startTime: plan.verify.since, maxResults: 100 });
    out.history = countHistory(items, startPage);
  } catch {
    out.history = null;
  }
  try {
    const items = await b.downloads.search({ startedAfter: new Date(Math.max(0, plan.verify.since - 1)).toISOString() });
    out.downloads = items.length;
  } catch {
    out.downloads = null;
  }
  return out;
}

/**
 * Runs the whole cleanup.
 * @param {object} ctx
 * @param {object} ctx.b                 browser namespace (or fake)
 * @param {{request(cmd, ms)}|null} ctx.host  host client (null when known missing)
 * @param {'chromium'|'firefox'} ctx.browser
 * @param {object} ctx.session           session.js record
 * @param {Array} ctx.registry
 * @param {object} ctx.settings          { scope, startPage }
 * @param {boolean} ctx.passwordsPolicy
 * @param {string} ctx.extensionOrigin
 * @param {(phase: string) => void} [ctx.progress]
 * @param {() => number} [ctx.now]
 * @param {object} [ctx.limits]          overrides of TOTAL_MS (`total`) and STEP_MS, for tests
 * @returns {Promise<{status, lines, finishedAt, durationMs}>}
 */
export async function runCleanup(ctx) {
  const { b, registry, session, settings } = ctx;
  const now = ctx.now || (() => Date.now());
  const progress = ctx.progress || (() => {});
  const t0 = now();
  const limits = { total: TOTAL_MS, ...STEP_MS, ...(ctx.limits || {}) };
  const deadline = new Deadline(limits.total, now);

  const stores = await bounded(() => cookieStoreIds(b), 500);
  const plan = planCleanup({
    browser: ctx.browser,
    scope: settings.scope,
    startedAt: session.startedAt,
    registry,
    used: session.used || {},
    cookieStoreIds: stores.ok ? [...new Set([...stores.value, ...(session.stores || [])])] : session.stores || [],
  });

  // 1. Logout pages, in parallel, each bounded; a hanging site only costs its own line.
  progress('logout');
  const logoutMs = deadline.budget(limits.logout, limits.browser + limits.verify + 1500);
  const logout = await Promise.all(plan.logout.map(async (l) => ({
    siteId: l.siteId, ...(await bounded(() => openLogout(b, l.url), logoutMs)),
  })));

  // 2–3. Cookies, site data, whole-profile data and tabs together.
  progress('browser');
  const browserMs = deadline.budget(limits.browser, limits.verify + 1500);
  const [cookies, siteData, browsing, tabs] = await Promise.all([
    bounded(() => removeCookies(b, plan.cookies), browserMs),
    bounded(() => Promise.all(plan.siteData.map((d) => b.browsingData.remove(d.options, d.dataTypes))), browserMs),
    bounded(() => b.browsingData.remove(plan.browsing.options, plan.browsing.dataTypes), browserMs),
    bounded(() => closeTabs(b, session, registry, settings, ctx.extensionOrigin || ''), browserMs),
  ]);

  // 4. The host: files, clipboard, recent documents.
  progress('host');
  let host;
  if (!ctx.host) {
    host = { ok: false, code: (session.host && session.host.code) || 'host_missing' };
  } else {
    const hostMs = deadline.budget(limits.host, limits.verify);
    host = await bounded(() => ctx.host.request('session.end', hostMs), hostMs);
  }

  // 5. Verify before claiming.
  progress('verify');
  const checked = await bounded(() => verify(b, plan, settings.startPage), deadline.budget(limits.verify));
  const receipt = buildReceipt({
    usedSites: plan.usedSites,
    logout,
    cookies,
    siteData,
    browsing,
    tabs,
    passwords: plan.passwords,
    passwordsPolicy: !!ctx.passwordsPolicy,
    host,
    verify: checked.ok ? checked.value : {},
  });
  const finishedAt = now();
  return { ...receipt, finishedAt, durationMs: finishedAt - t0 };
}
