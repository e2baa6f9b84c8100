// The deployed computer, as IT sets it up (manifests/DEPLOY.md), for the real-browser tests and the
// measurements: IT's build packed with its own key and served over HTTPS on loopback, the host's
// configuration naming that id, `tablerase install --system --policies`, and the browsers started
// with the policies in effect: all inside a private mount namespace whose /etc, /usr and /var are
// overlays on a temp dir, so the real system is never written (deployed.e2e.test.mjs says more).

import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import puppeteer from 'puppeteer-core';
import {
  CHROMIUM, chromiumDriver, chromiumResolver, extensionCall, FIREFOX, FIREFOX_ID, firefoxDriver, firefoxPrefs, REPO, trustCA,
} from './harness.mjs';

const UPDATE_HOST = 'extensions.tablerase.test';
const UPDATE_PORT = 8443;
const BASE = `https://${UPDATE_HOST}:${UPDATE_PORT}/tablerase`;
/** The system paths the deployed mode writes (in its namespace only); they must be unchanged outside. */
export const SYSTEM_PATHS = ['/etc/chromium', '/etc/firefox', '/usr/share/firefox-esr/distribution', '/usr/lib/mozilla',
  '/var/lib/tablerase'];

/** Why the deployed mode cannot run here, or false. */
export function namespaceProblem() {
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

/** A listing (path, size, mtime) of the system paths, to compare before and after. */
export function snapshotSystem() {
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
export async function deploy(sitesDir, caKeyDir, addr) {
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
export function installAsIT(t, dep, h, kind) {
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
export async function launchDeployedChromium(dep, t) {
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
export async function launchDeployedFirefox(dep, t) {
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
