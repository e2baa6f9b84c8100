// The receipt must be SEEN, in Firefox ESR too (issue 14): firefox-esr headful on an Xvfb of our
// own, the add-on's action button on the navigation toolbar, clicked with xdotool as a person
// clicks it. Firefox puts an extension's button in the unified extensions panel (the puzzle
// piece) unless told otherwise; on a managed computer the policy `ExtensionSettings` →
// `default_area: "navbar"` puts it on the toolbar. A system policy file would touch this machine,
// so the test places it as that policy does, through the profile's toolbar layout (the pref
// `browser.uiCustomization.state`, the add-on's widget in `nav-bar`).
//
// WebDriver BiDi does not reach the popup (a panel of the browser's own window), so the test
// finds on screen what a person sees: the icon (matched against icons/icon-16.png), then the
// popup's red « Fin d'accompagnement » button (its colour, in the area under the icon), and clicks
// them. After that click and no other action, the receipt page must be the active tab of the
// focused window and show the verified receipt (its final state, as the Chromium test reads it).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { SITES } from './fakesites/server.mjs';
import { cannotRun, EXT_SRC, FIREFOX, FIREFOX_ID, FIREFOX_UUID, launchFirefox, logIn, SCREENSHOTS, sleep } from './harness.mjs';
import { findIcon as searchIcon, ICON_MATCH, onScreen, shoot, xdotool } from './screen.mjs';

const skip = cannotRun(FIREFOX, 'Xvfb', 'xdotool', 'import', 'compare', 'convert', 'openssl', 'go');
const RECEIPT = `moz-extension://${FIREFOX_UUID}/receipt/receipt.html`;
// CustomizableUI's id of an extension's toolbar button: the add-on id, lower-cased, every other
// character than [a-z0-9_-] made '_', then "-browser-action" (for MV3 `action` too).
const WIDGET = `${FIREFOX_ID.toLowerCase().replace(/[^a-z0-9_-]/g, '_')}-browser-action`;
// The navigation toolbar with the add-on's button in it, as `default_area: "navbar"` leaves it.
const TOOLBAR_STATE = JSON.stringify({
  placements: {
    'widget-overflow-fixed-list': [],
    'unified-extensions-area': [],
    'nav-bar': ['back-button', 'forward-button', 'stop-reload-button', 'urlbar-container', 'downloads-button', WIDGET,
      'unified-extensions-button'],
    'toolbar-menubar': ['menubar-items'],
    TabsToolbar: ['tabbrowser-tabs', 'new-tab-button', 'alltabs-button'],
    PersonalToolbar: ['personal-bookmarks'],
  },
  seen: [WIDGET, 'developer-button'],
  dirtyAreaCache: ['nav-bar', 'unified-extensions-area'],
  currentVersion: 20,
  newElementCount: 0,
});

/** The add-on's icon on the toolbar band (the top 110 px of the screen): its centre, or null. */
function findIcon(display, dir) {
  const m = searchIcon(display, dir, { x: 0, y: 0, w: 1280, h: 110 });
  return m && m.score < ICON_MATCH ? m : null;
}

/**
 * The centre of the area of `color` inside `area` of the screen, or null: where a button of that
 * colour is, as a person spots it (thin lines of the colour, such as a note's border, ignored).
 */
function findColor(display, dir, color, area) {
  const root = shoot(display, path.join(dir, 'screen.png'));
  const out = execFileSync('convert', [root, '-crop', `${area.w}x${area.h}+${area.x}+${area.y}`, '+repage', '-fuzz', '6%',
    '-fill', '#000000', '+opaque', color, '-fill', '#ffffff', '-opaque', color,
    // A button, not a thin coloured border: only areas at least 40x12 px survive the erosion.
    '-morphology', 'Erode', 'Rectangle:40x12', '-trim', 'info:'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  // "… PNG WxH W0xH0+X+Y …": the trimmed size and its offset in the crop. A 1x1 result is no match.
  const m = / (\d+)x(\d+) \d+x\d+\+(\d+)\+(\d+) /.exec(out);
  if (!m || Number(m[1]) < 8 || Number(m[2]) < 4) return null;
  return { x: area.x + Number(m[3]) + Math.floor(Number(m[1]) / 2), y: area.y + Number(m[4]) + Math.floor(Number(m[2]) / 2),
    w: Number(m[1]), h: Number(m[2]) };
}

/** Whether the host recorded the accompaniment's start (its log: counts and ids only). */
function hostStarted(h) {
  const log = path.join(h.state, 'tablerase', 'tablerase.log');
  return fs.existsSync(log) && /"event":"session.start"/.test(fs.readFileSync(log, 'utf8'));
}

async function until(what, fn, ms = 15000, every = 200) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await sleep(every);
  }
}

/** A person's click: the pointer moves there, rests, then presses and releases. */
async function click(display, p) {
  xdotool(display, 'mousemove', String(p.x), String(p.y));
  await sleep(300);
  xdotool(display, 'mousedown', '1');
  await sleep(80);
  xdotool(display, 'mouseup', '1');
}

