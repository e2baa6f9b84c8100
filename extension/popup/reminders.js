// The popup's charter reminders (lib/reminders.js popupReminders() decides what is on): what to
// tell the person on the start screen, the orientation links (national map of digital-inclusion
// places, local directory set by IT), and the « aide-mémoire des codes », a disclosure the aidant
// can open and turn towards the person. Texts are message keys; only textContent and https hrefs
// from the data file or managed settings are ever set.

let current = { start: false, risks: true, codes: false, orientation: null };

/** Applies the background's `reminders` (from the `state` message). */
export function renderReminders(doc, reminders) {
  current = reminders || current;
  const o = current.orientation;
  const $ = (id) => doc.getElementById(id);
  $('orientation').hidden = !o;
  for (const [id, url] of [['orientation-map', o && o.mapUrl], ['orientation-local', o && o.localUrl]]) {
    const a = $(id);
    if (url) a.href = url;
    else a.removeAttribute('href');
    a.parentElement.hidden = !url;
  }
  $('codes').hidden = !current.codes;
}

/**
 * Shows the start lines only on the start screen (no accompaniment running). The risks line
 * (charte, article 3: « expliquera impérativement ») stays even when IT switched `start` off.
 */
export function showStartReminders(doc, sessionState) {
  const running = sessionState === 'active' || sessionState === 'ending';
  doc.getElementById('start-reminders').hidden = running || (!current.start && current.risks === false);
  for (const li of doc.querySelectorAll('#start-reminders li[data-switchable]')) li.hidden = !current.start;
}

/** Wires the codes memo's disclosure button (aria-expanded follows the memo). */
export function wireCodes(doc) {
  const button = doc.getElementById('codes-toggle');
  const memo = doc.getElementById('codes-memo');
  button.addEventListener('click', () => {
    const open = memo.hidden;
    memo.hidden = !open;
    button.setAttribute('aria-expanded', String(open));
  });
}
