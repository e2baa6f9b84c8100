// What the receipt page shows, decided from `run` and the session state (pure: unit-tested).

/** The cleanup's steps, in the order background.js writes them to `run.phase`. */
export const STEPS = Object.freeze(['logout', 'browser', 'host', 'verify']);
export const STEP_KEYS = Object.freeze({
  logout: 'progressLogout', browser: 'progressBrowser', host: 'progressHost', verify: 'progressVerify',
});
/** Headings spoken to the person helped (the popup's, for the aidant, are receiptTitle*). */
export const PAGE_TITLES = Object.freeze({ clean: 'receiptPageClean', partial: 'receiptPagePartial', failed: 'receiptPageFailed' });

/**
 * @param {object|null} run           storage.local `run`
 * @param {string} sessionState       storage.local `session.state` ('none' when absent)
 * @returns {{ view: 'receipt'|'progress'|'idle', provisional?: boolean, steps?: {phase, key, state}[], live: string,
 *   idleKey?: string, next: boolean, retry: boolean }}
 *   `live`: the message key the status region announces; `next`: « Nouvel accompagnement » shown
 */
export function pageView(run, sessionState = 'none') {
  // The browser's lines verified, the host's still to come: shown as they are, no overall status.
  if (run && run.phase === 'lines' && Array.isArray(run.lines) && sessionState !== 'active') {
    return { view: 'receipt', provisional: true, status: '', live: 'receiptPageChecking', next: false, retry: false };
  }
  if (run && run.phase === 'done' && run.receipt && sessionState !== 'active') {
    const status = PAGE_TITLES[run.receipt.status] ? run.receipt.status : 'failed';
    return { view: 'receipt', status, live: PAGE_TITLES[status], next: true, retry: status !== 'clean' };
  }
  const at = run ? STEPS.indexOf(run.phase) : -1;
  if (at >= 0 && sessionState !== 'active') {
    const steps = STEPS.map((phase, i) => ({
      phase, key: STEP_KEYS[phase], state: i < at ? 'done' : i === at ? 'running' : 'todo',
    }));
    return { view: 'progress', steps, live: STEP_KEYS[run.phase], next: false, retry: false };
  }
  const active = sessionState === 'active';
  return { view: 'idle', idleKey: active ? 'receiptPageActive' : 'receiptPageNone', live: '', next: !active, retry: false };
}
