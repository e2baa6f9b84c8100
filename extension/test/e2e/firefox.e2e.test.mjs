// End-to-end, Firefox ESR (headless, WebDriver BiDi, the unpacked add-on installed temporarily
// with browser.installExtension; unsigned add-ons allowed by the ESR pref
// xpinstall.signatures.required=false; host installed by `tablerase install --user --browsers
// firefox` into $HOME/.mozilla/native-messaging-hosts). The scenario is in scenario.mjs.
// firefox-esr is a Debian package the CI must install (apt-get install firefox-esr).

import { test } from 'node:test';
import { cannotRun, FIREFOX, launchFirefox } from './harness.mjs';
import { fullScenario } from './scenario.mjs';
import { FIREFOX_KNOWN_GAPS, FIREFOX_RESIDUE } from './residue.mjs';

const skip = cannotRun(FIREFOX, 'Xvfb', 'xclip', 'openssl', 'go');


export { FIREFOX_KNOWN_GAPS, FIREFOX_RESIDUE };

test('firefox: after one click nothing of the person is left', { skip, timeout: 180000 }, async (t) => {
  await fullScenario(t, 'firefox', launchFirefox, {
    profileAllowed: FIREFOX_RESIDUE,
    knownGaps: FIREFOX_KNOWN_GAPS,
    // The gap is told, not hidden: this test profile is not in forced private windows and has no
    // logoff clean installed, so the receipt says the copies stay and to tell IT.
    receiptSays: [/^offline notice: .*Copies hors ligne des sites.*Prévenez votre service informatique/],
  });
});
