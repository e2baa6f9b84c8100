import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { buildRegistry } from '../lib/registry.js';
import { createHostClient } from '../lib/host.js';
import { countHistory, MIN_MS, runCleanup, STEP_MS, TOTAL_MS } from '../lib/cleanup.js';
import { CONTRACT } from '../lib/contract.js';
import { fakeBrowser } from './fake-browser.js';
import { golden } from './golden.js';

const registry = buildRegistry(JSON.parse(fs.readFileSync(new URL('../data/sites.json', import.meta.url))).sites);
const START = Date.now() - 600000;
// The host's report as its Go types produce it (test/golden.js): 3 files removed.
const END_REPORT = { ...golden('session-end-clean'), session_id: 's' };
const hostAnswering = (msg) => ({ id: msg.id, ok: true, result: msg.cmd === 'session.end' ? END_REPORT : {} });

function scenario(opts = {}) {
  const b = fakeBrowser({ host: hostAnswering, ...opts });
  const s = b.state;
  const pk = { topLevelSite: 'https://caf.fr', hasCrossSiteAncestor: false };
  s.cookies.push(
    { name: 'sid', domain: '.caf.fr', path: '/', secure: true, storeId: '0', created: START + 1000 },
    { name: 'chips', domain: 'www.caf.fr', path: '/', secure: true, storeId: '0', partitionKey: pk, created: START - 1000 },
    { name: 'JSESSIONID', domain: 'assure.ameli.fr', path: '/PortailAS', secure: true, storeId: '0', created: START + 2000 },
    { name: 'pref', domain: '.lemonde.fr', path: '/', secure: true, storeId: '0', created: START - 86400000 },
  );
  s.tabs.push(
    { id: 1, url: 'chrome-extension://ext/popup/popup.html', windowId: 1 },
    { id: 2, url: 'https://www.caf.fr/mon-compte', windowId: 1 },
    { id: 3, url: 'https://www.lemonde.fr/', windowId: 1 },
  );
  s.history.push({ url: 'https://www.caf.fr/', lastVisitTime: START + 500 }, { url: 'https://old.example/', lastVisitTime: START - 1 });
  s.downloads.push({ id: 1, startTime: new Date(START + 3000).toISOString() });
  const session = {
    state: 'ending', startedAt: START, scope: 'session', tabIds: [2],
    used: { caf: { hosts: ['www.caf.fr'] }, ameli: { hosts: ['assure.ameli.fr'] } }, stores: ['0'],
    host: { state: 'ok', sessionId: 's' }, // END_REPORT's session
  };
  const ctx = {
    b, host: createHostClient(b.runtime), browser: 'chromium', session, registry,
    settings: { scope: 'session', startPage: '' }, passwordsPolicy: false, extensionOrigin: 'chrome-extension://ext/',
  };
  return { b, ctx };
}
const lineOf = (r, id) => r.lines.find((l) => l.id === id);

test('a full run: logged out, cookies (partitioned too) gone, tabs closed, receipt clean', async () => {
  const { b, ctx } = scenario();
  const all = [];
  const r = await runCleanup({ ...ctx, progress: (p, extra) => all.push([p, extra]) });
  assert.equal(r.status, 'clean', JSON.stringify(r.lines));
  // The browser's lines come verified before the whole receipt, last, without the host's lines.
  const [last, shown] = all.at(-1);
  assert.equal(last, 'lines');
  const HOST_LINES = ['files', 'filesEarly', 'filesLate', 'clipboard', 'recent'];
  assert.deepEqual(shown.lines, r.lines.filter((l) => !HOST_LINES.includes(l.id)));
  assert.ok(shown.lines.length >= 5);
  const phases = all.slice(0, -1).map(([p]) => p);
  // In the order the receipt page lists them, never back; the host may come before the removals
  // that follow the logout pages (then « browser » is not announced separately).
  const order = ['logout', 'browser', 'host', 'verify'];
  assert.equal(phases[0], 'logout');
  assert.equal(phases.at(-1), 'verify');
  assert.ok(phases.includes('host'));
  assert.deepEqual(phases, [...phases].sort((x, y) => order.indexOf(x) - order.indexOf(y)));
  assert.equal(new Set(phases).size, phases.length);
  assert.deepEqual(b.state.cookies.map((c) => c.name), ['pref'], 'older unrelated cookie kept in scope session');
  assert.ok(b.calls.some(([k, p]) => k === 'tabs.create' && p.url && p.url.startsWith('https://assure.ameli.fr/')),
    'the known logout URL was opened');
  assert.deepEqual(b.state.tabs.map((t) => t.id).sort(), [1, 3, ...b.state.tabs.filter((t) => t.id >= 100).map((t) => t.id)].sort());
  assert.ok(b.state.tabs.some((t) => t.url === 'chrome-extension://ext/receipt/receipt.html'), 'the receipt page is left');
  assert.ok(!b.state.tabs.some((t) => t.url === 'chrome://newtab/'), 'never the browser\'s new tab page (remote on Debian)');
  assert.ok(b.calls.some(([k, p]) => k === 'tabs.create' && p.url === 'chrome-extension://ext/receipt/receipt.html' && p.active === true),
    'the receipt page is opened as the active tab');
  assert.deepEqual(lineOf(r, 'logout').subs, ['CAF, ameli']);
  assert.equal(lineOf(r, 'logoutPage'), undefined, 'every logout page completed: no such line');
  assert.deepEqual(lineOf(r, 'files').subs, ['3']);
  assert.ok(b.calls.some(([k, n, m]) => k === 'sendNativeMessage' && n === 'fr.tablerase.host' && m.cmd === 'session.end'
    && JSON.stringify(m.args) === '{}'), 'the host gets no path or URL');
});

test('host missing: browser part done, receipt partial with the IT line', async () => {
  const { b, ctx } = scenario({ host: () => { throw new Error('Specified native messaging host not found.'); } });
  const r = await runCleanup(ctx);
  assert.equal(r.status, 'partial');
  assert.equal(lineOf(r, 'files').key, 'receiptHostMissing');
  assert.equal(lineOf(r, 'cookies').status, 'ok');
  assert.equal(b.state.cookies.filter((c) => c.domain.includes('caf')).length, 0);
});

test('a hanging host and a hanging logout page are bounded; the run still ends with a receipt', async () => {
  const { ctx } = scenario({ host: () => new Promise(() => {}), hang: ['logout'] });
  const limits = { total: 600, logout: 60, browser: 150, host: 100, verify: 80 };
  const t0 = Date.now();
  const r = await runCleanup({ ...ctx, limits });
  assert.ok(Date.now() - t0 < 2000, 'bounded by the overall deadline, not by the hanging parts');
  assert.equal(lineOf(r, 'files').key, 'receiptHostFailed');
  assert.equal(lineOf(r, 'cookies').status, 'ok', 'cookies are removed even though the logout page hung');
  assert.deepEqual(lineOf(r, 'logoutPage'), { id: 'logoutPage', status: 'notice', key: 'receiptLogoutPageFailed', subs: ['ameli'], sites: 1 },
    'the receipt names the site whose logout page did not complete, apart from the cookies');
});

