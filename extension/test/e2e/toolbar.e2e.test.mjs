// The receipt must be SEEN (issue 14): Debian's Chromium, headful on an Xvfb of our own, the
// extension's icon pinned in the toolbar (the profile's `pinned_extensions`, what the policy
// `toolbar_pin: "force_pinned"` does on a managed computer), clicked with xdotool as a person
// clicks it. The real popup closes as soon as another tab becomes active: what is on screen after
// « Fin d'accompagnement », with no other action, must be the verified receipt. The browser's new
// tab page is a remote site here (Debian's Chromium loads start.duckduckgo.com; the fake sites
// answer for it): the receipt's history line must stay clean.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { SITES } from './fakesites/server.mjs';
import { cannotRun, CHROMIUM, CHROMIUM_ID, EXT_SRC, launchChromium, logIn, SCREENSHOTS, sleep } from './harness.mjs';
import { axe } from './scenario.mjs';
import { findIcon as searchIcon, ICON_MATCH, onScreen, shoot, xdotool } from './screen.mjs';

const skip = cannotRun(CHROMIUM, 'Xvfb', 'xdotool', 'import', 'compare', 'openssl', 'go');
const POPUP = `chrome-extension://${CHROMIUM_ID}/popup/popup.html`;
const RECEIPT = `chrome-extension://${CHROMIUM_ID}/receipt/receipt.html`;

/**
 * Where the extension's icon is on screen: found in a screenshot of the toolbar (the right half of
 * the band under the tabs) by matching the extension's own 16 px icon. Returns its centre.
 */
function findIcon(display, dir) {
  const m = searchIcon(display, dir, { x: 640, y: 30, w: 640, h: 60 });
  assert.ok(m, 'icon search: no match in the toolbar band');
  assert.ok(m.score < ICON_MATCH, `the pinned icon is on the toolbar (best match ${m.score} at ${m.x},${m.y})`);
  return { x: m.x, y: m.y };
}

/** Clicks the toolbar icon with xdotool and returns the real popup (a page of its own window). */
async function clickIcon(d, display, icon) {
  const opened = d.browser.waitForTarget((tg) => tg.url() === POPUP, { timeout: 10000 });
  xdotool(display, 'mousemove', String(icon.x), String(icon.y), 'click', '1');
  const target = await opened;
  const popup = await target.asPage();
  await popup.waitForFunction(() => document.getElementById('policy').textContent.trim() !== '', { timeout: 10000, polling: 50 });
  return { target, popup };
}

/**
 * Runs `fn` in the extension's service worker, as it is now (a worker that stopped is started
 * again by the browser: the one launchChromium found may be gone, or not yet have its API).
 */
async function inWorker(d, fn) {
  for (let i = 0; ; i++) {
    const tg = await d.browser.waitForTarget(
      (x) => x.type() === 'service_worker' && x.url().startsWith(`chrome-extension://${CHROMIUM_ID}/`), { timeout: 10000 });
    try {
      return await (await tg.worker()).evaluate(fn);
    } catch (e) {
      if (i >= 20) throw e;
      await sleep(250);
    }
  }
}

/** The active tab of the focused window, as the extension sees it. */
const activeTab = (d) => inWorker(d, async () => {
  const [tab] = await chrome.tabs.query({ active: true, lastFocusedWindow: true });
  return tab ? tab.url || tab.pendingUrl || '' : '';
});

