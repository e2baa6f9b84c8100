// Shared machinery of the end-to-end suite: a throwaway home per test with the host installed by
// `tablerase install --user` itself, an Xvfb display for the clipboard, the two browsers launched
// with puppeteer-core, and the popup driven like an aidant drives it.
//
// Nothing here touches the real home, the system's browser policies or /etc: HOME, XDG_* and
// TABLERASE_CONFIG point into a temp dir, and each browser gets its own profile there.

import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import { makePersona } from './fakesites/persona.mjs';
import { startFakeSites } from './fakesites/server.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
/** The extension's sources (node_modules, data). */
export const EXT_SRC = path.resolve(here, '..', '..');
/** The extension the browsers load: these sources, or $TABLERASE_EXT_DIR (e.g. a build). */
export const EXT_DIR = process.env.TABLERASE_EXT_DIR ? path.resolve(process.env.TABLERASE_EXT_DIR) : EXT_SRC;
export const REPO = path.resolve(EXT_SRC, '..');
export const SCREENSHOTS = path.join(here, 'screenshots');
export const CHROMIUM_ID = 'ibejdgljgikfdimkajilpemalnckncnm';
export const FIREFOX_ID = 'tablerase@tablerase.fr';
// Pinned through the pref extensions.webextensions.uuids so the moz-extension:// URL is known.
export const FIREFOX_UUID = '7ab1e7a5-0000-4000-8000-7ab1e7a5e2e0';
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const FIREFOX = process.env.FIREFOX || '/usr/bin/firefox-esr';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Clean-ups run last-registered first, in one after-hook: a browser is closed before the home it
 * writes into is removed (node:test runs its own after-hooks in registration order).
 */
export function deferrer(t) {
  const fns = [];
  t.after(async () => {
    for (const f of fns.reverse()) {
      try {
        await f();
      } catch { /* keep cleaning */ }
    }
  });
  return (fn) => fns.push(fn);
}

/**
 * Ends the processes a test left running in `home` (their environment says HOME=home: the host's
 * detached `clean --after-exit`): SIGTERM, then SIGKILL after 2 s. Linux (/proc); elsewhere nothing.
 */
export async function endProcessesOf(home) {
  const mark = Buffer.from(`HOME=${home}\0`);
  const find = () => {
    let pids = [];
    try {
      pids = fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d) && Number(d) !== process.pid);
    } catch {
      return [];
    }
    return pids.filter((pid) => {
      try {
        return fs.readFileSync(`/proc/${pid}/environ`).includes(mark);
      } catch {
        return false; // gone, or not ours to read
      }
    }).map(Number);
  };
  const signal = (pids, sig) => pids.forEach((pid) => {
    try {
      process.kill(pid, sig);
    } catch { /* already gone */ }
  });
  let left = find();
  if (!left.length) return;
  signal(left, 'SIGTERM');
  for (let waited = 0; waited < 2000 && left.length; waited += 100) {
    await sleep(100);
    left = find();
  }
  signal(left, 'SIGKILL');
  for (let waited = 0; waited < 2000 && find().length; waited += 100) await sleep(100);
}

/** Skip reason when a browser or tool is missing (the suite says so instead of failing obscurely). */
export function missing(...bins) {
  const gone = bins.filter((b) => {
    try {
      fs.accessSync(b.startsWith('/') ? b : execFileSync('sh', ['-c', `command -v ${b}`], { encoding: 'utf8' }).trim(), fs.constants.X_OK);
      return false;
    } catch {
      return true;
    }
  });
  return gone.length ? `not installed: ${gone.join(', ')}` : false;
}

/** Skip reason for a browser test: a missing tool, or port 443 that cannot be served here. */
export function cannotRun(...bins) {
  return missing(...bins, 'certutil')
    || (canBind443() ? false : 'cannot serve HTTPS on port 443 here (needs root or a lower ip_unprivileged_port_start)');
}

function canBind443() {
  if (process.getuid && process.getuid() === 0) return true;
  try {
    return Number(fs.readFileSync('/proc/sys/net/ipv4/ip_unprivileged_port_start', 'utf8')) <= 443;
  } catch {
    return false;
  }
}