test('hanging browsingData: the line fails, the others still run', async () => {
  const { b, ctx } = scenario({ hang: ['browsingData'] });
  const r = await runCleanup({ ...ctx, limits: { total: 800, logout: 60, browser: 100, host: 200, verify: 200 } });
  assert.equal(lineOf(r, 'cookies').status, 'failed');
  assert.equal(lineOf(r, 'history').status, 'failed');
  assert.equal(lineOf(r, 'files').status, 'ok');
  assert.ok(!b.state.tabs.some((t) => t.url.includes('caf.fr')));
});

test('verification, not the API answers, decides: cookies that survive make the receipt partial', async () => {
  const { ctx } = scenario({ failRemove: true });
  const r = await runCleanup(ctx);
  assert.equal(r.status, 'partial');
  assert.equal(lineOf(r, 'logout').status, 'failed');
  assert.equal(lineOf(r, 'history').status, 'failed');
});

test('the private store is cleaned when the extension can see it', async () => {
  const { b, ctx } = scenario({ stores: ['0', '1'] });
  b.state.cookies.push({ name: 'sid', domain: '.impots.gouv.fr', path: '/', secure: true, storeId: '1' });
  const r = await runCleanup({ ...ctx, session: { ...ctx.session, used: { ...ctx.session.used, impots: { hosts: [] } } } });
  assert.equal(b.state.cookies.filter((c) => c.storeId === '1').length, 0);
  assert.equal(r.status, 'clean');
});

test('Firefox: removal by hostnames per cookie store, passwords by the API', async () => {
  const { b, ctx } = scenario({ stores: ['firefox-default'], firefox: true });
  b.state.cookies = b.state.cookies.map((c) => ({ ...c, storeId: 'firefox-default' }));
  const r = await runCleanup({ ...ctx, browser: 'firefox', session: { ...ctx.session, stores: ['firefox-default'] } });
  const site = b.calls.filter(([k, o]) => k === 'browsingData.remove' && o.hostnames);
  assert.ok(site.some(([, o]) => o.cookieStoreId === 'firefox-default'));
  assert.ok(site.every(([, o]) => !o.cookieStoreId || o.cookieStoreId === 'firefox-default'));
  assert.equal(lineOf(r, 'passwords').key, 'receiptPasswords');
  assert.equal(r.status, 'clean', JSON.stringify(r.lines));
});

test('the start page opened by the cleanup does not count as history left behind', () => {
  const items = [{ url: 'https://accueil.mairie.fr/' }, { url: 'https://accueil.mairie.fr/page' }, { url: 'https://www.caf.fr/' }];
  assert.equal(countHistory(items, 'https://accueil.mairie.fr/'), 1);
  assert.equal(countHistory(items, ''), 3);
  const own = [...items, { url: 'chrome-extension://ext/receipt/receipt.html' }];
  assert.equal(countHistory(own, '', 'chrome-extension://ext/'), 3, 'the receipt page never fails the history line');
  assert.equal(countHistory(own, ''), 4);
  assert.equal(countHistory([{ url: 'https://accueil.mairie.fr.evil.example/' }], 'https://accueil.mairie.fr'), 1);
});

test('without host access to a used site, its cookies are reported unverified', async () => {
  const { b, ctx } = scenario();
  b.permissions = { contains: async ({ origins }) => !origins[0].includes('ameli') };
  const r = await runCleanup(ctx);
  assert.equal(lineOf(r, 'logout').key, 'receiptLogoutUnverified');
  assert.deepEqual(lineOf(r, 'logout').subs, ['ameli']);
  assert.equal(r.status, 'partial');
});

test('Firefox: a shop outside the registry loses its storage; a site the session did not visit keeps it', async () => {
  const { b, ctx } = scenario({ stores: ['firefox-default'], firefox: true });
  b.state.cookies = b.state.cookies.map((c) => ({ ...c, storeId: 'firefox-default' }));
  for (const type of ['localStorage', 'indexedDB', 'serviceWorkers']) {
    b.state.siteData.push({ host: 'www.example-commerce.fr', type, created: START + 1000 });
    b.state.siteData.push({ host: 'messagerie.mairie.fr', type, created: START - 86400000 }); // the aidant's own
  }
  const r = await runCleanup({ ...ctx, browser: 'firefox', session: { ...ctx.session, stores: ['firefox-default'] },
    visitedHosts: ['www.example-commerce.fr'] });
  assert.deepEqual(b.state.siteData.map((d) => d.host), ['messagerie.mairie.fr', 'messagerie.mairie.fr', 'messagerie.mairie.fr']);
  // No host access to the shop (the fake has no permissions API: grant everything but the shop).
  assert.equal(lineOf(r, 'others'), undefined, 'its cookies could be re-read here');
  b.permissions = { contains: async ({ origins }) => !origins[0].includes('example-commerce') };
  const again = await runCleanup({ ...ctx, browser: 'firefox', session: { ...ctx.session, stores: ['firefox-default'] },
    visitedHosts: ['www.example-commerce.fr'] });
  assert.equal(lineOf(again, 'others').status, 'notice');
  assert.ok(!JSON.stringify(again).includes('example-commerce'), 'the receipt never names it');
});

test('the closed tabs of the session are forgotten from "recently closed", the aidant\'s older ones kept', async () => {
  for (const firefox of [true, false]) {
    const { b, ctx } = scenario({ sessions: true, firefox });
    const older = { lastModified: firefox ? START - 60000 : Math.floor((START - 60000) / 1000), tab: { sessionId: 'old', windowId: 1 } };
    b.state.closed.push(older);
    const r = await runCleanup(firefox ? { ...ctx, browser: 'firefox', session: { ...ctx.session, stores: ['0'] } } : ctx);
    assert.deepEqual(b.state.closed, [older], firefox ? 'firefox' : 'chromium');
    assert.equal(lineOf(r, 'tabs').key, 'receiptTabs');
  }
});

test('chromium: a tab recorded in "recently closed" after the history removal is still forgotten', async () => {
  const { b, ctx } = scenario({ sessions: true });
  // Chromium records the closed tab a moment after tabs.remove answers: here, just after the
  // history removal that follows the logout pages has run.
  const remove = b.tabs.remove;
  const late = [];
  b.tabs.remove = async (ids) => {
    await remove(ids);
    late.push(...b.state.closed.splice(0));
  };
  const browsingRemove = b.browsingData.remove;
  let removals = 0;
  b.browsingData.remove = async (o, t) => {
    await browsingRemove(o, t);
    if (t.history && ++removals === 2) b.state.closed.unshift(...late.splice(0));
  };
  const r = await runCleanup(ctx);
  assert.deepEqual(b.state.closed, []);
  assert.equal(lineOf(r, 'tabs').key, 'receiptTabs');
});

