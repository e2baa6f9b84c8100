// Receipt building: step outcomes + verification → the lines the person helped is shown.
//
// A line says what was checked, not what was attempted: each status comes from the verification
// where one exists (cookies re-read, history and downloads re-searched, host report). Lines are
// message keys + substitutions (rendered by the popup in the browser's language), never free text:
// the receipt names only sites used during the session and carries no personal data (no URL, no
// cookie, no file name). A failed line carries an action: retry, or what to tell IT.
//
// Line status: ok | notice (true but not the extension's to guarantee, e.g. Chrome passwords) |
// partial | failed. Receipt status: clean (all ok/notice) | failed (nothing could be done) | partial.

import { CONTRACT } from './contract.js';
import { PROTOCOL_MISMATCH } from './host.js';
import { EARLY_MARGIN_MS } from './plan.js';

export const OK = 'ok';
export const NOTICE = 'notice';
export const PARTIAL = 'partial';
export const FAILED = 'failed';

function line(id, status, key, subs = [], action = undefined) {
  const l = { id, status, key, subs: subs.map(String) };
  if (action) l.action = action;
  return l;
}

const ok = (o) => o && o.ok;

/**
 * Whether a host step (clipboard, recent documents) leaves nothing behind, by the host's own rule
 * (contract.js `step_ok`, generated from host/internal/contract): cleared, switched off by IT,
 * nothing to clear, or skipped where there is nothing of the kind (no display, so no clipboard;
 * no such list on this OS). A step skipped for any other reason (no clipboard tool…) may have
 * left the person's data: never « ok ».
 */
export function stepLeavesNothing(step) {
  const s = step && typeof step === 'object' ? step : {};
  const codes = typeof s.status === 'string' && Object.hasOwn(CONTRACT.step_ok, s.status) ? CONTRACT.step_ok[s.status] : [];
  return codes.includes('*') || codes.includes(s.code);
}

/**
 * The line of a host step: ok when cleared, a notice when it leaves nothing behind otherwise,
 * failed else — with « Réessayer » when trying again may help, « tell IT » when the step could
 * not run on this computer (skipped: a missing tool no retry installs).
 */
function stepLine(id, step, keys) {
  const s = step && typeof step === 'object' ? step : {};
  if (s.status === 'cleared') return line(id, OK, keys.ok);
  if (stepLeavesNothing(s)) return line(id, NOTICE, s.status === 'disabled' && keys.disabled ? keys.disabled : keys.skipped);
  return line(id, FAILED, keys.failed, [], s.status === 'skipped' ? 'tellIT' : 'retry');
}

/**
 * @param {object} r
 * @param {{id,name}[]} r.usedSites
 * @param {{siteId, ok}[]} r.logout           outcome per logout URL opened
 * @param {object} r.cookies                  { ok } removal outcome
 * @param {object} r.siteData                 { ok } per-site browsingData outcome
 * @param {object|null} [r.purge]             Firefox's private store (purge.js purgeRemaining):
 *                                            { ok, value: { clean, left, unverified, sitesLeft,
 *                                            sitesUnverified, othersLeft, othersUnverified } } |
 *                                            { ok: false, code }; null/absent when not planned
 * @param {object} r.browsing                 { ok } whole-profile browsingData outcome
 * @param {object} r.tabs                     { ok }
 * @param {'api'|'policy'} r.passwords
 * @param {boolean} r.passwordsPolicy         host policy report says the password manager is off
 * @param {'later'|'kept'} [r.offlineCache]  Firefox outside forced private windows: the sites'
 *                                            offline copies (Cache API) stay, no API removes them;
 *                                            'later' when the host's logoff clean will remove them
 *                                            (hello capability closed_browsers)
 * @param {object} r.host                     { ok, value: session.end result } | { ok:false, code };
 *                                            its `closed_browsers` (the logoff clean installed)
 *                                            adds, outside Firefox, the afterClose notice
 * @param {object} [r.hostSession]            { id: session id from session.start ('' if never
 *                                            registered), startCode: why the start failed,
 *                                            endedBefore: the id an earlier end of this
 *                                            accompaniment already asked the host to end }
 * @param {number} [r.startedAt]             the accompaniment's start (ms), to tell a late
 *                                            registration (r.hostSession.registeredAt)
 * @param {object|null} [r.early]             downloads the browser deleted itself (cleanup.js
 *                                            removeEarlyDownloads): { ok, value: { found, removed,
 *                                            left } } | { ok: false, code }; null when none planned
 * @param {object} r.verify                   { cookiesLeft: {siteId: n}|null, unverified: siteId[],
 *                                            history: n|null, downloads: n|null,
 *                                            othersLeft: n|null, othersUnverified: n (other sites:
 *                                            cookies left, and how many could not be re-read),
 *                                            closedLeft: n|null (tabs and windows of the session
 *                                            still in "recently closed"; null: not readable) }
 */
