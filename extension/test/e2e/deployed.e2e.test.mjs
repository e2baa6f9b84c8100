// End-to-end in *deployed* mode: the browsers as a public computer runs them, with the project's
// policies in effect and the extension installed by them, not loaded by the test.
//
// - IT's own build: scripts/pack.sh packs the extension with a throwaway key of "IT" (Chromium
//   signs the CRX3 itself) and writes update.xml, the XPI and updates.json; they are served over
//   HTTPS on loopback (https://extensions.tablerase.test:8443/tablerase/, a certificate of the
//   fake sites' throwaway CA, which the test home trusts as an enterprise root).
// - The one setting: the id pack.sh prints goes into the host configuration's allowed_extensions;
//   then `tablerase install --system --policies --update-url … --xpi-url …` (the IT guide's
//   command, manifests/DEPLOY.md) writes the system host manifests, Chromium's managed policy
//   file and Firefox's policies.json at the system paths (/etc/chromium/…,
//   /usr/share/firefox-esr/distribution/ behind Debian's link /usr/lib/firefox-esr/distribution).
//   For Firefox, IT's unsigned XPI needs the ESR preference xpinstall.signatures.required=false,
//   which `--unsigned-xpi` writes into policies.json ("Preferences", locked); the test passes it,
//   with the preference true in the profile (ESR's default), so the policy is what lets the XPI in.
// - Isolation: other people's browsers on this machine must not see those policies. Every
//   process that writes or reads them (the install, the browser and the host it starts) runs in
//   a private mount namespace (`unshare --mount --propagation private`) where /etc, /usr and /var
//   are overlays whose upper layer is a temp dir of this test: the real system is never written,
//   and nothing is left behind even after a crash (the namespace dies with its processes). The
//   test checks that the real system paths are unchanged at the end.
// - Then the main scenario (scenario.mjs), its receipt and forensics, plus what the policies
//   promise: Chromium saves no history at all; Firefox runs in private windows only, the add-on
//   allowed there; passwords are never offered (the password manager off by policy, in effect).
//
// Needs root (mount namespaces, overlayfs, port 443); skipped with the reason otherwise. Run alone:
// `npm run e2e:deployed`; `npm run e2e` skips it (TABLERASE_E2E_DEPLOYED unset).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import puppeteer from 'puppeteer-core';
import {
  cannotRun, CHROMIUM, chromiumDriver, chromiumResolver, extensionCall, FIREFOX, FIREFOX_ID, firefoxDriver, firefoxPrefs, REPO, trustCA,
} from './harness.mjs';
import { fullScenario, VISITED } from './scenario.mjs';
import { CHROMIUM_RESIDUE, FIREFOX_RESIDUE } from './residue.mjs';

const UPDATE_HOST = 'extensions.tablerase.test';
const UPDATE_PORT = 8443;
const BASE = `https://${UPDATE_HOST}:${UPDATE_PORT}/tablerase`;
/** The system paths the deployed mode writes (in its namespace only); they must be unchanged outside. */
const SYSTEM_PATHS = ['/etc/chromium', '/etc/firefox', '/usr/share/firefox-esr/distribution', '/usr/lib/mozilla',
  '/var/lib/tablerase'];

