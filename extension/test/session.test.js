import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { buildRegistry } from '../lib/registry.js';
import {
  badgeFor, emptySession, endedSession, hostAttemptFailed, hostRegistered, needsRecovery, needsRegistration, noteCookie,
  noteNavigation, noteOtherHost, otherHostsInHistory, otherHostsOf, RETRY_DELAYS_MS, shouldEndOnIdle, startSession,
} from '../lib/session.js';

const registry = buildRegistry(JSON.parse(fs.readFileSync(new URL('../data/sites.json', import.meta.url))).sites);
const NOW = Date.UTC(2026, 10, 23, 10, 0, 0);

test('a session starts at the click, before the host registers it', () => {
  const s = startSession({ now: NOW, scope: 'session' });
  assert.equal(s.state, 'active');
  assert.equal(s.startedAt, NOW);
  assert.deepEqual(s.host, { state: 'pending', sessionId: '', code: '', attempts: 0, nextAt: 0 });
  assert.equal(needsRegistration(s), true);
  // The host's own start time (a session it resumed) never moves the browser's: "since the start"
  // removals and the memory-only records are keyed on the click.
  const r = hostRegistered(s, { session_id: 'u', started_at: new Date(NOW - 5000).toISOString() });
  assert.equal(r.startedAt, NOW);
  assert.equal(r.host.sessionId, 'u');
  assert.equal(r.host.state, 'ok');
  assert.equal(needsRegistration(r), false);
  assert.equal(r.host.registeredAt, 0, 'no time given: unknown');
  // When the host registered it: its snapshot holds what was downloaded before (plan.js).
  const late = hostRegistered(hostAttemptFailed(s, 'busy', NOW), { session_id: 'u' }, NOW + 9000);
  assert.equal(late.host.registeredAt, NOW + 9000);
  assert.equal(endedSession({ ...late, state: 'ending' }, NOW + 60000).host.registeredAt, NOW + 9000);
});

test('a failed registration is tried again with a growing delay, bounded; final codes stop at once', () => {
  let s = startSession({ now: NOW, scope: 'session' });
  s = hostAttemptFailed(s, 'busy', NOW);
  assert.equal(s.host.state, 'retrying');
  assert.equal(s.host.nextAt, NOW + RETRY_DELAYS_MS[0]);
  s = hostAttemptFailed(s, 'busy', NOW + 1000);
  assert.equal(s.host.nextAt, NOW + 1000 + RETRY_DELAYS_MS[1]);
  for (let i = 2; i < RETRY_DELAYS_MS.length; i++) s = hostAttemptFailed(s, 'busy', NOW);
  assert.equal(s.host.state, 'retrying');
  s = hostAttemptFailed(s, 'busy', NOW);
  assert.equal(s.host.state, 'failed', `${RETRY_DELAYS_MS.length + 1} attempts, then given up`);
  assert.equal(s.host.code, 'busy', 'the reason is kept for the receipt');
  assert.equal(needsRegistration(s), false);
  assert.ok(RETRY_DELAYS_MS.reduce((a, d) => a + d, 0) <= 5 * 60000, 'gives up within minutes');
  const missing = hostAttemptFailed(startSession({ now: NOW, scope: 'all' }), 'host_missing', NOW);
  assert.equal(missing.host.state, 'failed');
  assert.equal(hostRegistered(startSession({ now: NOW, scope: 'all' }), {}).host.state, 'retrying', 'an answer without id is no registration');
});

test('the ended session keeps no site name, tab or store; the host session id stays, marked asked', () => {
  let s = startSession({ now: NOW, scope: 'session' });
  s = hostRegistered(s, { session_id: 'u' });
  s = noteNavigation(s, registry, { tabId: 7, url: 'https://wwwd.caf.fr/compte', storeId: 'firefox-container-1' });
  const e = endedSession({ ...s, state: 'ending' }, NOW + 60000);
  assert.equal(e.state, 'ended');
  assert.deepEqual([e.used, e.tabIds, e.stores], [{}, [], []]);
  assert.ok(!/caf/i.test(JSON.stringify(e)));
  assert.equal(e.host.sessionId, 'u');
  assert.equal(e.host.endAsked, 'u');
  assert.equal(e.startedAt, NOW);
});

