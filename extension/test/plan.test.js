import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { buildRegistry, siteForUrl } from '../lib/registry.js';
import {
  cookieQuery, cookieRemoval, cookiesInScope, downloadGone, EARLY_MARGIN_MS, earlyDownloadTargets, judgeEarlyDownloads, keepsOwnSessions, planCleanup, planLogoutTab,
  judgePurge, planEarlyDownloads, planForget, planPurge, planStartPage, planTabs, removalOutcome, siteHosts,
} from '../lib/plan.js';

const registry = buildRegistry(JSON.parse(fs.readFileSync(new URL('../data/sites.json', import.meta.url))).sites);
const used = { caf: { hosts: ['wwwd.caf.fr', 'www.caf.fr'] }, ameli: { hosts: ['assure.ameli.fr'] } };
const T0 = Date.UTC(2026, 10, 23, 10, 0, 0);

test('only the sites used are logged out, cleared and named', () => {
  const p = planCleanup({ browser: 'chromium', scope: 'session', startedAt: T0, registry, used, cookieStoreIds: ['0'] });
  assert.deepEqual(p.usedSites.map((s) => s.id).sort(), ['ameli', 'caf']);
  assert.deepEqual(p.logout.map((l) => l.siteId), ['ameli'], 'only ameli has a known logout URL');
  assert.deepEqual([...new Set(p.cookies.map((c) => c.siteId))].sort(), ['ameli', 'caf']);
  assert.ok(p.verify.cookies.some((c) => c.siteId === 'impots'), 'verification re-reads every registry domain');
});

test('Chromium: per-site removal by origins, whole profile since the start', () => {
  const p = planCleanup({ browser: 'chromium', scope: 'session', startedAt: T0, registry, used, cookieStoreIds: ['0', '1'] });
  const caf = p.siteData.find((d) => d.siteId === 'caf');
  assert.ok(caf.options.origins.includes('https://wwwd.caf.fr'));
  assert.ok(caf.options.origins.includes('https://caf.fr'));
  assert.equal(caf.options.hostnames, undefined);
  assert.ok(caf.dataTypes.localStorage && caf.dataTypes.indexedDB && caf.dataTypes.serviceWorkers && caf.dataTypes.cacheStorage);
  assert.equal(caf.dataTypes.history, undefined, 'history cannot be filtered by origin');
  assert.equal(p.browsing.options.since, T0);
  for (const k of ['history', 'downloads', 'formData', 'cache', 'cookies', 'localStorage', 'indexedDB', 'cacheStorage', 'serviceWorkers', 'fileSystems']) {
    assert.equal(p.browsing.dataTypes[k], true, k);
  }
  assert.equal(p.passwords, 'policy', 'Chrome ignores browsingData passwords since 144');
  assert.deepEqual([...new Set(p.cookies.map((c) => c.storeId))], ['0', '1'], 'incognito store too when visible');
});

test('Firefox: hostnames, cookieStoreId only with the types Firefox accepts with it', () => {
  const p = planCleanup({ browser: 'firefox', scope: 'session', startedAt: T0, registry, used, cookieStoreIds: ['firefox-default', 'firefox-private'] });
  const caf = p.siteData.filter((d) => d.siteId === 'caf');
  const perStore = caf.filter((d) => d.options.cookieStoreId);
  assert.deepEqual(perStore.map((d) => d.options.cookieStoreId), ['firefox-default', 'firefox-private']);
  for (const d of perStore) assert.deepEqual(Object.keys(d.dataTypes).sort(), ['cookies', 'indexedDB']);
  const hostWide = caf.filter((d) => !d.options.cookieStoreId);
  assert.deepEqual(hostWide.map((d) => Object.keys(d.dataTypes).sort()), [['localStorage', 'serviceWorkers']]);
  assert.ok(caf[0].options.hostnames.includes('wwwd.caf.fr'), 'Firefox does not include subdomains: list them');
  assert.equal(caf[0].options.origins, undefined);
  assert.equal(p.browsing.options.since, T0);
  assert.equal(p.browsing.dataTypes.localStorage, undefined, 'Firefox rejects localStorage with since');
  assert.equal(p.browsing.dataTypes.indexedDB, undefined, 'Firefox would clear every site\'s indexedDB whatever since says');
  assert.equal(p.browsing.dataTypes.cacheStorage, undefined);
  assert.equal(p.browsing.dataTypes.webSQL, undefined);
  assert.equal(p.browsing.dataTypes.passwords, true);
  assert.equal(p.passwords, 'api');
  const all = planCleanup({ browser: 'firefox', scope: 'all', startedAt: T0, registry, used, cookieStoreIds: [] });
  assert.deepEqual(all.browsing.options, {});
  assert.equal(all.browsing.dataTypes.localStorage, true);
});