export function buildReceipt(r) {
  const lines = [];
  const v = r.verify || {};
  const names = (r.usedSites || []).map((s) => s.name);

  // 1. Logged out of the sites used, and their cookies really gone.
  if (names.length === 0) {
    lines.push(line('logout', OK, 'receiptNoSite'));
  } else {
    const left = v.cookiesLeft || {};
    const blind = new Set(v.unverified || []);
    const stuck = (r.usedSites || []).filter((s) => (left[s.id] || 0) > 0).map((s) => s.name);
    const unseen = (r.usedSites || []).filter((s) => blind.has(s.id)).map((s) => s.name);
    // `sites`: how many names the line holds, so the copy kept on disk can say a count instead.
    const named = (status, key, list, action) => ({ ...line('logout', status, key, [list.join(', ')], action), sites: list.length });
    if (v.cookiesLeft == null) lines.push(named(FAILED, 'receiptLogoutUnverified', names, 'retry'));
    else if (stuck.length) lines.push(named(FAILED, 'receiptLogoutFailed', stuck, 'retry'));
    else if (unseen.length) lines.push(named(PARTIAL, 'receiptLogoutUnverified', unseen, 'tellIT'));
    else lines.push(named(OK, 'receiptLogout', names));
  }
  // 1b. A logout page that failed or timed out (cleanup.js openLogout) is said per site, apart
  //     from the cookies: the session is gone from this computer, the site ends it on its own.
  const byId = new Map((r.usedSites || []).map((s) => [s.id, s.name]));
  const pages = [...new Set((r.logout || []).filter((l) => l && !l.ok && byId.has(l.siteId)).map((l) => byId.get(l.siteId)))];
  if (pages.length) lines.push({ ...line('logoutPage', NOTICE, 'receiptLogoutPageFailed', [pages.join(', ')]), sites: pages.length });
  // 1c. Webmail in scope `session` (plan.js keepsOwnSessions): what dates from the accompaniment is
  //     removed, an older session (the aidant's) kept; not verifiable by cookie, so said, by name.
  //     A company account shared by many services (La Poste's) gets the same, in its own words.
  const mail = (r.webmailKept || []).filter((s) => s.kind !== 'account').map((s) => s.name);
  if (mail.length) lines.push({ ...line('webmail', NOTICE, 'receiptWebmailSession', [mail.join(', ')]), sites: mail.length });
  const accounts = (r.webmailKept || []).filter((s) => s.kind === 'account').map((s) => s.name);
  if (accounts.length) lines.push({ ...line('account', NOTICE, 'receiptAccountSession', [accounts.join(', ')]), sites: accounts.length });

  // 2. Cookies and site data: the removal succeeded and no registry cookie is left anywhere (nor
  //    any of another site visited, where the extension can read them).
  const anyLeft = v.cookiesLeft ? Object.values(v.cookiesLeft).some((n) => n > 0) || (Number(v.othersLeft) || 0) > 0 : null;
  // Firefox's private windows (r.purge, cleanup.js / purge.js): their site data was purged from
  // inside each site's pages and re-read there. Data some page re-read is left: failed. A site of
  // the registry none of whose pages could be re-read: not verified, never « effacées ». Other
  // sites the extension may not script: said apart, counted, with what erases their data.
  const purge = r.purge === undefined || r.purge === null ? null : r.purge;
  const pv = purge && purge.ok && purge.value ? purge.value : null;
  const purgeLeft = purge ? (pv ? (Number(pv.left) || 0) - (Number(pv.othersLeft) || 0) : null) : 0;
  const purgeUnverified = pv ? (pv.sitesUnverified || []).length : 0;
  if (!(ok(r.cookies) && ok(r.siteData) && ok(r.browsing) && anyLeft === false) || (pv && (Number(pv.left) || 0) > 0)) {
    lines.push(line('cookies', FAILED, 'receiptCookiesFailed', [], 'retry'));
  } else if (purge && (purgeLeft === null || purgeUnverified > 0)) {
    lines.push(line('cookies', PARTIAL, 'receiptCookiesPrivateUnverified', [], 'retry'));
  } else if (pv) {
    lines.push(line('cookies', OK, 'receiptCookiesPrivateChecked'));
  } else {
    lines.push(line('cookies', OK, r.offlineCache ? 'receiptCookiesButOffline' : 'receiptCookies'));
  }
  const privateBlind = pv ? Number(pv.othersUnverified) || 0 : 0;
  if (privateBlind > 0) {
    lines.push(line('othersPrivate', NOTICE, privateBlind === 1 ? 'receiptPrivateOtherSite' : 'receiptPrivateOtherSites', [privateBlind], 'tellIT'));
  }
  // Firefox has no removal for the Cache API (offline copies a site's service worker keeps, which
  // may hold pages of the person's account): said, with what makes it go — private windows, which
  // IT forces by policy (the files then go with the windows), or the browser closed and the
  // computer's session ended (the logoff clean).
  if (r.offlineCache === 'later') lines.push(line('offline', NOTICE, 'receiptOfflineCacheLater'));
  else if (r.offlineCache) lines.push(line('offline', NOTICE, 'receiptOfflineCacheKept', [], 'tellIT'));
  // Chrome, Edge, Brave, Chromium (plan.js: every browser but Firefox relies on the policy for
  // passwords) keep some of the session in files no extension API reaches until they close —
  // LevelDB logs of the sites' storage, the session-restore log, the download records — which
  // the host's logoff clean removes from the closed profile. Said only when the host reports that
  // clean installed on this computer (session.end `closed_browsers`), never promised otherwise.
  const rep = r.host && r.host.ok && r.host.value && typeof r.host.value === 'object' ? r.host.value : null;
  if (r.passwords === 'policy' && rep && rep.closed_browsers === true) {
    lines.push(line('afterClose', NOTICE, 'receiptBrowserFilesLater'));
  }
  // Sites outside the registry: their removal was asked, but their cookies can only be re-read
  // with a host permission the extension does not hold for every site. Said as such, counted,
  // never named (the receipt is kept in storage.local).
  const blind = Number(v.othersUnverified) || 0;
  if (blind > 0) {
    lines.push(line('others', NOTICE, blind === 1 ? 'receiptOtherSiteUnverified' : 'receiptOtherSitesUnverified', [blind]));
  }

  // 3. History, downloads list, form data: removed, and nothing found since the start.
  if (ok(r.browsing) && v.history === 0 && v.downloads === 0) {
    lines.push(line('history', OK, 'receiptHistory'));
  } else {
    lines.push(line('history', FAILED, 'receiptHistoryFailed', [], 'retry'));
  }

  // 4. Passwords: Firefox's API removes them; Chrome's does not (144+): say what holds. Where the
  //    host's policy report says the password manager is off (PasswordManagerEnabled=false, read
  //    from the policies the browser reads), nothing could be saved during the accompaniment: the
  //    line says so, in Firefox too, rather than « erased » about passwords that never were.
  if (r.passwordsPolicy) {
    lines.push(line('passwords', OK, 'receiptPasswordsPolicy'));
  } else if (r.passwords === 'api') {
    lines.push(ok(r.browsing) ? line('passwords', OK, 'receiptPasswords')
      : line('passwords', FAILED, 'receiptPasswordsFailed', [], 'retry'));
  } else {
    lines.push(line('passwords', NOTICE, 'receiptPasswordsNoPolicy', [], 'tellIT'));
  }

  // 5. Tabs and windows.
  // Closed is not enough: still listed in "recently closed", Ctrl+Shift+T reopens them.
  if (!ok(r.tabs)) lines.push(line('tabs', FAILED, 'receiptTabsFailed', [], 'retry'));
  else if ((Number(v.closedLeft) || 0) > 0) lines.push(line('tabs', FAILED, 'receiptTabsRestorable', [], 'retry'));
  else lines.push(line('tabs', OK, 'receiptTabs'));

  // 6–8. The host: files, clipboard, recent documents. A report counts only when it is this
  // accompaniment's: the host's session id from session.start is known (r.hostSession.id), the
  // report names it, and it is not the answer kept from an end nobody of this accompaniment asked
  // for (already_ended). Otherwise « nothing to delete » would be the report of another session,
  // and the files created during this one were never looked at.
  //
  // The downloads the browser deleted itself (r.early: those the host's snapshot holds because it
  // registered the accompaniment late, or all of them when it never did) are added to the count
  // when verified gone; those that may be left make the line partial and are said, counted.
  // The browser's lines, verified, while the host still works: shown at once (the receipt page),
  // without an overall status, which needs every line.
  if (r.hostPending) return { status: '', lines, pending: true };
  const host = r.host || { ok: false, code: 'host_missing' };
  const hs = r.hostSession || {};
  const id = typeof hs.id === 'string' ? hs.id : '';
  const early = r.early || null;
  const earlyDone = early && early.ok && early.value ? early.value : null;
  const earlyRemoved = earlyDone ? Number(earlyDone.removed) || 0 : 0;
  const earlyLeft = !early ? 0 : earlyDone ? Number(earlyDone.left) || 0 : null; // null: not verified
  if (!host.ok) {
    if (host.code === 'host_missing') {
      // The missing-host sentence already ends with « Prévenez votre service informatique »: no
      // action line repeating it.
      lines.push(earlyRemoved > 0 ? line('files', PARTIAL, 'receiptHostMissingBrowser', [earlyRemoved])
        : line('files', FAILED, 'receiptHostMissing'));
    } else if (host.code === PROTOCOL_MISMATCH) {
      // The host speaks another protocol version: it was asked nothing (lib/host.js). Same shape
      // as a missing host, and the sentence says what does not match and whom to tell.
      lines.push(earlyRemoved > 0 ? line('files', PARTIAL, 'receiptHostMismatchBrowser', [earlyRemoved])
        : line('files', FAILED, 'receiptHostMismatch'));
    } else if (!id) {
      lines.push(notTracked(hs.startCode, earlyRemoved));
    } else if (host.code === 'no_session') {
      lines.push(line('files', FAILED, 'receiptFilesNoSession', [], 'tellIT'));
    } else {
      lines.push(line('files', FAILED, host.code === 'busy' ? 'receiptHostBusy' : 'receiptHostFailed', [], 'retry'));
    }
  } else {
    const rep = host.value || {};
    const endedElsewhere = rep.already_ended === true && (!id || hs.endedBefore !== id);
    if (!id) lines.push(notTracked(hs.startCode, earlyRemoved));
    else if (rep.session_id !== id) lines.push(line('files', FAILED, 'receiptFilesOtherSession', [], 'tellIT'));
    else if (endedElsewhere) lines.push(line('files', FAILED, 'receiptFilesEndedElsewhere', [], 'tellIT'));
    else {
      const fl = filesLines(rep.files || {}, earlyRemoved);
      if (earlyLeft !== 0) {
        for (const l of fl) if (l.id === 'files' && l.status === OK) l.status = PARTIAL;
        fl.push(earlyLeft == null ? line('filesEarly', PARTIAL, 'receiptFilesEarlyUnverified')
          : line('filesEarly', PARTIAL, 'receiptFilesEarlyLeft', [earlyLeft]));
      }
      // What was saved outside the browser (a scan…) before a late registration is in the host's
      // snapshot too, and no browser call reaches it: said, as a possibility.
      const reg = Number(hs.registeredAt) || 0;
      if (reg > 0 && Number(r.startedAt) > 0 && reg - Number(r.startedAt) > EARLY_MARGIN_MS) {
        fl.push(line('filesLate', NOTICE, 'receiptFilesTrackedLate'));
      }
      lines.push(...fl);
    }
    // An old report (already_ended) says nothing about the clipboard or recent documents now.
    if (endedElsewhere) {
      lines.push(line('clipboard', FAILED, 'receiptClipboardUnverified', [], 'retry'));
      lines.push(line('recent', FAILED, 'receiptRecentUnverified', [], 'retry'));
    } else {
      lines.push(stepLine('clipboard', rep.clipboard, {
        ok: 'receiptClipboard', disabled: 'receiptClipboardDisabled', skipped: 'receiptClipboardSkipped', failed: 'receiptClipboardFailed',
      }));
      lines.push(stepLine('recent', rep.recent_documents, {
        ok: 'receiptRecent', skipped: 'receiptRecentSkipped', failed: 'receiptRecentFailed',
      }));
    }
  }

  return { status: overallStatus(lines), lines };
}

