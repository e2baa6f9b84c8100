// Logout in the private window, Debian Chromium and firefox-esr: the person logs in to ameli in the incognito
// window Table rase opens at the start, while the aidant's own ameli session sits in the regular
// window. At the end the fake site records whose cookies came with the logout request (`who`,
// from the login that set them): the person's, so the logout page was opened in the incognito
// window, where the session was used, and before its cookies were removed. The aidant ends from
// a regular window, the focused one: with the logout tab left to the browser (the behaviour before
// plan.js planLogoutTab) both tests fail, the request carrying the aidant's cookies (checked).
//
// Firefox: private windows allowed for the add-on as IT's policy does, by the permission Firefox
// keeps in the profile (extension-preferences.json), the add-on installed in the profile.
//
// Chromium lets an extension into incognito only by the person's toggle (no policy, no flag): the
// test sets it as a person would, through chrome://extensions (developerPrivate: developer mode,
// then the toggle), which reloads the extension.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { SITES } from './fakesites/server.mjs';
import fs from 'node:fs';
import {
  cannotRun, CHROMIUM, CHROMIUM_ID, endAccompaniment, FIREFOX, FIREFOX_ID, launchChromium, launchFirefoxInstalled, logIn,
  setUp, sleep, startAccompaniment,
} from './harness.mjs';

const skip = cannotRun(CHROMIUM, 'openssl', 'go');
const skipFirefox = cannotRun(FIREFOX, 'openssl', 'go');

/** Allows the extension in incognito, as the person's toggle on chrome://extensions does. */
async function allowIncognito(d) {
  const page = await d.browser.newPage();
  try {
    await page.goto('chrome://extensions/');
    // Developer mode first: without it, Chromium disables a command-line (unpacked) extension
    // when the toggle reloads it (« unsupportedDeveloperExtension »).
    await page.evaluate(() => new Promise((resolve) => {
      // eslint-disable-next-line no-undef
      chrome.developerPrivate.updateProfileConfiguration({ inDeveloperMode: true }, () => resolve());
    }));
    await page.evaluate((id) => new Promise((resolve, reject) => {
      // eslint-disable-next-line no-undef
      chrome.developerPrivate.updateExtensionConfiguration({ extensionId: id, incognitoAccess: true }, () => {
        // eslint-disable-next-line no-undef
        const e = chrome.runtime.lastError;
        if (e) reject(new Error(e.message));
        else resolve();
      });
    }), CHROMIUM_ID);
    await sleep(1500);
    const info = await page.evaluate((id) => new Promise((resolve) => {
      // eslint-disable-next-line no-undef
      chrome.developerPrivate.getExtensionInfo(id, (x) => resolve(x ? { state: x.state, incognito: x.incognitoAccess, reasons: x.disableReasons } : null));
    }), CHROMIUM_ID);
    if (process.env.TR_DEBUG) console.error('extension after the toggle:', JSON.stringify(info));
  } finally {
    await page.close().catch(() => {});
  }
  // The extension reloads: wait for its service worker again.
  await sleep(500);
  await d.browser.waitForTarget(
    (tg) => tg.type() === 'service_worker' && tg.url().startsWith(`chrome-extension://${CHROMIUM_ID}/`), { timeout: 15000 });
}

/**
 * Logs the person in to `host` in the incognito window the extension opened at the start, driven
 * through the extension's own APIs from its popup (the tab of an incognito window Chromium opened
 * for an extension is not one puppeteer drives).
 */
async function logInIncognito(popup, host, identifiant, password) {
  return popup.evaluate(async (h, id, pw) => {
    /* eslint-disable no-undef */
    const sleepIn = (ms) => new Promise((r) => setTimeout(r, ms));
    const until = async (fn, ms = 15000) => {
      const end = Date.now() + ms;
      while (Date.now() < end) {
        const v = await fn();
        if (v) return v;
        await sleepIn(100);
      }
      throw new Error('timed out');
    };
    const chrome = globalThis.browser ?? globalThis.chrome;
    const tab = await until(async () => (await chrome.tabs.query({})).find((t) => t.incognito));
    await chrome.tabs.update(tab.id, { url: `https://${h}/` });
    await until(async () => {
      const t = await chrome.tabs.get(tab.id);
      return t.status === 'complete' && t.url.startsWith(`https://${h}/`);
    });
    await chrome.scripting.executeScript({
      target: { tabId: tab.id },
      func: (i, p) => {
        document.getElementById('identifiant').value = i;
        document.getElementById('motdepasse').value = p;
        document.getElementById('connexion').click();
      },
      args: [id, pw],
    });
    await until(async () => {
      const t = await chrome.tabs.get(tab.id);
      return t.status === 'complete' && t.url.includes('/compte');
    });
    const cookies = await chrome.cookies.getAll({ domain: h.split('.').slice(-2).join('.'), storeId: tab.cookieStoreId || '1' });
    return { tabId: tab.id, storeCookies: cookies.map((c) => c.name) };
    /* eslint-enable no-undef */
  }, host, identifiant, password);
}