test('scope all removes everything, whatever the start time', () => {
  const p = planCleanup({ browser: 'chromium', scope: 'all', startedAt: T0, registry, used: {}, cookieStoreIds: [] });
  assert.deepEqual(p.browsing.options, {});
  assert.equal(p.verify.since, 0);
  assert.deepEqual(p.usedSites, []);
  assert.deepEqual(p.logout, []);
});

test('hostsOnly sites never widen to their parent domain', () => {
  const site = { id: 'it', name: 'IT', hostsOnly: true, domains: ['app.example.fr'], kind: 'administration' };
  const hosts = siteHosts(site, ['www.example.fr', 'app.example.fr']);
  assert.ok(!hosts.includes('www.example.fr'));
  assert.ok(!hosts.some((h) => h.startsWith('www.app')));
});

// La Poste (issue 12): the compte La Poste behind L'Identité Numérique may set its cookies on
// .laposte.fr, where the aidant's own parcels and letters live too. Scope session: like webmail,
// only what dates from the accompaniment, named apart; scope all: all of laposte.fr.
test('La Poste, a shared account: scope session removes only what dates from the accompaniment, scope all everything', () => {
  const withPoste = { ...used, 'laposte-idn': { hosts: ['lidentitenumerique.laposte.fr', 'authent.lidentitenumerique.laposte.fr'] } };
  for (const browser of ['chromium', 'firefox']) {
    const stores = browser === 'firefox' ? ['firefox-default'] : ['0'];
    const p = planCleanup({ browser, scope: 'session', startedAt: T0, registry, used: withPoste, cookieStoreIds: stores });
    assert.deepEqual(p.webmailKept, [{ id: 'laposte-idn', name: 'La Poste (L\'Identité Numérique, compte La Poste)', kind: 'account' }], browser);
    assert.ok(!p.cookies.some((c) => c.siteId === 'laposte-idn'), `${browser}: no La Poste cookie removed by name`);
    const poste = p.siteData.filter((d) => d.siteId === 'laposte-idn');
    assert.ok(poste.length > 0 && poste.every((d) => d.options.since === T0), `${browser}: since the start`);
    const named = poste.flatMap((d) => d.options.hostnames || d.options.origins);
    for (const h of ['laposte.fr', 'lidentitenumerique.laposte.fr']) {
      assert.ok(named.some((x) => x === h || x === `https://${h}`), `${browser}: ${h} named (parent-domain cookies)`);
    }
    const all = planCleanup({ browser, scope: 'all', startedAt: T0, registry, used: withPoste, cookieStoreIds: stores });
    assert.ok(all.cookies.some((c) => c.siteId === 'laposte-idn' && c.domain === 'laposte.fr' && !c.hostsOnly), `${browser}: scope all, every laposte.fr cookie`);
    assert.deepEqual(all.webmailKept, []);
  }
  const p = planCleanup({ browser: 'chromium', scope: 'session', startedAt: T0, registry, used: withPoste, cookieStoreIds: ['0'], webmail: 'administration' });
  assert.ok(p.usedSites.some((s) => s.id === 'laposte-idn'), 'IT\'s « administration » setting covers it too');
});