test('a closed tab that cannot be forgotten makes the tabs line fail', async () => {
  const { b, ctx } = scenario({ sessions: true, firefox: true });
  b.sessions.forgetClosedTab = async () => {};
  const r = await runCleanup({ ...ctx, browser: 'firefox' });
  assert.ok(b.state.closed.length > 0);
  assert.equal(lineOf(r, 'tabs').key, 'receiptTabsRestorable');
  assert.equal(r.status, 'partial');
});

// ---- speed without weakening: what may run early or alongside, and what still runs last ----

/** Firefox scenario whose history API can clear everything and answers range queries as Firefox does. */
function firefoxScenario(opts = {}) {
  const { b, ctx } = scenario({ stores: ['firefox-default'], firefox: true, ...opts });
  b.state.cookies = b.state.cookies.map((c) => ({ ...c, storeId: 'firefox-default' }));
  const order = [];
  let cleared;
  const wholeCleared = new Promise((resolve) => { cleared = resolve; });
  b.history.search = async (q) => b.state.history.filter((h) => h.lastVisitTime >= (q.startTime || 0)
    && (q.endTime == null || h.lastVisitTime <= q.endTime));
  b.history.deleteAll = async () => {
    order.push('deleteAll');
    b.state.history = [];
    cleared();
  };
  const downloadsSearch = b.downloads.search;
  b.downloads.search = async (q) => (q.startedBefore
    ? b.state.downloads.filter((d) => Date.parse(d.startTime) < Date.parse(q.startedBefore))
    : downloadsSearch(q));
  return { b, order, wholeCleared, ctx: { ...ctx, browser: 'firefox', session: { ...ctx.session, stores: ['firefox-default'] } } };
}

test('the host is asked while the whole-profile removal still runs: it only waits for the tabs', async () => {
  let asked;
  const hostAsked = new Promise((resolve) => { asked = resolve; });
  const { b, ctx } = scenario({ host: (msg) => {
    if (msg.cmd === 'session.end') asked();
    return hostAnswering(msg);
  } });
  const remove = b.browsingData.remove;
  // The whole-profile removal (no site filter, cookies included) ends only once the host was asked:
  // run one after the other, it would time out and the history line would fail.
  b.browsingData.remove = async (o, t) => {
    if (t.cookies && !o.hostnames && !o.origins) await hostAsked;
    return remove(o, t);
  };
  const r = await runCleanup({ ...ctx, limits: { total: 4000, logout: 300, browser: 500, host: 500, verify: 300 } });
  assert.equal(lineOf(r, 'history').status, 'ok', JSON.stringify(r.lines));
  assert.equal(lineOf(r, 'files').status, 'ok');
  assert.equal(r.status, 'clean', JSON.stringify(r.lines));
});

test('Firefox: the history head start clears everything only when nothing older exists, then the full removal still runs after the logout pages', async () => {
  const { b, order, wholeCleared, ctx } = firefoxScenario();
  b.state.history = b.state.history.filter((h) => h.lastVisitTime >= START); // the aidant has no older history
  // The logout page's own visit comes after the head start: only the removal after the logout pages reaches it.
  const create = b.tabs.create;
  b.tabs.create = async (props) => {
    const tab = await create(props);
    if (props.active === false) {
      wholeCleared.then(() => { // as the page loads, before the fake reports it complete
        order.push('logout visit');
        b.state.history.push({ url: props.url, lastVisitTime: Date.now() });
      });
    }
    return tab;
  };
  const r = await runCleanup(ctx);
  assert.deepEqual(order.slice(0, 2), ['deleteAll', 'logout visit']);
  assert.deepEqual(b.state.history, []);
  assert.equal(lineOf(r, 'history').status, 'ok', JSON.stringify(r.lines));
  assert.equal(r.status, 'clean', JSON.stringify(r.lines));
});

test('Firefox: with older history, or an older download, the head start removes the range only (the aidant keeps them)', async () => {
  const older = firefoxScenario(); // scenario(): one visit of the aidant's, before the start
  await runCleanup(older.ctx);
  assert.deepEqual(older.order, [], 'never the whole history');
  assert.deepEqual(older.b.state.history.map((h) => h.url), ['https://old.example/']);

  const download = firefoxScenario();
  download.b.state.history = download.b.state.history.filter((h) => h.lastVisitTime >= START);
  download.b.state.downloads.push({ id: 2, startTime: new Date(START - 86400000).toISOString() });
  await runCleanup(download.ctx);
  assert.deepEqual(download.order, [], 'Firefox empties the finished downloads list with the whole history');
  assert.equal(download.b.state.downloads.length, 1, 'the aidant\'s older download stays listed');
});

test('Firefox: no visit since the start (private windows record none): no history removal at all, the receipt still verified', async () => {
  const { b, order, ctx } = firefoxScenario();
  b.state.history = b.state.history.filter((h) => h.lastVisitTime < START); // only the aidant's older visit
  const calls = [];
  const remove = b.browsingData.remove;
  b.browsingData.remove = async (o, types) => {
    if (types.history) calls.push(o);
    return remove(o, types);
  };
  const r = await runCleanup(ctx);
  assert.deepEqual(order, [], 'never the whole history');
  assert.deepEqual(calls, [], 'no history removal: there was nothing in the range (it costs ~1 s in Firefox even then)');
  assert.deepEqual(b.state.history.map((h) => h.url), ['https://old.example/']);
  assert.equal(lineOf(r, 'history').status, 'ok', JSON.stringify(r.lines));
  assert.equal(r.status, 'clean', JSON.stringify(r.lines));
});

test('Firefox in private windows only: the receipt page opens as a tab in a window that is there, never a new window', async () => {
  const { b, ctx } = firefoxScenario({ stores: ['firefox-private'] });
  b.extension.inIncognitoContext = true; // the background itself runs private: permanent private browsing
  for (const tab of b.state.tabs) tab.incognito = true;
  for (const c of b.state.cookies) c.storeId = 'firefox-private';
  const used = Object.fromEntries(Object.entries(ctx.session.used).map(([k, v]) => [k, { ...v, stores: ['firefox-private'] }]));
  ctx.session = { ...ctx.session, used, stores: ['firefox-private'] };
  let windows = 0;
  const createWindow = b.windows.create;
  b.windows.create = async (props) => {
    if (props && props.incognito === false) windows++;
    return createWindow(props);
  };
  const r = await runCleanup(ctx);
  assert.equal(windows, 0, 'no window of its own (private anyway there, and ~0.6 s to open)');
  const receipt = b.state.tabs.filter((tab) => String(tab.url).endsWith('receipt/receipt.html'));
  assert.equal(receipt.length, 1, JSON.stringify(b.state.tabs));
  assert.equal(receipt[0].incognito, true, 'in the private window that was there');
  assert.ok(b.calls.some(([name, props]) => name === 'tabs.create' && props.active === true && String(props.url).endsWith('receipt/receipt.html')), 'active');
  assert.equal(r.status, 'clean', JSON.stringify(r.lines));
});

