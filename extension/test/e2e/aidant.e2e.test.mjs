// Scope `session` (the aidant's own computer, the default), Debian Chromium and firefox-esr: the
// aidant's own data from before the accompaniment survives everything the product does — the
// click, the browser's exit, and `tablerase clean` as the logoff/logon hook runs it with the
// browser closed (browser_residue) — while nothing of the person is left in the whole home.
//
// Before the accompaniment the aidant has a jar as after months of use (3,000 cookies of their own
// on 300 sites: Chromium reads the whole jar for any cookie query, so the receipt must still be
// verified in time), and on their own webmail (mail.google.com, not used during the accompaniment):
// a cookie set by the site (6 months), the site's local storage, and a saved login (written into
// the closed profile's password store, as the browser would have saved it: Chromium `Login Data`,
// Firefox `logins.json`). Then the person's visit of the main scenario (CAF with FranceConnect,
// ameli, impots, the shop, two documents), « Fin d'accompagnement », the browser closed,
// `tablerase clean`. Then the profile's files are read with sqlite3 and the suite's raw-byte
// search: the aidant's cookie (its row, and its value — v10-decrypted in Chromium), their 3,000
// others, local storage value and saved login are all still there, and the person's marks are 0
// (per-file findings printed otherwise).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { SITES } from './fakesites/server.mjs';
import { formatFindings, searchTrees } from './forensics.mjs';
import {
  cannotRun, CHROMIUM, endAccompaniment, FIREFOX, launchChromium, launchFirefox, OWN_COOKIES, OWN_SITE_GLOB, seedOwnCookies, setUp,
  sleep,
} from './harness.mjs';
import { forensics, sessionClean, visit } from './scenario.mjs';

const BROWSERS = {
  chromium: { launch: launchChromium, skip: cannotRun(CHROMIUM, 'openssl', 'go', 'sqlite3') },
  firefox: { launch: launchFirefox, skip: cannotRun(FIREFOX, 'openssl', 'go', 'sqlite3') },
};

const sql = (db, query) => execFileSync('sqlite3', ['-readonly', db, query], { encoding: 'utf8', timeout: 10000 }).trim();

/** The aidant's marks: unique per run, so that a hit can only be theirs. */
function aidantMarks() {
  const r = crypto.randomBytes(6).toString('hex');
  return {
    cookieName: 'AIDANT_MAIL_SESSION',
    cookieValue: `aidant-cookie-${r}`,
    storageKey: 'aidant_brouillon',
    storageValue: `aidant-stockage-${r}`,
    loginUser: `aidant.${r}@exemple.fr`,
    loginGuid: `{${crypto.randomUUID()}}`,
  };
}

/** The aidant uses their own webmail: a cookie from the site (6 months) and its local storage. */
async function aidantUsesMail(d, m) {
  const page = await d.browser.newPage();
  await page.goto(`https://${SITES.webmail.host}/`);
  await page.evaluate((x) => {
    document.cookie = `${x.cookieName}=${x.cookieValue}; domain=google.com; path=/; max-age=15552000; secure; samesite=lax`;
    localStorage.setItem(x.storageKey, x.storageValue);
  }, m);
  assert.ok(await page.evaluate((x) => document.cookie.includes(x.cookieValue) && localStorage.getItem(x.storageKey) === x.storageValue, m),
    'the aidant\'s cookie and local storage are set');
  await page.close();
}

// Chromium on Linux without a keyring (--password-store=basic, as puppeteer runs it) encrypts
// saved passwords with the fixed v10 key, as it does cookie values.
function chromiumV10(plain) {
  const key = crypto.pbkdf2Sync('peanuts', 'saltysalt', 1, 16, 'sha1');
  const c = crypto.createCipheriv('aes-128-cbc', key, Buffer.alloc(16, 0x20));
  return Buffer.concat([Buffer.from('v10'), c.update(plain, 'utf8'), c.final()]);
}

/**
 * A login saved a month ago, written into the closed profile's password store as the browser
 * writes it (the extension has no API to create one, and saving goes through a prompt).
 */
function saveAidantLogin(kind, h, m) {
  const monthAgo = Date.now() - 30 * 86400e3;
  if (kind === 'chromium') {
    const db = path.join(h.profile, 'Default', 'Login Data');
    assert.ok(fs.existsSync(db), 'Chromium created its password store');
    // Every NOT NULL column without a default gets a neutral value of its type; the ones that
    // make a login are set. Chromium times are microseconds since 1601.
    const cols = JSON.parse(execFileSync('sqlite3', ['-json', db, 'PRAGMA table_info(logins)'], { encoding: 'utf8' }));
    const chromeTime = String((monthAgo + 11644473600000) * 1000);
    const set = {
      origin_url: `'https://${SITES.webmail.host}/'`, action_url: `'https://${SITES.webmail.host}/connexion'`,
      username_element: "'identifiant'", username_value: `'${m.loginUser}'`, password_element: "'motdepasse'",
      password_value: `x'${chromiumV10('mot-de-passe-aidant').toString('hex')}'`, signon_realm: `'https://${SITES.webmail.host}/'`,
      date_created: chromeTime, date_last_used: chromeTime, date_password_modified: chromeTime, scheme: '0', times_used: '1',
    };
    const names = [];
    const values = [];
    for (const c of cols) {
      if (c.pk) continue;
      if (set[c.name] !== undefined) {
        names.push(c.name);
        values.push(set[c.name]);
      } else if (c.notnull && c.dflt_value === null) {
        names.push(c.name);
        values.push(/INT/i.test(c.type) ? '0' : /BLOB/i.test(c.type) ? "x''" : "''");
      }
    }
    execFileSync('sqlite3', [db, `INSERT INTO logins (${names.join(',')}) VALUES (${values.join(',')})`], { timeout: 10000 });
    assert.equal(sql(db, `SELECT count(*) FROM logins WHERE username_value='${m.loginUser}'`), '1');
    return;
  }
  // Firefox: logins.json (the values are encrypted with the profile's key4.db; the entry itself,
  // its site and its guid, are plain JSON). Written as Firefox writes one.
  const file = path.join(h.profile, 'logins.json');
  const store = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8'))
    : { nextId: 1, logins: [], potentiallyVulnerablePasswords: [], dismissedBreachAlertsByLoginGUID: {}, version: 3 };
  store.logins.push({
    id: store.nextId++, hostname: `https://${SITES.webmail.host}`, httpRealm: null, formSubmitURL: `https://${SITES.webmail.host}`,
    usernameField: 'identifiant', passwordField: 'motdepasse',
    encryptedUsername: Buffer.from(m.loginUser).toString('base64'), encryptedPassword: Buffer.from('mot-de-passe-aidant').toString('base64'),
    guid: m.loginGuid, encType: 1, timeCreated: monthAgo, timeLastUsed: monthAgo, timePasswordChanged: monthAgo, timesUsed: 1,
  });
  fs.writeFileSync(file, JSON.stringify(store));
}

