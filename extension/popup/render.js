// DOM rendering shared by the popup and the receipt page (and testable with a minimal document
// fake): message keys → text. Only textContent is ever set: no HTML from messages or data.

/** Fills every [data-i18n] element with its message. */
export function localizePage(doc, t) {
  for (const el of doc.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
}

const TITLES = { clean: 'receiptTitleClean', partial: 'receiptTitlePartial', failed: 'receiptTitleFailed' };
const STATUS = { ok: 'statusOk', notice: 'statusNotice', partial: 'statusFailed', failed: 'statusFailed' };
const ACTIONS = { retry: 'actionRetry', tellIT: 'actionTellIT' };

/**
 * Renders a receipt into #receipt (sets data-status once finished).
 * @param {object} [titles]  heading key per status (the receipt page speaks to the person helped)
 */
export function renderReceipt(doc, receipt, t, titles = TITLES) {
  const section = doc.getElementById('receipt');
  section.dataset.status = receipt.status;
  doc.getElementById('receipt-h').textContent = t(titles[receipt.status] || titles.failed || 'receiptTitleFailed');
  renderLines(doc, receipt.lines, t);
  if (receipt.finishedAt) {
    doc.getElementById('receipt-at').textContent = t('receiptCheckedAt', [new Date(receipt.finishedAt).toLocaleString()]);
  }
}

/** Renders receipt lines into #receipt-lines (each `li` with data-line and its status as class). */
export function renderLines(doc, lines, t) {
  const ul = doc.getElementById('receipt-lines');
  ul.replaceChildren();
  for (const l of lines) {
    const li = doc.createElement('li');
    li.className = l.status;
    li.dataset.line = l.id;
    const st = doc.createElement('span');
    st.className = 'status';
    st.textContent = `${t(STATUS[l.status] || 'statusFailed')} :`;
    const what = doc.createElement('span');
    what.textContent = t(l.key, l.subs);
    li.append(st, what);
    if (l.action && l.status !== 'ok') {
      const todo = doc.createElement('span');
      todo.className = 'what-to-do';
      todo.textContent = t(ACTIONS[l.action]);
      li.append(todo);
    }
    ul.append(li);
  }
}

/**
 * The receipt to show: the copy kept in memory (storage.session) names the administration sites
 * used; the one on disk (storage.local `run`) only counts them. The memory copy only if it is the
 * same run's.
 */
export async function receiptToShow(b, receipt) {
  try {
    const { last } = b.storage.session ? await b.storage.session.get('last') : {};
    if (last && last.receipt && last.receipt.finishedAt === receipt.finishedAt) return last.receipt;
  } catch {
    // not readable here: the copy from disk
  }
  return receipt;
}