test('Chromium never clears the whole history, even with nothing older', async () => {
  const { b, ctx } = scenario();
  b.state.history = b.state.history.filter((h) => h.lastVisitTime >= START);
  let whole = 0;
  b.history.deleteAll = async () => { whole++; };
  const r = await runCleanup(ctx);
  assert.equal(whole, 0);
  assert.equal(r.status, 'clean', JSON.stringify(r.lines));
});

// The host registered the accompaniment late (busy at the click): a file downloaded before then is
// in its snapshot and kept by it. The browser deletes it itself, before the downloads list goes.
function lateRegistration(opts = {}, host = { state: 'ok', sessionId: 's', registeredAt: START + 20000 }) {
  const { b, ctx } = scenario(opts);
  b.download({ id: 40, startTime: new Date(START - 3600e3).toISOString() }); // the aidant's own, before the click
  b.download({ id: 41, startTime: new Date(START + 5000).toISOString() }); // between the click and the registration
  b.download({ id: 42, startTime: new Date(START + 60000).toISOString() }); // after: the host deletes it
  return { b, ctx: { ...ctx, session: { ...ctx.session, host } } };
}

test('a file downloaded before the late registration is deleted by the browser, first, and counted', async () => {
  const { b, ctx } = lateRegistration();
  const r = await runCleanup(ctx);
  assert.deepEqual([...b.state.files].sort(), [40, 42], 'only the file the host\'s snapshot holds is deleted by the browser');
  assert.deepEqual(b.calls.filter(([k]) => k === 'downloads.removeFile').map(([, id]) => id), [41]);
  const removeAt = b.calls.findIndex(([k]) => k === 'downloads.removeFile');
  const listGone = b.calls.findIndex(([k, , types]) => k === 'browsingData.remove' && types.downloads);
  assert.ok(removeAt >= 0 && removeAt < listGone, 'while the downloads list still names it');
  assert.deepEqual(lineOf(r, 'files'), { id: 'files', status: 'ok', key: 'receiptFiles', subs: ['4'] }, 'host 3 + browser 1');
  assert.equal(r.status, 'clean', JSON.stringify(r.lines));
  assert.ok(r.steps.early, 'the step is timed like the others');
});

test('Firefox: the early files go before the history head start empties the downloads list', async () => {
  const { b, ctx } = lateRegistration({ firefox: true, stores: ['firefox-default'] });
  await runCleanup({ ...ctx, browser: 'firefox' });
  const removeAt = b.calls.findIndex(([k]) => k === 'downloads.removeFile');
  const firstRemoval = b.calls.findIndex(([k]) => k === 'browsingData.remove');
  assert.ok(removeAt >= 0 && (firstRemoval < 0 || removeAt < firstRemoval));
  assert.deepEqual([...b.state.files].sort(), [40, 42]);
});

test('an early file the browser cannot delete: partial, counted, never named', async () => {
  const { ctx } = lateRegistration({ refuseFiles: [41] });
  const r = await runCleanup(ctx);
  assert.equal(lineOf(r, 'files').status, 'partial');
  assert.deepEqual(lineOf(r, 'files').subs, ['3'], 'only what is verified gone is counted');
  assert.deepEqual(lineOf(r, 'filesEarly'), { id: 'filesEarly', status: 'partial', key: 'receiptFilesEarlyLeft', subs: ['1'] });
  assert.equal(r.status, 'partial');
});

// Firefox (issue 14): `exists` is download.target.exists, not refreshed after removeFile; removeFile
// itself resolves only once the file is removed, and rejects "…because the file doesn't exist" for
// one already gone. Re-reading `exists` called gone files left (3 CI runs in 6 ended partial).
test('Firefox: removeFile resolved but `exists` still says true: removed, counted, clean, no waiting', async () => {
  const { b, ctx } = lateRegistration({ staleExists: [41], firefox: true, stores: ['firefox-default'] });
  const t0 = Date.now();
  const r = await runCleanup({ ...ctx, browser: 'firefox' });
  const ms = Date.now() - t0;
  assert.ok(!b.state.files.has(41), 'the file is off the disk');
  assert.equal(lineOf(r, 'filesEarly'), undefined, JSON.stringify(r.lines));
  assert.deepEqual(lineOf(r, 'files'), { id: 'files', status: 'ok', key: 'receiptFiles', subs: ['4'] }, 'host 3 + browser 1');
  assert.equal(r.status, 'clean', JSON.stringify(r.lines));
  assert.equal(b.calls.filter(([k, q]) => k === 'downloads.search' && q.startedAfter).length, 2,
    'the list read once by the early step (no re-read of `exists`), once by the verification');
  console.log(`# stale exists: cleanup ${ms} ms`);
});

test('an early file already gone (the host took it): removeFile rejects "doesn\'t exist"; not left, not counted as removed', async () => {
  const { b, ctx } = lateRegistration({ staleExists: [41], firefox: true, stores: ['firefox-default'] });
  b.takeFile(41);
  const r = await runCleanup({ ...ctx, browser: 'firefox' });
  assert.ok(b.calls.some(([k, id]) => k === 'downloads.removeFile' && id === 41), 'asked, since `exists` said true');
  assert.equal(lineOf(r, 'filesEarly'), undefined, JSON.stringify(r.lines));
  assert.deepEqual(lineOf(r, 'files'), { id: 'files', status: 'ok', key: 'receiptFiles', subs: ['3'] },
    'the host\'s 3: whoever took it counts it, the browser did not delete it');
  assert.equal(r.status, 'clean', JSON.stringify(r.lines));
});

test('a download still running before the registration is cancelled (its partial file goes with it)', async () => {
  const { b, ctx } = lateRegistration();
  b.download({ id: 43, startTime: new Date(START + 6000).toISOString(), state: 'in_progress' });
  const r = await runCleanup(ctx);
  assert.ok(b.calls.some(([k, id]) => k === 'downloads.cancel' && id === 43));
  assert.ok(!b.calls.some(([k, id]) => k === 'downloads.removeFile' && id === 43), 'removeFile takes finished downloads only');
  assert.ok(!b.state.files.has(43));
  assert.deepEqual(lineOf(r, 'files').subs, ['5']);
  assert.equal(r.status, 'clean');
});

test('a hanging downloads search is bounded; the early files are then said unverified', async () => {
  const { ctx } = lateRegistration({ hang: ['downloads'] });
  const t0 = Date.now();
  const r = await runCleanup({ ...ctx, limits: { early: 100 } });
  assert.ok(Date.now() - t0 < 3000);
  assert.equal(lineOf(r, 'files').status, 'partial');
  assert.deepEqual(lineOf(r, 'filesEarly'), { id: 'filesEarly', status: 'partial', key: 'receiptFilesEarlyUnverified', subs: [] });
  assert.equal(lineOf(r, 'tabs').status, 'ok', 'the other steps still ran');
  assert.ok(ctx.b.state.cookies.every((c) => !c.domain.includes('caf')), 'cookies removed too');
});

