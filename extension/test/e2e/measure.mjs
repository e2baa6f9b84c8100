// Measurement: time from the click on « Fin d'accompagnement » to the verified receipt, per
// browser, median of several runs, with three administration sites used (CAF + its FranceConnect
// frame, ameli, impots: one logout URL opened, ameli's), 5,000 history entries and 50 downloads seeded
// during the accompaniment (so all of them must be removed and verified: the worst case).
// Prints the figures, per step too (the run record's `steps`, and the host's own log for its
// step); asserts none (speed is reported, never asserted in tests).
//
// Beside each run, in the same browser and the same state (the same three sites, history and
// downloads seeded the same way), the floor: the browser doing only its own `browsingData.remove`
// of the same data (the cleanup's whole-profile data types since the start) and nothing else —
// no logout page, no tab, no host, no verification. What the cleanup costs beyond the browser's
// own removal is the difference.
//
//   node test/e2e/measure.mjs [--runs 5] [--browsers chromium,firefox]
//
// Under `node --test test/e2e/` this file is also picked up: it then measures with 3 runs per
// browser, so the README test command prints the figures (TABLERASE_MEASURE_RUNS overrides;
// TABLERASE_MEASURE_RUNS=0 skips).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { SITES, startFakeSites } from './fakesites/server.mjs';
import { makePersona } from './fakesites/persona.mjs';
import { CHROMIUM_TYPES, FIREFOX_TYPES } from '../../lib/plan.js';
import {
  cannotRun, CHROMIUM, endAccompaniment, extensionCall, FIREFOX, launchChromium, launchFirefox, logIn, makeHome, sleep,
  startAccompaniment,
} from './harness.mjs';

const HISTORY = 5000;
const DOWNLOADS = 50;

