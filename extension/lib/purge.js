// Site data of Firefox's private windows, purged from inside each origin (issue 15; why: plan.js,
// above planPurge). Each document of the person's private tabs clears its own origin's storage —
// and, in a third-party frame, its own partition's: localStorage, sessionStorage, every IndexedDB
// database, every Cache Storage cache, its service workers — then re-reads it in the same document.
// Three moments: the person's private tabs at the click, before they are closed; each logout page
// once loaded, before its tab closes; then, for a planned host no document of which re-read empty,
// a background tab of the private window loading a cheap URL of it (robots.txt), before the cookie
// removal (so a cookie it sets goes too). Only hosts the extension holds a host permission for can
// be scripted: the others are "not verified", never "erased".
//
// Nothing here is logged; the origins read back stay in memory, only counts reach the receipt.

import { bounded } from './timeout.js';
import { judgePurge } from './plan.js';

/** How long one document waits for a database deletion its own open connections block. */
export const BLOCKED_MS = 400;

/**
 * Runs inside the page (scripting.executeScript, MAIN world): must use nothing from outside.
 * Returns the frame's origin, whether it is the top frame, and the re-read counts (-1: unreadable).
 */
export async function purgeFrame(blockedMs) {
  const origin = (() => {
    try {
      return /^https?:$/.test(location.protocol) ? location.origin : '';
    } catch {
      return '';
    }
  })();
  let top = false;
  try {
    top = window === window.top;
  } catch {
    top = false;
  }
  if (!origin) return { origin: '', top };
  const quiet = async (f) => {
    try {
      await f();
    } catch {
      // re-read below says what is left
    }
  };
  const hasCaches = typeof caches !== 'undefined';
  const hasWorkers = typeof navigator !== 'undefined' && !!navigator.serviceWorker;
  await Promise.all([
    quiet(() => localStorage.clear()),
    quiet(() => sessionStorage.clear()),
    quiet(async () => {
      if (hasWorkers) await Promise.all((await navigator.serviceWorker.getRegistrations()).map((r) => r.unregister()));
    }),
    quiet(async () => {
      if (hasCaches) await Promise.all((await caches.keys()).map((k) => caches.delete(k)));
    }),
    quiet(async () => {
      const dbs = await indexedDB.databases();
      await Promise.all(dbs.map((d) => new Promise((resolve) => {
        const req = indexedDB.deleteDatabase(d.name);
        req.onsuccess = () => resolve();
        req.onerror = () => resolve();
        // Blocked by a connection of the page itself: it goes when that closes; wait a little.
        req.onblocked = () => setTimeout(resolve, blockedMs);
      })));
    }),
  ]);
  const count = async (f) => {
    try {
      return await f();
    } catch {
      return -1;
    }
  };
  const after = {
    localStorage: await count(() => localStorage.length),
    indexedDB: await count(async () => (await indexedDB.databases()).length),
    caches: hasCaches ? await count(async () => (await caches.keys()).length) : 0,
    serviceWorkers: hasWorkers ? await count(async () => (await navigator.serviceWorker.getRegistrations()).length) : 0,
  };
  return { origin, top, after };
}

/** One frame's result as plan.js judgePurge reads it: { host, top, clean }. */
function frameOutcome(r) {
  const v = r && r.result;
  if (!v || !v.origin) return null;
  let host = '';
  try {
    host = new URL(v.origin).hostname;
  } catch {
    return null;
  }
  const a = v.after || {};
  const clean = ['localStorage', 'indexedDB', 'caches', 'serviceWorkers'].every((k) => a[k] === 0);
  return { host, top: r.frameId === 0 || v.top === true, clean };
}

/**
 * Purges every frame of a tab (bounded). Resolves to the frames' outcomes; [] when the tab could
 * not be scripted (no host permission for its page, an error page, closed meanwhile).
 */
export async function purgeTab(b, tabId, ms = 1500, allFrames = true) {
  if (!b.scripting || typeof b.scripting.executeScript !== 'function') return [];
  const out = await bounded(() => b.scripting.executeScript({
    target: { tabId, allFrames }, func: purgeFrame, args: [BLOCKED_MS], world: 'MAIN', injectImmediately: true,
  }), ms);
  if (!out.ok || !Array.isArray(out.value)) return [];
  return out.value.map(frameOutcome).filter(Boolean);
}

/** The person's tabs in private windows with a web page: all of them close at the end. */
export async function purgeOpenTabs(b, ms) {
  const tabs = (await b.tabs.query({})).filter((t) => t.incognito && typeof t.url === 'string' && /^https?:/.test(t.url));
  return (await Promise.all(tabs.map((t) => purgeTab(b, t.id, ms)))).flat();
}

