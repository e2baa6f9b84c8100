// A small fake of the browser API (promise style, as `browser.*` / MV3 `chrome.*`), enough for the
// cleanup to run against: cookie stores with partitioned cookies, browsingData removal that
// really removes, tabs/windows, history, downloads, native messaging. Knobs let a test make a
// step hang or fail.

import { hostMatchesDomain, normalizeHost, registrableDomain } from '../lib/registry.js';

function event() {
  const listeners = new Set();
  return {
    addListener: (fn) => listeners.add(fn),
    removeListener: (fn) => listeners.delete(fn),
    emit: (...args) => [...listeners].map((fn) => fn(...args)), // what each listener returned
    get size() { return listeners.size; },
  };
}

const never = () => new Promise(() => {});

export function fakeBrowser(opts = {}) {
  const calls = [];
  let nextTab = 100;
  const state = {
    cookies: [],        // { name, domain, path, secure, storeId, partitionKey? }
    tabs: [],           // { id, url, incognito, windowId, status }
    history: [],        // { url, lastVisitTime }
    downloads: [],      // { id, startTime (ISO), state?, exists?, canResume? }
    files: new Set(),   // download ids whose file is on disk (downloads.removeFile deletes it)
    // ids whose `exists` (downloads.search) stays true once the file is gone: Firefox reports
    // download.target.exists, which removeFile does not refresh (ext-downloads.js, ESR 153)
    staleExists: new Set(opts.staleExists || []),
    refuseFiles: new Set(opts.refuseFiles || []), // ids whose removeFile rejects (file locked)
    siteData: [],       // { host, type: 'localStorage' | 'indexedDB' | 'serviceWorkers', created }
    closed: [],         // "recently closed": { lastModified, tab: { sessionId, windowId, url } }
    privateData: [],    // Firefox's private windows: { host, partition? } (scripting.executeScript below)
    stickyData: new Set(), // hosts whose private data the purge cannot remove
    frames: {},         // tabId → hosts of its third-party frames
    stores: opts.stores || ['0'],
    hang: new Set(opts.hang || []),        // 'logout' | 'browsingData' | 'cookies'
    failRemove: opts.failRemove || false,  // cookies.remove resolves but keeps the cookie
    host: opts.host || ((msg) => ({ id: msg.id, ok: true, result: {} })),
    ports: [],          // ports opened by connectNative
  };

  const cookieMatches = (c, d) => {
    if (d.domain && !hostMatchesDomain(normalizeHost(c.domain), normalizeHost(d.domain))) return false;
    if ((d.storeId || '0') !== c.storeId) return false;
    if (!d.partitionKey && c.partitionKey) return false; // partitioned cookies need a partitionKey
    return true;
  };

  // What a background page's main-frame request answers (webRequest): opts.logoutAnswer(url) →
  // a status code, or a string (a network error); 200 by default.
  const respond = (tabId, url) => {
    const a = opts.logoutAnswer ? opts.logoutAnswer(url) : 200;
    if (typeof a === 'string') b.webRequest.onErrorOccurred.emit({ tabId, type: 'main_frame', url, error: a });
    else b.webRequest.onCompleted.emit({ tabId, type: 'main_frame', url, statusCode: a });
  };
  const b = {
    calls,
    state,
    webRequest: { onCompleted: event(), onErrorOccurred: event() },
    cookies: {
      async getAllCookieStores() {
        return state.stores.map((id) => ({ id, tabIds: [] }));
      },
      async getAll(d) {
        calls.push(['cookies.getAll', d]);
        if (state.hang.has('cookies')) return never();
        return state.cookies.filter((c) => cookieMatches(c, d)).map((c) => ({ ...c }));
      },
      async remove(d) {
        calls.push(['cookies.remove', d]);
        if (state.failRemove) return null;
        const host = new URL(d.url).hostname;
        state.cookies = state.cookies.filter((c) => !(c.name === d.name && normalizeHost(c.domain) === host
          && c.storeId === (d.storeId || '0') && JSON.stringify(c.partitionKey || null) === JSON.stringify(d.partitionKey || null)));
        return { name: d.name };
      },
      onChanged: event(),
    },
    browsingData: {
      async remove(options, types) {
        calls.push(['browsingData.remove', options, types]);
        if (state.hang.has('browsingData')) return never();
        if (opts.firefox) {
          // Firefox's own refusals (ext-browsingData.js).
          if (options.since && types.localStorage) throw new Error("Firefox does not support clearing localStorage with 'since'.");
          if (options.cookieStoreId && Object.keys(types).some((k) => types[k] && !['cookies', 'indexedDB'].includes(k))) {
            throw new Error("Firefox does not support clearing X with 'cookieStoreId'.");
          }
        }
        if (state.failRemove) return undefined;
        const since = options.since || 0;
        const defaultStore = opts.firefox ? 'firefox-default' : '0';
        if (types.cookies && !options.origins && !options.hostnames) {
          state.cookies = state.cookies.filter((c) => (c.created || 0) < since || c.storeId !== defaultStore);
        }
        if (types.cookies && options.hostnames) {
          // Both browsers honour `since` with a host filter: only cookies created since then go.
          state.cookies = state.cookies.filter((c) => !((options.cookieStoreId || defaultStore) === c.storeId
            && options.hostnames.includes(normalizeHost(c.domain)) && (c.created || 0) >= since));
        }
        if (types.cookies && options.origins) {
          const regs = new Set(options.origins.map((o) => registrableDomain(new URL(o).hostname)));
          // Conservative: whether an origins filter reaches partitioned cookies is not documented.
          state.cookies = state.cookies.filter((c) => !(c.storeId === '0' && !c.partitionKey && regs.has(registrableDomain(c.domain))
            && (c.created || 0) >= since));
        }
        // Site data: by exact host name (Firefox), by origin (Chromium), else by time.
        state.siteData = state.siteData.filter((d) => {
          if (!types[d.type]) return true;
          if (options.hostnames) return !options.hostnames.includes(d.host);
          if (options.origins) return !options.origins.includes(`https://${d.host}`);
          return (d.created || 0) < since;
        });
        if (types.history) state.history = state.history.filter((h) => h.lastVisitTime < since);
        // Chromium's history removal also deletes the closed tabs of its time range.
        if (types.history && !opts.firefox) state.closed = state.closed.filter((e) => e.lastModified * 1000 + 1000 < since);
        if (types.downloads) state.downloads = state.downloads.filter((d) => Date.parse(d.startTime) < since);
        return undefined;
      },
    },
    tabs: {
      onUpdated: event(),
      onCreated: event(),
      async query() {
        return state.tabs.map((t) => ({ ...t }));
      },
      async create(props) {
        calls.push(['tabs.create', props]);
        const win = state.tabs.find((t) => t.windowId === props.windowId);
        const tab = { id: nextTab++, url: props.url || 'chrome://newtab/', incognito: !!(win && win.incognito), windowId: props.windowId || 1,
          status: 'loading', ...(props.cookieStoreId ? { cookieStoreId: props.cookieStoreId } : {}) };
        state.tabs.push(tab);
        if (!state.hang.has('logout') || !props.url || props.active !== false) {
          setTimeout(() => {
            if (props.url && props.active === false) respond(tab.id, props.url);
            b.tabs.onUpdated.emit(tab.id, { status: 'complete' }, tab);
          }, 1);
        }
        return { ...tab };
      },
      async update(id, props) {
        calls.push(['tabs.update', id, props]);
        const tab = state.tabs.find((t) => t.id === id);
        if (!tab) throw new Error(`No tab with id: ${id}.`);
        for (const t of state.tabs) if (props.active && t.windowId === tab.windowId) t.active = t.id === id;
        return { ...tab };
      },
      async remove(ids) {
        const list = Array.isArray(ids) ? ids : [ids];
        calls.push(['tabs.remove', list]);
        if (opts.sessions) {
          for (const t of state.tabs.filter((x) => list.includes(x.id))) {
            // Firefox: milliseconds; Chromium: seconds.
            const lastModified = opts.firefox ? Date.now() : Math.floor(Date.now() / 1000);
            state.closed.unshift({ lastModified, tab: { sessionId: `s${t.id}`, windowId: t.windowId, url: t.url } });
          }
        }
        state.tabs = state.tabs.filter((t) => !list.includes(t.id));
      },
    },
    windows: {
      async update(id, props) {
        calls.push(['windows.update', id, props]);
        return { id };
      },
      async create(props) {
        calls.push(['windows.create', props]);
        // opts.privateOnly: Firefox with every window private (PrivateBrowsingModeAvailability 2).
        const tab = { id: nextTab++, url: props.url || 'chrome://newtab/', incognito: !!props.incognito || !!opts.privateOnly, windowId: 9, status: 'loading' };
        state.tabs.push(tab);
        if (props.url && !state.hang.has('logout')) {
          setTimeout(() => {
            respond(tab.id, props.url);
            b.tabs.onUpdated.emit(tab.id, { status: 'complete' }, tab);
          }, 1);
        }
        return { id: 9, incognito: tab.incognito, tabs: [{ ...tab }] };
      },
      // The windows the tabs are in (a window is incognito when its tabs are).
      async getAll() {
        const byId = new Map();
        for (const t of state.tabs) if (!byId.has(t.windowId)) byId.set(t.windowId, { id: t.windowId, incognito: !!t.incognito, type: 'normal' });
        return [...byId.values()];
      },
    },
    sessions: opts.sessions ? {
      async getRecentlyClosed() {
        return state.closed.map((e) => structuredClone(e));
      },
      // Only Firefox can forget an entry.
      ...(opts.firefox ? {
        async forgetClosedTab(windowId, sessionId) {
          calls.push(['sessions.forgetClosedTab', windowId, sessionId]);
          const n = state.closed.length;
          state.closed = state.closed.filter((e) => !(e.tab && e.tab.sessionId === sessionId && e.tab.windowId === windowId));
          if (state.closed.length === n) throw new Error('Could not find closed tab using sessionId');
        },
        async forgetClosedWindow(sessionId) {
          state.closed = state.closed.filter((e) => !(e.window && e.window.sessionId === sessionId));
        },
      } : {}),
    } : undefined,
    history: {
      async search(q) {
        return state.history.filter((h) => h.lastVisitTime >= (q.startTime || 0) && (q.endTime == null || h.lastVisitTime <= q.endTime));
      },
    },
    downloads: {
      async search(q) {
        calls.push(['downloads.search', q]);
        if (state.hang.has('downloads')) return never();
        const after = q.startedAfter ? Date.parse(q.startedAfter) : 0;
        const before = q.startedBefore ? Date.parse(q.startedBefore) : Infinity;
        return state.downloads.filter((d) => Date.parse(d.startTime) > after && Date.parse(d.startTime) < before && (q.id == null || d.id === q.id))
          .map((d) => ({ ...d, ...(d.state ? { exists: state.files.has(d.id) || state.staleExists.has(d.id) } : {}) }));
      },
      // As both browsers: finished downloads only; the entry stays in the list, `exists` false
      // (or stale, staleExists). Resolves only once the file is off the disk; a file already gone:
      // Firefox's rejection (IOUtils.remove, ignoreAbsent false).
      async removeFile(id) {
        calls.push(['downloads.removeFile', id]);
        const d = state.downloads.find((x) => x.id === id);
        if (!d) throw new Error(`Invalid download id ${id}`);
        if (d.state !== 'complete') throw new Error(`Cannot remove incomplete download id ${id}`);
        if (!state.files.has(id)) throw new Error(`Could not remove download id ${id} because the file doesn't exist`);
        if (state.refuseFiles.has(id)) throw new Error('An unexpected error occurred');
        state.files.delete(id);
      },
      // Cancelling deletes the partial file; a finished download cannot be cancelled.
      async cancel(id) {
        calls.push(['downloads.cancel', id]);
        const d = state.downloads.find((x) => x.id === id);
        if (!d) throw new Error(`Invalid download id ${id}`);
        if (d.state === 'complete') return;
        Object.assign(d, { state: 'interrupted', error: 'USER_CANCELED', canResume: false });
        state.files.delete(id);
      },
    },
    runtime: {
      id: opts.id || 'ibejdgljgikfdimkajilpemalnckncnm',
      getURL: (p) => `${opts.origin || 'chrome-extension://ibejdgljgikfdimkajilpemalnckncnm/'}${p}`,
      onMessage: event(),
      onStartup: event(),
      async sendNativeMessage(name, msg) {
        calls.push(['sendNativeMessage', name, msg]);
        return state.host(msg);
      },
      // A port to the same host: each posted frame is answered by state.host, in order, one at a
      // time (as the host's serving loop does). opts.noPort: the browser refuses (host missing).
      connectNative(name) {
        calls.push(['connectNative', name]);
        const port = { onMessage: event(), onDisconnect: event(), open: true, error: null };
        let queue = Promise.resolve();
        port.postMessage = (msg) => {
          if (!port.open) throw new Error('Attempting to use a disconnected port object');
          calls.push(['port.postMessage', name, msg]);
          queue = queue.then(async () => {
            if (opts.noPort) return; // no host behind this port: it only disconnects
            const res = await state.host(msg);
            if (port.open) port.onMessage.emit(res);
          }).catch(() => {});
        };
        port.disconnect = () => {
          port.open = false;
        };
        /** The host process ends (crash, kill): the browser reports the port disconnected. */
        port.crash = (message = 'Native host has exited.') => {
          port.open = false;
          port.error = { message };
          port.onDisconnect.emit(port);
        };
        state.ports.push(port);
        if (opts.noPort) setTimeout(() => port.crash('Specified native messaging host not found.'), 0);
        return port;
      },
    },
    // What background.js needs besides the cleanup (storage areas that copy values as the
    // browser does, alarms and the action recorded).
    storage: {
      local: storageArea('local'),
      session: storageArea('session'),
      managed: { async get() { return {}; } },
      onChanged: event(),
    },
    alarms: {
      created: new Map(),
      async create(name, info) { b.alarms.created.set(name, info); },
      async clear(name) { return b.alarms.created.delete(name); },
      onAlarm: event(),
    },
    action: { async setBadgeText() {}, async setBadgeBackgroundColor() {}, async setTitle() {} },
    i18n: { getMessage: (k) => k, getUILanguage: () => 'fr' },
    idle: { setDetectionInterval() {}, onStateChanged: event() },
    extension: { async isAllowedIncognitoAccess() { return false; } },
    scripting: {
      // The purge (lib/purge.js purgeFrame) runs in each frame of a tab: modelled on
      // state.privateData, the site data of Firefox's private windows per host (`partition`: the
      // top-level host of a third-party frame's partition). A host in state.stickyData keeps its
      // data (re-read non-empty); one without host permission (b.permissions) cannot be scripted.
      async executeScript({ target, func, args = [] }) {
        calls.push(['scripting.executeScript', target.tabId, func && func.name]);
        if (!func || func.name !== 'purgeFrame') return [{ result: true }];
        const tab = state.tabs.find((t) => t.id === target.tabId);
        if (!tab) throw new Error(`No tab with id: ${target.tabId}.`);
        const top = new URL(tab.url);
        if (!/^https?:$/.test(top.protocol)) throw new Error('Missing host permission for the tab');
        const allowed = async (h) => !b.permissions || b.permissions.contains({ origins: [`*://${h}/*`] });
        if (!(await allowed(top.hostname))) throw new Error('Missing host permission for the tab');
        const frames = [{ frameId: 0, host: top.hostname, partition: '' }];
        if (target.allFrames) {
          for (const [i, h] of (state.frames[tab.id] || []).entries()) frames.push({ frameId: i + 1, host: h, partition: top.hostname });
        }
        const out = [];
        for (const f of frames) {
          if (!(await allowed(f.host))) continue;
          const mine = (d) => d.host === f.host && (d.partition || '') === f.partition;
          if (!state.stickyData.has(f.host)) state.privateData = state.privateData.filter((d) => !mine(d));
          const left = state.privateData.filter(mine).length;
          out.push({ frameId: f.frameId, result: { origin: `https://${f.host}`, top: f.frameId === 0, after: {
            localStorage: left, indexedDB: 0, caches: 0, serviceWorkers: 0 }, blockedMs: args[0] } });
        }
        return out;
      },
    },
  };
  b.tabs.get = async (id) => ({ ...state.tabs.find((t) => t.id === id) });
  /** A download with its file on disk (`state` 'complete' unless given). */
  /** The file leaves the disk behind the browser's back (the host or another program took it). */
  b.takeFile = (id) => state.files.delete(id);
  b.download = (d) => {
    const item = { state: 'complete', ...d };
    state.downloads.push(item);
    if (item.state === 'complete' || item.state === 'in_progress' || item.canResume) state.files.add(item.id);
    return item;
  };
  function storageArea(area) {
    const data = {};
    state.storage = state.storage || {};
    state.storage[area] = data;
    const pick = (keys) => (keys == null ? Object.keys(data) : [].concat(typeof keys === 'object' && !Array.isArray(keys) ? Object.keys(keys) : keys));
    return {
      async get(keys) {
        const out = {};
        for (const k of pick(keys)) if (Object.hasOwn(data, k)) out[k] = structuredClone(data[k]);
        return out;
      },
      async set(items) {
        const changes = {};
        for (const [k, v] of Object.entries(items)) {
          changes[k] = { oldValue: data[k], newValue: structuredClone(v) };
          data[k] = structuredClone(v);
        }
        b.storage.onChanged.emit(changes, area);
      },
      async remove(keys) {
        for (const k of [].concat(keys)) delete data[k];
      },
    };
  }
  return b;
}