test('cookie queries reach partitioned cookies and removal keeps the partition', () => {
  assert.deepEqual(cookieQuery({ domain: 'caf.fr', storeId: '1' }), { domain: 'caf.fr', storeId: '1', partitionKey: {} });
  assert.deepEqual(cookieQuery({ domain: 'caf.fr' }, false), { domain: 'caf.fr' });
  assert.deepEqual(cookieQuery({ storeId: '0' }), { storeId: '0', partitionKey: {} }, 'a whole jar: no domain key at all');
  const pk = { topLevelSite: 'https://caf.fr', hasCrossSiteAncestor: false };
  assert.deepEqual(cookieRemoval({ name: 'a', domain: '.caf.fr', path: '/x', secure: true, storeId: '0', partitionKey: pk }),
    { url: 'https://caf.fr/x', name: 'a', storeId: '0', partitionKey: pk });
  assert.equal(cookieRemoval({ name: 'a', domain: 'www.caf.fr', secure: false }).url, 'http://www.caf.fr/');
  const got = cookiesInScope([{ domain: '.laposte.fr' }, { domain: 'lidentitenumerique.laposte.fr' }],
    { domain: 'lidentitenumerique.laposte.fr', hostsOnly: true });
  assert.equal(got.length, 1);
});

test('tabs: our pages stay, session/private/registry tabs close; scope all closes every other tab', () => {
  const tabs = [
    { id: 1, url: 'chrome-extension://abc/popup/popup.html' },
    { id: 2, url: 'https://www.caf.fr/mon-compte' },
    { id: 3, url: 'https://www.lemonde.fr/' },
    { id: 4, url: 'https://example.org/', incognito: true },
    { id: 5, url: 'https://example.net/' },
  ];
  const opts = { extensionOrigin: 'chrome-extension://abc/', sessionTabIds: [5], isRegistryUrl: (u) => !!siteForUrl(registry, u) };
  assert.deepEqual(planTabs(tabs, { ...opts, scope: 'session' }).close, [2, 4, 5]);
  assert.deepEqual(planTabs(tabs, { ...opts, scope: 'all' }).close, [2, 3, 4, 5]);
});

test('Firefox: the other sites visited are cleared by name, like registry sites, and never named in the receipt', () => {
  const visitedHosts = ['www.example-commerce.fr', 'WWW.Example-Commerce.fr', 'wwwd.caf.fr', 'not a host', 'forum.exemple.org'];
  const p = planCleanup({ browser: 'firefox', scope: 'session', startedAt: T0, registry, used, visitedHosts,
    cookieStoreIds: ['firefox-default', 'firefox-private'] });
  const others = p.siteData.filter((d) => d.siteId === null);
  const perStore = others.filter((d) => d.options.cookieStoreId);
  assert.deepEqual(perStore.map((d) => d.options.cookieStoreId), ['firefox-default', 'firefox-private']);
  for (const d of perStore) assert.deepEqual(Object.keys(d.dataTypes).sort(), ['cookies', 'indexedDB']);
  const hostWide = others.filter((d) => !d.options.cookieStoreId);
  assert.deepEqual(hostWide.map((d) => Object.keys(d.dataTypes).sort()), [['localStorage', 'serviceWorkers']]);
  for (const d of others) {
    assert.deepEqual(d.options.hostnames, ['forum.exemple.org', 'www.example-commerce.fr'],
      'exact hosts visited; a registry host stays with its site; nothing the session did not visit');
    assert.equal(d.options.since, undefined, 'Firefox refuses localStorage with since');
  }
  const verify = p.verify.cookies.filter((q) => q.siteId === null);
  assert.deepEqual([...new Set(verify.map((q) => q.pattern))].sort(), ['*://forum.exemple.org/*', '*://www.example-commerce.fr/*']);
  assert.ok(verify.every((q) => q.hostsOnly), 'a visited host never widens to its parent domain');
  assert.ok(p.cookies.some((c) => c.siteId === null && c.domain === 'www.example-commerce.fr'));
  assert.deepEqual(p.usedSites.map((s) => s.id).sort(), ['ameli', 'caf'], 'the receipt names registry sites only');
  const none = planCleanup({ browser: 'firefox', scope: 'session', startedAt: T0, registry, used, cookieStoreIds: ['firefox-default'] });
  assert.equal(none.siteData.filter((d) => d.siteId === null).length, 0, 'no visit outside the registry: no extra call');
});

test('Chromium: other sites are left to the whole-profile removal since the start (it reaches every site)', () => {
  const p = planCleanup({ browser: 'chromium', scope: 'session', startedAt: T0, registry, used,
    visitedHosts: ['www.example-commerce.fr'], cookieStoreIds: ['0'] });
  assert.equal(p.siteData.filter((d) => d.siteId === null).length, 0);
  assert.equal(p.browsing.dataTypes.localStorage, true);
  assert.equal(p.browsing.options.since, T0);
  assert.ok(p.verify.cookies.some((q) => q.siteId === null && q.domain === 'www.example-commerce.fr'), 'still re-read where visible');
});

