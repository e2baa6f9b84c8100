// The receipt page (opened by the cleanup as the active tab, lib/plan.js planStartPage): follows
// `run` in storage.local as the background writes it — each step, then the verified receipt — and
// offers « Nouvel accompagnement ». The receipt is rendered by the popup's own module (render.js).

import { localizePage, receiptToShow, renderLines, renderReceipt } from '../popup/render.js';
import { pageView, PAGE_TITLES } from './view.js';

const b = globalThis.browser ?? globalThis.chrome;
const t = (key, subs) => b.i18n.getMessage(key, subs) || key;
const $ = (id) => document.getElementById(id);
const STATE_WORDS = { done: 'receiptPageStepDone', running: 'receiptPageStepRunning', todo: 'receiptPageStepTodo' };

let shownAt = 0; // the receipt on screen (its finishedAt): focus moves to it once, not at every change

async function render(run, sessionState) {
  const v = pageView(run, sessionState);
  for (const id of ['progress-box', 'receipt', 'details', 'idle']) $(id).hidden = true;
  $('page').dataset.view = v.view;
  if (v.view === 'progress') {
    $('steps').replaceChildren(...v.steps.map((s) => {
      const li = document.createElement('li');
      li.dataset.state = s.state;
      if (s.state === 'running') li.setAttribute('aria-current', 'step');
      li.textContent = `${t(s.key)} ${t(STATE_WORDS[s.state])}`;
      return li;
    }));
    $('progress-box').hidden = false;
  } else if (v.view === 'receipt' && v.provisional) {
    // Each line as soon as it is verified; no overall status (data-status) before the last one.
    delete $('receipt').dataset.status;
    $('receipt-h').textContent = t('receiptPageChecking');
    $('receipt-help').hidden = true;
    $('receipt-at').textContent = '';
    renderLines(document, await pendingLines(run), t);
    $('receipt').hidden = false;
    $('details').hidden = false;
  } else if (v.view === 'receipt') {
    const receipt = await receiptToShow(b, run.receipt);
    renderReceipt(document, receipt, t, PAGE_TITLES);
    $('receipt-help').textContent = v.status === 'clean' ? '' : t('receiptPagePartialHelp');
    $('receipt-help').hidden = v.status === 'clean';
    $('receipt').hidden = false;
    $('details').hidden = false;
    if (shownAt !== receipt.finishedAt) {
      shownAt = receipt.finishedAt;
      $('receipt-h').focus();
    }
  } else {
    $('idle-text').textContent = t(v.idleKey);
    $('idle').hidden = false;
  }
  $('live').textContent = v.live ? t(v.live) : '';
  $('next').hidden = !v.next;
  $('retry').hidden = !v.retry;
}

/** The lines verified so far: the memory copy names the sites (same run only), the disk one counts them. */
async function pendingLines(run) {
  try {
    const { pending } = b.storage.session ? await b.storage.session.get('pending') : {};
    if (pending && Array.isArray(pending.lines) && pending.lines.length === run.lines.length) return pending.lines;
  } catch {
    // not readable here: the copy from disk
  }
  return run.lines;
}

let current = { run: null, session: 'none' };
async function refresh() {
  const { run, session } = await b.storage.local.get(['run', 'session']);
  current = { run: run || null, session: (session && session.state) || 'none' };
  await render(current.run, current.session);
}

b.storage.onChanged.addListener((changes, area) => {
  if (area !== 'local' || (!changes.run && !changes.session)) return;
  if (changes.run) current.run = changes.run.newValue || null;
  if (changes.session) current.session = (changes.session.newValue && changes.session.newValue.state) || 'none';
  render(current.run, current.session).catch(() => {});
});

// Starting the next accompaniment is an explicit action: nothing starts by itself here.
$('next').addEventListener('click', async () => {
  $('next').disabled = true;
  $('error').hidden = true;
  const r = await b.runtime.sendMessage({ type: 'start' }).catch(() => null);
  $('next').disabled = false;
  if (!r || !r.ok) {
    $('error').textContent = t('errorStart');
    $('error').hidden = false;
    return;
  }
  // The start page IT chose (managed `startPage`), else this page says an accompaniment is on.
  if (r.startPage) location.assign(r.startPage);
  else await refresh();
});
$('retry').addEventListener('click', () => {
  $('retry').hidden = true;
  b.runtime.sendMessage({ type: 'end', retry: true }).catch(() => {});
});

localizePage(document, t);
document.documentElement.lang = b.i18n.getUILanguage().toLowerCase().startsWith('en') ? 'en' : 'fr';
refresh();
