import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { buildRegistry } from '../lib/registry.js';
import { createHostClient } from '../lib/host.js';
import { countHistory, runCleanup } from '../lib/cleanup.js';
import { fakeBrowser } from './fake-browser.js';

const registry = buildRegistry(JSON.parse(fs.readFileSync(new URL('../data/sites.json', import.meta.url))).sites);
const START = Date.now() - 600000;
const END_REPORT = {
  session_id: 's', status: 'clean', already_ended: false,
  files: { status: 'clean', removed: 2, kept: 0, failed: 0, removed_bytes: 5, folders: [] },
  clipboard: { status: 'cleared' }, recent_documents: { status: 'cleared', removed: 0 },
};
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
  const phases = [];
  const r = await runCleanup({ ...ctx, progress: (p) => phases.push(p) });
  assert.equal(r.status, 'clean', JSON.stringify(r.lines));
  assert.deepEqual(phases, ['logout', 'browser', 'host', 'verify']);
  assert.deepEqual(b.state.cookies.map((c) => c.name), ['pref'], 'older unrelated cookie kept in scope session');
  assert.ok(b.calls.some(([k, p]) => k === 'tabs.create' && p.url && p.url.startsWith('https://assure.ameli.fr/')),
    'the known logout URL was opened');
  assert.deepEqual(b.state.tabs.map((t) => t.id).sort(), [1, 3, ...b.state.tabs.filter((t) => t.id >= 100).map((t) => t.id)].sort());
  assert.ok(b.state.tabs.some((t) => t.url === 'chrome://newtab/'), 'a clean start page is left');
  assert.deepEqual(lineOf(r, 'logout').subs, ['CAF, ameli']);
  assert.deepEqual(lineOf(r, 'files').subs, ['2']);
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
