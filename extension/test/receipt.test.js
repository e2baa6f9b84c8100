import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildReceipt, overallStatus } from '../lib/receipt.js';

const hostOk = {
  ok: true,
  value: {
    status: 'clean',
    files: { status: 'clean', removed: 3, kept: 2, failed: 0, removed_bytes: 10 },
    clipboard: { status: 'cleared' },
    recent_documents: { status: 'cleared', removed: 1 },
  },
};
const base = () => ({
  usedSites: [{ id: 'caf', name: 'CAF' }, { id: 'ameli', name: 'ameli' }],
  logout: [{ siteId: 'ameli', ok: true }],
  cookies: { ok: true }, siteData: { ok: true }, browsing: { ok: true }, tabs: { ok: true },
  passwords: 'api', passwordsPolicy: false, host: hostOk,
  verify: { cookiesLeft: {}, history: 0, downloads: 0 },
});
const lineOf = (r, id) => r.lines.find((l) => l.id === id);

test('everything done and verified: clean, with the sites used and the file count', () => {
  const r = buildReceipt(base());
  assert.equal(r.status, 'clean');
  assert.deepEqual(lineOf(r, 'logout'), { id: 'logout', status: 'ok', key: 'receiptLogout', subs: ['CAF, ameli'] });
  assert.deepEqual(lineOf(r, 'files').subs, ['3']);
  assert.equal(lineOf(r, 'files').key, 'receiptFiles');
  assert.equal(lineOf(r, 'clipboard').key, 'receiptClipboard');
  assert.equal(lineOf(r, 'passwords').key, 'receiptPasswords');
});

test('host missing: browser part still reported, files line tells to warn IT, receipt partial', () => {
  const r = buildReceipt({ ...base(), host: { ok: false, code: 'host_missing' } });
  assert.equal(r.status, 'partial');
  const f = lineOf(r, 'files');
  assert.equal(f.key, 'receiptHostMissing');
  assert.equal(f.action, undefined, 'the sentence already says to tell IT: not repeated');
  assert.equal(lineOf(r, 'cookies').status, 'ok');
  assert.equal(lineOf(r, 'clipboard'), undefined, 'no claim about the clipboard without the host');
});

test('host timeout says retry', () => {
  const r = buildReceipt({ ...base(), host: { ok: false, code: 'timeout' } });
  assert.equal(lineOf(r, 'files').key, 'receiptHostFailed');
  assert.equal(lineOf(r, 'files').action, 'retry');
});

test('a cookie found at verification fails logout for that site only, and the cookies line', () => {
  const r = buildReceipt({ ...base(), verify: { cookiesLeft: { ameli: 2 }, history: 0, downloads: 0 } });
  assert.equal(r.status, 'partial');
  assert.deepEqual(lineOf(r, 'logout'), { id: 'logout', status: 'failed', key: 'receiptLogoutFailed', subs: ['ameli'], action: 'retry' });
  assert.equal(lineOf(r, 'cookies').status, 'failed');
});

test('a leftover cookie of a site not used fails the cookies line without naming it', () => {
  const r = buildReceipt({ ...base(), verify: { cookiesLeft: { impots: 1 }, history: 0, downloads: 0 } });
  assert.equal(lineOf(r, 'cookies').status, 'failed');
  assert.ok(!JSON.stringify(r).includes('impots'), 'the receipt names no site the person did not use');
});

test('history found after removal is not claimed erased', () => {
  const r = buildReceipt({ ...base(), verify: { cookiesLeft: {}, history: 4, downloads: 0 } });
  assert.equal(lineOf(r, 'history').status, 'failed');
  const unverified = buildReceipt({ ...base(), verify: {} });
  assert.equal(lineOf(unverified, 'history').status, 'failed', 'no verification, no claim');
  assert.equal(lineOf(unverified, 'logout').key, 'receiptLogoutUnverified');
});

test('Chromium passwords: a notice unless policy turns the password manager off', () => {
  const notice = buildReceipt({ ...base(), passwords: 'policy' });
  assert.equal(lineOf(notice, 'passwords').status, 'notice');
  assert.equal(lineOf(notice, 'passwords').action, 'tellIT');
  assert.equal(notice.status, 'clean', 'a notice does not make the receipt partial');
  const policy = buildReceipt({ ...base(), passwords: 'policy', passwordsPolicy: true });
  assert.equal(lineOf(policy, 'passwords').key, 'receiptPasswordsPolicy');
});

test('no site used: one plain line, no site named', () => {
  const r = buildReceipt({ ...base(), usedSites: [] });
  assert.equal(lineOf(r, 'logout').key, 'receiptNoSite');
  assert.deepEqual(lineOf(r, 'logout').subs, []);
});

