// Registry of administration sites: which host names belong to which service.
//
// The registry is data (data/sites.json), extended or trimmed by IT through managed storage
// (`extraSites`, `disabledSites`). Matching is by DNS suffix on label boundaries: an entry
// `impots.gouv.fr` matches `cfspart.impots.gouv.fr` but never `xyzimpots.gouv.fr`. Entries with
// `hostsOnly` match their exact host names only (for IT's entries of a service that shares its
// parent domain with unrelated ones).
//
// Two kinds hold the aidant's own sessions as well as the person's: `webmail` (every code arrives
// there) and `account` — one company account behind many services, La Poste's: L'Identité
// Numérique is created and used through the « compte La Poste » that also follows the aidant's
// parcels and mail on laposte.fr. In scope `session` both lose only what dates from the
// accompaniment (plan.js keepsOwnSessions).
//
// `gouv.fr` is a public suffix: every *.gouv.fr service is a registrable domain of its own, so a
// managed entry whose domain is a public suffix (`gouv.fr`, `fr`, `beta.gouv.fr`…) is refused:
// it would match every administration at once and make the receipt name sites nobody used.
// We carry the few public suffixes that matter here instead of the whole Public Suffix List.

/** Public suffixes relevant to French administration sites (subset of the PSL). */
export const PUBLIC_SUFFIXES = new Set([
  'fr', 'gouv.fr', 'asso.fr', 'nom.fr', 'prd.fr', 'presse.fr', 'tm.fr', 'com.fr',
  'beta.gouv.fr', 'com', 'net', 'org', 'eu', 'info', 'io', 'app', 'dev',
  'co.uk', 'github.io',
  // Brand TLDs the bundled registry uses (BNP Paribas lives on mabanque.bnpparibas).
  'bnpparibas',
]);

/** What a site is: the receipt and the managed settings may treat the kinds differently. */
export const SITE_KINDS = Object.freeze(['administration', 'bank', 'health', 'webmail', 'account']);

/** Kinds whose sessions the aidant has too (webmail, a company account shared by many services). */
export const OWN_SESSION_KINDS = Object.freeze(['webmail', 'account']);

/** Whether the aidant may hold their own, older session on this site (see OWN_SESSION_KINDS). */
export function holdsOwnSessions(site) {
  return !!site && OWN_SESSION_KINDS.includes(site.kind);
}

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** Lower-cases a host name and strips a trailing dot; returns '' for anything not a DNS name. */
export function normalizeHost(host) {
  if (typeof host !== 'string') return '';
  let h = host.trim().toLowerCase();
  if (h.startsWith('.')) h = h.slice(1); // cookie domains carry a leading dot
  if (h.endsWith('.')) h = h.slice(0, -1);
  if (h.length === 0 || h.length > 253) return '';
  return h.split('.').every((l) => LABEL.test(l)) ? h : '';
}

/** True when `host` is `domain` or one of its subdomains. */
export function hostMatchesDomain(host, domain) {
  return host === domain || host.endsWith(`.${domain}`);
}

/**
 * The registrable domain ("eTLD+1") of a host, using PUBLIC_SUFFIXES; for an unknown suffix the
 * last two labels. Chromium's browsingData cookie filter works per registrable domain.
 */
export function registrableDomain(host) {
  const h = normalizeHost(host);
  if (!h) return '';
  const labels = h.split('.');
  for (let i = 0; i < labels.length; i++) {
    const suffix = labels.slice(i + 1).join('.');
    if (PUBLIC_SUFFIXES.has(suffix)) return labels.slice(i).join('.');
  }
  return labels.slice(-2).join('.');
}

/** Validates one site entry; returns a clean copy or null (with no exception: bad IT data is skipped). */
export function validateSite(raw) {
  if (!raw || typeof raw !== 'object') return null;
  const id = typeof raw.id === 'string' ? raw.id.trim() : '';
  const name = typeof raw.name === 'string' ? raw.name.trim() : '';
  if (!/^[a-z0-9][a-z0-9_-]{0,63}$/i.test(id) || !name) return null;
  const domains = [];
  for (const d of Array.isArray(raw.domains) ? raw.domains : []) {
    const h = normalizeHost(d);
    if (!h || PUBLIC_SUFFIXES.has(h) || !h.includes('.')) continue;
    if (!domains.includes(h)) domains.push(h);
  }
  if (domains.length === 0) return null;
  const kind = SITE_KINDS.includes(raw.kind) ? raw.kind : 'administration';
  const site = { id, name, domains, hostsOnly: raw.hostsOnly === true, kind };
  if (typeof raw.logoutUrl === 'string') {
    try {
      const u = new URL(raw.logoutUrl);
      const h = normalizeHost(u.hostname);
      // A logout URL must be https and on one of the site's own domains.
      if (u.protocol === 'https:' && h && domains.some((d) => hostMatchesDomain(h, d))) {
        site.logoutUrl = u.href;
      }
    } catch {
      // ignored: no logout URL
    }
  }
  return site;
}

/**
 * Builds the effective registry: bundled sites, minus `disabledSites` ids, plus valid
 * `extraSites` (an extra site with the id of a bundled one replaces it).
 */
export function buildRegistry(bundled, managed = {}) {
  const disabled = new Set(Array.isArray(managed.disabledSites) ? managed.disabledSites : []);
  const byId = new Map();
  for (const raw of bundled) {
    const s = validateSite(raw);
    if (s) byId.set(s.id, s);
  }
  for (const raw of Array.isArray(managed.extraSites) ? managed.extraSites : []) {
    const s = validateSite(raw);
    if (s) byId.set(s.id, s);
  }
  return [...byId.values()].filter((s) => !disabled.has(s.id));
}

/** The site a host name belongs to, or null. The longest matching domain wins. */
export function siteForHost(registry, host) {
  const h = normalizeHost(host);
  if (!h) return null;
  let best = null;
  let bestLen = -1;
  for (const site of registry) {
    for (const d of site.domains) {
      const ok = site.hostsOnly ? h === d : hostMatchesDomain(h, d);
      if (ok && d.length > bestLen) {
        best = site;
        bestLen = d.length;
      }
    }
  }
  return best;
}

/** The site a page URL belongs to (http/https only), or null. */
export function siteForUrl(registry, url) {
  try {
    const u = new URL(url);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') return null;
    return siteForHost(registry, u.hostname);
  } catch {
    return null;
  }
}

/** The site a cookie (its `domain` field) belongs to, or null. */
export function siteForCookie(registry, cookie) {
  return cookie && typeof cookie.domain === 'string' ? siteForHost(registry, cookie.domain) : null;
}

/** Match patterns (manifest host_permissions form) covering a site. */
export function hostPatterns(site) {
  return site.domains.map((d) => (site.hostsOnly ? `*://${d}/*` : `*://*.${d}/*`));
}