test('navigations record registry sites (host names only) and tab ids', () => {
  let s = startSession({ now: NOW, scope: 'session' });
  s = noteNavigation(s, registry, { tabId: 7, url: 'https://wwwd.caf.fr/wps/portal/secure/compte?dossier=123', storeId: '0' });
  s = noteNavigation(s, registry, { tabId: 8, url: 'https://www.lemonde.fr/', storeId: '0' });
  assert.deepEqual(Object.keys(s.used), ['caf']);
  assert.deepEqual(s.used.caf.hosts, ['wwwd.caf.fr']);
  assert.deepEqual(s.tabIds, [7, 8]);
  assert.ok(!JSON.stringify(s).includes('dossier'), 'no path or query is stored');
  const same = noteNavigation(s, registry, { tabId: 7, url: 'https://wwwd.caf.fr/autre', storeId: '0' });
  assert.equal(same, s, 'nothing new: same object, no storage write');
});

test('cookies set in frames mark the site used; nothing is recorded outside a session', () => {
  let s = startSession({ now: NOW, scope: 'session' });
  s = noteCookie(s, registry, { domain: '.franceconnect.gouv.fr', storeId: '1' });
  assert.deepEqual(Object.keys(s.used), ['franceconnect']);
  assert.deepEqual(s.stores, ['1']);
  assert.deepEqual(s.used.franceconnect.pages, [], 'a cookie\'s domain is no page of the site');
  s = noteNavigation(s, registry, { tabId: 3, url: 'https://app.franceconnect.gouv.fr/login', storeId: '1' });
  assert.deepEqual(s.used.franceconnect.pages, ['app.franceconnect.gouv.fr'], 'a page opened in a tab is (plan.js planPurge)');
  assert.deepEqual(s.used.franceconnect.hosts, ['franceconnect.gouv.fr', 'app.franceconnect.gouv.fr']);
  const none = emptySession();
  assert.equal(noteNavigation(none, registry, { tabId: 1, url: 'https://www.caf.fr/' }), none);
  const ended = { ...s, state: 'ended' };
  assert.equal(noteCookie(ended, registry, { domain: 'caf.fr' }), ended);
});

test('badge: elapsed minutes while active, "!" after a failed cleanup, empty otherwise', () => {
  const s = startSession({ now: NOW, scope: 'session' });
  assert.equal(badgeFor(s, null, NOW + 12 * 60000 + 5).text, "12'");
  assert.equal(badgeFor(s, null, NOW + 125 * 60000).text, '2h');
  assert.equal(badgeFor({ state: 'ended' }, 'partial', NOW).text, '!');
  assert.equal(badgeFor({ state: 'ended' }, 'clean', NOW).text, '');
  assert.equal(badgeFor(emptySession(), undefined, NOW).titleKey, 'badgeNone');
});

test('idle ends an active session only when the setting is on', () => {
  const s = startSession({ now: NOW, scope: 'session' });
  assert.equal(shouldEndOnIdle(s, 'idle', 20), true);
  assert.equal(shouldEndOnIdle(s, 'locked', 20), true);
  assert.equal(shouldEndOnIdle(s, 'idle', 0), false);
  assert.equal(shouldEndOnIdle(s, 'active', 20), false);
  assert.equal(shouldEndOnIdle(emptySession(), 'idle', 20), false);
});

test('recovery at browser start: our unfinished session or the host\'s', () => {
  assert.equal(needsRecovery(startSession({ now: NOW, scope: 'session' }), null), true);
  assert.equal(needsRecovery({ state: 'ending' }, null), true);
  assert.equal(needsRecovery({ state: 'ended' }, { session: { unfinished: false } }), false);
  assert.equal(needsRecovery(emptySession(), { session: { unfinished: true } }), true);
});

test('sites outside the registry: host names of the navigations made during the session only', () => {
  const s = startSession({ now: NOW, scope: 'session' });
  let o = null;
  o = noteOtherHost(o, s, registry, { url: 'https://www.example-commerce.fr/panier?article=42', navigated: true });
  o = noteOtherHost(o, s, registry, { url: 'https://wwwd.caf.fr/compte', navigated: true });
  o = noteOtherHost(o, s, registry, { url: 'moz-extension://x/popup/popup.html', navigated: true });
  o = noteOtherHost(o, s, registry, { url: 'about:blank', navigated: true });
  // A page the aidant had open before the start, which only reloads, is not a visit.
  o = noteOtherHost(o, s, registry, { url: 'https://messagerie.mairie.fr/', navigated: false });
  assert.deepEqual(otherHostsOf(o, s), ['www.example-commerce.fr'], 'registry sites are in the session record, not here');
  assert.ok(!JSON.stringify(o).includes('panier'), 'no path or query is kept');
  assert.equal(noteOtherHost(o, s, registry, { url: 'https://www.example-commerce.fr/autre', navigated: true }), o, 'nothing new: no write');
  assert.equal(noteOtherHost(o, { ...s, state: 'ended' }, registry, { url: 'https://www.lemonde.fr/', navigated: true }), o,
    'nothing is recorded outside an active session');
  assert.ok(!JSON.stringify(s).includes('example-commerce'), 'the on-disk session record never holds them');
});