function namespaceProblem() {
  if (!process.env.TABLERASE_E2E_DEPLOYED) return 'deployed mode: run with npm run e2e:deployed (TABLERASE_E2E_DEPLOYED=1)';
  if (!process.getuid || process.getuid() !== 0) return 'deployed mode needs root (mount namespace, overlays over /etc /usr /var)';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tablerase-ns-probe-'));
  try {
    for (const d of ['u', 'w']) fs.mkdirSync(path.join(dir, d));
    const r = spawnSync('unshare', ['--mount', '--propagation', 'private', 'sh', '-c',
      `mount -t overlay overlay -o lowerdir=/etc,upperdir=${dir}/u,workdir=${dir}/w /etc && touch /etc/.tablerase-probe`],
    { encoding: 'utf8' });
    if (r.status !== 0) return `no private mount namespace with overlays here: ${(r.stderr || r.error || '').toString().trim()}`;
    if (fs.existsSync('/etc/.tablerase-probe')) {
      fs.rmSync('/etc/.tablerase-probe');
      return 'the namespace probe wrote into the real /etc: refusing to run';
    }
    return false;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const skip = namespaceProblem() || cannotRun(CHROMIUM, FIREFOX, 'Xvfb', 'xclip', 'openssl', 'go', 'zip', 'unshare');

/** A listing (path, size, mtime) of the system paths, to compare before and after. */
function snapshotSystem() {
  const out = [];
  const walk = (p) => {
    let st;
    try {
      st = fs.lstatSync(p);
    } catch {
      return;
    }
    out.push(`${p} ${st.size} ${st.mtimeMs}`);
    if (st.isDirectory()) for (const n of fs.readdirSync(p).sort()) walk(path.join(p, n));
  };
  for (const p of SYSTEM_PATHS) walk(p);
  return out;
}

/**
 * The deployment of one test: IT's build packed, its server, the private namespace's layers.
 * run(cmd, args, env) runs a command in a fresh namespace over the same layers; `wrap(bin)`
 * returns an executable that starts `bin` there (what puppeteer launches).
 */
async function deploy(sitesDir, caKeyDir, addr) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tablerase-deployed-'));
  const layers = path.join(root, 'layers');
  for (const d of ['etc', 'usr', 'var']) {
    fs.mkdirSync(path.join(layers, `${d}.u`), { recursive: true });
    fs.mkdirSync(path.join(layers, `${d}.w`), { recursive: true });
  }
  const ns = path.join(root, 'ns.sh');
  fs.writeFileSync(ns, `#!/bin/sh
# Overlays /etc, /usr and /var (upper layers in ${layers}), then runs the command: run only inside
# "unshare --mount --propagation private", so nothing outside this namespace sees them.
set -e
for d in etc usr var; do
  mount -t overlay overlay -o "lowerdir=/$d,upperdir=${layers}/$d.u,workdir=${layers}/$d.w" "/$d"
done
exec "$@"
`, { mode: 0o755 });
  const inNS = ['unshare', '--mount', '--propagation', 'private', '/bin/sh', ns];
  const wrap = (bin) => {
    const w = path.join(root, `deployed-${path.basename(bin)}`);
    fs.writeFileSync(w, `#!/bin/sh\nexec ${inNS.join(' ')} ${bin} "$@"\n`, { mode: 0o755 });
    return w;
  };
  const run = (cmd, args, env) => execFileSync(inNS[0], [...inNS.slice(1), cmd, ...args],
    { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60000 });

  // IT's build: a key of its own, the files for its web server.
  const out = path.join(root, 'www');
  const t0 = performance.now();
  const packed = execFileSync(path.join(REPO, 'scripts', 'pack.sh'), ['--key', path.join(root, 'it-key.pem'), '--new-key',
    '--url', BASE, '--out', out], { encoding: 'utf8', env: { ...process.env, CHROMIUM }, stdio: ['ignore', 'pipe', 'pipe'] });
  const packMs = performance.now() - t0;
  const id = fs.readFileSync(path.join(out, 'extension-id.txt'), 'utf8').trim();
  assert.match(id, /^[a-p]{32}$/, packed);
  assert.notEqual(id, 'ibejdgljgikfdimkajilpemalnckncnm', 'IT\'s key gives its own id, not the development key\'s');
  assert.ok(packed.includes(id), 'pack.sh prints the id');

  // Its web server: a leaf of the fake sites' CA for UPDATE_HOST, on the fake sites' address.
  const p = (f) => path.join(root, f);
  const ossl = (args) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  ossl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', p('u.key'), '-out', p('u.csr'),
    '-subj', `/CN=${UPDATE_HOST}`]);
  fs.writeFileSync(p('u.ext'), `subjectAltName=DNS:${UPDATE_HOST}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`);
  ossl(['x509', '-req', '-in', p('u.csr'), '-CA', path.join(caKeyDir, 'ca.pem'), '-CAkey', path.join(caKeyDir, 'ca.key'),
    '-CAcreateserial', '-out', p('u.pem'), '-days', '2', '-extfile', p('u.ext')]);
  const served = [];
  const types = { '.xml': 'text/xml', '.crx': 'application/x-chrome-extension', '.xpi': 'application/x-xpinstall', '.json': 'application/json' };
  const server = https.createServer({ key: fs.readFileSync(p('u.key')), cert: fs.readFileSync(p('u.pem')) }, (req, res) => {
    const name = decodeURIComponent(new URL(req.url, BASE).pathname).replace(/^\/tablerase\//, '');
    served.push(name);
    const file = path.join(out, path.basename(name));
    if (!name || name.includes('/') || !fs.existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': types[path.extname(file)] || 'application/octet-stream' });
    res.end(fs.readFileSync(file));
  });
  server.on('tlsClientError', () => {});
  await new Promise((resolve, reject) => server.once('error', reject).listen(UPDATE_PORT, addr, resolve));
  const xpi = fs.readdirSync(out).find((n) => n.endsWith('.xpi'));
  return {
    root, id, run, wrap, served, packMs,
    updateURL: `${BASE}/update.xml`,
    xpiURL: `${BASE}/${xpi}`,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
    cleanup: () => fs.rmSync(root, { recursive: true, force: true }),
  };
}

/**
 * Sets the deployment up for home h as IT would on a public computer, in the namespace: the id in
 * allowed_extensions, the guide's `tablerase install --system --policies` (Firefox: with
 * --unsigned-xpi, the ESR preference for an unsigned XPI), then `tablerase doctor`, which must be green.
 */
function installAsIT(t, dep, h, kind) {
  // The user-level registration makeHome did is not what a public computer has.
  execFileSync(h.hostPath, ['uninstall', '--user'], { env: h.env, stdio: 'ignore' });
  const cfg = JSON.parse(fs.readFileSync(h.config, 'utf8'));
  fs.writeFileSync(h.config, JSON.stringify({ ...cfg, allowed_extensions: [dep.id] }));
  const env = { ...h.env, TABLERASE_ROOT: '' };
  // IT's unsigned XPI on ESR: --unsigned-xpi sets and locks xpinstall.signatures.required=false
  // (manifests/DEPLOY.md) in every policies.json install writes — Firefox reads
  // /etc/firefox/policies/policies.json when it exists (its SysConfD, printed below) and then
  // ignores the distribution one. The profile says true (launchDeployedFirefox), so this is what
  // lets the XPI in.
  const log = dep.run(h.hostPath, ['install', '--system', '--policies', '--browsers', 'chromium,firefox', '--host-path', h.hostPath,
    '--update-url', dep.updateURL, '--xpi-url', dep.xpiURL, ...(kind === 'firefox' ? ['--unsigned-xpi'] : [])], env);
  for (const l of log.trim().split('\n')) t.diagnostic(`install: ${l.replace(h.root, '<tmp>')}`);
  // Test only: Chromium keeps DevTools (so puppeteer) off the pages of policy-installed
  // extensions by default (DeveloperToolsAvailability 0); a file of the test's own allows them,
  // beside the project's, which is left as installed.
  dep.run('/bin/sh', ['-c', 'echo \'{"DeveloperToolsAvailability": 1}\' > /etc/chromium/policies/managed/zz-e2e-devtools.json'], env);
  let doctor;
  try {
    doctor = dep.run(h.hostPath, ['doctor', '--json', '--host-path', h.hostPath], env);
  } catch (e) {
    doctor = e.stdout;
  }
  const rep = JSON.parse(doctor);
  const ext = rep.checks.filter((c) => c.id === 'extension_id' && c.browser === kind);
  t.diagnostic(`doctor: ${ext.map((c) => `${c.status} ${c.en}`).join(' | ')}`);
  const broken = rep.checks.filter((c) => c.required && c.status !== 'ok').map((c) => c.en);
  assert.deepEqual(broken, [], 'doctor is green for the deployed computer');
  assert.ok(ext.length === 1 && ext[0].status === 'ok', 'doctor: the force-installed extension may use the host');
  assert.ok(rep.checks.some((c) => c.id === 'policy' && c.browser === kind && c.status === 'ok'), 'doctor: the policies are in effect');
  if (kind === 'firefox') {
    const pol = rep.checks.find((c) => c.id === 'policy' && c.browser === 'firefox');
    assert.match(pol.en, /unsigned add-ons accepted/, 'doctor says the policies let the unsigned XPI in');
  }
}

/** Chromium started in the namespace: no --load-extension, the policies install IT's CRX. */
async function launchDeployedChromium(dep, t) {
  return async (h, sites, { display } = {}) => {
    installAsIT(t, dep, h, 'chromium');
    trustCA(path.join(h.home, '.pki', 'nssdb'), sites.caPath);
    const browser = await puppeteer.launch({
      executablePath: dep.wrap(CHROMIUM),
      headless: true,
      pipe: true,
      enableExtensions: true,
      userDataDir: h.profile,
      // puppeteer's --disable-background-networking would also stop the extension updater that
      // fetches force-installed extensions.
      ignoreDefaultArgs: ['--disable-background-networking'],
      args: ['--no-sandbox', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-default-apps',
        '--lang=fr-FR', chromiumResolver(sites)],
      env: { ...h.env, LANGUAGE: 'fr_FR', ...(display ? { DISPLAY: display } : {}) },
    });
    const cdp = await browser.target().createCDPSession();
    await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: h.downloads, eventsEnabled: true });
    // Installed by the policy once Chromium has fetched update.xml and the CRX: until then the
    // popup's URL does not load. (The worker of a policy-installed extension is not reported as a
    // target here: wait for the page instead.)
    const t0 = performance.now();
    const popupUrl = `chrome-extension://${dep.id}/popup/popup.html`;
    for (let last = null; ;) {
      // A new tab each time: a failed load of an extension URL leaves puppeteer's frame detached.
      const probe = await browser.newPage();
      const ok = await probe.goto(popupUrl, { timeout: 5000 }).then(() => probe.waitForSelector('#start, #end', { timeout: 3000 }))
        .then(() => true, (e) => {
          last = e;
          return false;
        });
      await probe.close().catch(() => {});
      if (ok) break;
      if (performance.now() - t0 > 90000) {
        throw new Error(`IT's extension never loaded (requests to IT's server: ${dep.served.join(', ') || 'none'}): ${last && last.message}`);
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    t.diagnostic(`chromium: IT's CRX force-installed, its popup loads ${(performance.now() - t0).toFixed(0)} ms after launch; served: ${dep.served.join(', ')}`);
    assert.ok(dep.served.includes('update.xml') && dep.served.some((n) => n.endsWith('.crx')), 'the CRX came from IT\'s update URL');
    return chromiumDriver({ browser, cdp, popupUrl });
  };
}

/** firefox-esr started in the namespace: policies.json installs IT's XPI from its server. */
async function launchDeployedFirefox(dep, t) {
  return async (h, sites, { display } = {}) => {
    installAsIT(t, dep, h, 'firefox');
    trustCA(h.profile, sites.caPath);
    const browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath: dep.wrap(FIREFOX),
      headless: true,
      userDataDir: h.profile,
      args: ['--remote-allow-system-access'],
      // The suite's prefs, but xpinstall.signatures.required true in the profile, as ESR's own
      // default: the policy's locked preference (installAsIT, the IT guide's way) must be what
      // lets IT's unsigned XPI in, or the popup never answers.
      extraPrefsFirefox: { ...firefoxPrefs(h, sites), 'xpinstall.signatures.required': true },
      env: { ...h.env, ...(display ? { DISPLAY: display } : {}) },
    });
    const d = firefoxDriver(browser, FIREFOX_ID, 15);
    const t0 = performance.now();
    const popup = await d.openPopup().catch((e) => {
      throw new Error(`IT's add-on never answered (requests to IT's server: ${dep.served.join(', ') || 'none'})`, { cause: e });
    });
    t.diagnostic(`firefox: IT's XPI installed by policy, popup answering ${(performance.now() - t0).toFixed(0)} ms after launch; served: ${dep.served.join(', ')}`);
    assert.ok(dep.served.some((n) => n.endsWith('.xpi')), 'the XPI came from IT\'s server');
    const self = await extensionCall(popup, async () => {
      const b = globalThis.browser;
      return { installType: (await b.management.getSelf()).installType, id: b.runtime.id };
    });
    t.diagnostic(`firefox: add-on ${self.id}, installType ${self.installType}`);
    assert.equal(self.installType, 'admin', 'the add-on is installed by policy (installType admin)');
    await popup.close();
    return d;
  };
}