test('firefox, real toolbar: « Fin d\'accompagnement » clicked in the real popup leaves the verified receipt on screen',
  { skip, timeout: 180000 }, async (t) => {
    const s = await onScreen(t, 'firefox', (h, sites, display) => launchFirefox(h, sites, { display, headful: true,
      args: ['--width=1280', '--height=900'],
      prefs: { 'browser.uiCustomization.state': TOOLBAR_STATE, 'browser.toolbars.bookmarks.visibility': 'never' } }));
    const { persona, h, d, tmp, display } = s;

    s.step = 'focus';
    // This Xvfb has no window manager: the keyboard focus follows the pointer (PointerRoot), so
    // moving the pointer into the popup would take the focus from the browser's window, which
    // closes its popups. A desktop gives the focus to the window a person works in: so do we.
    const win = xdotool(display, 'search', '--onlyvisible', '--class', 'firefox').trim().split('\n').filter(Boolean);
    assert.ok(win.length, 'the browser\'s window');
    xdotool(display, 'windowfocus', '--sync', win[win.length - 1]);

    s.step = 'icon';
    const icon = await until('the add-on\'s icon on the toolbar', () => findIcon(display, tmp));
    t.diagnostic(`toolbar icon at ${icon.x},${icon.y} (match ${icon.score})`);

    // The real popup's buttons, found on screen under the icon by their colour: blue « Début
    // d'accompagnement » (#005a9c), red « Fin d'accompagnement » (#b00020).
    const area = { x: Math.max(0, icon.x - 700), y: icon.y + 10, w: Math.min(1280, icon.x + 40) - Math.max(0, icon.x - 700), h: 700 };
    const popupButton = async (what, color) => {
      await click(display, icon);
      await until(`the popup's ${what}`, () => findColor(display, tmp, color, area));
      await sleep(1000); // the panel's opening animation: a click during it falls outside the panel
      const b = findColor(display, tmp, color, area);
      assert.ok(b, `the popup stays open (${what})`);
      return b;
    };

    s.step = 'start';
    // « Début d'accompagnement » in the real popup; then the person's procedure on CAF.
    const begin = await popupButton('« Début d\'accompagnement »', '#005a9c');
    await click(display, begin);
    await until('the accompaniment started', () => hostStarted(h));
    await until('the popup shows « Fin d\'accompagnement »', () => findColor(display, tmp, '#b00020', area));
    // Firefox keeps the popup open when a tab opens: the aidant closes it (Escape) to hand over.
    xdotool(display, 'key', 'Escape');
    await until('the popup closed', () => !findColor(display, tmp, '#b00020', area));
    const caf = await logIn(d, SITES.caf.host, persona.login.caf, persona.password);
    await caf.bringToFront();
    await sleep(500);

    s.step = 'popup';
    const end = await popupButton('« Fin d\'accompagnement »', '#b00020');
    t.diagnostic(`« Fin d'accompagnement » at ${end.x},${end.y} (${end.w}x${end.h})`);

    s.step = 'end';
    const t0 = Date.now();
    await click(display, end);

    s.step = 'receipt page';
    // Nothing else: the receipt page must come by itself, active, with the verified receipt.
    let urls = [];
    const page = await until('the receipt page', async () => {
      // Firefox does not report the navigation of an extension's page to WebDriver (its URL
      // there stays about:blank): ask each tab where it is.
      const pages = await d.browser.pages();
      urls = await Promise.all(pages.map((p) => p.evaluate(() => location.href).catch(() => '')));
      return pages[urls.findIndex((u) => u.startsWith(RECEIPT))];
    }, 20000).catch((e) => {
      throw new Error(`${e.message}; tabs: ${urls.join(' ')}`);
    });
    await page.waitForFunction(() => {
      const r = document.getElementById('receipt');
      return r && !r.hidden && !!r.dataset.status;
    }, { timeout: 30000, polling: 50 });
    t.diagnostic(`receipt on screen ${Date.now() - t0} ms after the click`);
    await sleep(500);
    const shown = await page.evaluate(async () => {
      const [tab] = await browser.tabs.query({ active: true, lastFocusedWindow: true });
      return {
        active: tab ? tab.url : '',
        visible: document.visibilityState,
        status: document.getElementById('receipt').dataset.status,
        heading: document.getElementById('receipt-h').textContent,
        lines: [...document.querySelectorAll('#receipt-lines li')].map((li) => `${li.dataset.line} ${li.className}: ${li.textContent}`),
        text: document.body.innerText,
        history: (await browser.history.search({ text: '', startTime: 0, maxResults: 1000 })).map((x) => x.url),
      };
    });
    t.diagnostic(`receipt page: ${shown.heading} | ${shown.lines.join(' | ')}`);
    const file = shoot(display, path.join(SCREENSHOTS, 'firefox-toolbar-receipt.png'));
    t.diagnostic(`screenshot: ${path.relative(EXT_SRC, file)}`);
    assert.equal(shown.active, RECEIPT, 'the receipt page is the active tab of the focused window');
    assert.equal(shown.visible, 'visible', 'the receipt page is what the window shows');
    assert.equal(shown.status, 'clean', shown.lines.join('\n'));
    assert.equal(shown.heading, 'Vos données ont été effacées de cet ordinateur');
    assert.ok(shown.lines.some((l) => /^logout ok:.*CAF/.test(l)), 'the receipt names the administration site used');
    // The receipt page itself is not in the history (the verification ignores the extension's
    // origin either way; here it is seen), nor anything of the person's site.
    assert.deepEqual(shown.history.filter((u) => u.startsWith('moz-extension://') || u.includes(SITES.caf.host)), [],
      `history: ${shown.history.join(' ')}`);
    for (const [label, v] of [['name', persona.fullName], ['login', persona.login.caf], ['tax number', persona.taxNumber]]) {
      assert.ok(!shown.text.includes(v), `the receipt page shows no ${label}`);
    }
    // No « Fin d'accompagnement » left on screen. (Unlike Chromium's, Firefox's popup stays open
    // over the new active tab: it shows the receipt too, see the README.)
    assert.equal(findColor(display, tmp, '#b00020', area), null, 'no « Fin d\'accompagnement » button left on screen');
    s.step = 'done';
  });