test('registered at the click, or scope all: the browser deletes nothing, the host does', async () => {
  const { b, ctx } = lateRegistration({}, { state: 'ok', sessionId: 's', registeredAt: START + 300 });
  const r = await runCleanup(ctx);
  assert.ok(!b.calls.some(([k]) => k === 'downloads.removeFile'));
  assert.deepEqual(lineOf(r, 'files').subs, ['3']);
  const all = lateRegistration();
  await runCleanup({ ...all.ctx, settings: { ...all.ctx.settings, scope: 'all' } });
  assert.ok(!all.b.calls.some(([k]) => k.startsWith('downloads.') && k !== 'downloads.search'));
});

test('never registered: the browser deletes every download of the accompaniment and says so; the rest stays unverified', async () => {
  const never = { state: 'failed', sessionId: '', code: 'busy' };
  const { b, ctx } = lateRegistration({ host: (msg) => ({ id: msg.id, ok: false, error: { code: 'no_session', message: '' } }) }, never);
  const r = await runCleanup(ctx);
  assert.deepEqual([...b.state.files], [40], 'the aidant\'s older download stays');
  assert.deepEqual(lineOf(r, 'files'), { id: 'files', status: 'partial', key: 'receiptFilesNotTrackedBusyBrowser', subs: ['2'], action: 'tellIT' });
  assert.notEqual(r.status, 'clean');
  // Host missing: the same, said with the missing component.
  const missing = lateRegistration({ host: () => { throw new Error('Specified native messaging host not found.'); } },
    { state: 'failed', sessionId: '', code: 'host_missing' });
  const m = await runCleanup(missing.ctx);
  assert.deepEqual(lineOf(m, 'files'), { id: 'files', status: 'partial', key: 'receiptHostMissingBrowser', subs: ['2'] });
  // Nothing the browser downloaded: the sentences of before.
  const none = scenario({ host: (msg) => ({ id: msg.id, ok: false, error: { code: 'no_session', message: '' } }) });
  const n = await runCleanup({ ...none.ctx, session: { ...none.ctx.session, host: never } });
  assert.equal(lineOf(n, 'files').key, 'receiptFilesNotTrackedBusy');
});

test('the receipt page: opened active before the tabs close; one already open is brought to the front, not doubled', async () => {
  const { b, ctx } = scenario();
  b.state.tabs.push({ id: 50, url: 'chrome-extension://ext/receipt/receipt.html', windowId: 1 });
  const r = await runCleanup(ctx);
  assert.equal(r.status, 'clean', JSON.stringify(r.lines));
  assert.equal(b.state.tabs.filter((t) => t.url.startsWith('chrome-extension://ext/receipt/')).length, 1);
  assert.ok(b.calls.some(([k, id, p]) => k === 'tabs.update' && id === 50 && p.active === true));
  assert.ok(!b.calls.some(([k, p]) => k === 'tabs.create' && p.active !== false), 'no other tab opened');
});

test('a remote new tab page visited after the cleanup would fail the history line; the receipt page does not', async () => {
  const { b, ctx } = scenario();
  const create = b.tabs.create;
  // As Debian's Chromium does: a tab opened without a URL loads start.duckduckgo.com, recorded in history.
  b.tabs.create = async (props) => {
    const tab = await create(props);
    b.state.history.push({ url: props.url || 'https://start.duckduckgo.com/', lastVisitTime: Date.now() });
    return tab;
  };
  const r = await runCleanup(ctx);
  assert.equal(lineOf(r, 'history').status, 'ok', JSON.stringify(r.lines));
  assert.equal(r.status, 'clean', JSON.stringify(r.lines));
});

// Issue 13: the extension waited 4 s for session.end while the host could take 7 s (its lock,
// then the files): a slow wipe showed « Réessayer » while the host was still deleting.
test('the wait for session.end is the host\'s longest time, and it fits in the cleanup with the steps around it', () => {
  const host = CONTRACT.budgets.host;
  assert.equal(STEP_MS.host, CONTRACT.waits.session_end_ms);
  assert.ok(STEP_MS.host >= host.lock_ms + Math.max(host.files_ms, host.clipboard_ms, host.recent_ms) + CONTRACT.budgets.extension.transport_ms);
  assert.equal(TOTAL_MS, CONTRACT.budgets.extension.cleanup_ms);
  // Before the host: at least the least the logout pages and the closing of the tabs keep.
  const beforeHost = TOTAL_MS - STEP_MS.host - STEP_MS.verify;
  assert.ok(beforeHost >= MIN_MS.logout + MIN_MS.tabs, `${beforeHost} ms before the host`);
  assert.ok(beforeHost >= CONTRACT.budgets.extension.before_host_ms);
});

test('the host gets its whole wait even after a logout page that hangs', async () => {
  const { ctx } = scenario({
    hang: ['logout'],
    host: async (msg) => {
      if (msg.cmd === 'session.end') await new Promise((r) => setTimeout(r, 550)); // a slow wipe
      return hostAnswering(msg);
    },
  });
  // Scaled down: the host may take 600 ms, the logout page hangs for all of its own budget.
  const limits = { total: 1500, early: 100, headStart: 100, logout: 400, browser: 300, host: 600, verify: 150 };
  const r = await runCleanup({ ...ctx, limits });
  assert.equal(lineOf(r, 'files').key, 'receiptFiles', JSON.stringify(r.lines));
  assert.equal(lineOf(r, 'files').status, 'ok');
  assert.ok(r.steps.host.ms >= 500, 'the host answered late, and was waited for');
});

test('webmail in scope session: the person\'s mail cookies go, the aidant\'s older session stays, and the receipt says so', async () => {
  const { b, ctx } = scenario();
  b.state.cookies.push(
    { name: 'SID', domain: '.google.com', path: '/', secure: true, storeId: '0', created: START - 86400000 * 30 }, // the aidant's
    { name: 'SID2', domain: '.google.com', path: '/', secure: true, storeId: '0', created: START + 5000 }, // the person's
    { name: 'GX', domain: 'mail.google.com', path: '/', secure: true, storeId: '0', created: START + 6000 },
  );
  b.state.tabs.push({ id: 4, url: 'https://mail.google.com/mail/u/0/#inbox', windowId: 1 }, { id: 5, url: 'https://mail.google.com/mail/u/1/', windowId: 1 });
  ctx.session.tabIds.push(5);
  ctx.session.used.gmail = { hosts: ['mail.google.com'] };
  const r = await runCleanup(ctx);
  assert.deepEqual(b.state.cookies.filter((c) => /google/.test(c.domain)).map((c) => c.name), ['SID'], 'only what dates from the accompaniment');
  assert.ok(b.state.tabs.some((t) => t.id === 4), 'the aidant\'s own mail tab stays');
  assert.ok(!b.state.tabs.some((t) => t.id === 5), 'the person\'s mail tab is closed');
  assert.deepEqual(lineOf(r, 'logout').subs, ['CAF, ameli'], 'Gmail is not claimed « déconnecté »');
  assert.deepEqual(lineOf(r, 'webmail'), { id: 'webmail', status: 'notice', key: 'receiptWebmailSession', subs: ['Google (Gmail)'], sites: 1 });
  assert.equal(lineOf(r, 'cookies').status, 'ok', 'the aidant\'s cookie is not a leftover');
  assert.equal(r.status, 'clean', JSON.stringify(r.lines));
});