test('chromium: the logout page of a site used in the private window carries the private window\'s cookies', { skip, timeout: 120000 }, async (t) => {
  const { persona, sites, d } = await setUp(t, 'chromium', { launch: launchChromium });
  await allowIncognito(d);

  // The aidant's own ameli session, in the regular window, before the accompaniment.
  // Its tab is closed before the start (a tab of the aidant's left open on a registry site would be
  // closed by the cleanup and stay in « recently closed », which is another test's matter).
  const own = await logIn(d, SITES.ameli.host, 'aidant-france-services', persona.password);
  await own.close();

  // The extension reloads after the toggle: its pages answer again after a moment.
  let popup = null;
  for (let i = 0; i < 40 && !popup; i++) {
    popup = await d.openPopup().catch(async () => {
      for (const p of await d.browser.pages()) if (p.url().startsWith('chrome-extension://') || p.url() === 'about:blank') await p.close().catch(() => {});
      await sleep(250);
      return null;
    });
  }
  assert.ok(popup, 'the popup opens after the incognito toggle');
  await startAccompaniment(popup);
  const priv = await logInIncognito(popup, SITES.ameli.host, persona.login.ameli, persona.password);
  t.diagnostic(`logged in in the incognito window; its store holds: ${priv.storeCookies.join(', ')}`);
  assert.ok(priv.storeCookies.includes('tr_who'), 'the person\'s session cookies are in the incognito store');
  // The aidant ends from the regular window (where the toolbar button was clicked): it is the
  // focused one, so a logout tab left to the browser would open there, with the wrong cookies.
  // (Headless Chromium ignores windows.update's focus: a new regular window becomes the last active.)
  await popup.evaluate(async () => {
    await chrome.windows.create({ url: 'about:blank', incognito: false, focused: true }); // eslint-disable-line no-undef
  });

  const receipt = await endAccompaniment(popup);
  t.diagnostic(`receipt: ${receipt.lines.join(' | ')}`);
  const hits = sites.hits.filter((x) => x.id === 'ameli');
  t.diagnostic(`ameli logout requests: ${JSON.stringify(hits.map((x) => ({ who: x.who, cookies: x.cookies })))}`);
  assert.equal(hits.length, 1, 'one logout page: the store where ameli was used');
  assert.equal(hits[0].who, 'person', 'it carried the private window\'s cookies (the person\'s login), not the aidant\'s');
  assert.ok(hits[0].cookies.includes('SESSIONID'), 'sent while the session cookie still existed');
  assert.match(receipt.lines.find((l) => l.startsWith('logout ')) || '', /^logout ok: .*ameli/);
  assert.equal(receipt.status, 'clean', 'the incognito store, gone with its window, is no failure');
});

test('firefox: the logout page of a site used in the private window carries the private window\'s cookies', { skip: skipFirefox, timeout: 150000 }, async (t) => {
  // Private windows allowed for the add-on, as IT's ExtensionSettings policy (private_browsing)
  // does: the permission Firefox keeps in the profile's extension-preferences.json.
  const { persona, sites, d } = await setUp(t, 'firefox', {
    launch: launchFirefoxInstalled,
    beforeLaunch: (home) => fs.writeFileSync(path.join(home.profile, 'extension-preferences.json'),
      JSON.stringify({ [FIREFOX_ID]: { permissions: ['internal:privateBrowsingAllowed'], origins: [] } })),
  });
  const own = await logIn(d, SITES.ameli.host, 'aidant-france-services', persona.password);
  await own.close();
  const popup = await d.openPopup();
  const allowed = await popup.evaluate(() => globalThis.browser.extension.isAllowedIncognitoAccess());
  assert.ok(allowed, 'the add-on may use private windows');
  await startAccompaniment(popup);
  const priv = await logInIncognito(popup, SITES.ameli.host, persona.login.ameli, persona.password);
  t.diagnostic(`logged in in the private window; its store holds: ${priv.storeCookies.join(', ')}`);
  assert.ok(priv.storeCookies.includes('tr_who'));
  const receipt = await endAccompaniment(popup);
  t.diagnostic(`receipt: ${receipt.lines.join(' | ')}`);
  const hits = sites.hits.filter((x) => x.id === 'ameli');
  t.diagnostic(`ameli logout requests: ${JSON.stringify(hits.map((x) => ({ who: x.who, cookies: x.cookies })))}`);
  assert.equal(hits.length, 1);
  assert.equal(hits[0].who, 'person', 'it carried the private window\'s cookies');
  assert.equal(receipt.status, 'clean');
});
