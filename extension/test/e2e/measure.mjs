// Measurement: time from the click on « Fin d'accompagnement » to the verified receipt, per
// browser, median of several runs, with three administration sites used (CAF + its FranceConnect
// frame, ameli, impots: one logout URL opened, ameli's) and 50 downloads, in two setups:
// - `worst`: no policies, the unpacked extension, 5,000 history entries seeded during the
//   accompaniment (so all of them must be removed and verified), in the aidant's own browser used
//   for months: 3,000 cookies of their own on 300 sites set before it (Chromium keeps at most
//   3,300), which must all still be there after each end (counted and printed);
// - `deployed`: the computer as IT sets it up (deployment.mjs: IT's CRX/XPI installed by the
//   project's policies, in a private mount namespace): Chromium saves no history, Firefox runs in
//   private windows only; no history seeded (the policies are there so that there is none).
//   Needs root and overlayfs in a mount namespace; skipped with the reason otherwise.
// Prints the figures, per step too (the run record's `steps`, and the host's own log for its
// step); asserts none (speed is reported, never asserted in tests).
//
// Beside each run, in the same browser and the same state (the same three sites, history and
// downloads seeded the same way), the floor: the browser doing only its own `browsingData.remove`
// of the same data (the cleanup's whole-profile data types since the start) and nothing else —
// no logout page, no tab, no host, no verification. What the cleanup costs beyond the browser's
// own removal is the difference.
//
//   node test/e2e/measure.mjs [--runs 5] [--browsers chromium,firefox] [--setups worst,deployed]
//   taskset -c 0 node test/e2e/measure.mjs …   (the same on fewer cores: the browsers inherit it)
//
// Under `node --test test/e2e/` this file is also picked up: it then measures with 3 runs per
// browser, worst case only, so the README test command prints the figures (TABLERASE_MEASURE_RUNS
// overrides, TABLERASE_MEASURE_RUNS=0 skips; TABLERASE_MEASURE_SETUPS=worst,deployed adds the other).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { SITES, startFakeSites } from './fakesites/server.mjs';
import { makePersona } from './fakesites/persona.mjs';
import { CHROMIUM_TYPES, FIREFOX_TYPES } from '../../lib/plan.js';
import { deploy, launchDeployedChromium, launchDeployedFirefox, namespaceProblem } from './deployment.mjs';
import {
  cannotRun, CHROMIUM, endAccompaniment, extensionCall, FIREFOX, launchChromium, launchFirefox, logIn, makeHome, OWN_COOKIES,
  ownCookiesLeft, seedOwnCookies, sleep, startAccompaniment,
} from './harness.mjs';

const HISTORY = 5000;
const DOWNLOADS = 50;