/** What the Chromium policies promise, seen from the browser, before the click. */
async function chromiumPromises(t, d, popup) {
  // No history at all (SavingBrowserHistoryDisabled): before any cleanup, after four sites.
  const hist = await extensionCall(popup, async () => (await chrome.history.search({ text: '', startTime: 0, maxResults: 1000 })).map((x) => x.url));
  t.diagnostic(`chromium: ${hist.length} history entries after the visit (policy: none saved)`);
  assert.deepEqual(hist.filter((u) => VISITED.some((s) => u.includes(s.host))), [], 'Chromium saved no history (policy)');
  // The policies in effect, as chrome://policy shows them: the password manager off, etc.
  const page = await d.browser.newPage();
  try {
    await page.goto('chrome://policy/');
    const rows = await page.waitForFunction(() => {
      const seen = {};
      const walk = (root) => {
        for (const el of root.querySelectorAll('*')) {
          if (el.shadowRoot) walk(el.shadowRoot);
        }
        for (const row of root.querySelectorAll('.policy.row, .row.policy, div[role="row"]')) {
          const txt = row.innerText || row.textContent || '';
          const m = txt.match(/^\s*(\w+)/);
          if (m) seen[m[1]] = txt.replace(/\s+/g, ' ').trim();
        }
      };
      walk(document);
      return seen.PasswordManagerEnabled ? seen : null;
    }, { timeout: 15000, polling: 200 }).then((h) => h.jsonValue());
    for (const k of ['PasswordManagerEnabled', 'SavingBrowserHistoryDisabled', 'ExtensionSettings', 'NativeMessagingUserLevelHosts']) {
      t.diagnostic(`chrome://policy: ${rows[k]}`);
      assert.ok(rows[k] && !/erreur|error|ignor|avertissement|warning/i.test(rows[k]), `policy ${k} applied: ${rows[k]}`);
    }
  } finally {
    await page.close();
  }
}