let builtHost = null;
/** The host binary: built once per process from ./host/cmd/tablerase (or $TABLERASE_HOST). */
export function hostBinary() {
  if (process.env.TABLERASE_HOST) return path.resolve(process.env.TABLERASE_HOST);
  if (!builtHost) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tablerase-e2e-bin-'));
    builtHost = path.join(dir, 'tablerase');
    execFileSync('go', ['build', '-o', builtHost, './host/cmd/tablerase'], { cwd: REPO, stdio: ['ignore', 'inherit', 'inherit'] });
    process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  }
  return builtHost;
}

/**
 * A throwaway home for one browser run, the host installed in it by `tablerase install --user`.
 * @param {'chromium'|'firefox'} kind
 * @param {object} [o]
 * @param {boolean} [o.install=true]  false: the host is not registered (fault "host missing")
 */
export function makeHome(kind, o = {}) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `tablerase-e2e-${kind}-`));
  const home = path.join(root, 'home');
  const h = {
    root,
    home,
    downloads: path.join(home, 'Downloads'),
    state: path.join(home, '.local', 'state'),
    config: path.join(root, 'tablerase-config.json'),
    // Where each browser keeps its profile for a real user, so `tablerase clean` (the logoff hook)
    // finds it there as it would on a public computer.
    profile: kind === 'chromium' ? path.join(home, '.config', 'chromium') : path.join(home, '.mozilla', 'firefox', 'e2e.default'),
    hostPath: hostBinary(),
  };
  for (const d of [h.downloads, h.state, h.profile]) fs.mkdirSync(d, { recursive: true });
  fs.writeFileSync(h.config, JSON.stringify({ default_folders: false, watch: [h.downloads] }));
  h.env = {
    ...process.env,
    HOME: home,
    XDG_STATE_HOME: h.state,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_DATA_HOME: path.join(home, '.local', 'share'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    TABLERASE_CONFIG: h.config,
  };
  delete h.env.TABLERASE_ROOT; // `tablerase install` must write into this home, nowhere else
  if (o.install !== false) {
    execFileSync(h.hostPath, ['install', '--user', '--browsers', kind], { env: h.env, stdio: ['ignore', 'pipe', 'pipe'] });
  }
  // A document of the aidant's, older than the session: it must survive.
  h.older = path.join(h.downloads, 'notes-aidant-2025.txt');
  fs.writeFileSync(h.older, 'Planning des permanences (document de l’aidant)\n');
  const past = new Date(Date.now() - 86400e3);
  fs.utimesSync(h.older, past, past);
  // The host's detached `clean --after-exit` (scope session) may still poll this home once the
  // browser is closed: ended first, or it writes into the home as it is removed and leaves it.
  h.cleanup = async () => {
    await endProcessesOf(home);
    fs.rmSync(root, { recursive: true, force: true });
  };
  return h;
}

/** An Xvfb display of our own (the host clears the X clipboard through it); Xvfb picks a free number. */
export async function startXvfb() {
  const proc = spawn('Xvfb', ['-displayfd', '3', '-nolisten', 'tcp', '-screen', '0', '1280x900x24'],
    { stdio: ['ignore', 'ignore', 'ignore', 'pipe'] });
  const n = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('Xvfb did not start')), 10000);
    proc.stdio[3].on('data', (c) => {
      out += c;
      if (out.includes('\n')) {
        clearTimeout(timer);
        resolve(out.trim());
      }
    });
    proc.on('exit', () => reject(new Error('Xvfb exited')));
  }).catch((e) => {
    proc.kill('SIGKILL');
    throw e;
  });
  return { display: `:${n}`, stop: () => proc.kill('SIGTERM') };
}

/**
 * Puts `text` on the X clipboard as the aidant's Ctrl+C would (xclip owns the selection until
 * someone else takes it: the host's clear does). Returns the xclip process to kill at the end.
 */