test('webmail handled like the administrations (IT setting): every Gmail cookie goes, Gmail is named logged out', async () => {
  const { b, ctx } = scenario();
  b.state.cookies.push({ name: 'SID', domain: '.google.com', path: '/', secure: true, storeId: '0', created: START - 86400000 * 30 });
  ctx.session.used.gmail = { hosts: ['mail.google.com'] };
  const r = await runCleanup({ ...ctx, settings: { ...ctx.settings, webmail: 'administration' } });
  assert.equal(b.state.cookies.filter((c) => /google/.test(c.domain)).length, 0);
  assert.deepEqual(lineOf(r, 'logout').subs, ['CAF, ameli, Google (Gmail)']);
  assert.equal(lineOf(r, 'webmail'), undefined);
  assert.equal(r.status, 'clean', JSON.stringify(r.lines));
});

test('Chromium: a site used in the incognito window is logged out by a tab in that window, before its cookies go', async () => {
  const { b, ctx } = scenario();
  b.state.tabs.push({ id: 20, url: 'https://assure.ameli.fr/PortailAS/', windowId: 6, incognito: true });
  b.state.cookies.push({ name: 'JSESSIONID', domain: 'assure.ameli.fr', path: '/PortailAS', secure: true, storeId: '1', created: START + 2000 });
  b.state.stores = ['0', '1'];
  ctx.session.used.ameli = { hosts: ['assure.ameli.fr'], stores: ['1'] };
  let cookiesAtLogout = null;
  b.tabs.onUpdated.addListener((id, info, tab) => {
    if (info.status === 'complete' && tab && tab.url && tab.url.includes('as_deconnexion_page')) {
      cookiesAtLogout = b.state.cookies.filter((c) => c.storeId === '1' && c.domain.includes('ameli')).length;
    }
  });
  const r = await runCleanup(ctx);
  const opened = b.calls.filter(([k, p]) => k === 'tabs.create' && p.url && p.url.includes('as_deconnexion_page')).map(([, p]) => p);
  assert.deepEqual(opened.map((p) => p.windowId), [6], 'one logout tab, in the incognito window');
  assert.equal(cookiesAtLogout, 1, 'the incognito session cookie was still there for the logout request');
  assert.equal(b.state.cookies.filter((c) => c.domain.includes('ameli')).length, 0, 'then removed');
  assert.equal(lineOf(r, 'logoutPage'), undefined);
});

test('Firefox: a container\'s logout goes with its cookieStoreId; a private window already closed is skipped, not failed', async () => {
  const { b, ctx } = scenario({ firefox: true });
  b.state.stores = ['firefox-default', 'firefox-container-1'];
  for (const c of b.state.cookies) c.storeId = 'firefox-default';
  b.state.tabs.push({ id: 21, url: 'https://www.caf.fr/', windowId: 1, cookieStoreId: 'firefox-container-1' });
  ctx.session.used.ameli = { hosts: ['assure.ameli.fr'], stores: ['firefox-container-1', 'firefox-private'] };
  const r = await runCleanup({ ...ctx, browser: 'firefox' });
  const opened = b.calls.filter(([k, p]) => k === 'tabs.create' && p.url && p.url.includes('as_deconnexion_page')).map(([, p]) => p);
  assert.deepEqual(opened.map((p) => [p.windowId, p.cookieStoreId]), [[1, 'firefox-container-1']]);
  assert.equal(lineOf(r, 'logoutPage'), undefined, 'the closed private window ended its session itself');
});

test('the aidant\'s own jar is read once per store at the click and once at the verification, whatever the registry holds', async () => {
  // Each read costs the browser the whole jar (Chromium filters after fetching every cookie): one
  // read per registry domain made a months-old profile's verification run past its time limit.
  const { b, ctx } = scenario();
  ctx.session.stores = ['0', '1'];
  b.state.stores = ['0', '1'];
  for (let i = 0; i < 2000; i++) {
    b.state.cookies.push({ name: `c${i % 10}`, domain: `.site${Math.floor(i / 10)}.example`, path: '/', secure: true, storeId: '0', created: START - 86400000 });
  }
  const r = await runCleanup(ctx);
  assert.equal(r.status, 'clean', JSON.stringify(r.lines));
  const reads = b.calls.filter(([k]) => k === 'cookies.getAll').map(([, q]) => q.storeId || '0');
  assert.deepEqual(reads.sort(), ['0', '0', '1', '1'], 'two reads per store: the removal after the logout pages, the verification');
  assert.equal(b.state.cookies.filter((c) => /\.example$/.test(c.domain)).length, 2000, 'the aidant\'s own cookies stay');
  assert.ok(!b.state.cookies.some((c) => /caf\.fr|ameli\.fr/.test(c.domain)), 'the sites used have none left');
});

test('a private store gone with its window (closed by the cleanup) is done, not a failure', async () => {
  const { b, ctx } = scenario();
  ctx.session.stores = ['0', '1'];
  const getAll = b.cookies.getAll.bind(b.cookies);
  b.cookies.getAll = async (q) => {
    if (q.storeId === '1') throw new Error('No cookie store found with id 1');
    return getAll(q);
  };
  const r = await runCleanup(ctx);
  assert.equal(lineOf(r, 'cookies').status, 'ok', JSON.stringify(r.lines));
  assert.equal(lineOf(r, 'logout').status, 'ok');
  assert.equal(r.status, 'clean');
  // A regular store that cannot be read is still a failure.
  const again = scenario();
  const getAll2 = again.b.cookies.getAll.bind(again.b.cookies);
  again.b.cookies.getAll = async (q) => {
    if ((q.storeId || '0') === '0') throw new Error('boom');
    return getAll2(q);
  };
  const r2 = await runCleanup(again.ctx);
  assert.equal(lineOf(r2, 'cookies').status, 'failed');
});