/** What is left of the aidant's data in the closed profile, read from its files. */
function aidantDataLeft(kind, h, m) {
  const left = {};
  if (kind === 'chromium') {
    const cookies = path.join(h.profile, 'Default', 'Cookies');
    left.cookie = sql(cookies, `SELECT name FROM cookies WHERE host_key='.google.com' AND name='${m.cookieName}'`) === m.cookieName;
    left.jar = Number(sql(cookies, `SELECT count(*) FROM cookies WHERE host_key GLOB '${OWN_SITE_GLOB}'`)) === OWN_COOKIES;
    left.login = sql(path.join(h.profile, 'Default', 'Login Data'), `SELECT username_value FROM logins WHERE signon_realm='https://${SITES.webmail.host}/'`) === m.loginUser;
  } else {
    left.cookie = sql(path.join(h.profile, 'cookies.sqlite'),
      `SELECT value FROM moz_cookies WHERE host='.google.com' AND name='${m.cookieName}'`) === m.cookieValue;
    left.jar = Number(sql(path.join(h.profile, 'cookies.sqlite'), `SELECT count(*) FROM moz_cookies WHERE host GLOB '${OWN_SITE_GLOB}'`)) === OWN_COOKIES;
    const logins = fs.existsSync(path.join(h.profile, 'logins.json')) ? JSON.parse(fs.readFileSync(path.join(h.profile, 'logins.json'), 'utf8')).logins : [];
    left.login = logins.some((l) => l.guid === m.loginGuid && l.hostname === `https://${SITES.webmail.host}`);
    const ls = path.join(h.profile, 'storage', 'default', `https+++${SITES.webmail.host}`, 'ls', 'data.sqlite');
    left.storageKey = fs.existsSync(ls) && sql(ls, `SELECT count(*) FROM data WHERE key='${m.storageKey}'`) === '1';
  }
  // Raw bytes (the cookie value v10-decrypted in Chromium's Cookies; local storage in LevelDB or
  // SQLite): every mark must still be found somewhere in the profile.
  const r = searchTrees([h.profile], [['cookie', m.cookieValue], ['stockage local', m.storageValue]]);
  left.cookieValue = r.findings.some((f) => f.label === 'cookie');
  left.storageValue = r.findings.some((f) => f.label === 'stockage local');
  return { left, where: formatFindings(r.findings, { [h.profile]: '<profil>' }) };
}

for (const kind of ['chromium', 'firefox']) {
  test(`${kind}: scope session keeps the aidant's own cookies, saved login and local storage; nothing of the person is left`,
    { skip: BROWSERS[kind].skip, timeout: 240000 }, async (t) => {
      const m = aidantMarks();
      const world = await setUp(t, kind, { launch: BROWSERS[kind].launch });
      const { persona, h, sites } = world;

      // The aidant's own day before the accompaniment, then the browser closed (the password store
      // is written while it is closed, as the browser leaves it).
      let { d } = world;
      await seedOwnCookies(d);
      await aidantUsesMail(d, m);
      await d.browser.close();
      saveAidantLogin(kind, h, m);
      const before = aidantDataLeft(kind, h, m);
      assert.ok(Object.values(before.left).every(Boolean), `control: the aidant's data is found before: ${JSON.stringify(before.left)}`);
      await sleep(1100); // the accompaniment starts strictly after the aidant's data was written

      // The accompaniment, on the same profile.
      d = world.d = await BROWSERS[kind].launch(h, sites);
      const popup = await d.openPopup();
      await visit(d, h, persona, { popup, awaitHost: true });
      const receipt = await endAccompaniment(popup);
      t.diagnostic(`receipt: ${receipt.lines.join(' | ')}`);
      assert.equal(receipt.status, 'clean', receipt.lines.join('\n'));
      await d.browser.close();

      // What the hook of the aidant's own computer does with the browser closed.
      const residue = sessionClean(h);
      t.diagnostic(`session clean: browser_residue ${residue.status} ${residue.code || ''}, ${residue.removed || 0} entries removed`);

      const person = forensics(t, h, persona, { label: 'person after session clean' });
      assert.deepEqual(person.lines, [], 'nothing of the person anywhere in the home');
      const after = aidantDataLeft(kind, h, m);
      for (const l of after.where) t.diagnostic(`aidant's data: ${l}`);
      assert.deepEqual(after.left, Object.fromEntries(Object.keys(after.left).map((k) => [k, true])),
        'the aidant\'s own cookies (all 3,000 of their jar), saved login and local storage are all still there');
    });
}