export function seedClipboard(display, text) {
  const p = spawn('xclip', ['-quiet', '-selection', 'clipboard'], { env: { ...process.env, DISPLAY: display }, stdio: ['pipe', 'ignore', 'ignore'] });
  p.stdin.end(text);
  return p;
}

/** The X clipboard's text ('' when empty or unowned). */
export function readClipboard(display) {
  try {
    return execFileSync('xclip', ['-o', '-selection', 'clipboard'], { env: { ...process.env, DISPLAY: display }, timeout: 3000, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return '';
  }
}

// ---- browsers -------------------------------------------------------------------------------

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run',
  '--disable-sync', '--disable-default-apps',
  '--lang=fr-FR']; // the aidant's browser is in French: the popup and receipt are shown as they will be

/** Every name resolves to the fake sites' own loopback address. */
export const chromiumResolver = (sites) => `--host-resolver-rules=MAP * ${sites.addr}, EXCLUDE localhost`;

/**
 * Launches Debian's Chromium (headless=new) with the unpacked extension and the test profile.
 * The fake sites' throwaway CA is a trusted root of the test home's NSS database (~/.pki/nssdb),
 * as an enterprise CA is on a managed computer: no certificate error is ignored.
 */
export async function launchChromium(h, sites, { display, headful = false, args = [] } = {}) {
  trustCA(path.join(h.home, '.pki', 'nssdb'), sites.caPath);
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    // headful (on `display`, an Xvfb of ours): a real toolbar, whose icon a test clicks as a person does
    headless: !headful,
    defaultViewport: headful ? null : undefined,
    pipe: true,
    // --load-extension (not puppeteer's CDP install after start): the extension is loaded when the
    // browser starts, as a deployed one is, so a restart finds it (Chromium then fires
    // onInstalled, not onStartup, for a command-line extension).
    enableExtensions: true,
    userDataDir: h.profile,
    args: [...CHROMIUM_ARGS, chromiumResolver(sites),
      `--load-extension=${EXT_DIR}`, `--disable-extensions-except=${EXT_DIR}`, ...args],
    env: { ...h.env, LANGUAGE: 'fr_FR', ...(display ? { DISPLAY: display } : {}) },
  });
  const cdp = await browser.target().createCDPSession();
  await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: h.downloads, eventsEnabled: true });
  const sw = await browser.waitForTarget(
    (tg) => tg.type() === 'service_worker' && tg.url().startsWith(`chrome-extension://${CHROMIUM_ID}/`), { timeout: 15000 });
  return chromiumDriver({ browser, cdp, worker: await sw.worker(), popupUrl: `chrome-extension://${CHROMIUM_ID}/popup/popup.html` });
}

/**
 * The suite's driver of a launched Chromium: its popup, every cookie, its process.
 * `worker` (the service worker) is absent when DevTools cannot reach a policy-installed one.
 */
export function chromiumDriver({ browser, cdp, worker, popupUrl }) {
  const d = {
    kind: 'chromium',
    browser,
    cdp,
    worker,
    popupUrl,
    async openPopup() {
      const p = await browser.newPage();
      await p.goto(d.popupUrl);
      await p.waitForSelector('#start, #end');
      return p;
    },
    /** Every cookie in the browser, partitioned ones included: [{domain, name, partitioned}]. */
    async cookies() {
      const { cookies } = await cdp.send('Storage.getCookies');
      return cookies.map((c) => ({ domain: c.domain, name: c.name, partitioned: !!c.partitionKey }));
    },
    process: () => browser.process(),
  };
  return d;
}