test('a logout page answering an HTTP error or failing on the network is a failed logout, named on the receipt', async () => {
  for (const answer of [500, 404, 'net::ERR_CONNECTION_REFUSED', 'NS_ERROR_NET_RESET']) {
    const { ctx } = scenario({ logoutAnswer: (url) => (url.includes('ameli') ? answer : 200) });
    const r = await runCleanup(ctx);
    assert.deepEqual(lineOf(r, 'logoutPage'), { id: 'logoutPage', status: 'notice', key: 'receiptLogoutPageFailed', subs: ['ameli'], sites: 1 },
      String(answer));
    assert.equal(lineOf(r, 'cookies').status, 'ok', 'the cookies still go');
  }
  const { b, ctx } = scenario({ logoutAnswer: () => 200 });
  const ok = await runCleanup(ctx);
  assert.equal(lineOf(ok, 'logoutPage'), undefined, 'a 200 is a completed logout');
  assert.equal(b.webRequest.onCompleted.size, 0, 'listeners removed after use');
});

// Issue 14: only what truly depends on something waits for it.
test('critical path: the host, the history and the tabs do not wait for the logout pages; cookies do; one full history removal', async () => {
  const { b, ctx } = scenario({ sessions: true, hang: ['logout'] });
  // The logout tab's closing (at its time limit): the tabs.remove that is not the session's tab 2.
  const logoutOver = () => b.calls.findIndex(([k, ids]) => k === 'tabs.remove' && !ids.includes(2));
  const r = await runCleanup({ ...ctx, limits: { total: 4000, logout: 400, browser: 500, host: 500, verify: 300 } });
  const at = (pred) => b.calls.findIndex(pred);
  const hostAsked = at(([k, , m]) => (k === 'sendNativeMessage' || k === 'port.postMessage') && m.cmd === 'session.end');
  const historyGone = at(([k, o, t]) => k === 'browsingData.remove' && t.history && o.since === START);
  const cookieRemoved = at(([k]) => k === 'cookies.remove');
  assert.ok(logoutOver() > 0, 'the hanging logout tab was closed at its time limit');
  assert.ok(hostAsked >= 0 && hostAsked < logoutOver(), 'session.end was asked while the logout page still loaded');
  assert.ok(historyGone >= 0 && historyGone < logoutOver(), 'the session\'s history went while the logout page still loaded');
  assert.ok(cookieRemoved > logoutOver(), 'cookies only after the logout page');
  // The session's tabs were closed before its history removal (Chromium forgets closed tabs with it).
  // Chromium forgets closed tabs with its history removal: the one after the logout pages comes
  // after every tab (the session's, the logout tab) is closed, and finds only the logout visits.
  const history = b.calls.map((c, i) => [c, i]).filter(([[k, , t]]) => k === 'browsingData.remove' && t.history);
  assert.equal(history.length, 2, JSON.stringify(history));
  const [[, o2], i2] = history[1];
  assert.ok(i2 > logoutOver() && i2 > at(([k, ids]) => k === 'tabs.remove' && ids.includes(2)));
  assert.equal(o2.since, START);
  // Chromium's per-site removals that differ only by origins are one call (it runs them one at a time).
  assert.equal(b.calls.filter(([k, o]) => k === 'browsingData.remove' && o.origins).length, 1);
  assert.equal(lineOf(r, 'logoutPage').status, 'notice');
  assert.equal(lineOf(r, 'history').status, 'ok', JSON.stringify(r.lines));
  assert.equal(lineOf(r, 'tabs').status, 'ok', JSON.stringify(r.lines));
});

test('the browser\'s lines are shown verified while the host still works; the whole receipt once it answered', async () => {
  let answered = 0;
  const { ctx } = scenario({ host: async (msg) => {
    if (msg.cmd === 'session.end') {
      await new Promise((r) => setTimeout(r, 400)); // a slow wipe
      answered = Date.now();
    }
    return hostAnswering(msg);
  } });
  let shownAt = 0;
  let shown = null;
  const r = await runCleanup({ ...ctx, progress: (p, extra) => {
    if (p === 'lines') {
      shownAt = Date.now();
      shown = extra.lines;
    }
  } });
  assert.ok(shownAt > 0 && answered > 0 && shownAt < answered, 'the browser lines before the host\'s answer');
  assert.ok(shown.some((l) => l.id === 'history' && l.status === 'ok'));
  assert.ok(!shown.some((l) => l.id === 'files'), 'no files line before the host has answered');
  assert.equal(lineOf(r, 'files').status, 'ok');
  assert.equal(r.status, 'clean', JSON.stringify(r.lines));
});

test('Firefox: a history removal past its time limit is judged by the verification (done: ok; not done: the history line fails)', async () => {
  for (const done of [true, false]) {
    const { b, ctx } = firefoxScenario();
    b.state.history = b.state.history.filter((h) => h.lastVisitTime >= START); // nothing older: deleteAll
    b.history.deleteAll = async () => {
      if (done) b.state.history = []; // the browser has done the work, its answer comes late
      return new Promise(() => {});
    };
    const remove = b.browsingData.remove;
    b.browsingData.remove = async (o, t) => (t.history && Object.keys(t).length === 1 ? new Promise(() => {}) : remove(o, t));
    const r = await runCleanup({ ...ctx, limits: { total: 3000, logout: 300, browser: 300, host: 400, verify: 300 } });
    assert.equal(lineOf(r, 'history').status, done ? 'ok' : 'failed', JSON.stringify(r.lines));
    assert.equal(lineOf(r, 'cookies').status, 'ok', 'the cookies line does not depend on the history removal');
  }
});

// Firefox with every window private (PrivateBrowsingModeAvailability 2): browsingData does not
// reach the private windows' site data; the cleanup purges it from inside each site's pages.
function privateOnly(opts = {}) {
  const { b, ctx } = scenario({ stores: ['firefox-private'], firefox: true, privateOnly: true, ...opts });
  b.state.cookies = b.state.cookies.map((c) => ({ ...c, storeId: 'firefox-private' }));
  b.state.tabs.splice(0, b.state.tabs.length,
    { id: 1, url: 'moz-extension://ext/popup/popup.html', windowId: 5, incognito: true },
    { id: 2, url: 'https://www.caf.fr/mon-compte', windowId: 5, incognito: true },
    { id: 3, url: 'https://assure.ameli.fr/PortailAS', windowId: 5, incognito: true },
    { id: 4, url: 'https://www.example-commerce.fr/panier', windowId: 5, incognito: true });
  b.state.frames[2] = ['app.franceconnect.gouv.fr']; // FranceConnect's frame in caf.fr: its own partition
  b.state.privateData.push({ host: 'www.caf.fr' }, { host: 'www.caf.fr' }, { host: 'assure.ameli.fr' },
    { host: 'app.franceconnect.gouv.fr', partition: 'www.caf.fr' }, { host: 'www.example-commerce.fr' });
  const session = {
    ...ctx.session, tabIds: [2, 3, 4], stores: ['firefox-private'],
    used: { caf: { hosts: ['www.caf.fr'], stores: ['firefox-private'] }, ameli: { hosts: ['assure.ameli.fr'], stores: ['firefox-private'] } },
  };
  return { b, ctx: { ...ctx, browser: 'firefox', session, extensionOrigin: 'moz-extension://ext/', visitedHosts: ['www.example-commerce.fr'] } };
}

