// Real-browser test of the charter reminders: Debian's headless Chromium loads the
// unpacked extension; fake pages of the right kind are served over HTTPS on loopback under their
// real host names (Google and Yahoo sign-up, a CAF simulator, the impots.gouv.fr declaration
// entry, ameli's « Mes informations » page, told apart from the account's other pages by its query
// only) and of the wrong kind (Gmail, the CAF home page, a shop, ameli's account home). Checked:
// - no banner before the accompaniment starts, nor after it ends;
// - during it, each page of the right kind gets its banner (text from data/reminders.json), once
//   per page per accompaniment, and no other page gets one;
// - the banner works under a strict Content-Security-Policy, takes no focus, is reachable with
//   Tab, closes with its button or Escape; a reminder switched off in the settings is not shown;
// - axe-core finds no serious or critical violation on a page with a banner;
// - the popup's start screen shows what to tell the person, the orientation link and the codes memo.
//
// A shorter second test runs the same banner in Debian's firefox-esr (temporary add-on over
// WebDriver BiDi), skipped where it is not installed.
//
// No native host is registered: the accompaniment starts without it (the popup says so), which
// is all the reminders need. Browsers: /usr/bin/chromium and /usr/bin/firefox-esr (or CHROMIUM=,
// FIREFOX=).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import { deferrer } from '../e2e/harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const extDir = path.resolve(here, '..', '..');
const EXT_ID = 'ibejdgljgikfdimkajilpemalnckncnm';
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const AXE = path.join(extDir, 'node_modules', 'axe-core', 'axe.min.js');
const reminders = JSON.parse(fs.readFileSync(path.join(extDir, 'data', 'reminders.json'), 'utf8'));
const messages = (lang) => JSON.parse(fs.readFileSync(path.join(extDir, '_locales', lang, 'messages.json'), 'utf8'));

const HOSTS = ['accounts.google.com', 'mail.google.com', 'login.yahoo.com', 'account.proton.me', 'www.caf.fr', 'assure.ameli.fr',
  'cfspart.impots.gouv.fr', 'simulateur-ir-ifi.impots.gouv.fr', 'www.example-commerce.fr'];

function certificate(tmp) {
  const key = path.join(tmp, 'key.pem');
  const cert = path.join(tmp, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1',
    '-subj', `/CN=${HOSTS[0]}`, '-addext', `subjectAltName=${HOSTS.map((h) => `DNS:${h}`).join(',')}`], { stdio: 'ignore' });
  return { key: fs.readFileSync(key), cert: fs.readFileSync(cert) };
}

// An ordinary, accessible page: a form the person fills in (the banner must not take its focus).
function page(title) {
  return `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>${title}</title></head>
<body><header><p>${title}</p></header><main><h1>${title}</h1>
<form><p><label for="prenom">Prénom</label> <input id="prenom" name="prenom"></p>
<p><label for="nom">Nom</label> <input id="nom" name="nom"></p>
<button type="button">Suivant</button></form></main></body></html>`;
}