const { values: opts } = parseArgs({
  args: process.env.NODE_TEST_CONTEXT ? [] : process.argv.slice(2),
  options: { runs: { type: 'string' }, browsers: { type: 'string', default: 'chromium,firefox' } },
});
const runs = Number(opts.runs ?? process.env.TABLERASE_MEASURE_RUNS ?? (process.env.NODE_TEST_CONTEXT ? 3 : 5));

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Seeds history and downloads from the extension page (the APIs an aidant's browsing feeds). */
async function seed(popup, h) {
  await extensionCall(popup, async (n) => {
    const b = globalThis.browser ?? globalThis.chrome;
    const hosts = ['www.caf.fr', 'assure.ameli.fr', 'cfspart.impots.gouv.fr', 'www.example-commerce.fr', 'www.service-public.fr'];
    for (let i = 0; i < n; i += 500) {
      await Promise.all(Array.from({ length: Math.min(500, n - i) }, (_, k) =>
        b.history.addUrl({ url: `https://${hosts[(i + k) % hosts.length]}/demarche/${i + k}?etape=${(i + k) % 7}` })));
    }
  }, HISTORY);
  await extensionCall(popup, async (n) => {
    const b = globalThis.browser ?? globalThis.chrome;
    await Promise.all(Array.from({ length: n }, (_, i) => b.downloads.download({ url: `https://www.caf.fr/file?n=${i}`, filename: `piece-${i}.bin`, conflictAction: 'uniquify' })));
  }, DOWNLOADS);
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
async function prepare(d, h, persona) {
  const popup = await d.openPopup();
  await startAccompaniment(popup);
  await logIn(d, SITES.caf.host, persona.login.caf, persona.password);
  await logIn(d, SITES.ameli.host, persona.login.ameli, persona.password);
  await logIn(d, SITES.impots.host, persona.login.impots, persona.password);
  await seed(popup, h);
  return popup;
}

/** The floor: only the browser's own removal of the same data, timed from the extension page. */
async function floorRun(d, h, persona, kind) {
  const popup = await prepare(d, h, persona);
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

async function measureBrowser(kind) {
  const persona = makePersona();
  const h = makeHome(kind);
  const sites = await startFakeSites({ dir: path.join(h.root, 'tls'), persona });
  const d = await (kind === 'chromium' ? launchChromium : launchFirefox)(h, sites);
  const out = [];
  try {
    for (let i = 0; i < runs; i++) {
      const popup = await prepare(d, h, persona);
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
      out.push({ ms: r.ms, cleanupMs: receipt.durationMs ?? NaN, status: r.status,
        steps: receipt.steps || {}, host: hostSide(h, receipt),
        left: fs.readdirSync(h.downloads).length - 1, phases,
        failed: r.lines.filter((l) => /^\S+ (failed|partial):/.test(l)) });
      await popup.close().catch(() => {});
      out[out.length - 1].floorMs = await floorRun(d, h, persona, kind);
    }
  } finally {
    await d.browser.close().catch(() => {});
    await sites.close();
    h.cleanup();
  }
  return out;
}

async function main(log) {
  if (runs <= 0) return;
  const cpu = os.cpus()[0];
  log(`machine: ${os.cpus().length} × ${cpu ? cpu.model.trim() : '?'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.type()} ${os.release()}, node ${process.version}`);
  log(`load: 3 sites (2 logout URLs), ${HISTORY} history entries and ${DOWNLOADS} downloads seeded during the accompaniment; ${runs} runs; no policies (the worst case)`);
  log(`machine load at the start: ${os.loadavg().map((x) => x.toFixed(2)).join(', ')} (1, 5, 15 min)`);
  for (const kind of opts.browsers.split(',')) {
    const why = cannotRun(kind === 'chromium' ? CHROMIUM : FIREFOX, 'go', 'openssl');
    if (why) {
      log(`${kind}: skipped (${why})`);
      continue;
    }
    const r = await measureBrowser(kind);
    const f = (x) => `${(x / 1000).toFixed(2)} s`;
    log(`${kind}: click → verified receipt: median ${f(median(r.map((x) => x.ms)))} `
      + `(runs: ${r.map((x) => f(x.ms)).join(', ')}); cleanup itself median ${f(median(r.map((x) => x.cleanupMs)))}; `
      + `receipts: ${r.map((x) => x.status).join(', ')}; files left: ${r.map((x) => x.left).join(', ')}`);
    const floor = median(r.map((x) => x.floorMs));
    log(`${kind}: floor (only browsingData.remove of the same data, same state): median ${f(floor)} `
      + `(runs: ${r.map((x) => f(x.floorMs)).join(', ')}); receipt − floor: ${(median(r.map((x) => x.ms)) - floor).toFixed(0)} ms`);
    for (const [i, x] of r.entries()) if (x.failed.length) log(`${kind}: run ${i + 1} not clean: ${x.failed.join(' | ')}`);
    // Per step, from the run record (cleanup.js `steps`): where the time goes, median of the runs.
    const names = [...new Set(r.flatMap((x) => Object.keys(x.steps)))];
    const med = (n, k) => median(r.map((x) => (x.steps[n] ? x.steps[n][k] : NaN))).toFixed(0);
    log(`${kind}: steps, median ms (began at +ms): ${names.map((n) => `${n} ${med(n, 'ms')} (+${med(n, 'at')})`).join(', ')}`);
    const hs = r.map((x) => x.host).filter(Boolean);
    if (hs.length) {
      const spawn = median(hs.map((x) => x.spawn));
      // Negative: the host was already running (the port opened at the start of the accompaniment).
      log(`${kind}: host step seen from the host's log, median ms: request → host started ${spawn < 0 ? 'already running (port)' : spawn.toFixed(0)}, `
        + `session.end ${median(hs.map((x) => x.command)).toFixed(0)}, answer → extension ${median(hs.map((x) => x.back)).toFixed(0)}`);
    }
    const phases = r[r.length - 1].phases || [];
    // A phase's figure is when it began (the previous phase's end), not its duration.
    log(`${kind}: phases of the last run (each one's start, ms since the listener): ${phases.map(([p, ms]) => `${p} ${ms.toFixed(0)}`).join(', ')}`);
  }
}

if (process.env.NODE_TEST_CONTEXT) {
  const { test } = await import('node:test');
  test('measure: click to verified receipt (printed, not asserted)', { timeout: 300000 }, async (t) => {
    await main((s) => t.diagnostic(s));
  });
} else {
  await main((s) => console.log(s));
}