test('Firefox private windows: each site\'s pages purge their own data before their tabs close, re-read empty', async () => {
  const { b, ctx } = privateOnly();
  const r = await runCleanup(ctx);
  assert.deepEqual(b.state.privateData, [], 'every scriptable document purged, partition included (the fake grants every host)');
  const purged = b.calls.findIndex(([k, id]) => k === 'scripting.executeScript' && id === 2);
  const closed = b.calls.findIndex(([k, ids]) => k === 'tabs.remove' && Array.isArray(ids) && ids.includes(2));
  assert.ok(purged >= 0 && purged < closed, 'purged before its tab closed');
  assert.equal(lineOf(r, 'cookies').key, 'receiptCookiesPrivateChecked', JSON.stringify(r.lines));
  assert.equal(r.status, 'clean', JSON.stringify(r.lines));
  assert.ok(r.steps.purgeOpen && r.steps.purge, 'the purge is timed on the run record');
  // The logout page (ameli, in the private window) is purged once loaded, before it closes.
  const logoutTab = b.calls.find(([k, p]) => k === 'tabs.create' && p.url && p.url.includes('ameli'));
  assert.ok(logoutTab, 'ameli\'s logout page opened in the private window');
  assert.equal(b.calls.filter(([k]) => k === 'tabs.create').filter(([, p]) => p.url && p.url.endsWith('/robots.txt')).length, 0,
    'every planned host re-read in an open page: no background page loaded');
});

test('Firefox private windows: data a page re-reads after the purge fails the line; a shop without host access is said apart', async () => {
  const { b, ctx } = privateOnly();
  b.state.stickyData.add('assure.ameli.fr');
  const left = await runCleanup(ctx);
  assert.equal(lineOf(left, 'cookies').status, 'failed');
  assert.equal(left.status, 'partial');

  const shop = privateOnly();
  shop.b.permissions = { contains: async ({ origins }) => !origins[0].includes('example-commerce') };
  const r = await runCleanup(shop.ctx);
  assert.deepEqual(shop.b.state.privateData, [{ host: 'www.example-commerce.fr' }], 'only the shop\'s data is left');
  assert.equal(lineOf(r, 'cookies').key, 'receiptCookiesPrivateChecked');
  assert.deepEqual(lineOf(r, 'othersPrivate'), { id: 'othersPrivate', status: 'notice', key: 'receiptPrivateOtherSite', subs: ['1'], action: 'tellIT' });
  assert.ok(!JSON.stringify(r).includes('example-commerce'), 'the receipt never names it');
});

test('Firefox private windows: a host no open page covers is loaded in a background private tab, purged, closed', async () => {
  const { b, ctx } = privateOnly();
  b.state.tabs = b.state.tabs.filter((t) => t.id !== 3); // ameli's page closed by the person before the end
  ctx.session.used.ameli.hosts = ['assure.ameli.fr', 'www.ameli.fr'];
  b.state.privateData.push({ host: 'www.ameli.fr' });
  const r = await runCleanup(ctx);
  const loads = b.calls.filter(([k, p]) => k === 'tabs.create' && p.url && p.url.endsWith('/robots.txt')).map(([, p]) => p);
  assert.deepEqual(loads.map((p) => p.url).sort(), ['https://www.ameli.fr/robots.txt'],
    'assure.ameli.fr was re-read by the logout page (its logout URL is there); www.ameli.fr had no page left');
  assert.ok(loads.every((p) => p.active === false && b.calls.some(([k, ids]) => k === 'tabs.remove' && [].concat(ids).length === 1)));
  assert.deepEqual(b.state.privateData.filter((d) => d.host.includes('ameli')), []);
  assert.equal(lineOf(r, 'cookies').key, 'receiptCookiesPrivateChecked', JSON.stringify(r.lines));
  assert.equal(b.state.tabs.filter((t) => t.url.endsWith('/robots.txt')).length, 0, 'its tab closed');
});

test('Firefox private windows: a page that cannot be re-read leaves the line not verified; a private store gone is clean', async () => {
  const { b, ctx } = privateOnly();
  b.state.tabs = b.state.tabs.filter((t) => t.id !== 2);
  b.state.hang.add('logout'); // background pages never load: caf cannot be re-read
  const r = await runCleanup({ ...ctx, limits: { logout: 200, purge: 200 } });
  assert.equal(lineOf(r, 'cookies').key, 'receiptCookiesPrivateUnverified', JSON.stringify(r.lines));
  assert.equal(lineOf(r, 'cookies').status, 'partial');

  // Private windows beside regular ones: closing them drops the store, which is checked.
  const mixed = privateOnly({ privateOnly: false });
  mixed.b.state.tabs.push({ id: 9, url: 'https://www.lemonde.fr/', windowId: 1, incognito: false });
  mixed.b.state.tabs = mixed.b.state.tabs.filter((t) => t.id !== 2);
  const realRemove = mixed.b.tabs.remove;
  mixed.b.tabs.remove = async (ids) => {
    await realRemove(ids);
    if (!mixed.b.state.tabs.some((t) => t.incognito)) mixed.b.state.stores = mixed.b.state.stores.filter((s) => s !== 'firefox-private');
  };
  const m = await runCleanup(mixed.ctx);
  assert.equal(lineOf(m, 'cookies').key, 'receiptCookiesPrivateChecked', JSON.stringify(m.lines));
});

test('Chromium incognito: nothing scripted (closing its windows drops its data)', async () => {
  const { b, ctx } = scenario({ stores: ['0', '1'] });
  b.state.tabs.push({ id: 7, url: 'https://www.caf.fr/', windowId: 3, incognito: true });
  await runCleanup({ ...ctx, session: { ...ctx.session, stores: ['0', '1'] } });
  assert.equal(b.calls.filter(([k]) => k === 'scripting.executeScript').length, 0);
});

test('Firefox private windows: a purge that hangs is bounded; the tabs still close, the line is not « effacées »', async () => {
  const { b, ctx } = privateOnly();
  const real = b.scripting.executeScript;
  b.scripting.executeScript = (d) => (d.func && d.func.name === 'purgeFrame' ? new Promise(() => {}) : real(d));
  b.permissions = { contains: async ({ origins }) => (origins[0].includes('example-commerce') ? new Promise(() => {}) : true) };
  const r = await runCleanup({ ...ctx, limits: { purgeOpen: 100, purge: 200 } });
  assert.ok(!b.state.tabs.some((t) => [2, 3, 4].includes(t.id)), 'the person\'s tabs closed');
  assert.notEqual(lineOf(r, 'cookies').status, 'ok', JSON.stringify(r.lines));
});