function fakeSites(tls) {
  const server = https.createServer(tls, (req, res) => {
    const strict = req.url.startsWith('/lifecycle/');
    if (strict) {
      // No inline style, no script: the banner must still be styled.
      res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'self'; script-src 'none'; img-src 'self'");
    }
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.end(page(`${req.headers.host.split(':')[0]}${req.url.split('?')[0]}`));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function bannerOf(p) {
  return p.evaluate(() => {
    const el = document.querySelector('tablerase-reminder');
    if (!el || !el.shadowRoot) return null;
    const r = el.shadowRoot.querySelector('[role=region]');
    return {
      count: document.querySelectorAll('tablerase-reminder').length,
      key: el.dataset.key,
      label: r.getAttribute('aria-label'),
      lang: r.getAttribute('lang'),
      title: r.querySelector('h2').textContent,
      text: r.querySelector('p').textContent,
      source: (r.querySelector('p.source') || { textContent: null }).textContent,
      button: r.querySelector('button').textContent,
      position: getComputedStyle(el).position,
      border: getComputedStyle(r).borderLeftWidth,
      focused: document.activeElement === el,
    };
  });
}

async function waitBanner(p, ms = 10000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const got = await bannerOf(p);
    if (got) return got;
    await new Promise((r) => setTimeout(r, 100));
  }
  return null;
}

// serveFakeSites gives a test its own temp dir and the fake sites on loopback HTTPS, both removed
// when the test ends.
async function serveFakeSites(t, prefix) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  // Last registered, first run: the test's browser closes before the profile in `tmp` goes
  // (node:test's own after-hooks run in registration order and removed it under the browser).
  const defer = deferrer(t);
  defer(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const server = await fakeSites(certificate(tmp));
  defer(() => {
    server.closeAllConnections();
    server.close();
  });
  return { tmp, port: server.address().port, defer };
}

test('charter reminders: the right banner on the right page, only during an accompaniment', { timeout: 90000 }, async (t) => {
  const { tmp, port, defer } = await serveFakeSites(t, 'tablerase-reminders-');
  const url = (host, p) => `https://${host}:${port}${p}`;

  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    pipe: true,
    enableExtensions: [extDir],
    userDataDir: path.join(tmp, 'profile'),
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run',
      '--disable-sync', '--lang=fr-FR', '--host-resolver-rules=MAP * 127.0.0.1, EXCLUDE localhost', '--ignore-certificate-errors'],
    env: { ...process.env, HOME: tmp, LANG: 'fr_FR.UTF-8', LANGUAGE: 'fr' },
  });
  defer(() => browser.close());
  const swTarget = await browser.waitForTarget(
    (tg) => tg.type() === 'service_worker' && tg.url().startsWith(`chrome-extension://${EXT_ID}/`), { timeout: 10000 });
  assert.ok(swTarget, 'the extension is loaded');

  // Serialized in the background: once a later page has its banner, an earlier page was decided.
  const open = async (host, p) => {
    const tab = await browser.newPage();
    await tab.goto(url(host, p));
    return tab;
  };

  // Before the accompaniment: no banner, even on a sign-up page.
  const before = await open('accounts.google.com', '/signup');
  const popup = await browser.newPage();
  await popup.goto(`chrome-extension://${EXT_ID}/popup/popup.html`);
  await popup.waitForSelector('#start:not([hidden])');
  // French unless the browser's UI is English (Chromium may ignore --lang where fr_FR is not installed).
  const lang = (await popup.evaluate(() => chrome.i18n.getUILanguage())).toLowerCase().startsWith('en') ? 'en' : 'fr';
  const msg = messages(lang);
  const texts = (id) => reminders.reminders.find((r) => r.id === id);
  const setLocal = (v) => popup.evaluate((x) => chrome.storage.local.set(x), v);
  const startScreen = await popup.evaluate(() => ({
    lines: [...document.querySelectorAll('#start-reminders li')].map((li) => li.textContent),
    visible: !document.getElementById('start-reminders').hidden,
    map: document.getElementById('orientation-map').href,
    mapShown: !document.getElementById('orientation').hidden,
    localShown: !document.getElementById('orientation-local').parentElement.hidden,
    codesShown: !document.getElementById('codes').hidden,
  }));
  assert.ok(startScreen.visible, 'the start screen recalls what to tell the person');
  assert.equal(startScreen.lines.length, 3);
  assert.deepEqual(startScreen.lines, ['startTellAgreement', 'startTellRisks', 'startTellResponsible'].map((k) => msg[k].message));
  assert.equal(startScreen.map, reminders.orientation.mapUrl);
  assert.ok(startScreen.mapShown && !startScreen.localShown, 'the map link; no local directory unless IT sets one');
  assert.ok(startScreen.codesShown);
  await popup.click('#codes-toggle');
  const memo = await popup.evaluate(() => ({
    expanded: document.getElementById('codes-toggle').getAttribute('aria-expanded'),
    shown: !document.getElementById('codes-memo').hidden,
    text: document.getElementById('codes-memo').textContent,
  }));
  assert.equal(memo.expanded, 'true');
  assert.ok(memo.shown && memo.text.includes(msg.codesOwn.message), 'the codes memo opens');
  // axe-core on the start screen with the memo open (evaluated: the page's CSP forbids script tags).
  await popup.evaluate(fs.readFileSync(AXE, 'utf8'));
  const popupAxe = await popup.evaluate(async () => (await globalThis.axe.run(document)).violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help}`));
  assert.deepEqual(popupAxe, [], 'axe-core on the popup start screen');
  assert.equal(await bannerOf(before), null, 'no banner outside an accompaniment');

  // The local directory link appears when IT sets its address (local settings work the same way).
  await setLocal({ settings: { localDirectoryUrl: 'https://www.ville.example/aide-numerique' } });
  await popup.reload();
  await popup.waitForSelector('#start:not([hidden])');
  const local = await popup.evaluate(() => {
    const a = document.getElementById('orientation-local');
    return { shown: !a.parentElement.hidden, href: a.href, text: a.textContent };
  });
  assert.deepEqual(local, { shown: true, href: 'https://www.ville.example/aide-numerique', text: msg.orientationLocal.message });
  await setLocal({ settings: {} });

  await popup.click('#start');
  await popup.waitForSelector('#end:not([hidden])', { timeout: 10000 });
  assert.ok(await popup.$eval('#start-reminders', (el) => el.hidden), 'the start lines leave once started');

  // Wrong kind of page first, then the right kind: the banner proves the earlier page was decided.
  const gmail = await open('mail.google.com', '/mail/u/0/');
  const cafHome = await open('www.caf.fr', '/');
  const shop = await open('www.example-commerce.fr', '/signup');
  const google = await open('accounts.google.com', '/lifecycle/steps/signup/name?flowEntry=SignUp');
  const g = await waitBanner(google);
  assert.ok(g, 'a banner on the Google sign-up page');
  assert.equal(g.key, 'email/google');
  assert.equal(g.title, texts('email').title[lang]);
  assert.equal(g.text, texts('email').text[lang]);
  assert.equal(g.lang, lang);
  assert.equal(g.label, reminders.ui.label[lang]);
  assert.equal(g.source, reminders.sources.reglesDor[lang].replace('$1', '3'), 'the banner names its text: règles d’or, règle 3');
  assert.equal(g.button, reminders.ui.dismiss[lang]);
  assert.equal(g.position, 'fixed', 'styled despite the page’s strict CSP');
  assert.equal(g.border, '8px', 'its shadow stylesheet applies');
  assert.equal(g.focused, false, 'it takes no focus');
  for (const [name, tab] of [['Gmail', gmail], ['CAF home', cafHome], ['shop', shop], ['before the start', before]]) {
    assert.equal(await bannerOf(tab), null, `no banner on ${name}`);
  }

  // Keyboard: Tab reaches the dismiss button after the page's own controls; Enter closes it.
  await google.bringToFront();
  await google.focus('body');
  let reached = false;
  for (let i = 0; i < 8 && !reached; i++) {
    await google.keyboard.press('Tab');
    reached = await google.evaluate(() => {
      const el = document.querySelector('tablerase-reminder');
      return document.activeElement === el && el.shadowRoot.activeElement.tagName === 'BUTTON';
    });
  }
  assert.ok(reached, 'the dismiss button is reachable with Tab');
  await google.keyboard.press('Enter');
  assert.equal(await bannerOf(google), null, 'Enter on the button closes the banner');

  // Once per page per accompaniment: reloading or the next step of the same sign-up shows nothing.
  await google.goto(url('accounts.google.com', '/signup/v2/createaccount'));
  const yahoo = await open('login.yahoo.com', '/account/create?specId=yidReg');
  const y = await waitBanner(yahoo);
  assert.equal(y && y.key, 'email/yahoo', 'another provider gets its own banner');
  assert.equal(await bannerOf(google), null, 'the same sign-up does not show it twice');

  // axe-core: no serious or critical violation on a page with a banner, and the banner was audited.
  await yahoo.addScriptTag({ path: AXE });
  const axe = await yahoo.evaluate(async () => {
    const r = await globalThis.axe.run(document);
    const inBanner = (n) => JSON.stringify(n.target).includes('tablerase-reminder');
    return {
      bad: r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id}: ${v.nodes.map((n) => JSON.stringify(n.target)).join(' ')}`),
      bannerChecked: r.passes.filter((p) => p.nodes.some(inBanner)).map((p) => p.id),
    };
  });
  assert.deepEqual(axe.bad, [], 'axe-core: serious or critical violations');
  assert.ok(axe.bannerChecked.includes('color-contrast') && axe.bannerChecked.includes('button-name'),
    `axe-core audited the banner (${axe.bannerChecked.join(', ')})`);
  await yahoo.evaluate(() => document.querySelector('tablerase-reminder').shadowRoot.querySelector('section')
    .dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true })));
  assert.equal(await bannerOf(yahoo), null, 'Escape closes the banner');

  // A single-page site moving to its sign-up step without loading a page.
  const proton = await open('account.proton.me', '/login');
  await proton.evaluate(() => history.pushState({}, '', '/mail/signup?plan=free'));
  const pr = await waitBanner(proton);
  assert.equal(pr && pr.key, 'email/proton', 'a URL change inside the page is enough');

  // Paper mail switched off (règle 3): ameli's portal serves every page on one path; the page label
  // in the query tells « Mes informations » from the account's home.
  const ameliPath = '/PortailAS/appmanager/PortailAS/assure';
  const ameliHome = await open('assure.ameli.fr', `${ameliPath}?_nfpb=true&_pageLabel=as_accueil_page`);
  const ameliInfos = await open('assure.ameli.fr', `${ameliPath}?_nfpb=true&_pageLabel=as_info_perso_page`);
  const am = await waitBanner(ameliInfos);
  assert.equal(am && am.key, 'paperless/ameli-infos', 'a banner on ameli « Mes informations »');
  assert.equal(am.title, texts('paperless').title[lang]);
  assert.equal(am.source, reminders.sources.reglesDor[lang].replace('$1', '3'), 'labelled: règles d’or, règle 3');
  assert.equal(await bannerOf(ameliHome), null, 'none on the account home (same path, another page label)');

  // Simulator and expert pages.
  const caf = await open('www.caf.fr', '/allocataires/mes-services-en-ligne/estimer-vos-droits/simulation-rsa');
  const c = await waitBanner(caf);
  assert.equal(c && c.key, 'simulator/caf');
  assert.equal(c.text, texts('simulator').text[lang]);
  const decl = await open('cfspart.impots.gouv.fr', '/enp/ensu/interdeclarations.do');
  const d = await waitBanner(decl);
  assert.equal(d && d.key, 'expert/impots-declaration');
  assert.equal(d.text, texts('expert').text[lang]);

  // A reminder switched off in the settings (managed storage works the same way) is not shown.
  await setLocal({ settings: { disabledReminders: ['simulator'] } });
  const irOff = await open('simulateur-ir-ifi.impots.gouv.fr', '/calcul_impot/2026/simplifie/index.htm');
  const again = await open('accounts.google.com', '/SignUp'); // a control page of another rule, already shown
  const proof = await open('login.yahoo.com', '/account/create'); // already shown too: nothing anywhere
  await setLocal({ settings: {} });
  const decided = await open('www.caf.fr', '/allocataires/mes-services-en-ligne/estimer-vos-droits'); // simulator/caf: shown already
  const ir = await open('simulateur-ir-ifi.impots.gouv.fr', '/calcul_impot/2026/complet/index.htm');
  const i = await waitBanner(ir);
  assert.equal(i && i.key, 'simulator/impots', 'switched back on: shown');
  for (const [name, tab] of [['a switched-off reminder', irOff], ['a page already reminded', again], ['Yahoo again', proof], ['CAF again', decided]]) {
    assert.equal(await bannerOf(tab), null, `no banner on ${name}`);
  }

  // After the accompaniment: no banner.
  await popup.bringToFront();
  await popup.click('#end');
  await popup.waitForFunction(() => !document.getElementById('receipt').hidden, { timeout: 20000, polling: 200 });
  const after = await open('accounts.google.com', '/signup');
  const afterCtl = await open('login.yahoo.com', '/account/create');
  await new Promise((r) => setTimeout(r, 1500)); // nothing to wait for: give the background time to (not) act
  assert.equal(await bannerOf(after), null, 'no banner after the accompaniment');
  assert.equal(await bannerOf(afterCtl), null, 'no banner after the accompaniment');
  const shown = await popup.evaluate(async () => ({
    session: await chrome.storage.session.get('reminders'), local: await chrome.storage.local.get('reminders') }));
  assert.ok(shown.session.reminders.keys.includes('email/google'), 'the record is kept in memory (storage.session)');
  assert.deepEqual(shown.local, {}, 'nothing about the pages is written to disk');
  assert.ok(!JSON.stringify(shown).includes('google.com'), 'the record holds rule keys, no URL');
});

