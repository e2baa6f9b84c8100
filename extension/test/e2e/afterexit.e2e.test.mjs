// Scope `session` on a computer without the logon/logoff hook (the e2e homes are installed with
// `tablerase install --user`, no --hooks), Debian Chromium and firefox-esr: nobody runs
// `tablerase clean`. The host's session.end starts `tablerase clean --after-exit`, detached; it
// waits while the browser runs and, once the browser has exited, removes what the accompaniment
// wrote in the profile (browser_residue). Proved by the forensic search of the whole home after
// the exit: 0 marks of the person, with no clean run by the test. The host's log shows the wait
// (skipped while the browser ran, then cleared by the clean-after-exit process).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { cannotRun, CHROMIUM, endAccompaniment, FIREFOX, launchChromium, launchFirefox, setUp, sleep } from './harness.mjs';
import { forensics, visit } from './scenario.mjs';

const BROWSERS = {
  chromium: { launch: launchChromium, skip: cannotRun(CHROMIUM, 'openssl', 'go') },
  firefox: { launch: launchFirefox, skip: cannotRun(FIREFOX, 'openssl', 'go') },
};

/** The host's log events, one object per line (counts and codes only, by the host's rule). */
function hostEvents(h) {
  const file = path.join(h.state, 'tablerase', 'tablerase.log');
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => {
    try {
      return JSON.parse(l);
    } catch {
      return {};
    }
  });
}

/** The events of the clean-after-exit processes: pids, then their browser_residue steps. */
function afterExitSteps(h) {
  const ev = hostEvents(h);
  const pids = new Set(ev.filter((e) => e.event === 'host.start' && e.caller === 'clean-after-exit').map((e) => e.pid));
  return { started: pids.size, steps: ev.filter((e) => pids.has(e.pid) && e.step === 'browser_residue') };
}

for (const kind of ['chromium', 'firefox']) {
  test(`${kind}: without the logoff hook, the accompaniment's residue goes when the browser exits, with no clean run`,
    { skip: BROWSERS[kind].skip, timeout: 180000 }, async (t) => {
      const { persona, h, d } = await setUp(t, kind, { launch: BROWSERS[kind].launch });
      const popup = await d.openPopup();
      await visit(d, h, persona, { popup, awaitHost: true });
      const receipt = await endAccompaniment(popup);
      t.diagnostic(`receipt: ${receipt.lines.join(' | ')}`);
      assert.equal(receipt.status, 'clean', receipt.lines.join('\n'));
      assert.ok(!receipt.lines.some((l) => l.startsWith('afterClose ')), 'no logoff clean here: the receipt does not promise it');

      // The wait started with the end, and found the browser running.
      for (let i = 0; i < 200 && !afterExitSteps(h).steps.length; i++) await sleep(100);
      const waiting = afterExitSteps(h);
      assert.ok(waiting.started >= 1, 'session.end started clean --after-exit');
      assert.equal(waiting.steps[0] && `${waiting.steps[0].status} ${waiting.steps[0].code}`, 'skipped browser_running',
        'while the browser runs, its profile is not touched');

      await d.browser.close();
      const t0 = Date.now();
      let done = null;
      for (let i = 0; i < 600 && !done; i++) {
        done = afterExitSteps(h).steps.find((s) => s.status === 'cleared' || s.status === 'failed');
        if (!done) await sleep(100);
      }
      assert.ok(done, `no browser_residue step after the exit within 60 s: ${JSON.stringify(afterExitSteps(h))}`);
      t.diagnostic(`after exit: browser_residue ${done.status}, ${done.removed} entries removed, ${Date.now() - t0} ms after the browser closed`);
      assert.equal(done.status, 'cleared');
      assert.ok(done.removed > 0, 'the accompaniment left residue for it to remove');

      const left = forensics(t, h, persona, { label: 'after the browser exit, no clean run' });
      assert.deepEqual(left.lines, [], 'nothing of the person anywhere in the home');
    });
}
