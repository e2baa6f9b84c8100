// Reminders of the charter of the aidant numérique: which page calls for which reminder.
//
// The aidant follows two texts, and they ask for more than a wipe: « Les règles d'or de
// l'accompagnement » (règle N) and the « Charte de l'aidant numérique » (article N). The browser knows
// when some of their rules matter: creating an email address (règles d'or, règle 3), a benefit or
// tax simulator (règles d'or, règle 4), a procedure that needs an expert (charte, article 4). Each
// reminder names the text and the rule it comes from, and the banner shows it. The page patterns and their texts are data (data/reminders.json, beside the sites
// registry) so that a contributor adds a rule without code; IT switches any reminder off through
// managed storage (`disabledReminders`: a reminder id such as `email`, or one page, `email/google`;
// the popup's own reminders are `start`, `orientation` and `codes`).
//
// Matching is deliberately narrow, because a reminder on the wrong page teaches the aidant to
// ignore them all: https only, exact host names (no subdomain wildcard: `accounts.google.com` is
// sign-up, `mail.google.com` is not), and path prefixes on segment boundaries (`/signup` matches
// `/signup/v2`, never `/signups`). The fragment is never looked at, nor the query, except where a
// page pattern names a query parameter and its exact value (`query`: portals whose every page
// shares one path and is told apart by a parameter, as ameli's `_pageLabel`): a sign-in URL
// carrying `?continue=/signup` is no sign-up page, and `?x=as_info_perso_page` is no page label.
//
// Privacy: nothing here keeps a URL. What is remembered is the key of the rule that matched
// (`email/google`) and the start time of the accompaniment it was shown in, so that each banner
// appears once per page per accompaniment, and never outside one.

import { normalizeHost } from './registry.js';

/** Reminders the popup shows itself (not in the data file), switchable like the others. */
export const POPUP_REMINDERS = Object.freeze(['start', 'orientation', 'codes']);

const ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const MAX_TEXT = 400;

function text(raw) {
  return typeof raw === 'string' && raw.trim() && raw.length <= MAX_TEXT ? raw.trim() : '';
}

/** A `{ fr, en }` text with French required; English falls back to French. Null if unusable. */
export function validateTexts(raw) {
  if (!raw || typeof raw !== 'object') return null;
  const fr = text(raw.fr);
  if (!fr) return null;
  return { fr, en: text(raw.en) || fr };
}

