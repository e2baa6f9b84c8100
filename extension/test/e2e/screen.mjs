// The toolbar tests' screen: the browser headful on an Xvfb of the test's own, looked at and
// clicked as a person does (imagemagick screenshots of the whole screen, the extension's icon
// found by its 16 px image, xdotool). Used by toolbar.e2e.test.mjs and toolbar-firefox.e2e.test.mjs.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startFakeSites } from './fakesites/server.mjs';
import { makePersona } from './fakesites/persona.mjs';
import { deferrer, EXT_SRC, makeHome, SCREENSHOTS, startXvfb } from './harness.mjs';

/** How close (RMSE, 0: the same image) a match of the icon must be to be the icon. */
export const ICON_MATCH = 0.4;

export const xenv = (display) => ({ ...process.env, DISPLAY: display });

/** xdotool on `display`; its output. */
export const xdotool = (display, ...args) => execFileSync('xdotool', args, { env: xenv(display), encoding: 'utf8' });

/** The whole X screen, as the aidant sees it. */
export function shoot(display, file) {
  execFileSync('import', ['-window', 'root', file], { env: xenv(display), timeout: 15000 });
  return file;
}

/**
 * The best match of the extension's own 16 px icon in `band` ({ x, y, w, h }) of the screen: its
 * centre on screen and its score (see ICON_MATCH), or null when the search answered nothing.
 */
export function findIcon(display, dir, band) {
  const root = shoot(display, path.join(dir, 'toolbar.png'));
  const cropped = path.join(dir, 'band.png');
  execFileSync('convert', [root, '-crop', `${band.w}x${band.h}+${band.x}+${band.y}`, '+repage', cropped]);
  let out = '';
  try {
    execFileSync('compare', ['-metric', 'RMSE', '-subimage-search', cropped, path.join(EXT_SRC, 'icons', 'icon-16.png'), 'null:'],
      { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (e) {
    out = String(e.stderr); // compare exits 1 when the images differ, which a sub-image search always does
  }
  const m = /\(([\d.]+)\) @ (\d+),(\d+)/.exec(out);
  if (!m) return null;
  return { x: band.x + Number(m[2]) + 8, y: band.y + Number(m[3]) + 8, score: Number(m[1]) };
}

/**
 * The toolbar tests' set-up: a persona, a throwaway home (kept with TABLERASE_E2E_KEEP), an Xvfb,
 * the fake sites, the browser that `launch(h, sites, display)` starts on that display, a folder
 * for the screenshots the search works on; all undone at the end. The test sets `step` as it goes:
 * on failure, the step is told and the screen kept as screenshots/<kind>-toolbar-FAILED.png.
 */
export async function onScreen(t, kind, launch) {
  const defer = deferrer(t);
  const persona = makePersona();
  const h = makeHome(kind);
  if (!process.env.TABLERASE_E2E_KEEP) defer(h.cleanup);
  else t.diagnostic(`kept: ${h.root}`);
  const x = await startXvfb();
  defer(x.stop);
  const sites = await startFakeSites({ dir: path.join(h.root, 'tls'), persona });
  defer(() => sites.close());
  const d = await launch(h, sites, x.display);
  defer(() => d.browser.close().catch(() => {}));
  const s = { persona, h, display: x.display, sites, d, tmp: fs.mkdtempSync(path.join(h.root, 'shots-')), step: 'start' };
  defer(() => {
    if (s.step !== 'done') {
      t.diagnostic(`failed at: ${s.step}`);
      shoot(x.display, path.join(SCREENSHOTS, `${kind}-toolbar-FAILED.png`));
    }
  });
  return s;
}