test('recently closed: what closed since the start is forgotten, in Chromium seconds or Firefox milliseconds', () => {
  const entries = [
    { lastModified: T0 + 5000, tab: { sessionId: 'a', windowId: 3 } },          // Firefox, during
    { lastModified: Math.floor((T0 + 5000) / 1000), tab: { sessionId: '7', windowId: 1 } }, // Chromium, during
    { lastModified: Math.floor((T0 + 900) / 1000), tab: { sessionId: '8', windowId: 1 } },  // Chromium, same second: ambiguous
    { lastModified: T0 + 499, tab: { sessionId: 'just-before', windowId: 1 } }, // Firefox, just before
    { lastModified: T0 + 9000, window: { sessionId: 'w' } },
    { lastModified: T0 - 60000, tab: { sessionId: 'old', windowId: 1 } },       // the aidant's, before
    { lastModified: Math.floor((T0 - 60000) / 1000), tab: { sessionId: 'old2', windowId: 1 } },
  ];
  const p = planForget(entries, T0 + 500);
  assert.deepEqual(p.tabs.map((t) => t.sessionId), ['a', '7']);
  assert.deepEqual(p.tabs[0], { windowId: 3, sessionId: 'a' });
  assert.deepEqual(p.windows, ['w']);
  assert.equal(planForget(entries, 0).tabs.length, 6, 'scope all: every entry');
  assert.deepEqual(planForget(null, T0), { tabs: [], windows: [] });
});

// Downloads the host's snapshot holds (registered late) or that no host will delete (never
// registered): the browser deletes their files itself.
test('early downloads: the window is the accompaniment\'s start to the registration (plus a margin)', () => {
  const p = planEarlyDownloads({ scope: 'session', startedAt: T0, registered: true, registeredAt: T0 + 30000 });
  assert.deepEqual(p, { mode: 'early', startedAfter: new Date(T0 - 1).toISOString(), before: T0 + 30000 + EARLY_MARGIN_MS });
  assert.equal(EARLY_MARGIN_MS, 2000);
  // Scope all: the host empties the watched folders whatever its snapshot; a registration time
  // unknown (the host's own session taken over at recovery): the snapshot is the start.
  assert.equal(planEarlyDownloads({ scope: 'all', startedAt: T0, registered: true, registeredAt: T0 + 30000 }), null);
  assert.equal(planEarlyDownloads({ scope: 'session', startedAt: T0, registered: true, registeredAt: 0 }), null);
  // Never registered: every download of the accompaniment, in either scope.
  for (const scope of ['session', 'all']) {
    const u = planEarlyDownloads({ scope, startedAt: T0, registered: false });
    assert.equal(u.mode, 'unregistered');
    assert.equal(u.before, Number.POSITIVE_INFINITY);
  }
});

test('early downloads: only this accompaniment\'s, before the registration, with a file that may be on disk', () => {
  const p = planEarlyDownloads({ scope: 'session', startedAt: T0, registered: true, registeredAt: T0 + 10000 });
  const at = (ms) => new Date(T0 + ms).toISOString();
  const items = [
    { id: 1, startTime: at(-60000), state: 'complete', exists: true }, // the aidant's, before the click
    { id: 2, startTime: at(3000), state: 'complete', exists: true }, // between click and registration
    { id: 3, startTime: at(11000), state: 'complete', exists: true }, // within the margin
    { id: 4, startTime: at(13000), state: 'complete', exists: true }, // after: the host's to delete
    { id: 5, startTime: at(4000), state: 'complete', exists: false }, // already gone
    { id: 6, startTime: at(5000), state: 'in_progress', exists: true },
    { id: 7, startTime: at(6000), state: 'interrupted', canResume: true }, // partial data kept
    { id: 8, startTime: at(7000), state: 'interrupted', canResume: false }, // nothing left
  ];
  assert.deepEqual(earlyDownloadTargets(items, p), { ids: [2, 3, 6, 7], cancel: [6, 7] });
  assert.deepEqual(earlyDownloadTargets(items, null), { ids: [], cancel: [] });
  const all = planEarlyDownloads({ scope: 'session', startedAt: T0, registered: false });
  assert.deepEqual(earlyDownloadTargets(items, all).ids, [2, 3, 4, 6, 7]);
});

