// Webmail in scope `session`, Debian Chromium and firefox-esr: the aidant's own mail cookie, set
// before the accompaniment, survives; one set during it goes; the receipt names the service. This
// checks in real browsers what the cleanup relies on (lib/plan.js keepsOwnSessions): a removal
// with `since` and a host filter (Chromium `origins`, Firefox `hostnames` + `cookieStoreId`)
// removes only the cookies created since then.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SITES } from './fakesites/server.mjs';
import {
  cannotRun, CHROMIUM, endAccompaniment, FIREFOX, launchChromium, launchFirefox, setUp, sleep, startAccompaniment,
} from './harness.mjs';

const BROWSERS = {
  chromium: { launch: launchChromium, skip: cannotRun(CHROMIUM, 'openssl', 'go') },
  firefox: { launch: launchFirefox, skip: cannotRun(FIREFOX, 'openssl', 'go') },
};

/** Sets a cookie on .google.com from the extension page (its creation time is now). */
function setMailCookie(popup, name) {
  return popup.evaluate(async (n) => {
    const api = globalThis.browser ?? globalThis.chrome;
    await api.cookies.set({ url: 'https://mail.google.com/', domain: 'google.com', name: n, value: 'v', secure: true,
      expirationDate: Math.floor(Date.now() / 1000) + 86400 });
  }, name);
}

function mailCookies(popup) {
  return popup.evaluate(async () => {
    const api = globalThis.browser ?? globalThis.chrome;
    return (await api.cookies.getAll({ domain: 'google.com' })).map((c) => c.name).sort();
  });
}

for (const kind of ['chromium', 'firefox']) {
  test(`${kind}: webmail in scope session: the aidant's older mail cookie stays, the accompaniment's goes`, { skip: BROWSERS[kind].skip, timeout: 90000 }, async (t) => {
    const { d } = await setUp(t, kind, { launch: BROWSERS[kind].launch });
    const popup = await d.openPopup();

    await setMailCookie(popup, 'AIDANT_OWN');
    await sleep(1100);
    await startAccompaniment(popup);
    const mail = await d.browser.newPage();
    await mail.goto(`https://${SITES.webmail.host}/`);
    await setMailCookie(popup, 'PERSON_NEW');
    assert.deepEqual(await mailCookies(popup), ['AIDANT_OWN', 'PERSON_NEW']);

    const receipt = await endAccompaniment(popup);
    t.diagnostic(`receipt: ${receipt.lines.join(' | ')}`);
    assert.deepEqual(await mailCookies(popup), ['AIDANT_OWN'], 'only what dates from the accompaniment is removed');
    assert.match(receipt.lines.find((l) => l.startsWith('webmail ')) || '', /^webmail notice: .*Google \(Gmail\)/);
    assert.equal(receipt.status, 'clean', receipt.lines.join('\n'));
  });
}