const FIREFOX = process.env.FIREFOX || '/usr/bin/firefox-esr';

test('Firefox ESR: the banner during an accompaniment, styled under a strict CSP', { timeout: 90000, skip: !fs.existsSync(FIREFOX) && 'no firefox-esr' }, async (t) => {
  const { tmp, port, defer } = await serveFakeSites(t, 'tablerase-reminders-ff-');
  const UUID = '7ab1e5a5-0000-4000-8000-000000000006';
  fs.mkdirSync(path.join(tmp, 'profile'));
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    userDataDir: path.join(tmp, 'profile'),
    acceptInsecureCerts: true,
    args: ['--remote-allow-system-access'],
    extraPrefsFirefox: {
      'xpinstall.signatures.required': false,
      'extensions.webextensions.uuids': JSON.stringify({ 'tablerase@tablerase.fr': UUID }),
      'network.dns.forceResolve': '127.0.0.1',
      'network.proxy.type': 0,
      'extensions.autoDisableScopes': 0,
    },
    env: { ...process.env, HOME: tmp },
  });
  defer(() => browser.close());
  await browser.installExtension(extDir);
  const popup = await browser.newPage();
  // Firefox never reports the load event of an extension page: short timeout, then wait for an element.
  await popup.goto(`moz-extension://${UUID}/popup/popup.html`, { timeout: 1500 }).catch(() => {});
  await popup.waitForSelector('#start:not([hidden])', { timeout: 10000 });
  const lang = (await popup.evaluate(() => browser.i18n.getUILanguage())).toLowerCase().startsWith('en') ? 'en' : 'fr';
  await popup.click('#start');
  await popup.waitForSelector('#end:not([hidden])', { timeout: 15000 });

  const open = async (host, p) => {
    const tab = await browser.newPage();
    await tab.goto(`https://${host}:${port}${p}`);
    return tab;
  };
  const gmail = await open('mail.google.com', '/mail/u/0/');
  const google = await open('accounts.google.com', '/lifecycle/steps/signup/name');
  const g = await waitBanner(google);
  assert.ok(g, 'a banner on the Google sign-up page');
  assert.equal(g.title, reminders.reminders.find((r) => r.id === 'email').title[lang]);
  assert.equal(g.position, 'fixed');
  assert.equal(g.border, '8px', 'styled despite the page’s strict CSP');
  assert.equal(g.focused, false);
  assert.equal(await bannerOf(gmail), null, 'no banner on Gmail');
  await google.evaluate(() => document.querySelector('tablerase-reminder').shadowRoot.querySelector('button').click());
  assert.equal(await bannerOf(google), null, 'the button closes it');
});
