// Popup: asks the background to start or end, renders state, progress and receipt. It holds no
// cleanup logic: closing it never stops the cleanup, and reopening it shows where the run is
// (the background writes `run` to storage.local; the popup follows storage.onChanged).

import { localizePage, receiptToShow, renderReceipt } from './render.js';
import { renderReminders, showStartReminders, wireCodes } from './reminders.js';

const b = globalThis.browser ?? globalThis.chrome;
const t = (key, subs) => b.i18n.getMessage(key, subs) || key;
const $ = (id) => document.getElementById(id);

let confirmBeforeEnd = false;
let startedAt = 0;
let sessionState = 'none';

function showSession() {
  const active = sessionState === 'active';
  $('start').hidden = active || sessionState === 'ending';
  // After a receipt, the button says it starts the next one.
  $('start').textContent = t(sessionState === 'ended' ? 'receiptPageNext' : 'startButton');
  $('end').hidden = !active;
  $('reminders').hidden = !active;
  showStartReminders(document, sessionState);
  if (active) $('session-state').textContent = t('sessionActive', [String(Math.max(0, Math.floor((Date.now() - startedAt) / 60000)))]);
  else if (sessionState === 'ending') $('session-state').textContent = t('sessionEnding');
  else $('session-state').textContent = t('sessionNone');
}

// The host's registration of the accompaniment (background.js registerHost): said at once when it
// failed, while it is tried again, and when it gave up.
function showHost(host) {
  const el = $('host-state');
  let key = '';
  if (sessionState === 'active' && host) {
    if (host.state === 'retrying') key = host.code === 'busy' ? 'hostBusyRetrying' : 'hostNoAnswerRetrying';
    // host_missing, protocol_mismatch: the policy line above already says it, and whom to tell.
    else if (host.state === 'failed') key = host.code === 'host_missing' || host.code === 'protocol_mismatch' ? '' : 'hostGaveUp';
    else if (host.state === 'ok' && host.attempts > 1) key = 'hostTracking';
  }
  el.textContent = key ? t(key) : '';
  el.hidden = !key;
  el.className = `host-state ${host && host.state === 'ok' ? 'ok' : 'warn'}`;
}

const PHASES = { logout: 'progressLogout', browser: 'progressBrowser', host: 'progressHost', verify: 'progressVerify', lines: 'progressVerify',
  done: 'progressDone' };

async function showRun(run) {
  if (!run) return;
  $('progress').textContent = PHASES[run.phase] ? t(PHASES[run.phase]) : '';
  if (run.phase === 'done' && run.receipt) {
    sessionState = 'ended';
    showSession();
    showHost(null);
    const receipt = await receiptToShow(b, run.receipt);
    renderReceipt(document, receipt, t);
    $('receipt').hidden = false;
    $('retry').hidden = run.receipt.status === 'clean';
    $('receipt').focus();
  } else if (run.phase !== 'idle' && PHASES[run.phase]) {
    sessionState = 'ending';
    showSession();
    $('receipt').hidden = true;
  }
}

async function refresh() {
  const s = await b.runtime.sendMessage({ type: 'state' });
  if (!s) return;
  confirmBeforeEnd = s.confirmBeforeEnd;
  startedAt = s.session.startedAt;
  sessionState = s.session.state;
  const p = $('policy');
  p.textContent = t(s.policy.key);
  p.className = `policy ${s.policy.level}`;
  renderReminders(document, s.reminders);
  showSession();
  showHost(s.session.host);
  if (s.run && s.run.phase !== 'idle' && sessionState !== 'active') showRun(s.run);
}

async function doEnd(retry = false) {
  $('confirm').hidden = true;
  $('end').disabled = true;
  $('retry').hidden = true;
  sessionState = 'ending';
  showSession();
  $('progress').textContent = t('progressLogout');
  await b.runtime.sendMessage({ type: 'end', retry });
}

$('start').addEventListener('click', async () => {
  $('start').disabled = true;
  $('receipt').hidden = true;
  $('progress').textContent = '';
  const r = await b.runtime.sendMessage({ type: 'start' });
  $('start').disabled = false;
  if (!r || !r.ok) {
    $('progress').textContent = t('errorStart');
    return;
  }
  $('private-note').textContent = r.privateOpened ? t('privateOpened') : t('privateNotAllowed');
  await refresh();
  $('end').disabled = false;
  $('end').focus();
});

$('end').addEventListener('click', () => {
  if (confirmBeforeEnd) {
    $('confirm').hidden = false;
    $('confirm-yes').focus();
  } else {
    doEnd();
  }
});
$('confirm-yes').addEventListener('click', () => doEnd());
$('confirm-no').addEventListener('click', () => {
  $('confirm').hidden = true;
  $('end').focus();
});
$('retry').addEventListener('click', () => doEnd(true));

b.storage.onChanged.addListener((changes, area) => {
  if (area === 'local' && changes.run) showRun(changes.run.newValue);
  if (area === 'local' && changes.session && changes.session.newValue && sessionState === 'active') {
    showHost(changes.session.newValue.host);
  }
});

localizePage(document, t);
wireCodes(document);
// French is the default locale: the page is English only where the browser's language is.
document.documentElement.lang = b.i18n.getUILanguage().toLowerCase().startsWith('en') ? 'en' : 'fr';
refresh();