test('a list of other sites left by a previous session is neither used nor extended', () => {
  const before = startSession({ now: NOW - 3600000, scope: 'session' });
  const old = noteOtherHost(null, before, registry, { url: 'https://www.lemonde.fr/', navigated: true });
  const s = startSession({ now: NOW, scope: 'session' });
  assert.deepEqual(otherHostsOf(old, s), []);
  const o = noteOtherHost(old, s, registry, { url: 'https://www.example-commerce.fr/', navigated: true });
  assert.deepEqual(otherHostsOf(o, s), ['www.example-commerce.fr']);
  assert.deepEqual(otherHostsOf(null, s), []);
});

test('after a crash the other sites of the session are read back from its history, and only those', () => {
  const items = [
    { url: 'https://www.example-commerce.fr/compte', lastVisitTime: NOW + 60000 },
    { url: 'https://www.example-commerce.fr/panier', lastVisitTime: NOW + 90000 },
    { url: 'https://www.caf.fr/allocataires', lastVisitTime: NOW + 1000 }, // registry: handled as a site
    { url: 'https://journal-de-l-aidant.fr/', lastVisitTime: NOW - 60000 }, // before the start: the aidant's
    { url: 'about:blank', lastVisitTime: NOW + 1000 },
    { url: 'file:///home/aidant/notes.html', lastVisitTime: NOW + 1000 },
    { url: 'not a url', lastVisitTime: NOW + 1000 },
  ];
  assert.deepEqual(otherHostsInHistory(items, registry, NOW), ['www.example-commerce.fr']);
  assert.deepEqual(otherHostsInHistory(null, registry, NOW), []);
});

test('a webmail cookie refreshed by the aidant\'s own tab does not mark it used; a tab of the accompaniment going there does', () => {
  let s = startSession({ now: 1000, scope: 'session' });
  s = noteCookie(s, registry, { domain: '.google.com', name: 'SIDTS', storeId: '0' });
  assert.deepEqual(Object.keys(s.used), []);
  s = noteNavigation(s, registry, { tabId: 7, url: 'https://mail.google.com/mail/u/1/', storeId: '0' });
  assert.deepEqual(Object.keys(s.used), ['gmail']);
  // La Poste's shared account likewise: the aidant's parcel-tracking tab refreshing .laposte.fr.
  let p = startSession({ now: 1000, scope: 'session' });
  p = noteCookie(p, registry, { domain: '.laposte.fr', name: 'x', storeId: '0' });
  assert.deepEqual(Object.keys(p.used), []);
  p = noteNavigation(p, registry, { tabId: 8, url: 'https://lidentitenumerique.laposte.fr/', storeId: '0' });
  assert.deepEqual(Object.keys(p.used), ['laposte-idn']);
});

test('each site remembers the cookie stores it was used in, for its logout page', () => {
  let s = startSession({ now: 1000, scope: 'session' });
  s = noteNavigation(s, registry, { tabId: 1, url: 'https://assure.ameli.fr/PortailAS/', storeId: '1' });
  s = noteCookie(s, registry, { domain: '.ameli.fr', name: 'x', storeId: '0' });
  s = noteNavigation(s, registry, { tabId: 2, url: 'https://www.caf.fr/', storeId: 'firefox-container-3' });
  assert.deepEqual(s.used.ameli.stores, ['1', '0']);
  assert.deepEqual(s.used.caf.stores, ['firefox-container-3']);
  assert.deepEqual(s.stores, ['1', '0', 'firefox-container-3']);
  assert.equal(noteNavigation(s, registry, { tabId: 1, url: 'https://assure.ameli.fr/PortailAS/', storeId: '1' }), s, 'nothing new: same object');
  assert.deepEqual(endedSession(s, 2000).used, {}, 'dropped from disk at the end');
});