// Folders the host looked at and touched nothing of, for a reason no « Réessayer » changes
// (PROTOCOL.md, session.end): each gets its own line saying what the aidant must know and do.
// `moved`: the folder at the configured place is not the one of the start (renamed away and
// another put there, relinked, another disk): the person's files may be in it, untouched.
// `refused`: a folder that may never be wiped (a root, a home…): IT's configuration to fix.
// `skipped`: no snapshot (added during the accompaniment, or its snapshot failed).
// Keys written out whole (test/package.test.js checks every key the code names exists).
const UNTOUCHED = Object.freeze({
  moved: { Downloads: 'receiptFolderMovedDownloads', Scans: 'receiptFolderMovedScans', Other: 'receiptFolderMovedOther' },
  refused: { Downloads: 'receiptFolderRefusedDownloads', Scans: 'receiptFolderRefusedScans', Other: 'receiptFolderRefusedOther',
    action: 'tellIT' },
  skipped: { Downloads: 'receiptFolderSkippedDownloads', Scans: 'receiptFolderSkippedScans', Other: 'receiptFolderSkippedOther' },
});
const NO_BIRTH_TIME = Object.freeze({
  Downloads: 'receiptFolderNoBirthTimeDownloads', Scans: 'receiptFolderNoBirthTimeScans', Other: 'receiptFolderNoBirthTimeOther',
});