test('file counts read naturally in French (0, 1, n) and host failures are lines', () => {
  const host = (files, extra = {}) => ({ ok: true, value: { ...hostOk.value, files, ...extra } });
  assert.equal(lineOf(buildReceipt({ ...base(), host: host({ status: 'clean', removed: 0 }) }), 'files').key, 'receiptFilesNone');
  assert.equal(lineOf(buildReceipt({ ...base(), host: host({ status: 'clean', removed: 1 }) }), 'files').key, 'receiptFilesOne');
  const partial = buildReceipt({ ...base(), host: host({ status: 'partial', removed: 2, failed: 1 }) });
  assert.deepEqual(lineOf(partial, 'files').subs, ['2', '1']);
  assert.equal(partial.status, 'partial');
  const clip = buildReceipt({ ...base(), host: host({ status: 'clean', removed: 0 }, { clipboard: { status: 'failed' } }) });
  assert.equal(lineOf(clip, 'clipboard').status, 'failed');
  const disabled = buildReceipt({ ...base(), host: host({ status: 'clean', removed: 0 }, { clipboard: { status: 'disabled' }, recent_documents: { status: 'nothing' } }) });
  assert.equal(disabled.status, 'clean');
  const unknown = buildReceipt({ ...base(), host: host({ status: 'clean', removed: 0 }, { recent_documents: { status: 'weird' } }) });
  assert.equal(lineOf(unknown, 'recent').status, 'failed', 'an unknown host status is never claimed done');
});

test('overall: failed only when nothing succeeded', () => {
  assert.equal(overallStatus([{ status: 'failed' }, { status: 'notice' }]), 'failed');
  assert.equal(overallStatus([{ status: 'failed' }, { status: 'ok' }]), 'partial');
  assert.equal(overallStatus([{ status: 'ok' }, { status: 'notice' }]), 'clean');
});

test('a used site the extension cannot see is "not verified", never clean', () => {
  const r = buildReceipt({ ...base(), verify: { cookiesLeft: {}, unverified: ['ameli', 'impots'], history: 0, downloads: 0 } });
  assert.deepEqual(lineOf(r, 'logout'), { id: 'logout', status: 'partial', key: 'receiptLogoutUnverified', subs: ['ameli'], action: 'tellIT' });
  assert.equal(r.status, 'partial');
  assert.ok(!JSON.stringify(r).includes('impots'));
});

test('other sites visited: their removal is said to be unverifiable, counted and never named', () => {
  const r = buildReceipt({ ...base(), verify: { cookiesLeft: {}, history: 0, downloads: 0, othersLeft: 0, othersUnverified: 2 } });
  const l = lineOf(r, 'others');
  assert.deepEqual(l, { id: 'others', status: 'notice', key: 'receiptOtherSitesUnverified', subs: ['2'] });
  assert.equal(lineOf(r, 'cookies').status, 'ok');
  const one = buildReceipt({ ...base(), verify: { cookiesLeft: {}, history: 0, downloads: 0, othersLeft: 0, othersUnverified: 1 } });
  assert.equal(lineOf(one, 'others').key, 'receiptOtherSiteUnverified');
  assert.equal(lineOf(buildReceipt(base()), 'others'), undefined, 'none visited, or all re-read: no such line');
  const left = buildReceipt({ ...base(), verify: { cookiesLeft: {}, history: 0, downloads: 0, othersLeft: 1, othersUnverified: 0 } });
  assert.equal(lineOf(left, 'cookies').status, 'failed', 'a cookie of another site found at verification fails the line');
  assert.equal(left.status, 'partial');
});

test('tabs still in "recently closed" are not claimed gone', () => {
  const r = buildReceipt({ ...base(), verify: { cookiesLeft: {}, history: 0, downloads: 0, closedLeft: 2 } });
  assert.deepEqual(lineOf(r, 'tabs'), { id: 'tabs', status: 'failed', key: 'receiptTabsRestorable', subs: [], action: 'retry' });
  assert.equal(r.status, 'partial');
  const none = buildReceipt({ ...base(), verify: { cookiesLeft: {}, history: 0, downloads: 0, closedLeft: 0 } });
  assert.equal(lineOf(none, 'tabs').key, 'receiptTabs');
});

test('Firefox outside private windows: the offline copies it keeps are said, not hidden', () => {
  const r = buildReceipt({ ...base(), offlineCache: 'kept' });
  assert.deepEqual(lineOf(r, 'offline'), { id: 'offline', status: 'notice', key: 'receiptOfflineCacheKept', subs: [], action: 'tellIT' });
  assert.equal(r.status, 'clean', 'a notice: the browser part the extension can reach is clean');
  assert.equal(lineOf(r, 'cookies').key, 'receiptCookiesButOffline', 'the site-data line does not claim the copies');
  // The host's logoff clean will remove them: said so, nothing to tell IT.
  const later = buildReceipt({ ...base(), offlineCache: 'later' });
  assert.deepEqual(lineOf(later, 'offline'), { id: 'offline', status: 'notice', key: 'receiptOfflineCacheLater', subs: [] });
  assert.equal(lineOf(buildReceipt(base()), 'offline'), undefined, 'no such line where the browser clears them');
});