test('early downloads: a cancelled one is judged by the list re-read; a removed one by its removeFile alone', () => {
  assert.equal(downloadGone({ state: 'complete', exists: false }), true);
  assert.equal(downloadGone({ state: 'complete', exists: true }), false);
  assert.equal(downloadGone({ state: 'complete' }), false, 'exists unknown: not verified');
  assert.equal(downloadGone({ state: 'interrupted', error: 'USER_CANCELED', canResume: false }), true);
  assert.equal(downloadGone({ state: 'interrupted', canResume: true }), false, 'partial data kept to resume');
  assert.equal(downloadGone({ state: 'in_progress' }), false);
  assert.equal(downloadGone(undefined), false, 'no longer listed: not verified');
  const ok = { status: 'fulfilled', value: undefined };
  const no = (message) => ({ status: 'rejected', reason: new Error(message) });
  assert.equal(removalOutcome(ok), 'removed');
  assert.equal(removalOutcome(no("Could not remove download id 7 because the file doesn't exist")), 'gone', 'Firefox');
  assert.equal(removalOutcome(no('Download file already deleted')), 'gone', 'Chromium');
  assert.equal(removalOutcome(no('An unexpected error occurred')), 'left');
  assert.equal(removalOutcome(no('Invalid download id 7')), 'left', 'no longer listed: the file may be there');
  assert.equal(removalOutcome({ status: 'rejected', reason: undefined }), 'left');
  const after = [
    { id: 1, state: 'complete', exists: true }, // removed; Firefox's `exists` not refreshed
    { id: 2, state: 'complete', exists: true }, // already gone
    { id: 3, state: 'complete', exists: true }, // refused
    { id: 4, state: 'interrupted', error: 'USER_CANCELED', canResume: false }, // cancelled
    { id: 5, state: 'interrupted', canResume: true }, // cancel failed: partial data kept
    { id: 6, state: 'complete', exists: false }, // finished meanwhile, file already gone
  ];
  const removals = new Map([[1, ok], [2, no("…because the file doesn't exist")], [3, no('Access denied')]]);
  assert.deepEqual(judgeEarlyDownloads([1, 2, 3, 4, 5, 6, 7], removals, after),
    { found: 7, removed: 2, gone: 2, left: 3 }, '7: no longer listed, not removed by us: may be left');
});

test('planStartPage: the receipt page, active, in a regular window that stays; never the new tab page', () => {
  const R = 'chrome-extension://ext/receipt/receipt.html';
  const tabs = [
    { id: 1, url: 'https://www.caf.fr/', windowId: 1 },
    { id: 2, url: 'https://www.lemonde.fr/', windowId: 2 },
    { id: 3, url: 'https://x/', windowId: 3, incognito: true },
  ];
  assert.deepEqual(planStartPage(tabs, { close: [1, 3], receiptUrl: R }), { create: { url: R, windowId: 2, active: true } });
  // Every regular tab closes: the receipt page goes in the first regular window, opened before they close.
  assert.deepEqual(planStartPage(tabs, { close: [1, 2, 3], receiptUrl: R }), { create: { url: R, windowId: 1, active: true } });
  // Only private windows: a regular window of its own.
  assert.deepEqual(planStartPage([tabs[2]], { close: [3], receiptUrl: R }), { window: { url: R, incognito: false, focused: true } });
  // One already open (the previous accompaniment's, or a reload with a hash) is brought to the front.
  assert.deepEqual(planStartPage([...tabs, { id: 9, url: `${R}#x`, windowId: 2 }], { close: [1], receiptUrl: R }),
    { focus: { tabId: 9, windowId: 2 } });
  // One in a private window is not reused (it closes with the window).
  assert.deepEqual(planStartPage([{ id: 9, url: R, windowId: 3, incognito: true }, tabs[0]], { close: [], receiptUrl: R }),
    { create: { url: R, windowId: 1, active: true } });
  // A browser in private windows only: a tab in a window that stays, not a new window (private
  // anyway, and slow to open); one that closes when every window holds only the person's tabs.
  const only = [{ id: 3, url: 'https://x/', windowId: 3, incognito: true }, { id: 4, url: 'about:privatebrowsing', windowId: 4, incognito: true }];
  assert.deepEqual(planStartPage(only, { close: [3], receiptUrl: R, privateOnly: true }), { create: { url: R, windowId: 4, active: true } });
  assert.deepEqual(planStartPage(only, { close: [3, 4], receiptUrl: R, privateOnly: true }), { create: { url: R, windowId: 3, active: true } });
  assert.deepEqual(planStartPage([{ id: 9, url: R, windowId: 4, incognito: true }, ...only], { close: [3], receiptUrl: R, privateOnly: true }),
    { focus: { tabId: 9, windowId: 4 } });
  // Without the extension's origin (tests): about:blank, never a tab without URL.
  assert.equal(planStartPage(tabs, { close: [], receiptUrl: '' }).create.url, 'about:blank');
});

