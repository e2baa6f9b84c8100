// The reminder banner, drawn in the page by the background:
//   scripting.executeScript({ target: { tabId }, func: showBanner, args: [banner] })
// with `banner` from lib/reminders.js bannerFor() (plain strings: key, lang, label, title, text,
// source, dismiss; `source` names the text and rule the reminder comes from). executeScript sends the function's source, so showBanner() must be self-contained: it
// uses nothing from this module's scope, and its CSS lives inside it.
//
// What it guarantees:
// - It reads nothing of the page and sends nothing anywhere: no title, no URL, no form field, no
//   message back. The only thing it looks up is its own element, to stay idempotent.
// - No clash with the site's styles: the banner lives in a shadow root (open: the text is the
//   same for everybody and hides nothing, and accessibility checkers such as axe-core can audit
//   it; a closed root would not stop a page from removing the host element anyway). The host
//   element's position is set with !important inline declarations, which no site stylesheet
//   overrides; the inner styles use a constructed stylesheet (not subject to the page's CSP
//   style-src), with a <style> element as the fallback where it does not apply (checked on the
//   banner's own computed style).
// - Accessible: a labelled region landmark with a heading, announced once through a polite live
//   region; a real <button> to dismiss it (Escape works too); it never takes the focus.
// - Dismissible and quiet: it is removed on dismissal and never comes back by itself (the
//   background shows each banner once per page per accompaniment).

/**
 * Draws the banner; returns true when it is on the page (drawn now or already there).
 * @param {{ key: string, lang: string, label: string, title: string, text: string, source?: string, dismiss: string }} banner
 */
export function showBanner(banner) {
  const TAG = 'tablerase-reminder';
  if (!banner || typeof banner !== 'object' || typeof banner.title !== 'string') return false;
  const doc = globalThis.document;
  const parent = doc && (doc.body || doc.documentElement);
  if (!parent) return false;
  const key = String(banner.key || '');
  for (const old of doc.querySelectorAll(TAG)) {
    if (old.getAttribute('data-key') === key) return true;
    old.remove(); // a single-page site moved on to another rule: one banner at a time
  }

  const host = doc.createElement(TAG);
  host.setAttribute('data-key', key);
  const place = [
    ['all', 'initial'], ['display', 'block'], ['position', 'fixed'], ['z-index', '2147483647'],
    ['left', '16px'], ['right', '16px'], ['bottom', '16px'], ['top', 'auto'], ['width', 'auto'],
    ['max-width', '448px'], ['margin', '0'], ['padding', '0'], ['visibility', 'visible'], ['opacity', '1'],
  ];
  for (const [prop, value] of place) host.style.setProperty(prop, value, 'important');

  const root = host.attachShadow({ mode: 'open' });
  const css = `
    :host { all: initial; }
    section { box-sizing: border-box; font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
      color: #1b1b1b; background: #ffffff; border: 2px solid #005a9c; border-left-width: 8px; border-radius: 6px;
      padding: 12px 16px; box-shadow: 0 4px 16px rgba(0, 0, 0, .3); text-align: start; }
    h2 { font: inherit; font-size: 17px; font-weight: 700; color: #00355f; margin: 0 0 4px; }
    p { margin: 0 0 10px; }
    p.source { margin-top: -6px; font-size: 14px; font-style: italic; color: #3a3a3a; }
    button { font: inherit; font-weight: 600; min-height: 44px; min-width: 44px; padding: 8px 16px; color: #ffffff;
      background: #005a9c; border: 2px solid #005a9c; border-radius: 6px; cursor: pointer; }
    button:hover { background: #00355f; border-color: #00355f; }
    button:focus-visible { outline: 3px solid #1b1b1b; outline-offset: 2px; box-shadow: 0 0 0 6px #ffbf47; }
    .sr { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; border: 0; overflow: hidden;
      clip: rect(0 0 0 0); clip-path: inset(50%); white-space: nowrap; }
    @media (forced-colors: active) { section, button { border-color: CanvasText; } }
    @media print { section { display: none; } }
  `;
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    root.adoptedStyleSheets = [sheet];
  } catch {
    // e.g. a content-script sandbox that cannot hand the sheet over: the check below falls back
  }

  const section = doc.createElement('section');
  section.setAttribute('role', 'region');
  section.setAttribute('aria-label', String(banner.label || banner.title));
  section.setAttribute('lang', banner.lang === 'en' ? 'en' : 'fr');
  const h = doc.createElement('h2');
  h.textContent = banner.title;
  const p = doc.createElement('p');
  p.textContent = String(banner.text || '');
  const button = doc.createElement('button');
  button.type = 'button';
  button.textContent = String(banner.dismiss || 'OK');
  section.append(h, p);
  if (banner.source) {
    const src = doc.createElement('p');
    src.className = 'source';
    src.textContent = String(banner.source);
    section.append(src);
  }
  section.append(button);
  const live = doc.createElement('div');
  live.className = 'sr';
  live.setAttribute('role', 'status');
  live.setAttribute('lang', banner.lang === 'en' ? 'en' : 'fr');
  root.append(section, live);

  const dismiss = () => host.remove();
  button.addEventListener('click', dismiss);
  section.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape') dismiss();
  });
  parent.append(host);
  if (globalThis.getComputedStyle(section).borderLeftWidth !== '8px') {
    // The constructed sheet did not apply: use a <style> element instead.
    const style = doc.createElement('style');
    style.textContent = css;
    root.prepend(style);
  }
  // Filled after insertion, so that screen readers announce it (politely: no focus is taken).
  setTimeout(() => {
    live.textContent = `${banner.title}. ${banner.text || ''}`;
  }, 250);
  return true;
}