/** Firefox prefs for the suite (see reference/testing.md). */
export function firefoxPrefs(h, sites, extra = {}) {
  return {
    'xpinstall.signatures.required': false,
    'extensions.webextensions.uuids': JSON.stringify({ [FIREFOX_ID]: FIREFOX_UUID }),
    'network.dns.forceResolve': sites.addr,
    'network.proxy.type': 0,
    'browser.download.dir': h.downloads,
    'browser.download.folderList': 2,
    'browser.download.useDownloadDir': true,
    'browser.download.always_ask_before_handling_new_types': false,
    'browser.download.start_downloads_in_tmp_dir': false,
    'browser.helperApps.neverAsk.saveToDisk': 'application/pdf,application/octet-stream',
    'pdfjs.disabled': true,
    'browser.download.panel.shown': true,
    'network.cookie.cookieBehavior.optInPartitioning': true,
    'datareporting.policy.dataSubmissionEnabled': false,
    'toolkit.telemetry.reportingpolicy.firstRun': false,
    'browser.shell.checkDefaultBrowser': false,
    'browser.startup.homepage_override.mstone': 'ignore',
    'extensions.autoDisableScopes': 0,
    // The aidant's browser is in French (Debian's firefox-esr-l10n-fr language pack).
    'intl.locale.requested': 'fr',
    ...extra,
  };
}

/**
 * Makes `caPath` a trusted root (for TLS servers) of the NSS database in `dir`, created if needed:
 * what an admin does for an enterprise CA. Chromium reads ~/.pki/nssdb; Firefox its profile's
 * cert9.db. Needs certutil (Debian libnss3-tools).
 */
export function trustCA(dir, caPath) {
  fs.mkdirSync(dir, { recursive: true });
  const db = `sql:${dir}`;
  if (!fs.existsSync(path.join(dir, 'cert9.db'))) execFileSync('certutil', ['-N', '-d', db, '--empty-password'], { stdio: 'ignore' });
  execFileSync('certutil', ['-A', '-d', db, '-n', 'Table rase e2e CA', '-t', 'C,,', '-i', caPath], { stdio: 'ignore' });
}

/**
 * Launches firefox-esr (headless) over WebDriver BiDi and installs the unpacked add-on. The fake
 * sites' throwaway CA is a trusted root of the profile's own certificate database (cert9.db):
 * no certificate error is ignored, and service workers register as on a real site.
 */
export async function launchFirefox(h, sites, { display, headful = false, prefs = {}, args = [] } = {}) {
  const browser = await startFirefox(h, sites, display, prefs, { headful, args });
  return firefoxDriver(browser, await browser.installExtension(EXT_DIR));
}

/**
 * firefox-esr on the test profile, the fake sites' CA trusted, over WebDriver BiDi; headful (on
 * `display`, an Xvfb of ours) for a real toolbar a test clicks as a person does.
 */
function startFirefox(h, sites, display, prefs = {}, { headful = false, args = [] } = {}) {
  trustCA(h.profile, sites.caPath);
  return puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: !headful,
    defaultViewport: headful ? null : undefined,
    userDataDir: h.profile,
    args: ['--remote-allow-system-access', ...args],
    extraPrefsFirefox: firefoxPrefs(h, sites, prefs),
    env: { ...h.env, ...(display ? { DISPLAY: display } : {}) },
  });
}

/**
 * The cookies of Firefox's private store (privateBrowsingId 1), read with Services.cookies in a
 * chrome-scope browsing context (WebDriver BiDi with `--remote-allow-system-access`).
 * @returns {Promise<{domain: string, name: string, path: string, partitioned: boolean}[]>}
 */
async function firefoxPrivateCookies(browser) {
  const { result: tree } = await browser.connection.send('browsingContext.getTree', { 'moz:scope': 'chrome', maxDepth: 0 });
  const chrome = tree.contexts[0];
  if (!chrome) throw new Error('no chrome browsing context (is --remote-allow-system-access set?)');
  const { result } = await browser.connection.send('script.evaluate', {
    expression: `JSON.stringify(Services.cookies.getCookiesWithOriginAttributes(JSON.stringify({ privateBrowsingId: 1 }))
      .map((c) => ({ domain: c.host, name: c.name, path: c.path, partitioned: !!c.originAttributes.partitionKey })))`,
    target: { context: chrome.context },
    awaitPromise: false,
  });
  if (result.type !== 'success') throw new Error(`reading the private cookie store: ${JSON.stringify(result.exceptionDetails && result.exceptionDetails.text)}`);
  return JSON.parse(result.result.value);
}