test('webmail, scope session: only what dates from the accompaniment, by creation time; named apart; not a leftover', () => {
  const withMail = { ...used, gmail: { hosts: ['mail.google.com', 'accounts.google.com'] } };
  for (const browser of ['chromium', 'firefox']) {
    const stores = browser === 'firefox' ? ['firefox-default', 'firefox-private'] : ['0', '1'];
    const p = planCleanup({ browser, scope: 'session', startedAt: T0, registry, used: withMail, cookieStoreIds: stores });
    assert.deepEqual(p.usedSites.map((s) => s.id).sort(), ['ameli', 'caf'], `${browser}: the logout line names the administrations`);
    assert.deepEqual(p.webmailKept, [{ id: 'gmail', name: 'Google (Gmail)', kind: 'webmail' }], `${browser}: the webmail is named apart`);
    assert.ok(!p.cookies.some((c) => c.siteId === 'gmail'), `${browser}: no Gmail cookie removed by name`);
    assert.ok(!p.logout.some((l) => l.siteId === 'gmail'), `${browser}: no logout page (it would end the aidant's session too)`);
    const mail = p.siteData.filter((d) => d.siteId === 'gmail');
    assert.ok(mail.length > 0 && mail.every((d) => d.options.since === T0), `${browser}: every Gmail removal is since the start`);
    if (browser === 'firefox') {
      assert.deepEqual(mail.map((d) => d.options.cookieStoreId), stores, 'Firefox: per store');
      assert.ok(mail.every((d) => d.options.hostnames.includes('google.com') && d.options.hostnames.includes('mail.google.com')));
      assert.ok(mail.every((d) => JSON.stringify(d.dataTypes) === '{"cookies":true}'), 'Firefox: cookies only (localStorage refuses since)');
    } else {
      assert.ok(mail[0].options.origins.includes('https://mail.google.com'));
    }
    assert.ok(!p.verify.cookies.some((q) => ['gmail', 'outlook', 'orange', 'yahoo'].includes(q.siteId)),
      `${browser}: the aidant's own mail cookies are not counted as left`);
    assert.ok(p.verify.cookies.some((q) => q.siteId === 'caf'));
  }
});

test('webmail: scope all, or IT\'s « administration » setting, handles it like the administrations', () => {
  const withMail = { ...used, outlook: { hosts: ['outlook.live.com'] } };
  for (const opts of [{ scope: 'all' }, { scope: 'session', webmail: 'administration' }]) {
    const p = planCleanup({ browser: 'chromium', startedAt: T0, registry, used: withMail, cookieStoreIds: ['0'], ...opts });
    assert.ok(p.usedSites.some((s) => s.id === 'outlook'), JSON.stringify(opts));
    assert.deepEqual(p.webmailKept, []);
    assert.ok(p.cookies.some((c) => c.siteId === 'outlook' && c.domain === 'microsoftonline.com'));
    assert.ok(p.verify.cookies.some((q) => q.siteId === 'outlook'));
  }
  const gmail = registry.find((s) => s.id === 'gmail');
  assert.equal(keepsOwnSessions(gmail, { scope: 'session' }), true, 'default: the aidant\'s mail survives');
  assert.equal(keepsOwnSessions(gmail, { scope: 'session', webmail: 'administration' }), false);
  assert.equal(keepsOwnSessions(gmail, { scope: 'all' }), false);
  assert.equal(keepsOwnSessions(registry.find((s) => s.id === 'caf'), { scope: 'session' }), false, 'never an administration');
});

