// The receipt page (receipt/): what it shows from `run` and the session state, and that it holds
// nothing of the person.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { pageView, PAGE_TITLES, STEPS } from '../receipt/view.js';

const read = (p) => fs.readFileSync(new URL(`../${p}`, import.meta.url), 'utf8');

test('each step as the background writes it: done, running, to come; announced in the status region', () => {
  const v = pageView({ phase: 'host' }, 'ending');
  assert.equal(v.view, 'progress');
  assert.deepEqual(v.steps.map((s) => `${s.phase}:${s.state}`), ['logout:done', 'browser:done', 'host:running', 'verify:todo']);
  assert.equal(v.live, 'progressHost');
  assert.equal(v.next, false, 'no « Nouvel accompagnement » before the receipt');
  assert.deepEqual(STEPS, ['logout', 'browser', 'host', 'verify']);
});

test('the verified receipt: a heading for the person per status; retry only when not clean', () => {
  const clean = pageView({ phase: 'done', receipt: { status: 'clean', lines: [] } }, 'ended');
  assert.deepEqual([clean.view, clean.live, clean.next, clean.retry], ['receipt', 'receiptPageClean', true, false]);
  const partial = pageView({ phase: 'done', receipt: { status: 'partial', lines: [] } }, 'ended');
  assert.deepEqual([partial.live, partial.retry], ['receiptPagePartial', true]);
  assert.equal(pageView({ phase: 'done', receipt: { status: '??', lines: [] } }, 'ended').live, 'receiptPageFailed');
});

test('a new accompaniment started (here or from the popup): the old receipt leaves the screen', () => {
  const v = pageView({ phase: 'done', receipt: { status: 'clean', lines: [] } }, 'active');
  assert.deepEqual([v.view, v.idleKey, v.next], ['idle', 'receiptPageActive', false]);
  assert.equal(pageView({ phase: 'idle' }, 'active').idleKey, 'receiptPageActive');
  const none = pageView(null, 'none');
  assert.deepEqual([none.view, none.idleKey, none.next], ['idle', 'receiptPageNone', true]);
});

test('the wording the person reads', () => {
  const fr = JSON.parse(read('_locales/fr/messages.json'));
  assert.equal(fr[PAGE_TITLES.clean].message, 'Vos données ont été effacées de cet ordinateur');
  assert.equal(fr.receiptPageNext.message, 'Nouvel accompagnement');
  assert.match(fr[PAGE_TITLES.partial].message, /n'a pas pu être effacée/);
});

test('the page: headings, a status region, large targets, the popup\'s rendering module, nothing but textContent', () => {
  const html = read('receipt/receipt.html');
  const js = read('receipt/receipt.js');
  const css = read('receipt/receipt.css');
  assert.match(html, /<h1 id="receipt-h"/);
  assert.match(html, /role="status" aria-live="polite"/);
  assert.match(html, /<html lang="fr">/);
  assert.match(js, /from '\.\.\/popup\/render\.js'/, 'reuses the popup\'s receipt rendering');
  assert.doesNotMatch(js + read('popup/render.js'), /innerHTML|insertAdjacentHTML|document\.write/);
  assert.match(css, /min-height: 64px/);
  assert.match(css, /font: 22px/);
  // Nothing of the person: the page reads the receipt only (no tabs, history, downloads, URL).
  assert.doesNotMatch(js, /tabs\.|history\.|downloads\.|\.url\b/);
});

test('the browser\'s lines verified, the host\'s to come: the lines shown, no overall status, nothing to click yet', () => {
  const v = pageView({ phase: 'lines', lines: [{ id: 'history', status: 'ok', key: 'receiptHistory', subs: [] }] }, 'ending');
  assert.deepEqual([v.view, v.provisional, v.status, v.live, v.next, v.retry], ['receipt', true, '', 'receiptPageChecking', false, false]);
  // Then the whole receipt replaces it.
  assert.equal(pageView({ phase: 'done', receipt: { status: 'clean', lines: [] } }, 'ended').provisional, undefined);
  const js = read('receipt/receipt.js');
  assert.match(js, /delete \$\('receipt'\)\.dataset\.status/, 'no data-status (what the tests wait for) on a provisional receipt');
});