/**
 * The driver both Firefox launchers return.
 * @param {number} [retries=0]  popup loads to retry: at a cold start a sideloaded add-on may not
 *   answer yet
 */
export function firefoxDriver(browser, extensionId, retries = 0) {
  const d = {
    kind: 'firefox',
    browser,
    extensionId,
    popupUrl: `moz-extension://${FIREFOX_UUID}/popup/popup.html`,
    async openPopup() {
      const p = await browser.newPage();
      // Firefox never reports the load event of an extension page to WebDriver: short timeout,
      // then wait for the page's own element.
      for (let i = 0; ; i++) {
        await p.goto(d.popupUrl, { timeout: 1500 }).catch(() => {});
        try {
          await p.waitForSelector('#start, #end', { timeout: retries ? 3000 : 10000 });
          break;
        } catch (e) {
          if (i >= retries) throw e;
        }
      }
      d.popup = p;
      return p;
    },
    /**
     * Every cookie of the profile, from both of Firefox's cookie stores. WebDriver BiDi returns the
     * unpartitioned cookies of the normal store only (`browser.cookies()`; Firefox's
     * storage.getCookies never selects the private store, whatever the partition descriptor, a
     * private tab's `{type: 'context'}` included: seen on 153 ESR). The private windows' store (the
     * only one the pages use when Firefox runs in private windows only, as the deployed mode's
     * policy makes it) is read in the browser's chrome realm, which `--remote-allow-system-access`
     * opens to WebDriver BiDi: Services.cookies, privateBrowsingId 1, partitioned or not.
     * Partitioned ones of the normal store (Total Cookie Protection, CHIPS) are read through the
     * add-on's own API, for the hosts it may see.
     */
    async cookies() {
      const page = d.popup;
      if (!page || page.isClosed()) throw new Error('no extension page open to read partitioned cookies');
      const seen = new Set();
      const all = [];
      const add = (c) => {
        const k = `${c.domain}\t${c.name}\t${c.partitioned || c.path}`;
        if (seen.has(k)) return;
        seen.add(k);
        all.push({ domain: c.domain, name: c.name, partitioned: c.partitioned });
      };
      for (const c of await browser.cookies()) add({ ...c, partitioned: false });
      for (const c of await firefoxPrivateCookies(browser)) add(c);
      const parted = await page.evaluate(async () => {
        const api = globalThis.browser; // the add-on's namespace, in the page (not puppeteer's browser)
        const out = [];
        for (const s of await api.cookies.getAllCookieStores()) {
          for (const c of await api.cookies.getAll({ storeId: s.id, partitionKey: {} })) {
            if (c.partitionKey && c.partitionKey.topLevelSite) out.push({ domain: c.domain, name: c.name, partitioned: true });
          }
        }
        return out;
      });
      for (const c of parted) add({ ...c, path: '' });
      return all;
    },
    process: () => browser.process(),
  };
  return d;
}

/**
 * Launches firefox-esr with the add-on installed in the profile itself, so it survives a restart
 * of the same profile (a temporary add-on from launchFirefox is gone after one). The add-on is
 * packed once per profile by the pinned web-ext, as `npm run build` packs it, into
 * <profile>/extensions/tablerase@tablerase.fr.xpi, where Firefox installs it at start: the
 * profile scope (1) must be enabled, autoDisableScopes=0 keeps it from being disabled as
 * sideloaded, and xpinstall.signatures.required=false (ESR only) accepts it unsigned.
 * @returns the same driver as launchFirefox, plus `installType` (management.getSelf)
 */
export async function launchFirefoxInstalled(h, sites, { display } = {}) {
  const xpi = path.join(h.profile, 'extensions', `${FIREFOX_ID}.xpi`);
  if (!fs.existsSync(xpi)) {
    // web-ext turns the '@' of a file name into '_': build under a plain name, then rename.
    const built = path.join(path.dirname(xpi), 'tablerase.xpi');
    execFileSync(path.join(EXT_SRC, 'node_modules', '.bin', 'web-ext'), ['build', '--source-dir', EXT_DIR,
      '--artifacts-dir', path.dirname(xpi), '--filename', path.basename(built), '--overwrite-dest', '--ignore-files',
      'node_modules/**', 'test/**', 'scripts/**', 'package.json', 'package-lock.json', '*.md'], { stdio: ['ignore', 'ignore', 'inherit'] });
    fs.renameSync(built, xpi);
  }
  const browser = await startFirefox(h, sites, display, { 'extensions.enabledScopes': 1 | 4 });
  return firefoxDriver(browser, FIREFOX_ID, 5);
}