/** What the Firefox policies promise, seen from the add-on, before the click. */
async function firefoxPromises(t, d, popup) {
  const r = await extensionCall(popup, async () => {
    const b = globalThis.browser;
    const wins = await b.windows.getAll();
    return {
      windows: wins.map((w) => w.incognito),
      allowed: await b.extension.isAllowedIncognitoAccess(),
      here: b.extension.inIncognitoContext,
    };
  });
  t.diagnostic(`firefox: windows incognito ${JSON.stringify(r.windows)}, add-on allowed in private windows: ${r.allowed}`);
  assert.ok(r.windows.length > 0 && r.windows.every(Boolean), 'every Firefox window is private (PrivateBrowsingModeAvailability 2)');
  assert.equal(r.allowed, true, 'the add-on is allowed in private windows (private_browsing: true)');
  // Passwords never offered: the password manager is off by policy, which Firefox applies as the
  // locked preference signon.rememberSignons=false; about:policies lists it as active.
  // Which policies.json Firefox reads: the chrome realm (--remote-allow-system-access) says.
  const { result: tree } = await d.browser.connection.send('browsingContext.getTree', { 'moz:scope': 'chrome', maxDepth: 0 });
  const { result: where } = await d.browser.connection.send('script.evaluate', {
    expression: `(() => { const f = Services.dirsvc.get("SysConfD", Ci.nsIFile); f.append("policies"); f.append("policies.json"); return f.path + " exists " + f.exists(); })()`,
    target: { context: tree.contexts[0].context }, awaitPromise: false,
  });
  t.diagnostic(`firefox: the policies file it reads first (SysConfD): ${where.result ? where.result.value : JSON.stringify(where.exceptionDetails)}`);
  const page = await d.browser.newPage();
  try {
    await page.goto('about:policies#active', { timeout: 5000 }).catch(() => {});
    const active = await page.waitForFunction(() => {
      const txt = document.body && document.body.innerText;
      return txt && txt.includes('PasswordManagerEnabled') ? txt : null;
    }, { timeout: 15000, polling: 200 }).then((h) => h.jsonValue());
    for (const k of ['PasswordManagerEnabled', 'PrivateBrowsingModeAvailability', 'ExtensionSettings', 'Preferences']) {
      assert.ok(active.includes(k), `about:policies lists ${k} as active`);
    }
    t.diagnostic('about:policies: PasswordManagerEnabled, PrivateBrowsingModeAvailability, ExtensionSettings, Preferences active');
  } finally {
    await page.close();
  }
}