const { values: opts } = parseArgs({
  args: process.env.NODE_TEST_CONTEXT ? [] : process.argv.slice(2),
  options: {
    runs: { type: 'string' },
    browsers: { type: 'string', default: 'chromium,firefox' },
    setups: { type: 'string', default: process.env.TABLERASE_MEASURE_SETUPS || (process.env.NODE_TEST_CONTEXT ? 'worst' : 'worst,deployed') },
  },
});
const runs = Number(opts.runs ?? process.env.TABLERASE_MEASURE_RUNS ?? (process.env.NODE_TEST_CONTEXT ? 3 : 5));

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Seeds history (worst case only) and downloads from the extension page (the APIs an aidant's browsing feeds). */
async function seed(popup, h, setup, kind) {
  if (setup === 'worst') await extensionCall(popup, async (n) => {
    const b = globalThis.browser ?? globalThis.chrome;
    const hosts = ['www.caf.fr', 'assure.ameli.fr', 'cfspart.impots.gouv.fr', 'www.example-commerce.fr', 'www.service-public.fr'];
    for (let i = 0; i < n; i += 500) {
      await Promise.all(Array.from({ length: Math.min(500, n - i) }, (_, k) =>
        b.history.addUrl({ url: `https://${hosts[(i + k) % hosts.length]}/demarche/${i + k}?etape=${(i + k) % 7}` })));
    }
  }, HISTORY);
  // Firefox in private windows only: the person's downloads are private ones (a download the
  // extension starts is not, unless asked, and it would add history entries no person's does).
  const incognito = setup === 'deployed' && kind === 'firefox';
  await extensionCall(popup, async (n, inc) => {
    const b = globalThis.browser ?? globalThis.chrome;
    await Promise.all(Array.from({ length: n }, (_, i) => b.downloads.download({
      url: `https://www.caf.fr/file?n=${i}`, filename: `piece-${i}.bin`, conflictAction: 'uniquify', ...(inc ? { incognito: true } : {}),
    })));
  }, DOWNLOADS, incognito);
  const end = Date.now() + 30000;
  while (Date.now() < end) {
    const done = await extensionCall(popup, async () => {
      const b = globalThis.browser ?? globalThis.chrome;
      return (await b.downloads.search({ state: 'complete' })).length;
    });
    if (done >= DOWNLOADS && !fs.readdirSync(h.downloads).some((f) => /\.(crdownload|part)$/.test(f))) return;
    await sleep(100);
  }
  throw new Error('the seeded downloads did not complete');
}

/**
 * The host's own view of its last session.end, from its audit log (PII-free: events, counts,
 * durations): from the browser's request to the host's start (process spawn and startup), the
 * command itself, and from the command's answer to the extension having it back.
 */
function hostSide(h, receipt) {
  const file = path.join(h.state, 'tablerase', 'tablerase.log');
  let events;
  try {
    events = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  } catch {
    return null;
  }
  const cmd = events.findLast((e) => e.event === 'command' && e.cmd === 'session.end');
  const start = cmd && events.find((e) => e.event === 'host.start' && e.pid === cmd.pid);
  const step = receipt.steps && receipt.steps.host;
  if (!start || !receipt.finishedAt || !step || !receipt.durationMs) return null;
  const asked = receipt.finishedAt - receipt.durationMs + step.at;
  return {
    spawn: Date.parse(start.time) - asked,
    command: cmd.duration_ms,
    back: asked + step.ms - Date.parse(cmd.time),
  };
}

/** The cleanup's whole-profile data types in scope session (plan.js: Firefox refuses localStorage with `since`). */
function floorTypes(kind) {
  if (kind === 'chromium') return { ...CHROMIUM_TYPES };
  const { localStorage, indexedDB, serviceWorkers, ...rest } = FIREFOX_TYPES;
  return rest;
}

/** One accompaniment as in a measured run, up to the click: three sites, history, downloads. */
async function prepare(d, h, persona, setup) {
  const popup = await d.openPopup();
  await startAccompaniment(popup);
  await logIn(d, SITES.caf.host, persona.login.caf, persona.password);
  await logIn(d, SITES.ameli.host, persona.login.ameli, persona.password);
  await logIn(d, SITES.impots.host, persona.login.impots, persona.password);
  await seed(popup, h, setup, d.kind);
  return popup;
}

/** The floor: only the browser's own removal of the same data, timed from the extension page. */
async function floorRun(d, h, persona, kind, setup) {
  const popup = await prepare(d, h, persona, setup);
  const ms = await extensionCall(popup, async (types) => {
    const b = globalThis.browser ?? globalThis.chrome;
    const { session } = await b.storage.local.get('session');
    const t0 = performance.now();
    await b.browsingData.remove({ since: session.startedAt }, types);
    return performance.now() - t0;
  }, floorTypes(kind));
  await endAccompaniment(popup); // untimed: leaves the browser, Downloads and the host as after a measured run
  await popup.close().catch(() => {});
  return ms;
}

/** The browser as the setup runs it; `close` ends what the setup started (its server, its files). */
async function launch(kind, setup, h, sites, log) {
  if (setup === 'worst') return { d: await (kind === 'chromium' ? launchChromium : launchFirefox)(h, sites), close: async () => {} };
  const dep = await deploy(path.join(h.root, 'tls'), path.join(h.root, 'tls'), sites.addr);
  const t = { diagnostic: (m) => log(`${kind} deployed: ${m}`) };
  try {
    const d = await (await (kind === 'chromium' ? launchDeployedChromium : launchDeployedFirefox)(dep, t))(h, sites);
    return { d, close: async () => { await dep.close(); dep.cleanup(); } };
  } catch (e) {
    await dep.close();
    dep.cleanup();
    throw e;
  }
}

async function measureBrowser(kind, setup, log) {
  const persona = makePersona();
  const h = makeHome(kind);
  const sites = await startFakeSites({ dir: path.join(h.root, 'tls'), persona });
  let started = null;
  const out = [];
  try {
    started = await launch(kind, setup, h, sites, log);
    const { d } = started;
    if (setup === 'worst') {
      await seedOwnCookies(d);
      await sleep(1100); // older than the accompaniment's start, as in a profile used for months
    }
    for (let i = 0; i < runs; i++) {
      const popup = await prepare(d, h, persona, setup);
      // Phase times, from the storage writes the background makes as it goes.
      await popup.evaluate(() => {
        const b = globalThis.browser ?? globalThis.chrome;
        globalThis.e2ePhases = [];
        const t0 = performance.now();
        b.storage.onChanged.addListener((c, area) => {
          if (area === 'local' && c.run && c.run.newValue) globalThis.e2ePhases.push([c.run.newValue.phase, performance.now() - t0]);
        });
      });
      const r = await endAccompaniment(popup);
      const phases = await popup.evaluate(() => globalThis.e2ePhases);
      const stored = await extensionCall(popup, async () => {
        const b = globalThis.browser ?? globalThis.chrome;
        return (await b.storage.local.get('run')).run;
      });
      const receipt = (stored && stored.receipt) || {};
      out.push({ ms: r.pageMs, driverMs: r.ms, cleanupMs: receipt.durationMs ?? NaN, status: r.status,
        steps: receipt.steps || {}, host: hostSide(h, receipt),
        left: fs.readdirSync(h.downloads).length - 1, phases,
        failed: r.lines.filter((l) => /^\S+ (failed|partial):/.test(l)) });
      await popup.close().catch(() => {});
      if (setup === 'worst') {
        // Not speed but what the charter promises the aidant: their own sessions stay.
        const own = out[out.length - 1].own = await ownCookiesLeft(d);
        if (own !== OWN_COOKIES) throw new Error(`the end removed the aidant's own cookies: ${own} of ${OWN_COOKIES} left`);
      }
      out[out.length - 1].floorMs = await floorRun(d, h, persona, kind, setup);
    }
  } finally {
    if (started) await started.d.browser.close().catch(() => {});
    if (started) await started.close();
    await sites.close();
    await h.cleanup();
  }
  return out;
}

async function main(log) {
  if (runs <= 0) return;
  const cpu = os.cpus()[0];
  // The CPUs this process (and the browsers it starts) may run on: fewer than the machine's under
  // `taskset`, which is how the figures' dependence on the number of cores is measured (README).
  const usable = os.availableParallelism();
  log(`machine: ${os.cpus().length} × ${cpu ? cpu.model.trim() : '?'}${usable < os.cpus().length ? ` (${usable} usable: affinity)` : ''}, `
    + `${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.type()} ${os.release()}, node ${process.version}`);
  log(`load: 3 sites (2 logout URLs) and ${DOWNLOADS} downloads during the accompaniment; ${runs} runs per browser and setup`);
  log(`machine load at the start: ${os.loadavg().map((x) => x.toFixed(2)).join(', ')} (1, 5, 15 min)`);
  for (const setup of opts.setups.split(',')) {
    if (setup === 'worst') log(`setup worst: no policies, unpacked extension, ${HISTORY} history entries seeded during the accompaniment`);
    else if (setup === 'deployed') {
      const why = namespaceProblem();
      if (why) {
        log(`setup deployed: skipped (${why})`);
        continue;
      }
      log('setup deployed: the project\'s policies (deployment.mjs), IT\'s CRX/XPI installed by them; Chromium saves no history, Firefox in private windows only');
    } else throw new Error(`unknown setup ${setup} (worst, deployed)`);
    for (const kind of opts.browsers.split(',')) {
      const why = cannotRun(kind === 'chromium' ? CHROMIUM : FIREFOX, 'go', 'openssl', ...(setup === 'deployed' ? ['zip', 'unshare'] : []));
      if (why) {
        log(`${kind} ${setup}: skipped (${why})`);
        continue;
      }
      report(`${kind} ${setup}`, await measureBrowser(kind, setup, log), log);
    }
  }
}

/** The figures of one browser in one setup: medians, the floor, the steps, the host's side. */
function report(name, r, log) {
  const f = (x) => `${(x / 1000).toFixed(2)} s`;
  log(`${name}: click → verified receipt: median ${f(median(r.map((x) => x.ms)))} `
    + `(runs: ${r.map((x) => f(x.ms)).join(', ')}; timed by the page, as the floor; seen from the driver: median ${f(median(r.map((x) => x.driverMs)))}); `
    + `cleanup itself median ${f(median(r.map((x) => x.cleanupMs)))}; `
    + `receipts: ${r.map((x) => x.status).join(', ')}; files left: ${r.map((x) => x.left).join(', ')}`
    + `${r[0].own === undefined ? '' : `; the aidant's own cookies kept: ${r.map((x) => `${x.own}/${OWN_COOKIES}`).join(', ')}`}`);
  const floor = median(r.map((x) => x.floorMs));
  log(`${name}: floor (only browsingData.remove of the same data, same state): median ${f(floor)} `
    + `(runs: ${r.map((x) => f(x.floorMs)).join(', ')}); receipt − floor: ${(median(r.map((x) => x.ms)) - floor).toFixed(0)} ms`);
  for (const [i, x] of r.entries()) if (x.failed.length) log(`${name}: run ${i + 1} not clean: ${x.failed.join(' | ')}`);
  // Per step, from the run record (cleanup.js `steps`): where the time goes, median of the runs.
  const names = [...new Set(r.flatMap((x) => Object.keys(x.steps)))];
  const med = (n, k) => median(r.map((x) => (x.steps[n] ? x.steps[n][k] : NaN))).toFixed(0);
  log(`${name}: steps, median ms (began at +ms): ${names.map((n) => `${n} ${med(n, 'ms')} (+${med(n, 'at')})`).join(', ')}`);
  const hs = r.map((x) => x.host).filter(Boolean);
  if (hs.length) {
    const spawn = median(hs.map((x) => x.spawn));
    // Negative: the host was already running (the port opened at the start of the accompaniment).
    log(`${name}: host step seen from the host's log, median ms: request → host started ${spawn < 0 ? 'already running (port)' : spawn.toFixed(0)}, `
      + `session.end ${median(hs.map((x) => x.command)).toFixed(0)}, answer → extension ${median(hs.map((x) => x.back)).toFixed(0)}`);
  }
  const phases = r[r.length - 1].phases || [];
  // A phase's figure is when it began (the previous phase's end), not its duration.
  log(`${name}: phases of the last run (each one's start, ms since the listener): ${phases.map(([p, ms]) => `${p} ${ms.toFixed(0)}`).join(', ')}`);
}

if (process.env.NODE_TEST_CONTEXT) {
  const { test } = await import('node:test');
  test('measure: click to verified receipt (printed, not asserted)', { timeout: 600000 }, async (t) => {
    await main((s) => t.diagnostic(s));
  });
} else {
  await main((s) => console.log(s));
}