// ---- the aidant's gestures ---------------------------------------------------------------------

/**
 * The aidant's own jar, as in a browser used for months: OWN_COOKIES cookies of their own on one
 * site in ten, outside the registry (Chromium keeps at most 3,300), a month to live. Set through
 * the driver (CDP or BiDi), before the accompaniment; `ownCookiesLeft` counts them, and
 * OWN_SITE_GLOB finds them in a closed profile's cookie database.
 */
export const OWN_COOKIES = 3000;
export const OWN_SITE_GLOB = '.own*.example';
const OWN_SITE = /^\.?own\d+\.example$/;

export async function seedOwnCookies(d, n = OWN_COOKIES) {
  const expires = Math.floor(Date.now() / 1000) + 30 * 86400;
  const cookies = Array.from({ length: n }, (_, i) => ({
    name: `pref${i % 10}`, value: 'v'.repeat(40), domain: `.own${Math.floor(i / 10)}.example`, path: '/', expires, secure: true, sameSite: 'Lax',
  }));
  for (let i = 0; i < cookies.length; i += 500) await d.browser.setCookie(...cookies.slice(i, i + 500));
  const left = await ownCookiesLeft(d);
  if (left !== n) throw new Error(`the aidant's own cookies could not be set: ${left} of ${n}`);
}

export async function ownCookiesLeft(d) {
  return (await d.browser.cookies()).filter((c) => OWN_SITE.test(c.domain)).length;
}

/** Polls `fn` in `page` (a background tab's timers are throttled, so poll from here). */
export async function pollPage(page, fn, ms, every = 50) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await page.evaluate(fn).catch(() => null);
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out');
    await sleep(every);
  }
}

export async function startAccompaniment(popup) {
  // The popup has rendered its state (policy line) before the aidant clicks: a click racing the
  // popup's first refresh would leave the previous receipt on screen.
  await popup.waitForFunction(() => document.getElementById('policy').textContent.trim() !== '', { timeout: 10000, polling: 50 });
  await popup.waitForSelector('#start:not([hidden])');
  await popup.click('#start');
  await popup.waitForSelector('#end:not([hidden]):not([disabled])', { timeout: 15000 });
}

/**
 * Clicks « Fin d'accompagnement » and waits for the receipt.
 * @returns {{ status, lines: string[], ms: number, pageMs: number }}  ms: click → receipt with its
 *   status shown, seen from the driver; pageMs: the same, timed by the page
 */
export async function endAccompaniment(popup, { timeout = 30000 } = {}) {
  await popup.bringToFront().catch(() => {});
  // Only a receipt rendered after this click counts. The page itself also times it, from the
  // click event to the change that shows the receipt with its status (`pageMs`: the clock the
  // floor of measure.mjs is read with, without the driver's round trips for the click and polling).
  await popup.evaluate(() => {
    const r = document.getElementById('receipt');
    delete r.dataset.status;
    globalThis.e2eEnd = { clicked: null, shown: null };
    document.getElementById('end').addEventListener('click', (e) => { globalThis.e2eEnd.clicked = e.timeStamp; }, { once: true, capture: true });
    const o = new MutationObserver(() => {
      if (!r.hidden && r.dataset.status) {
        globalThis.e2eEnd.shown = performance.now();
        o.disconnect();
      }
    });
    o.observe(r, { attributes: true });
  });
  const t0 = performance.now();
  await popup.click('#end');
  await pollPage(popup, () => {
    const r = document.getElementById('receipt');
    return !r.hidden && !!r.dataset.status;
  }, timeout, 10);
  const ms = performance.now() - t0;
  const { clicked, shown } = await popup.evaluate(() => globalThis.e2eEnd);
  const pageMs = clicked != null && shown != null ? shown - clicked : NaN;
  return { ...(await readReceipt(popup)), ms, pageMs };
}