/** The hosts of the plan the extension may script (a host permission), and those it may not. */
export async function scriptable(b, plan) {
  const can = [];
  const blind = [];
  for (const { host } of plan.hosts) {
    let ok = true;
    if (b.permissions && typeof b.permissions.contains === 'function') {
      ok = await b.permissions.contains({ origins: [`*://${host}/*`] }).catch(() => false);
    }
    (ok ? can : blind).push(host);
  }
  return { can, blind };
}

/** Whether the private store is gone (its last window closed: Firefox dropped its data). */
async function storeGone(b, storeId) {
  try {
    return !(await b.cookies.getAllCookieStores()).some((s) => s.id === storeId);
  } catch {
    return false;
  }
}

/** Waits for a tab to complete a load of a real URL (bounded): true when it did. */
function loaded(b, tab, ms) {
  const blank = (t) => !!t && (!t.url || t.url === 'about:blank');
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      b.tabs.onUpdated.removeListener(onUpdated);
      resolve(false);
    }, Math.max(0, ms));
    const onUpdated = (tid, info, t) => {
      if (tid === tab.id && info.status === 'complete' && !blank(t)) {
        clearTimeout(timer);
        b.tabs.onUpdated.removeListener(onUpdated);
        resolve(true);
      }
    };
    b.tabs.onUpdated.addListener(onUpdated);
    if (tab.status === 'complete' && !blank(tab)) onUpdated(tab.id, { status: 'complete' }, tab);
  });
}

/**
 * The hosts of the plan no document re-read empty (`results`, the person's tabs at the click),
 * but those a logout page re-reads (`skip`), loaded in background tabs of a private window (a
 * cheap URL: robots.txt), all at once, each bounded, purged, closed. `onCreated(id)` is told each
 * tab at once, `ready()` once all exist (the cleanup then closes the others around them); `later`
 * resolves to the logout pages' outcomes, merged before judging (plan.js judgePurge). Without a
 * private window left: the store is gone (all dropped by Firefox itself) or the hosts are not
 * verified.
 * @returns {Promise<object>} judgePurge's counts, plus `loaded` (how many pages it opened)
 */
export async function purgeRemaining(b, plan, results, ms, { skip = [], onCreated = () => {}, ready = () => {}, later = [] } = {}) {
  const t0 = Date.now();
  const left = () => Math.max(0, ms - (Date.now() - t0));
  let tabs = [];
  let blind = [];
  try {
    const s = await scriptable(b, plan);
    blind = s.blind;
    const cleanTop = new Set(results.filter((r) => r.top && r.clean).map((r) => r.host));
    const dirty = new Set(results.filter((r) => !r.clean).map((r) => r.host));
    const skipped = new Set(skip);
    const todo = s.can.filter((h) => !skipped.has(h) && (!cleanTop.has(h) || dirty.has(h)));
    const wins = todo.length ? await b.windows.getAll({}).catch(() => []) : [];
    const w = (wins || []).find((x) => x && x.incognito && (!x.type || x.type === 'normal'));
    if (w) {
      tabs = (await Promise.all(todo.map(async (h) => {
        try {
          const tab = await b.tabs.create({ url: `https://${h}/robots.txt`, active: false, windowId: w.id });
          onCreated(tab.id);
          return tab;
        } catch {
          return null;
        }
      }))).filter(Boolean);
    }
  } finally {
    ready();
  }
  let fresh = [];
  try {
    fresh = (await Promise.all(tabs.map(async (tab) => ((await loaded(b, tab, left())) ? purgeTab(b, tab.id, left(), false) : [])))).flat();
  } finally {
    await Promise.all(tabs.map((t) => bounded(() => b.tabs.remove(t.id), 500)));
  }
  fresh = [...fresh, ...(await later)];
  // A fresh top document of the host supersedes what an earlier one (a closed tab) reported;
  // a partition (a third-party frame of a closed tab) stays as it was re-read.
  const again = new Set(fresh.filter((r) => r.top && r.clean).map((r) => r.host));
  const all = [...results.filter((r) => !(r.top && again.has(r.host))), ...fresh];
  const covered = new Set(all.filter((r) => r.top && r.clean).map((r) => r.host));
  const missing = plan.hosts.some((h) => !covered.has(h.host) && !blind.includes(h.host));
  // Hosts nothing re-read, no private window to load them in: verified only if the store is gone.
  const gone = missing && !tabs.length ? await storeGone(b, plan.storeId) : false;
  return { ...judgePurge(plan, all, { blind, gone }), loaded: tabs.length };
}