test('tabs: the aidant\'s own webmail tab, not seen during the session, stays in scope session', () => {
  const isRegistryUrl = (u) => {
    const s = siteForUrl(registry, u);
    return !!s && !keepsOwnSessions(s, { scope: 'session' });
  };
  const tabs = [{ id: 1, url: 'https://mail.google.com/mail/u/0/#inbox' }, { id: 2, url: 'https://mail.google.com/mail/u/1/' },
    { id: 3, url: 'https://www.caf.fr/' }];
  assert.deepEqual(planTabs(tabs, { scope: 'session', sessionTabIds: [2], isRegistryUrl }).close, [2, 3],
    'the person\'s mail tab (seen) and the administration close; the aidant\'s stays');
});

test('logout pages: one per store the site was used in, unknown store: the regular one', () => {
  const reg = buildRegistry(JSON.parse(fs.readFileSync(new URL('../data/sites.json', import.meta.url))).sites,
    { extraSites: [{ id: 'mairie', name: 'Mairie', domains: ['mairie-exemple.fr'], logoutUrl: 'https://www.mairie-exemple.fr/logout' }] });
  const u = { ameli: { hosts: ['assure.ameli.fr'], stores: ['0', '1'] }, mairie: { hosts: ['www.mairie-exemple.fr'] },
    impots: { hosts: ['cfspart.impots.gouv.fr'], stores: ['0'] } };
  const p = planCleanup({ browser: 'chromium', scope: 'session', startedAt: T0, registry: reg, used: u, cookieStoreIds: ['0', '1'] });
  assert.deepEqual(p.logout.map((l) => [l.siteId, l.storeId]), [['ameli', '0'], ['ameli', '1'], ['mairie', undefined]],
    'impots has no verified logout URL: none opened');
});

test('logout routing: Chromium incognito → a tab in the incognito window; regular → a regular window, named', () => {
  const url = 'https://assure.ameli.fr/logout';
  const wins = [{ id: 5, incognito: true, type: 'normal' }, { id: 2, incognito: false, type: 'normal' }, { id: 7, incognito: false, type: 'popup' }];
  assert.deepEqual(planLogoutTab({ url, storeId: '1' }, wins, 'chromium'), { create: { url, active: false, windowId: 5 } });
  assert.deepEqual(planLogoutTab({ url, storeId: '0' }, wins, 'chromium'), { create: { url, active: false, windowId: 2 } },
    'never left to the focused window, which may be the incognito one');
  assert.deepEqual(planLogoutTab({ url }, wins, 'chromium'), { create: { url, active: false, windowId: 2 } });
  assert.deepEqual(planLogoutTab({ url, storeId: '1' }, [{ id: 2, incognito: false }], 'chromium'), { skip: 'store_closed' },
    'incognito closed: its cookies are gone with it, nothing to end');
  assert.deepEqual(planLogoutTab({ url, storeId: '0' }, [{ id: 5, incognito: true }], 'chromium'),
    { window: { url, focused: false, incognito: false } }, 'only an incognito window open: a regular one for the logout');
});

test('logout routing: Firefox private window, containers by cookieStoreId, default store', () => {
  const url = 'https://assure.ameli.fr/logout';
  const wins = [{ id: 1, incognito: false }, { id: 3, incognito: true }];
  assert.deepEqual(planLogoutTab({ url, storeId: 'firefox-private' }, wins, 'firefox'), { create: { url, active: false, windowId: 3 } });
  assert.deepEqual(planLogoutTab({ url, storeId: 'firefox-container-2' }, wins, 'firefox'),
    { create: { url, active: false, windowId: 1, cookieStoreId: 'firefox-container-2' } });
  assert.deepEqual(planLogoutTab({ url, storeId: 'firefox-default' }, wins, 'firefox'), { create: { url, active: false, windowId: 1 } });
  assert.deepEqual(planLogoutTab({ url, storeId: 'firefox-private' }, [{ id: 1, incognito: false }], 'firefox'), { skip: 'store_closed' });
  assert.deepEqual(planLogoutTab({ url, storeId: 'firefox-container-2' }, [{ id: 3, incognito: true }], 'firefox'),
    { window: { url, focused: false, incognito: false, cookieStoreId: 'firefox-container-2' } });
});