for (const kind of ['chromium', 'firefox']) {
  // Firefox: installed by policies.json from IT's server, answering in the forced private window,
  // its cookies read in the private store (harness.mjs firefoxPrivateCookies) and all removed.
  // Site data in the private windows: no browsingData call reaches it (issue 15; plan.js
  // planPurge), the add-on purges it from inside each site's pages and re-reads it there
  // (lib/purge.js). Every registry site's page must then see nothing of itself. The shop is outside
  // the add-on's host permissions: it cannot be scripted, its data stays until the browser quits,
  // and the receipt says so (othersPrivate, a notice telling IT) instead of « effacées »: that one
  // check is the known gap, asserted as exactly that (its cookies gone, its storage told).
  const firefoxGaps = [
    /^site data seen by www\.example-commerce\.fr: \{"localStorage":\d+,"indexedDB":\[[^\]]*\],"serviceWorkers":\d+,"caches":\[[^\]]*\],"cookies":""\}$/,
  ];
  const firefoxSays = [/^othersPrivate notice: .*1 autre site consulté en fenêtre privée : ses données .* ne peuvent pas être effacées d'ici/,
    /^cookies ok: .*revérifiés vides dans la fenêtre privée/];
  test(`${kind} deployed: IT's build installed by the policies, then nothing of the person is left`, { skip, timeout: 300000 }, async (t) => {
    const before = snapshotSystem();
    const launch = async (h, sites, o) => {
      const dep = await deploy(path.join(h.root, 'tls'), path.join(h.root, 'tls'), sites.addr);
      // Registered after fullScenario's own clean-ups, so it runs after the browser has closed.
      t.after(async () => {
        await dep.close();
        if (!process.env.TABLERASE_E2E_KEEP) dep.cleanup();
      });
      t.diagnostic(`pack.sh: ${dep.packMs.toFixed(0)} ms, IT's extension id ${dep.id}`);
      const l = kind === 'chromium' ? await launchDeployedChromium(dep, t) : await launchDeployedFirefox(dep, t);
      return l(h, sites, o);
    };
    t.after(() => assert.deepEqual(snapshotSystem(), before, 'the real system paths are unchanged (the policies existed only in the namespace)'));
    await fullScenario(t, kind, launch, {
      shots: null,
      profileAllowed: kind === 'chromium' ? CHROMIUM_RESIDUE : FIREFOX_RESIDUE,
      // Chromium: with SavingBrowserHistoryDisabled nothing is listed in « récemment fermés » at
      // all, so the scenario's control (pages closed after the cleanup are listed) cannot hold:
      // the policy, not a gap of the cleanup (the list is empty, which the scenario checks first).
      knownGaps: kind === 'chromium' ? [/^control: pages closed after the cleanup not listed in recently closed: \[\]$/] : firefoxGaps,
      // The password manager is off by policy (host report passwords_disabled): the receipt says
      // saving was blocked — in Firefox too, rather than « erased » about passwords none could save.
      receiptSays: [/Mots de passe : enregistrement bloqué|Passwords: saving blocked/, ...(kind === 'chromium' ? [] : firefoxSays)],
      beforeEnd: (d, h, popup) => (kind === 'chromium' ? chromiumPromises(t, d, popup) : firefoxPromises(t, d, popup)),
    });
    // The system paths are also compared now, with the browser closed (fullScenario closed it).
    assert.deepEqual(snapshotSystem(), before, 'the real system paths are unchanged (the policies existed only in the namespace)');
  });
}