/**
 * The word for a watched folder, from its label only (never a path): Downloads, the scanner's
 * folders (`scans`, `scans-2`…), or « un dossier surveillé » for the others (`watch-1`…).
 */
export function folderKind(label) {
  if (label === 'downloads') return 'Downloads';
  if (typeof label === 'string' && /^scans(-\d+)?$/.test(label)) return 'Scans';
  return 'Other';
}

/**
 * The files lines of a report that is this accompaniment's. The counts line folds the folders
 * the host did wipe (clean, missing, partial, failed: « Réessayer » may help the last two, e.g.
 * a file open in another program); each folder left untouched (UNTOUCHED), and each entry kept
 * because the file system gives no birth time (`no_birth_time`: no retry changes that either),
 * gets its own line. Without such a folder the counts line is exactly the host's `files.status`.
 */
function filesLines(files, browserRemoved = 0) {
  const folders = Array.isArray(files.folders) ? files.folders.filter((f) => f && typeof f === 'object') : [];
  const notes = [];
  const wiped = []; // folders folded into the counts line
  folders.forEach((f, i) => {
    const id = `folder:${typeof f.label === 'string' && /^[a-z0-9-]{1,40}$/.test(f.label) ? f.label : i + 1}`;
    const kind = folderKind(f.label);
    const errors = f.errors && typeof f.errors === 'object' ? f.errors : {};
    const untouched = Object.hasOwn(UNTOUCHED, f.status) ? UNTOUCHED[f.status] : null;
    if (untouched) {
      notes.push(line(id, PARTIAL, untouched[kind], [], untouched.action));
      return;
    }
    const noBirth = Number(errors.no_birth_time) || 0;
    if (noBirth > 0) {
      notes.push(line(id, PARTIAL, NO_BIRTH_TIME[kind], [noBirth]));
      // Nothing else wrong in it: not a failure « Réessayer » could fix.
      const others = Object.entries(errors).some(([k, n]) => k !== 'no_birth_time' && Number(n) > 0);
      if (f.status === 'partial' && !others && !(Number(f.failed) > 0)) return;
    }
    wiped.push(f);
  });
  const n = (Number(files.removed) || 0) + browserRemoved;
  const countKey = n === 0 ? 'receiptFilesNone' : n === 1 ? 'receiptFilesOne' : 'receiptFiles';
  const failedLine = (status) => line('files', status, 'receiptFilesFailed', [n, Number(files.failed) || 0], 'retry');
  if (!notes.length) return [files.status === 'clean' ? line('files', OK, countKey, [n]) : failedLine(FAILED)];
  // The host's own verdict still bounds the claim: a files step that failed is never « ok ».
  const wipedOk = wiped.every((f) => f.status === 'clean' || f.status === 'missing')
    && (files.status === 'clean' || files.status === 'partial');
  if (!wipedOk) return [failedLine(FAILED), ...notes];
  // Every folder untouched and nothing removed: the folder lines say it all.
  if (!wiped.length && n === 0) return notes;
  return [line('files', OK, n === 0 ? 'receiptFilesNoneElsewhere' : countKey, [n]), ...notes];
}