test('chromium, real toolbar: « Fin d\'accompagnement » leaves the verified receipt on screen, with a remote new tab page',
  { skip, timeout: 180000 }, async (t) => {
    // Pinned as the shipped policy pins it (ExtensionSettings toolbar_pin force_pinned needs a
    // system policy file; the profile's own preference has the same effect on the toolbar).
    const s = await onScreen(t, 'chromium', (h, sites, display) => {
      fs.mkdirSync(path.join(h.profile, 'Default'), { recursive: true });
      fs.writeFileSync(path.join(h.profile, 'Default', 'Preferences'), JSON.stringify({ extensions: { pinned_extensions: [CHROMIUM_ID] } }));
      return launchChromium(h, sites, { display, headful: true, args: ['--window-position=0,0', '--window-size=1280,900'] });
    });
    const { persona, sites, d, tmp, display } = s;

    s.step = 'new tab page';
    // Control: this browser's new tab page is a remote site (what made every receipt `partial`).
    // (The tab's URL stays chrome://newtab/: the remote page is rendered inside it. The fake
    // server sees it load.)
    const loadedNtp = () => sites.seen.some((r) => r.host === SITES.newtab.host);
    if (!loadedNtp()) await inWorker(d, () => chrome.tabs.create({}).then(() => true));
    for (let i = 0; i < 100 && !loadedNtp(); i++) await sleep(100);
    assert.ok(loadedNtp(), `control: a new tab loads the remote https://${SITES.newtab.host}/`);
    t.diagnostic(`new tab page: https://${SITES.newtab.host}/ (fake, loopback)`);
    await sleep(1000); // the toolbar settles (the extension's icon appears once its worker runs)

    s.step = 'start';
    // « Début d'accompagnement » in the real popup.
    const icon = findIcon(display, tmp);
    t.diagnostic(`toolbar icon at ${icon.x},${icon.y}`);
    let { target, popup } = await clickIcon(d, display, icon);
    await popup.click('#start');
    await popup.waitForSelector('#end:not([hidden]):not([disabled])', { timeout: 15000 });

    s.step = 'procedure';
    // The person's procedure: a new tab (the popup closes, as it does for a person), CAF.
    const caf = await logIn(d, SITES.caf.host, persona.login.caf, persona.password);
    await caf.bringToFront();
    await sleep(300);
    assert.equal(target.url() === POPUP && !!(await d.browser.targets()).find((tg) => tg === target), false,
      'the real popup closed when another tab became active');

    s.step = 'end';
    // « Fin d'accompagnement » in the real popup, reopened from the toolbar; then no other action.
    ({ target, popup } = await clickIcon(d, display, icon));
    await popup.waitForSelector('#end:not([hidden]):not([disabled])');
    const t0 = Date.now();
    await popup.click('#end');

    s.step = 'receipt page';
    // What is on screen: the receipt page, active, showing the verified receipt.
    const page = await (await d.browser.waitForTarget((tg) => tg.url() === RECEIPT, { timeout: 10000 })).page();
    await page.waitForFunction(() => {
      const r = document.getElementById('receipt');
      return r && !r.hidden && !!r.dataset.status;
    }, { timeout: 30000, polling: 50 });
    t.diagnostic(`receipt on screen ${Date.now() - t0} ms after the click`);
    await sleep(500); // let the popup's window go
    assert.equal(await activeTab(d), RECEIPT, 'the receipt page is the active tab');
    assert.ok(!(await d.browser.targets()).some((tg) => tg.url() === POPUP), 'the popup is closed (as for a person)');
    const shown = await page.evaluate(() => ({
      status: document.getElementById('receipt').dataset.status,
      heading: document.getElementById('receipt-h').textContent,
      lines: [...document.querySelectorAll('#receipt-lines li')].map((li) => `${li.dataset.line} ${li.className}: ${li.textContent}`),
      next: !document.getElementById('next').hidden,
      nextOnScreen: document.getElementById('next').getBoundingClientRect().bottom <= innerHeight,
      focused: document.activeElement && document.activeElement.id,
      text: document.body.innerText,
      fontPx: parseFloat(getComputedStyle(document.getElementById('receipt-h')).fontSize),
    }));
    t.diagnostic(`receipt page: ${shown.heading} | ${shown.lines.join(' | ')}`);
    const file = shoot(display, path.join(SCREENSHOTS, 'chromium-toolbar-receipt.png'));
    t.diagnostic(`screenshot: ${path.relative(EXT_SRC, file)}`);

    assert.equal(shown.status, 'clean', shown.lines.join('\n'));
    assert.equal(shown.heading, 'Vos données ont été effacées de cet ordinateur');
    assert.ok(shown.lines.some((l) => /^history ok:/.test(l)), `the history line is clean: ${shown.lines.join('\n')}`);
    assert.ok(shown.lines.some((l) => /^logout ok:.*CAF/.test(l)), 'the receipt names the administration site used');
    assert.ok(shown.next, '« Nouvel accompagnement » is offered');
    assert.ok(shown.nextOnScreen, '« Nouvel accompagnement » is on screen without scrolling');
    assert.equal(shown.focused, 'receipt-h', 'focus is on the receipt heading (read first by a screen reader)');
    assert.ok(shown.fontPx >= 32, `large heading (${shown.fontPx}px)`);
    // Nothing of the person on screen.
    for (const [label, v] of [['name', persona.fullName], ['login', persona.login.caf], ['tax number', persona.taxNumber]]) {
      assert.ok(!shown.text.includes(v), `the receipt page shows no ${label}`);
    }
    assert.ok(!/https?:\/\//.test(shown.text), 'no URL on the receipt page');

    // The extension's page is not in the history (Chromium records no extension page), and the
    // remote new tab page was never loaded by the cleanup.
    const hist = await inWorker(d, async () => (await chrome.history.search({ text: '', startTime: 0, maxResults: 1000 })).map((x) => x.url));
    assert.deepEqual(hist.filter((u) => u.startsWith('chrome-extension://') || u.includes(SITES.caf.host)), [], `history: ${hist}`);
    assert.deepEqual(sites.seen.filter((r) => r.host === SITES.newtab.host && r.at >= t0), [], "the cleanup never opened the new tab page");

    const a11y = await axe(page, 'receipt page', t);
    assert.deepEqual(a11y, [], 'axe-core: no serious or critical violation on the receipt page');

    s.step = 'popup reopened';
    // Reopened, the popup shows the receipt first, then « Nouvel accompagnement ».
    ({ popup } = await clickIcon(d, display, icon));
    await popup.waitForSelector('#receipt:not([hidden])[data-status]', { timeout: 10000 });
    const order = await popup.evaluate(() => {
      const r = document.getElementById('receipt');
      const s = document.getElementById('start');
      return { first: !!(r.compareDocumentPosition(s) & Node.DOCUMENT_POSITION_FOLLOWING), start: s.textContent, hidden: s.hidden };
    });
    await sleep(600); // the popup's fade-in
    shoot(display, path.join(SCREENSHOTS, 'chromium-toolbar-popup-after.png'));
    assert.deepEqual(order, { first: true, start: 'Nouvel accompagnement', hidden: false });

    s.step = 'next';
    // « Nouvel accompagnement » on the receipt page starts the next one (an explicit action).
    await page.bringToFront();
    await page.click('#next');
    await page.waitForSelector('#idle:not([hidden])', { timeout: 10000 });
    const state = await inWorker(d, async () => (await chrome.storage.local.get('session')).session.state);
    assert.equal(state, 'active');
    s.step = 'done';
  });