test('Firefox private store: the hosts seen in it are purged from inside; nothing to purge elsewhere', () => {
  const usedPrivate = {
    caf: { hosts: ['www.caf.fr', 'caf.fr'], stores: ['firefox-private'] },
    ameli: { hosts: ['assure.ameli.fr'], stores: ['firefox-default'] }, // used in a regular window only
    impots: { hosts: ['cfspart.impots.gouv.fr'] }, // store unknown: purged too
    gmail: { hosts: ['mail.google.com'], stores: ['firefox-private'] }, // the aidant's own: kept (scope session)
  };
  const base = { scope: 'session', registry, used: usedPrivate, visitedHosts: ['www.example-commerce.fr', 'www.caf.fr'] };
  assert.equal(planPurge({ ...base, browser: 'chromium', cookieStoreIds: ['0', '1'] }), null, 'Chromium: closing incognito drops it');
  assert.equal(planPurge({ ...base, browser: 'firefox', cookieStoreIds: ['firefox-default'] }), null, 'no private store used');
  const p = planPurge({ ...base, browser: 'firefox', cookieStoreIds: ['firefox-default', 'firefox-private'] });
  assert.equal(p.storeId, 'firefox-private');
  assert.deepEqual(p.hosts, [
    { host: 'caf.fr', siteId: 'caf' }, { host: 'cfspart.impots.gouv.fr', siteId: 'impots' },
    { host: 'www.caf.fr', siteId: 'caf' }, { host: 'www.example-commerce.fr', siteId: null },
  ]);
  const pages = planPurge({ ...base, browser: 'firefox', cookieStoreIds: ['firefox-private'],
    used: { caf: { hosts: ['caf.fr', 'www.caf.fr'], pages: ['www.caf.fr'], stores: ['firefox-private'] },
      franceconnect: { hosts: ['app.franceconnect.gouv.fr'], pages: [], stores: ['firefox-private'] } } });
  assert.deepEqual(pages.hosts.map((h) => h.host), ['www.caf.fr', 'www.example-commerce.fr'],
    'the hosts of its pages, not its cookies\' domains (a site seen only in a frame: none), when the session knows them');
  const all = planPurge({ ...base, scope: 'all', browser: 'firefox', cookieStoreIds: ['firefox-private'] });
  assert.ok(all.hosts.some((h) => h.siteId === 'gmail'), 'scope all: the webmail too');
});

test('judgePurge: clean only when a top document re-read empty; left when any re-read data; else not verified', () => {
  const plan = { storeId: 'firefox-private', hosts: [
    { host: 'www.caf.fr', siteId: 'caf' }, { host: 'assure.ameli.fr', siteId: 'ameli' },
    { host: 'cfspart.impots.gouv.fr', siteId: 'impots' }, { host: 'www.example-commerce.fr', siteId: null },
  ] };
  const results = [
    { host: 'www.caf.fr', top: true, clean: true },
    { host: 'app.franceconnect.gouv.fr', top: false, clean: true }, // a partition, outside the plan: fine
    { host: 'assure.ameli.fr', top: true, clean: false },
    { host: 'cfspart.impots.gouv.fr', top: false, clean: true }, // a frame only: not the site's own storage
  ];
  assert.deepEqual(judgePurge(plan, results, { blind: ['www.example-commerce.fr'] }), {
    clean: 1, left: 1, unverified: 2, sitesLeft: ['ameli'], sitesUnverified: ['impots'], othersLeft: 0, othersUnverified: 1,
  });
  assert.deepEqual(judgePurge(plan, [{ host: 'tracker.example', top: false, clean: false }], { gone: true }),
    { clean: 4, left: 1, unverified: 0, sitesLeft: [], sitesUnverified: [], othersLeft: 1, othersUnverified: 0 },
    'the store gone: Firefox dropped it all; a frame that re-read data is still left');
  assert.equal(judgePurge(null, results).clean, 0);
});