/**
 * The files line when the host never registered this accompaniment (no session id from
 * session.start): not verified, and why, from the code of the last start attempt.
 */
function notTracked(startCode, browserRemoved = 0) {
  // The browser deleted the downloads it knows of itself: said, with the count; the rest (scans,
  // files saved by other programs, a download it could not delete) stays unverified.
  if (browserRemoved > 0) {
    return line('files', PARTIAL, startCode === 'busy' ? 'receiptFilesNotTrackedBusyBrowser' : 'receiptFilesNotTrackedBrowser',
      [browserRemoved], 'tellIT');
  }
  return line('files', FAILED, startCode === 'busy' ? 'receiptFilesNotTrackedBusy' : 'receiptFilesNotTracked', [], 'tellIT');
}

/**
 * The receipt as kept on disk (storage.local): the names of the sites used are replaced by their
 * count (the lines that name sites get their `…Count` key). The receipt with the names is kept in
 * memory only (storage.session) for the popup.
 */
export function withoutNames(receipt) {
  const NAMED = { receiptLogout: 'receiptLogoutCount', receiptLogoutFailed: 'receiptLogoutFailedCount', receiptLogoutUnverified: 'receiptLogoutUnverifiedCount', receiptLogoutPageFailed: 'receiptLogoutPageFailedCount',
    receiptWebmailSession: 'receiptWebmailSessionCount', receiptAccountSession: 'receiptAccountSessionCount' };
  return {
    ...receipt,
    lines: (receipt.lines || []).map((l) => (NAMED[l.key]
      ? { ...l, key: NAMED[l.key], subs: [String(Number(l.sites) || 0)] }
      : l)),
  };
}

/** clean when every line is ok or notice; failed when no line is ok; partial otherwise. */
export function overallStatus(lines) {
  const bad = lines.filter((l) => l.status === FAILED || l.status === PARTIAL).length;
  if (bad === 0) return 'clean';
  const good = lines.filter((l) => l.status === OK).length;
  return good === 0 ? 'failed' : 'partial';
}
