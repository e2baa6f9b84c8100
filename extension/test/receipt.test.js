import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { buildReceipt, folderKind, overallStatus, stepLeavesNothing, withoutNames } from '../lib/receipt.js';
import { CONTRACT } from '../lib/contract.js';
import { golden, goldenNames } from './golden.js';

// The host's report as its Go types produce it (test/golden.js): 3 files removed, 2 kept.
const hostOk = { ok: true, value: { ...golden('session-end-clean'), session_id: 'sid-1' } };
const base = () => ({
  usedSites: [{ id: 'caf', name: 'CAF' }, { id: 'ameli', name: 'ameli' }],
  logout: [{ siteId: 'ameli', ok: true }],
  cookies: { ok: true }, siteData: { ok: true }, browsing: { ok: true }, tabs: { ok: true },
  passwords: 'api', passwordsPolicy: false, host: hostOk, hostSession: { id: 'sid-1', startCode: '', endedBefore: '' },
  verify: { cookiesLeft: {}, history: 0, downloads: 0 },
});
const lineOf = (r, id) => r.lines.find((l) => l.id === id);

test('everything done and verified: clean, with the sites used and the file count', () => {
  const r = buildReceipt(base());
  assert.equal(r.status, 'clean');
  assert.deepEqual(lineOf(r, 'logout'), { id: 'logout', status: 'ok', key: 'receiptLogout', subs: ['CAF, ameli'], sites: 2 });
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
  assert.deepEqual(lineOf(r, 'logout'), { id: 'logout', status: 'failed', key: 'receiptLogoutFailed', subs: ['ameli'], action: 'retry', sites: 1 });
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

test('Firefox passwords: « erased » only where saving them was possible', () => {
  // The password manager switched off by policy (host report passwords_disabled): nothing was
  // saved, nothing could be; the line says that, not that passwords were erased.
  const policy = buildReceipt({ ...base(), passwords: 'api', passwordsPolicy: true });
  assert.equal(lineOf(policy, 'passwords').key, 'receiptPasswordsPolicy');
  assert.equal(lineOf(policy, 'passwords').status, 'ok');
  const failed = buildReceipt({ ...base(), passwords: 'api', passwordsPolicy: true, browsing: { ok: false } });
  assert.equal(lineOf(failed, 'passwords').key, 'receiptPasswordsPolicy', 'no password to erase, whatever the removal did');
  assert.equal(lineOf(buildReceipt({ ...base(), passwords: 'api' }), 'passwords').key, 'receiptPasswords');
  assert.equal(lineOf(buildReceipt({ ...base(), passwords: 'api', browsing: { ok: false } }), 'passwords').key, 'receiptPasswordsFailed');
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
  assert.deepEqual(lineOf(r, 'logout'), { id: 'logout', status: 'partial', key: 'receiptLogoutUnverified', subs: ['ameli'], action: 'tellIT', sites: 1 });
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

test('a shared account kept in scope session (La Poste) is named in its own words, apart from webmail', () => {
  const r = buildReceipt({ ...base(), webmailKept: [{ id: 'gmail', name: 'Google (Gmail)', kind: 'webmail' },
    { id: 'laposte-idn', name: 'La Poste', kind: 'account' }] });
  assert.deepEqual(lineOf(r, 'webmail'), { id: 'webmail', status: 'notice', key: 'receiptWebmailSession', subs: ['Google (Gmail)'], sites: 1 });
  assert.deepEqual(lineOf(r, 'account'), { id: 'account', status: 'notice', key: 'receiptAccountSession', subs: ['La Poste'], sites: 1 });
  assert.equal(r.status, 'clean');
  assert.deepEqual(withoutNames(r).lines.find((l) => l.id === 'account'), { id: 'account', status: 'notice', key: 'receiptAccountSessionCount', subs: ['1'], sites: 1 },
    'the copy kept on disk counts, never names');
  assert.equal(lineOf(buildReceipt({ ...base(), webmailKept: [{ id: 'laposte-idn', name: 'La Poste', kind: 'account' }] }), 'webmail'), undefined);
});

// Chromium keeps some of the session in its files until it closes (LevelDB logs, session restore,
// download records): the receipt says they go at the computer's logoff only when the host reports
// that clean installed here (session.end closed_browsers), and never in Firefox (its own line).
test('Chromium: what goes only after the browser closes is said when the logoff clean is installed', () => {
  const hook = { ok: true, value: { ...golden('session-end-closed-browsers'), session_id: 'sid-1' } };
  assert.equal(hook.value.closed_browsers, true, 'the golden carries the field');
  assert.equal(hostOk.value.closed_browsers, false, 'the golden without the hook says false');
  const chromium = buildReceipt({ ...base(), passwords: 'policy', passwordsPolicy: true, host: hook });
  assert.deepEqual(lineOf(chromium, 'afterClose'), { id: 'afterClose', status: 'notice', key: 'receiptBrowserFilesLater', subs: [] });
  assert.equal(chromium.status, 'clean');
  assert.equal(lineOf(buildReceipt({ ...base(), passwords: 'policy', passwordsPolicy: true }), 'afterClose'), undefined,
    'no hook on this computer: nothing promised');
  assert.equal(lineOf(buildReceipt({ ...base(), host: hook }), 'afterClose'), undefined, 'Firefox: its offline line says it');
  assert.equal(lineOf(buildReceipt({ ...base(), passwords: 'policy', host: { ok: false, code: 'timeout' } }), 'afterClose'), undefined,
    'no answer from the host: nothing known');
});

// Issue 16, case 6: « fichiers : rien à supprimer » must never come from a report of another session.
test('files: unverified without a host session id, saying why the start failed', () => {
  const none = { ...hostOk, value: { ...hostOk.value, session_id: 'previous', already_ended: true, files: { status: 'clean', removed: 0 } } };
  const busy = buildReceipt({ ...base(), host: none, hostSession: { id: '', startCode: 'busy', endedBefore: '' } });
  assert.deepEqual(lineOf(busy, 'files'), { id: 'files', status: 'failed', key: 'receiptFilesNotTrackedBusy', subs: [], action: 'tellIT' });
  assert.notEqual(busy.status, 'clean');
  assert.equal(lineOf(busy, 'clipboard').key, 'receiptClipboardUnverified', 'an old report says nothing of the clipboard now');
  assert.equal(lineOf(busy, 'recent').key, 'receiptRecentUnverified');
  const other = buildReceipt({ ...base(), host: none, hostSession: { id: '', startCode: 'timeout' } });
  assert.equal(lineOf(other, 'files').key, 'receiptFilesNotTracked');
  assert.equal(lineOf(buildReceipt({ ...base(), hostSession: undefined }), 'files').status, 'failed', 'no id given: never clean');
  // The host answered no_session: it did answer; say what it said, not « did not answer ».
  const noSession = buildReceipt({ ...base(), host: { ok: false, code: 'no_session' }, hostSession: { id: '', startCode: 'busy' } });
  assert.equal(lineOf(noSession, 'files').key, 'receiptFilesNotTrackedBusy');
  const lost = buildReceipt({ ...base(), host: { ok: false, code: 'no_session' } });
  assert.equal(lineOf(lost, 'files').key, 'receiptFilesNoSession');
  assert.equal(lineOf(buildReceipt({ ...base(), host: { ok: false, code: 'busy' } }), 'files').key, 'receiptHostBusy');
});

test('files: unverified when the report is of another session', () => {
  const r = buildReceipt({ ...base(), host: { ok: true, value: { ...hostOk.value, session_id: 'other' } } });
  assert.deepEqual(lineOf(r, 'files'), { id: 'files', status: 'failed', key: 'receiptFilesOtherSession', subs: [], action: 'tellIT' });
  assert.equal(lineOf(r, 'clipboard').key, 'receiptClipboard', 'a fresh end (not already_ended) did clear the clipboard');
  assert.notEqual(r.status, 'clean');
});

test('files: already_ended counts only for a session an earlier end of this accompaniment asked to end', () => {
  const again = { ok: true, value: { ...hostOk.value, already_ended: true } };
  const elsewhere = buildReceipt({ ...base(), host: again });
  assert.equal(lineOf(elsewhere, 'files').key, 'receiptFilesEndedElsewhere');
  assert.equal(lineOf(elsewhere, 'files').status, 'failed');
  assert.notEqual(elsewhere.status, 'clean');
  // « Réessayer » (or recovery after a crash mid-end): the host keeps the report of our own end.
  const retry = buildReceipt({ ...base(), host: again, hostSession: { id: 'sid-1', endedBefore: 'sid-1' } });
  assert.equal(lineOf(retry, 'files').key, 'receiptFiles');
  assert.equal(retry.status, 'clean');
});

test('the receipt kept on disk has counts, never the names of the sites', () => {
  const r = buildReceipt(base());
  const disk = withoutNames(r);
  assert.deepEqual(lineOf(disk, 'logout'), { id: 'logout', status: 'ok', key: 'receiptLogoutCount', subs: ['2'], sites: 2 });
  assert.ok(!/CAF|ameli/.test(JSON.stringify(disk)));
  const failed = withoutNames(buildReceipt({ ...base(), verify: { ...base().verify, cookiesLeft: { ameli: 1 } } }));
  assert.deepEqual(lineOf(failed, 'logout').subs, ['1']);
  assert.equal(lineOf(failed, 'logout').key, 'receiptLogoutFailedCount');
});

// Folders the host left untouched (PROTOCOL.md, session.end): one line each, saying what to do;
// never « Réessayer », which would change nothing.
const fr = JSON.parse(fs.readFileSync(new URL('../_locales/fr/messages.json', import.meta.url), 'utf8'));
const en = JSON.parse(fs.readFileSync(new URL('../_locales/en/messages.json', import.meta.url), 'utf8'));
const withFolders = (folders, files = {}) => buildReceipt({
  ...base(),
  host: { ok: true, value: { ...hostOk.value, status: 'partial', files: { status: 'partial', removed: 0, kept: 0, failed: 0, folders, ...files } } },
});

test('folder labels become words, never paths', () => {
  assert.equal(folderKind('downloads'), 'Downloads');
  assert.equal(folderKind('scans'), 'Scans');
  assert.equal(folderKind('scans-2'), 'Scans');
  assert.equal(folderKind('watch-1'), 'Other');
  assert.equal(folderKind('/home/marie/Téléchargements'), 'Other');
  assert.equal(folderKind(undefined), 'Other');
});

test('moved folder: partial, says nothing was deleted there and to check with the person, no retry', () => {
  const r = withFolders([
    { label: 'downloads', status: 'moved', removed: 0, kept: 0, failed: 0, errors: { moved: 1 } },
    { label: 'scans', status: 'clean', removed: 2, kept: 0, failed: 0 },
  ], { removed: 2 });
  assert.equal(r.status, 'partial');
  assert.deepEqual(lineOf(r, 'folder:downloads'), { id: 'folder:downloads', status: 'partial', key: 'receiptFolderMovedDownloads', subs: [] });
  assert.match(fr.receiptFolderMovedDownloads.message, /^Le dossier Téléchargements a été déplacé ou remplacé pendant l'accompagnement : rien n'y a été effacé\. Vérifiez avec la personne ce qu'il contient\.$/);
  // The folder the host did wipe still counts.
  assert.deepEqual(lineOf(r, 'files'), { id: 'files', status: 'ok', key: 'receiptFiles', subs: ['2'] });
  assert.ok(!r.lines.some((l) => l.action === 'retry'), JSON.stringify(r.lines));
});

test('refused folder: partial, tell IT, no retry; the sentence does not repeat the IT action', () => {
  for (const code of ['root', 'home', 'other_user', 'system', 'state', 'config', 'binary', 'relative']) {
    const r = withFolders([{ label: 'scans-2', status: 'refused', removed: 0, kept: 0, failed: 0, errors: { [code]: 1 } }]);
    assert.deepEqual(lineOf(r, 'folder:scans-2'), { id: 'folder:scans-2', status: 'partial', key: 'receiptFolderRefusedScans', subs: [], action: 'tellIT' });
    assert.equal(lineOf(r, 'files'), undefined, 'no « Aucun fichier à supprimer » when the only folder was not looked at');
    assert.equal(r.status, 'partial');
    assert.ok(!r.lines.some((l) => l.action === 'retry'));
  }
  assert.match(fr.receiptFolderRefusedScans.message, /^Le dossier Numérisations est protégé : Table rase n'y efface jamais rien\./);
  assert.doesNotMatch(fr.receiptFolderRefusedScans.message, /service informatique/, 'the tellIT action says it');
});

test('skipped folder (no snapshot) and a watched folder without a known word', () => {
  const r = withFolders([
    { label: 'watch-1', status: 'skipped', errors: { no_snapshot: 1 } },
    { label: 'downloads', status: 'clean', removed: 0 },
  ]);
  assert.deepEqual(lineOf(r, 'folder:watch-1'), { id: 'folder:watch-1', status: 'partial', key: 'receiptFolderSkippedOther', subs: [] });
  assert.deepEqual(lineOf(r, 'files'), { id: 'files', status: 'ok', key: 'receiptFilesNoneElsewhere', subs: ['0'] });
  assert.equal(r.status, 'partial');
  assert.ok(!r.lines.some((l) => l.action === 'retry'));
});

test('entries without a birth time: counted on their folder\'s line, no retry unless something else failed', () => {
  const r = withFolders([{ label: 'downloads', status: 'partial', removed: 1, kept: 2, failed: 0, errors: { no_birth_time: 2 } }], { removed: 1, kept: 2 });
  assert.deepEqual(lineOf(r, 'folder:downloads'), { id: 'folder:downloads', status: 'partial', key: 'receiptFolderNoBirthTimeDownloads', subs: ['2'] });
  assert.deepEqual(lineOf(r, 'files'), { id: 'files', status: 'ok', key: 'receiptFilesOne', subs: ['1'] });
  assert.equal(r.status, 'partial');
  assert.ok(!r.lines.some((l) => l.action === 'retry'));
  // Another error in the same folder (a file open elsewhere): that one « Réessayer » may fix.
  const busy = withFolders([{ label: 'downloads', status: 'partial', removed: 1, kept: 2, failed: 1, errors: { no_birth_time: 2, busy: 1 } }], { removed: 1, failed: 1 });
  assert.deepEqual(lineOf(busy, 'files'), { id: 'files', status: 'failed', key: 'receiptFilesFailed', subs: ['1', '1'], action: 'retry' });
  assert.equal(lineOf(busy, 'folder:downloads').key, 'receiptFolderNoBirthTimeDownloads');
});

test('an untouched folder next to one that failed: the failure keeps its retry, the folder its own line', () => {
  const r = withFolders([
    { label: 'downloads', status: 'failed', removed: 0, failed: 3, errors: { permission: 3 } },
    { label: 'scans', status: 'moved', errors: { moved: 1 } },
  ], { failed: 3 });
  assert.deepEqual(lineOf(r, 'files'), { id: 'files', status: 'failed', key: 'receiptFilesFailed', subs: ['0', '3'], action: 'retry' });
  assert.equal(lineOf(r, 'folder:scans').key, 'receiptFolderMovedScans');
  assert.equal(lineOf(r, 'folder:scans').action, undefined);
  // The host's files verdict bounds the claim even when the folders look fine.
  const odd = withFolders([{ label: 'scans', status: 'moved', errors: { moved: 1 } }, { label: 'downloads', status: 'clean' }], { status: 'failed' });
  assert.equal(lineOf(odd, 'files').status, 'failed');
});

test('without untouched folders the files line is the host\'s status, as before', () => {
  const r = withFolders([{ label: 'downloads', status: 'partial', removed: 2, failed: 1, errors: { permission: 1 } }], { removed: 2, failed: 1 });
  assert.deepEqual(r.lines.filter((l) => l.id.startsWith('f')).map((l) => l.id), ['files']);
  assert.equal(lineOf(r, 'files').key, 'receiptFilesFailed');
  const clean = withFolders([{ label: 'downloads', status: 'clean', removed: 2 }, { label: 'scans', status: 'missing' }], { status: 'clean', removed: 2 });
  assert.equal(clean.status, 'clean');
  assert.deepEqual(lineOf(clean, 'files').key, 'receiptFiles');
});

test('the folder lines carry no path, and a label that is not a plain label is not used as an id', () => {
  const r = withFolders([{ label: '/home/marie/Téléchargements', status: 'moved', errors: { moved: 1 } }]);
  assert.deepEqual(r.lines.filter((l) => l.id.startsWith('folder')).map((l) => [l.id, l.key]), [['folder:1', 'receiptFolderMovedOther']]);
  assert.doesNotMatch(JSON.stringify(r), /marie/);
});

test('every folder message exists in French and English', () => {
  for (const kind of ['Downloads', 'Scans', 'Other']) {
    for (const k of ['receiptFolderMoved', 'receiptFolderRefused', 'receiptFolderSkipped', 'receiptFolderNoBirthTime']) {
      assert.ok(fr[`${k}${kind}`] && en[`${k}${kind}`], `${k}${kind}`);
      assert.doesNotMatch(fr[`${k}${kind}`].message + en[`${k}${kind}`].message, /Réessayer|Try again|[/\\]/);
    }
  }
  assert.ok(fr.receiptFilesNoneElsewhere && en.receiptFilesNoneElsewhere);
});

test('downloads the browser deleted itself: counted; those that may be left make the files line partial', () => {
  const early = (value) => ({ ...base(), early: value });
  const r = buildReceipt(early({ ok: true, value: { mode: 'early', found: 2, removed: 2, left: 0 } }));
  assert.deepEqual(lineOf(r, 'files'), { id: 'files', status: 'ok', key: 'receiptFiles', subs: ['5'] });
  assert.equal(r.status, 'clean');
  const left = buildReceipt(early({ ok: true, value: { mode: 'early', found: 2, removed: 1, left: 1 } }));
  assert.equal(lineOf(left, 'files').status, 'partial');
  assert.deepEqual(lineOf(left, 'filesEarly'), { id: 'filesEarly', status: 'partial', key: 'receiptFilesEarlyLeft', subs: ['1'] });
  const unknown = buildReceipt(early({ ok: false, code: 'timeout' }));
  assert.equal(lineOf(unknown, 'filesEarly').key, 'receiptFilesEarlyUnverified');
  assert.equal(unknown.status, 'partial');
  assert.equal(lineOf(buildReceipt(early(null)), 'filesEarly'), undefined, 'none planned: nothing said');
});

test('a late registration: what was saved outside the browser before it is said possibly kept (a notice)', () => {
  const T = 1_800_000_000_000;
  const late = buildReceipt({ ...base(), startedAt: T, hostSession: { id: 'sid-1', registeredAt: T + 30000 } });
  assert.deepEqual(lineOf(late, 'filesLate'), { id: 'filesLate', status: 'notice', key: 'receiptFilesTrackedLate', subs: [] });
  assert.equal(late.status, 'clean', 'a notice: nothing the extension could verify is left');
  const atOnce = buildReceipt({ ...base(), startedAt: T, hostSession: { id: 'sid-1', registeredAt: T + 400 } });
  assert.equal(lineOf(atOnce, 'filesLate'), undefined);
});

// One rule for a report, the host's (host/internal/contract): over every report the Go side
// writes, the host's part of the receipt claims nothing more and nothing less than the host.
const HOST_LINE = /^(files|folder:|clipboard|recent)/;
test('every golden report: the host lines are all ok or notice exactly when the host says clean', () => {
  const names = goldenNames('session-end-');
  assert.ok(names.length >= 6, names.join(' '));
  for (const name of names) {
    const rep = golden(name);
    const r = buildReceipt({ ...base(), host: { ok: true, value: rep }, hostSession: { id: rep.session_id } });
    const hostLines = r.lines.filter((l) => HOST_LINE.test(l.id));
    assert.ok(hostLines.some((l) => l.id === 'clipboard') && hostLines.some((l) => l.id === 'recent'), name);
    const claimsClean = hostLines.every((l) => l.status === 'ok' || l.status === 'notice');
    assert.equal(claimsClean, rep.status === 'clean', `${name}: ${JSON.stringify(hostLines)}`);
    assert.equal(stepLeavesNothing(rep.clipboard) && stepLeavesNothing(rep.recent_documents) && rep.files.status === 'clean',
      rep.status === 'clean', name);
  }
});

test('clipboard: no display is a notice (there is none), no clipboard tool is a failure to tell IT', () => {
  const noDisplay = golden('session-end-no-display');
  const r = buildReceipt({ ...base(), host: { ok: true, value: noDisplay }, hostSession: { id: noDisplay.session_id } });
  assert.deepEqual(lineOf(r, 'clipboard'), { id: 'clipboard', status: 'notice', key: 'receiptClipboardSkipped', subs: [] });
  assert.equal(r.status, 'clean');
  const noTool = golden('session-end-no-tool');
  const t = buildReceipt({ ...base(), host: { ok: true, value: noTool }, hostSession: { id: noTool.session_id } });
  assert.deepEqual(lineOf(t, 'clipboard'), { id: 'clipboard', status: 'failed', key: 'receiptClipboardFailed', subs: [], action: 'tellIT' });
  assert.equal(t.status, 'partial');
  const failed = golden('session-end-clipboard-failed');
  assert.equal(lineOf(buildReceipt({ ...base(), host: { ok: true, value: failed }, hostSession: { id: failed.session_id } }), 'clipboard').action, 'retry');
  const off = golden('session-end-disabled');
  const d = buildReceipt({ ...base(), host: { ok: true, value: off }, hostSession: { id: off.session_id } });
  assert.equal(lineOf(d, 'clipboard').key, 'receiptClipboardDisabled');
  assert.equal(lineOf(d, 'recent').key, 'receiptRecentSkipped');
  assert.equal(d.status, 'clean');
});

test('the step rule is the host\'s table, not a copy', () => {
  assert.deepEqual(CONTRACT.step_ok.skipped, ['no_display', 'unsupported']);
  assert.equal(stepLeavesNothing({ status: 'skipped', code: 'no_tool' }), false);
  assert.equal(stepLeavesNothing({ status: 'nothing' }), true);
  assert.equal(stepLeavesNothing({ status: 'bogus' }), false);
  assert.equal(stepLeavesNothing(undefined), false);
});

test('a host of another protocol version: files not verified, said plainly, browser part unchanged', () => {
  const r = buildReceipt({ ...base(), host: { ok: false, code: 'protocol_mismatch' }, hostSession: { id: '', startCode: 'protocol_mismatch' } });
  assert.deepEqual(lineOf(r, 'files'), { id: 'files', status: 'failed', key: 'receiptHostMismatch', subs: [] });
  assert.equal(lineOf(r, 'clipboard'), undefined, 'no claim about the clipboard without the host');
  assert.equal(lineOf(r, 'cookies').status, 'ok');
  assert.equal(r.status, 'partial');
  const early = buildReceipt({ ...base(), host: { ok: false, code: 'protocol_mismatch' }, hostSession: { id: '' },
    early: { ok: true, value: { mode: 'all', found: 2, removed: 2, left: 0 } } });
  assert.deepEqual(lineOf(early, 'files'), { id: 'files', status: 'partial', key: 'receiptHostMismatchBrowser', subs: ['2'] });
  assert.match(fr.receiptHostMismatch.message, /ne correspondent pas/);
  assert.match(fr.receiptHostMismatch.message, /non vérifiés/);
  assert.match(fr.receiptHostMismatch.message, /Prévenez votre service informatique\.$/);
  assert.match(en.receiptHostMismatch.message, /do not match/);
});

test('a logout page that failed or timed out is named on its own line, the cookies line unchanged', () => {
  const r = buildReceipt({
    ...base(),
    usedSites: [{ id: 'caf', name: 'CAF' }, { id: 'ameli', name: 'ameli' }, { id: 'impots', name: 'impots.gouv.fr' }],
    logout: [{ siteId: 'ameli', ok: false, code: 'timeout' }, { siteId: 'impots', ok: false, code: 'error' }, { siteId: 'caf', ok: true }],
  });
  assert.deepEqual(lineOf(r, 'logoutPage'),
    { id: 'logoutPage', status: 'notice', key: 'receiptLogoutPageFailed', subs: ['ameli, impots.gouv.fr'], sites: 2 });
  assert.equal(lineOf(r, 'cookies').status, 'ok', 'cookies removed is a separate claim');
  assert.equal(r.status, 'clean', 'the session is gone from the computer: not a failure of the cleanup');
  assert.ok(r.lines.findIndex((l) => l.id === 'logoutPage') === r.lines.findIndex((l) => l.id === 'logout') + 1, 'right after the logout line');
  const disk = withoutNames(r);
  assert.deepEqual(lineOf(disk, 'logoutPage'), { id: 'logoutPage', status: 'notice', key: 'receiptLogoutPageFailedCount', subs: ['2'], sites: 2 },
    'the copy on disk counts, never names');
  assert.equal(lineOf(buildReceipt({ ...base(), logout: [{ siteId: 'nobody', ok: false }] }), 'logoutPage'), undefined,
    'an outcome for a site not used names nothing');
  assert.equal(lineOf(buildReceipt({ ...base(), logout: undefined }), 'logoutPage'), undefined);
});

test('the logout page lines exist in both languages', () => {
  for (const lang of ['fr', 'en']) {
    const m = JSON.parse(fs.readFileSync(new URL(`../_locales/${lang}/messages.json`, import.meta.url)));
    for (const k of ['receiptLogoutPageFailed', 'receiptLogoutPageFailedCount']) assert.ok(m[k] && m[k].message.includes('$1'), `${lang} ${k}`);
  }
});

test('Firefox private windows: the site-data line says what was re-read (purged, left, not verified)', () => {
  const purge = (v) => ({ ok: true, value: { clean: 3, left: 0, unverified: 0, sitesLeft: [], sitesUnverified: [], othersLeft: 0, othersUnverified: 0, ...v } });
  const clean = buildReceipt({ ...base(), purge: purge({}) });
  assert.deepEqual(lineOf(clean, 'cookies'), { id: 'cookies', status: 'ok', key: 'receiptCookiesPrivateChecked', subs: [] });
  assert.equal(clean.status, 'clean');
  const left = buildReceipt({ ...base(), purge: purge({ left: 1, sitesLeft: ['caf'] }) });
  assert.equal(lineOf(left, 'cookies').key, 'receiptCookiesFailed');
  assert.equal(lineOf(left, 'cookies').action, 'retry');
  const otherLeft = buildReceipt({ ...base(), purge: purge({ left: 1, othersLeft: 1 }) });
  assert.equal(lineOf(otherLeft, 'cookies').status, 'failed', 'data another site re-read is left too');
  const unverified = buildReceipt({ ...base(), purge: purge({ unverified: 1, sitesUnverified: ['caf'] }) });
  assert.deepEqual(lineOf(unverified, 'cookies'), { id: 'cookies', status: 'partial', key: 'receiptCookiesPrivateUnverified', subs: [], action: 'retry' });
  assert.equal(unverified.status, 'partial');
  const failed = buildReceipt({ ...base(), purge: { ok: false, code: 'timeout' } });
  assert.equal(lineOf(failed, 'cookies').status, 'partial', 'a purge that did not answer verified nothing');
  const blind = buildReceipt({ ...base(), purge: purge({ unverified: 2, othersUnverified: 2 }) });
  assert.equal(lineOf(blind, 'cookies').key, 'receiptCookiesPrivateChecked', 'the registry sites were re-read empty');
  assert.deepEqual(lineOf(blind, 'othersPrivate'), { id: 'othersPrivate', status: 'notice', key: 'receiptPrivateOtherSites', subs: ['2'], action: 'tellIT' });
  assert.equal(lineOf(buildReceipt({ ...base(), purge: purge({ othersUnverified: 1 }) }), 'othersPrivate').key, 'receiptPrivateOtherSite');
  assert.equal(lineOf(buildReceipt(base()), 'cookies').key, 'receiptCookies', 'no purge planned: as before');
  assert.ok(!JSON.stringify(blind).includes('caf'), 'no site named by the purge lines');
});