export function readReceipt(popup) {
  return popup.$eval('#receipt', (el) => ({
    status: el.dataset.status || '',
    lines: [...el.querySelectorAll('li')].map((li) => `${li.dataset.line} ${li.className}: ${li.textContent}`),
  }));
}

/** Logs in to a fake site in a new tab; optionally downloads its document. */
export async function logIn(d, host, identifiant, password, { download = null } = {}) {
  const page = await d.browser.newPage();
  await page.goto(`https://${host}/`);
  await page.type('#identifiant', identifiant);
  await page.type('#motdepasse', password);
  await Promise.all([page.waitForNavigation(), page.click('#connexion')]);
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.waitForSelector('body[data-ready]', { timeout: 15000 }).catch((e) => {
    throw new Error(`${host}: account page never ready (${errors.join('; ')})`, { cause: e });
  });
  const ready = await page.$eval('body', (b) => b.dataset.ready);
  if (ready !== '1') throw new Error(`${host}: account page failed: ${ready}`);
  if (download) {
    await page.click('#doc');
    await waitForFile(download);
  }
  return page;
}

/** Waits until `file` exists and no partial download is left beside it. */
export async function waitForFile(file, ms = 15000) {
  const dir = path.dirname(file);
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const names = fs.readdirSync(dir);
    if (names.includes(path.basename(file)) && !names.some((n) => /\.(crdownload|part)$/.test(n))) return;
    await sleep(50);
  }
  throw new Error(`download not found: ${path.basename(file)}`);
}

/** Calls an extension API from an extension page (works in both browsers). */
export function extensionCall(popup, fn, ...args) {
  return popup.evaluate(fn, ...args);
}

/** What a page of `host` still sees of itself: storage, IndexedDB, service workers, caches, cookies. */
export async function probeSite(d, host) {
  const page = await d.browser.newPage();
  try {
    await page.goto(`https://${host}/__probe`);
    return await page.evaluate(async () => ({
      localStorage: localStorage.length,
      indexedDB: (await indexedDB.databases()).map((x) => x.name),
      serviceWorkers: (await navigator.serviceWorker.getRegistrations()).length,
      caches: await caches.keys(),
      cookies: document.cookie,
    }));
  } finally {
    await page.close().catch(() => {});
  }
}

// ---- one test's world -------------------------------------------------------------------------

/**
 * What most tests begin with: the clean-up list, the person helped, a throwaway home with the host
 * installed, the fake sites, and (with `launch`) the browser — each undone when the test ends, the
 * browser first. TABLERASE_E2E_KEEP=1 keeps the home (and says where).
 * @param {import('node:test').TestContext} t
 * @param {'chromium'|'firefox'} kind
 * @param {object} [o]
 * @param {Function} [o.launch]  launchChromium, launchFirefox…; none: no browser yet
 * @param {object} [o.options]  the launcher's options
 * @param {(h: object) => void} [o.beforeLaunch]  prepares the profile (preferences…) first
 * @returns {Promise<{ defer, persona, h, sites, d }>}
 */
export async function setUp(t, kind, { launch = null, options = {}, beforeLaunch = null } = {}) {
  const defer = deferrer(t);
  const persona = makePersona();
  const h = makeHome(kind);
  if (!process.env.TABLERASE_E2E_KEEP) defer(h.cleanup);
  else t.diagnostic(`kept: ${h.root}`);
  if (beforeLaunch) beforeLaunch(h);
  const sites = await startFakeSites({ dir: path.join(h.root, 'tls'), persona });
  defer(() => sites.close());
  const world = { defer, persona, h, sites, d: null };
  if (launch) {
    world.d = await launch(h, sites, options);
    // The browser of the moment: a test that restarts it sets world.d (closing twice is harmless).
    defer(() => world.d && world.d.browser.close().catch(() => {}));
  }
  return world;
}