/** A path prefix: starts with `/`, lower-cased, no trailing slash (except `/` itself); '' if invalid. */
export function normalizePathPrefix(p) {
  if (typeof p !== 'string' || !p.startsWith('/') || p.startsWith('//') || /[\s?#]/.test(p)) return '';
  const lower = p.toLowerCase();
  return lower.length > 1 && lower.endsWith('/') ? lower.slice(0, -1) : lower;
}

/** True when `pathname` is `prefix` or lies below it (`/`, or `;jsessionid=` on Java sites). */
export function pathMatches(pathname, prefix) {
  if (prefix === '/') return true;
  const p = pathname.toLowerCase();
  return p === prefix || p === `${prefix}/` || p.startsWith(`${prefix}/`) || p.startsWith(`${prefix};`);
}

/** Validates one page pattern; returns a clean copy or null (bad data is skipped, never thrown). */
export function validatePage(raw) {
  if (!raw || typeof raw !== 'object' || typeof raw.id !== 'string' || !ID.test(raw.id)) return null;
  const hosts = [];
  for (const h of Array.isArray(raw.hosts) ? raw.hosts : []) {
    const n = normalizeHost(h);
    // A bare suffix or single label would match far too much.
    if (n && n.split('.').length >= 2 && !hosts.includes(n)) hosts.push(n);
  }
  if (hosts.length === 0) return null;
  let paths = null;
  if (raw.paths !== undefined) {
    if (!Array.isArray(raw.paths)) return null;
    paths = [...new Set(raw.paths.map(normalizePathPrefix).filter(Boolean))];
    if (paths.length === 0) return null; // a typo in `paths` must not widen the rule to the whole host
  }
  // `query`: parameters that must all be present with exactly these values (names and values are
  // compared as they are, after URL decoding). An empty or malformed one refuses the page rather
  // than widening it.
  let query = null;
  if (raw.query !== undefined) {
    if (!raw.query || typeof raw.query !== 'object' || Array.isArray(raw.query)) return null;
    const entries = Object.entries(raw.query);
    if (entries.length === 0 || entries.some(([k, v]) => !k || typeof v !== 'string' || !v || k.length > 64 || v.length > 128)) return null;
    query = Object.fromEntries(entries);
  }
  return query ? { id: raw.id, hosts, paths, query } : { id: raw.id, hosts, paths };
}

/** Whether every parameter of `query` is in `params` with exactly its value. */
export function queryMatches(params, query) {
  return Object.entries(query).every(([k, v]) => params.getAll(k).includes(v));
}

/** The two texts a reminder may come from (data/reminders.json `sources`). */
export const SOURCE_TEXTS = Object.freeze(['reglesDor', 'charte']);

/** A reminder's source: `{ text, ref }` with a known text and a rule/article number; null otherwise. */
export function validateSource(raw) {
  if (!raw || typeof raw !== 'object' || !SOURCE_TEXTS.includes(raw.text)) return null;
  return Number.isInteger(raw.ref) && raw.ref > 0 && raw.ref < 100 ? { text: raw.text, ref: raw.ref } : null;
}

/** Validates one reminder (id, title, text, source, pages); null when unusable. */
export function validateReminder(raw) {
  if (!raw || typeof raw !== 'object' || typeof raw.id !== 'string' || !ID.test(raw.id)) return null;
  if (POPUP_REMINDERS.includes(raw.id)) return null;
  const title = validateTexts(raw.title);
  const body = validateTexts(raw.text);
  if (!title || !body) return null;
  const pages = [];
  for (const p of Array.isArray(raw.pages) ? raw.pages : []) {
    const page = validatePage(p);
    if (page && !pages.some((q) => q.id === page.id)) pages.push(page);
  }
  // A reminder must say which text it comes from: the two texts are not to be mixed up.
  const source = validateSource(raw.source);
  return pages.length && source ? { id: raw.id, title, text: body, source, pages } : null;
}

/** An https URL or ''. */
export function httpsUrl(raw) {
  if (typeof raw !== 'string' || raw.length > 2048) return '';
  try {
    const u = new URL(raw);
    return u.protocol === 'https:' && normalizeHost(u.hostname) && !u.username && !u.password ? u.href : '';
  } catch {
    return '';
  }
}

const UI_DEFAULTS = {
  label: { fr: 'Rappel pour l\'aidant numérique (Table rase)', en: 'Reminder for the digital helper (Table rase)' },
  dismiss: { fr: 'J\'ai compris, fermer', en: 'Got it, close' },
};

/** The texts' own titles, `$1` standing for the number (used when the data file lacks them). */
const SOURCE_DEFAULTS = {
  reglesDor: { fr: 'Les règles d\'or de l\'accompagnement, règle $1', en: 'The golden rules of support, rule $1' },
  charte: { fr: 'Charte de l\'aidant numérique, article $1', en: 'Digital helper charter, article $1' },
};

/** « Les règles d'or de l'accompagnement, règle 3 »: a reminder's source in `lang`. */
export function sourceLine(config, source, lang = 'fr') {
  const l = lang === 'en' ? 'en' : 'fr';
  const titles = (config.sources && config.sources[source.text]) || SOURCE_DEFAULTS[source.text];
  return titles[l].replace('$1', String(source.ref));
}

/**
 * The usable configuration from data/reminders.json.
 * @returns {{ ui: { label, dismiss }, sources: object, mapUrl: string, reminders: object[] }}
 */
export function loadReminders(data) {
  const d = data && typeof data === 'object' ? data : {};
  const ui = d.ui && typeof d.ui === 'object' ? d.ui : {};
  const reminders = [];
  for (const raw of Array.isArray(d.reminders) ? d.reminders : []) {
    const r = validateReminder(raw);
    if (r && !reminders.some((x) => x.id === r.id)) reminders.push(r);
  }
  const sources = {};
  for (const t of SOURCE_TEXTS) {
    const v = d.sources && validateTexts(d.sources[t]);
    sources[t] = v && v.fr.includes('$1') && v.en.includes('$1') ? v : SOURCE_DEFAULTS[t];
  }
  return {
    ui: { label: validateTexts(ui.label) || UI_DEFAULTS.label, dismiss: validateTexts(ui.dismiss) || UI_DEFAULTS.dismiss },
    sources,
    mapUrl: httpsUrl(d.orientation && d.orientation.mapUrl),
    reminders,
  };
}

/** Whether the managed list `disabled` switches off reminder `id` (or its page `pageId`). */
export function isDisabled(disabled, id, pageId = '') {
  if (!Array.isArray(disabled)) return false;
  return disabled.includes(id) || (pageId !== '' && disabled.includes(`${id}/${pageId}`));
}

/**
 * The reminder a page URL calls for, or null.
 * @returns {{ reminder: object, page: object, key: string } | null}  key: `<reminder>/<page>`
 */
export function matchPage(config, url, disabled = []) {
  let u;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol !== 'https:') return null;
  const host = normalizeHost(u.hostname);
  if (!host) return null;
  for (const reminder of config.reminders) {
    if (isDisabled(disabled, reminder.id)) continue;
    for (const page of reminder.pages) {
      if (isDisabled(disabled, reminder.id, page.id) || !page.hosts.includes(host)) continue;
      if (page.paths && !page.paths.some((p) => pathMatches(u.pathname, p))) continue;
      if (page.query && !queryMatches(u.searchParams, page.query)) continue;
      return { reminder, page, key: `${reminder.id}/${page.id}` };
    }
  }
  return null;
}

/** 'en' when the browser's UI language is English, else French (the product's language). */
export function pickLang(uiLanguage) {
  return typeof uiLanguage === 'string' && uiLanguage.toLowerCase().startsWith('en') ? 'en' : 'fr';
}

/** Whether the banner `key` was already shown during this accompaniment. */
export function alreadyShown(record, session, key) {
  return !!(record && session && record.startedAt === session.startedAt && Array.isArray(record.keys) && record.keys.includes(key));
}

/** The record after showing `key`: a new accompaniment starts a new record. */
export function recordShown(record, session, key) {
  const keys = record && record.startedAt === session.startedAt && Array.isArray(record.keys) ? record.keys : [];
  return { startedAt: session.startedAt, keys: keys.includes(key) ? keys : [...keys, key] };
}

/**
 * The banner to show on a page, or null: none outside an accompaniment, none on a page no rule
 * matches, none twice for the same rule in one accompaniment.
 * @param {object} a
 * @param {object} a.config     loadReminders() result
 * @param {string} a.url        the page URL (only matched, never kept)
 * @param {object} a.session    the extension's session (`state`, `startedAt`)
 * @param {object} [a.shown]    the record kept by recordShown()
 * @param {string[]} [a.disabled]  managed `disabledReminders`
 * @param {'fr'|'en'} [a.lang]
 * @returns {{ key: string, banner: { key, lang, label, title, text, source, dismiss } } | null}
 *   `banner` holds plain strings only: it is the argument of the injected showBanner().
 */
export function bannerFor({ config, url, session, shown = null, disabled = [], lang = 'fr' }) {
  if (!session || session.state !== 'active' || !session.startedAt) return null;
  const m = matchPage(config, url, disabled);
  if (!m || alreadyShown(shown, session, m.key)) return null;
  const l = lang === 'en' ? 'en' : 'fr';
  return {
    key: m.key,
    banner: {
      key: m.key,
      lang: l,
      label: config.ui.label[l],
      title: m.reminder.title[l],
      text: m.reminder.text[l],
      source: sourceLine(config, m.reminder.source, l),
      dismiss: config.ui.dismiss[l],
    },
  };
}

/**
 * What the popup shows: the start lines (the risks line always), the codes memo, and the orientation links (the map from
 * the data file, the local directory from managed `localDirectoryUrl`). Orientation is null when
 * switched off or when there is no link at all.
 */
export function popupReminders(config, { disabledReminders = [], localDirectoryUrl = '' } = {}) {
  const mapUrl = config.mapUrl;
  const localUrl = httpsUrl(localDirectoryUrl);
  const orientation = isDisabled(disabledReminders, 'orientation') || (!mapUrl && !localUrl) ? null : { mapUrl, localUrl };
  return {
    start: !isDisabled(disabledReminders, 'start'),
    // Charte, article 3: the aidant « expliquera impérativement » the risks of giving personal data
    // to a third party. Not a reminder IT may switch off: `start` hides the other start lines only.
    risks: true,
    codes: !isDisabled(disabledReminders, 'codes'),
    orientation,
  };
}

/** Every host name a rule needs (each must be covered by the manifest's host permissions). */
export function reminderHosts(config) {
  return [...new Set(config.reminders.flatMap((r) => r.pages.flatMap((p) => p.hosts)))].sort();
}
