import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { buildRegistry, hostPatterns, normalizeHost, registrableDomain, siteForCookie, siteForHost, siteForUrl, validateSite } from '../lib/registry.js';

const bundled = JSON.parse(fs.readFileSync(new URL('../data/sites.json', import.meta.url))).sites;
const registry = buildRegistry(bundled);
const id = (s) => (s ? s.id : null);

test('every bundled site is valid and sites.md services are present', () => {
  assert.equal(registry.length, bundled.length, 'no bundled entry is dropped by validation');
  for (const want of ['caf', 'ameli', 'impots', 'franceconnect', 'francetravail', 'msa', 'ants', 'inforetraite', 'cnav',
    'servicepublic', 'monespacesante', 'laposte-idn', 'franceidentite', 'mesdroitssociaux', 'urssaf', 'agircarrco',
    'labanquepostale', 'aidantsconnect', 'moncompteformation', 'chequeenergie', 'anef',
    // issue 12: France Services partners and daily services
    'justice', 'antai', 'logementsocial', 'mdph', 'doctolib', 'creditagricole', 'caissedepargne', 'banquepopulaire',
    'creditmutuel', 'cic', 'sg', 'lcl', 'bnpparibas', 'educonnect', 'etudiant', 'parcoursup', 'anah', 'proconnect', 'payfip']) {
    assert.ok(registry.some((s) => s.id === want), want);
  }
});

test('subdomains match on label boundaries only', () => {
  assert.equal(id(siteForHost(registry, 'wwwd.caf.fr')), 'caf');
  assert.equal(id(siteForHost(registry, 'CAF.FR.')), 'caf');
  assert.equal(id(siteForHost(registry, 'notcaf.fr')), null);
  assert.equal(id(siteForHost(registry, 'caf.fr.evil.example')), null);
  assert.equal(id(siteForUrl(registry, 'https://assure.ameli.fr/PortailAS/x?y=1')), 'ameli');
  assert.equal(id(siteForUrl(registry, 'file:///home/caf.fr')), null);
  assert.equal(id(siteForUrl(registry, 'not a url')), null);
});

test('*.gouv.fr: each service is its own site, gouv.fr itself is no site', () => {
  assert.equal(id(siteForHost(registry, 'cfspart.impots.gouv.fr')), 'impots');
  assert.equal(id(siteForHost(registry, 'moncompte.ants.gouv.fr')), 'ants');
  assert.equal(id(siteForHost(registry, 'app.franceconnect.gouv.fr')), 'franceconnect');
  assert.equal(id(siteForHost(registry, 'www.gouv.fr')), null);
  assert.equal(id(siteForHost(registry, 'gouv.fr')), null);
  assert.equal(registrableDomain('cfspart.impots.gouv.fr'), 'impots.gouv.fr');
  assert.equal(registrableDomain('aidantsconnect.beta.gouv.fr'), 'aidantsconnect.beta.gouv.fr');
  assert.equal(registrableDomain('www.caf.fr'), 'caf.fr');
});

test('managed entries that are public suffixes are refused', () => {
  assert.equal(validateSite({ id: 'x', name: 'X', domains: ['gouv.fr'] }), null);
  assert.equal(validateSite({ id: 'x', name: 'X', domains: ['fr'] }), null);
  assert.equal(validateSite({ id: 'x', name: 'X', domains: ['beta.gouv.fr'] }), null);
  const r = buildRegistry(bundled, { extraSites: [{ id: 'all', name: 'Tout', domains: ['gouv.fr'] }] });
  assert.equal(id(siteForHost(r, 'www.gouv.fr')), null, 'a bad managed entry cannot capture every *.gouv.fr');
});

test('hostsOnly sites match their exact hosts, not their parent domain', () => {
  assert.equal(id(siteForHost(registry, 'aidantsconnect.beta.gouv.fr')), 'aidantsconnect');
  assert.equal(id(siteForHost(registry, 'x.aidantsconnect.beta.gouv.fr')), null);
  const r = buildRegistry(bundled, { extraSites: [{ id: 'it', name: 'IT', hostsOnly: true, domains: ['app.example.fr'] }] });
  assert.equal(id(siteForHost(r, 'app.example.fr')), 'it');
  assert.equal(id(siteForHost(r, 'www.example.fr')), null);
  assert.equal(id(siteForCookie(r, { domain: '.example.fr' })), null);
  assert.equal(id(siteForCookie(registry, { domain: '.caf.fr' })), 'caf');
  assert.equal(id(siteForHost(registry, 'www.labanquepostale.fr')), 'labanquepostale');
});

test('managed storage adds, replaces and disables sites', () => {
  const r = buildRegistry(bundled, {
    disabledSites: ['caf'],
    extraSites: [
      { id: 'mairie', name: 'Mairie', domains: ['Mairie-Exemple.fr'], logoutUrl: 'https://www.mairie-exemple.fr/logout' },
      { id: 'msa', name: 'MSA Grand Est', domains: ['msa-grandest.fr'] },
      { id: 'bad', name: 'Bad', domains: ['bad.fr'], logoutUrl: 'https://evil.example/logout' },
      { id: 'http', name: 'Http', domains: ['http.fr'], logoutUrl: 'http://http.fr/logout' },
      'garbage', { id: '', name: 'x', domains: ['x.fr'] },
    ],
  });
  assert.equal(id(siteForHost(r, 'www.caf.fr')), null);
  const mairie = siteForHost(r, 'www.mairie-exemple.fr');
  assert.equal(mairie.logoutUrl, 'https://www.mairie-exemple.fr/logout');
  assert.equal(id(siteForHost(r, 'msa.fr')), null, 'same id replaces the bundled entry');
  assert.equal(siteForHost(r, 'bad.fr').logoutUrl, undefined, 'logout URL off the site\'s domains is dropped');
  assert.equal(siteForHost(r, 'http.fr').logoutUrl, undefined, 'plain-http logout URL is dropped');
});

test('longest domain wins when entries overlap', () => {
  const r = buildRegistry([
    { id: 'parent', name: 'Parent', domains: ['exemple.fr'] },
    { id: 'child', name: 'Child', domains: ['compte.exemple.fr'] },
  ]);
  assert.equal(id(siteForHost(r, 'a.compte.exemple.fr')), 'child');
  assert.equal(id(siteForHost(r, 'www.exemple.fr')), 'parent');
});

test('normalizeHost rejects what is not a DNS name', () => {
  assert.equal(normalizeHost('a b.fr'), '');
  assert.equal(normalizeHost('-x.fr'), '');
  assert.equal(normalizeHost(42), '');
  assert.equal(normalizeHost('.Www.Caf.Fr'), 'www.caf.fr');
});

test('the manifest asks host access for every bundled registry site', () => {
  const manifest = JSON.parse(fs.readFileSync(new URL('../manifest.json', import.meta.url)));
  for (const p of registry.flatMap(hostPatterns)) assert.ok(manifest.host_permissions.includes(p), p);
});

// Issue 12: each added site, by the host names the person really lands on (login, account, payment).
const HOSTS = {
  justice: ['www.justice.fr', 'casier-judiciaire.justice.gouv.fr'],
  antai: ['www.antai.gouv.fr', 'www.amendes.gouv.fr'],
  logementsocial: ['www.demande-logement-social.gouv.fr'],
  mdph: ['mdphenligne.cnsa.fr'],
  doctolib: ['www.doctolib.fr', 'partners.doctolib.fr'],
  creditagricole: ['www.credit-agricole.fr'],
  caissedepargne: ['www.caisse-epargne.fr', 'www.icgauth.caisse-epargne.fr'],
  banquepopulaire: ['www.banquepopulaire.fr', 'www.icgauth.banquepopulaire.fr'],
  creditmutuel: ['www.creditmutuel.fr'],
  cic: ['www.cic.fr'],
  sg: ['particuliers.sg.fr', 'particuliers.societegenerale.fr'],
  lcl: ['monespace.lcl.fr'],
  bnpparibas: ['mabanque.bnpparibas', 'connexion-mabanque.bnpparibas'],
  educonnect: ['educonnect.education.gouv.fr', 'teleservices.education.gouv.fr'],
  etudiant: ['www.messervices.etudiant.gouv.fr', 'messervices.etudiant.gouv.fr'],
  parcoursup: ['dossierappel.parcoursup.fr', 'www.parcoursup.gouv.fr'],
  anah: ['monprojet.anah.gouv.fr', 'www.maprimerenov.gouv.fr', 'france-renov.gouv.fr'],
  proconnect: ['identite.proconnect.gouv.fr'],
  payfip: ['www.payfip.gouv.fr'],
  franceidentite: ['idp.france-identite.gouv.fr', 'france-identite.gouv.fr', 'www.france-identite.gouv.fr'],
};

test('issue 12 sites: their hosts, URLs and cookies map to them, and nothing around them does', () => {
  for (const [want, hosts] of Object.entries(HOSTS)) {
    for (const h of hosts) {
      assert.equal(id(siteForHost(registry, h)), want, h);
      assert.equal(id(siteForUrl(registry, `https://${h}/connexion?x=1`)), want, `https://${h}/`);
      assert.equal(id(siteForCookie(registry, { domain: `.${h}` })), want, `cookie .${h}`);
    }
  }
  for (const h of ['www.cnsa.fr', 'cnsa.fr', 'notcic.fr', 'cic.fr.evil.example', 'bnpparibas', 'www.bnpparibas',
    'evil-mabanque.bnpparibas', 'www.gouv.fr', 'xsg.fr', 'laposte.fr.evil.example']) {
    assert.equal(id(siteForHost(registry, h)), null, h);
  }
  assert.equal(registrableDomain('connexion-mabanque.bnpparibas'), 'connexion-mabanque.bnpparibas', '.bnpparibas is a brand TLD');
  assert.equal(registrableDomain('casier-judiciaire.justice.gouv.fr'), 'justice.gouv.fr');
  assert.equal(validateSite({ id: 'x', name: 'X', domains: ['bnpparibas'] }), null);
});

test('every entry says where it was checked, and why it has no logout URL when it has none', () => {
  const reasons = new Set(['id_token_hint', 'per_region', 'unverified', 'none_found']);
  for (const s of bundled) {
    assert.ok(typeof s.source === 'string' && s.source.length > 10, `${s.id}: source`);
    if (s.logoutUrl) assert.equal(s.noLogout, undefined, `${s.id}: a logout URL and a reason for none`);
    else assert.ok(reasons.has(s.noLogout), `${s.id}: noLogout is one of ${[...reasons]}`);
  }
  // OpenID Connect end-session needs the service's id_token_hint: no logout URL, cookies do the work.
  for (const oidc of ['franceconnect', 'francetravail', 'proconnect']) {
    const s = registry.find((x) => x.id === oidc);
    assert.equal(s.logoutUrl, undefined, oidc);
    assert.equal(bundled.find((x) => x.id === oidc).noLogout, 'id_token_hint', oidc);
  }
  assert.equal(registry.find((s) => s.id === 'franceidentite').hostsOnly, false, 'France Identité: the whole domain');
  // La Poste: parent-domain cookies of the compte La Poste cannot be ruled out, so the whole
  // laposte.fr, as a shared account (the aidant's own parcels and mail live there too).
  const laposte = registry.find((s) => s.id === 'laposte-idn');
  assert.deepEqual([laposte.hostsOnly, laposte.kind, laposte.domains], [false, 'account', ['laposte.fr']]);
  for (const h of ['lidentitenumerique.laposte.fr', 'authent.lidentitenumerique.laposte.fr', 'www.laposte.fr']) {
    assert.equal(id(siteForHost(registry, h)), 'laposte-idn', h);
  }
  assert.equal(id(siteForCookie(registry, { domain: '.laposte.fr' })), 'laposte-idn', 'a cookie on the parent domain is La Poste\'s');
  assert.equal(id(siteForHost(registry, 'www.laposte.net')), 'laposte-net', 'the mail stays its own entry');
  assert.equal(id(siteForHost(registry, 'www.labanquepostale.fr')), 'labanquepostale');
  assert.deepEqual(registry.filter((s) => s.logoutUrl).map((s) => s.id), ['ameli'],
    'only ameli\'s logout URL is confirmed by a maintained client (impots\' only by a third-party list)');
});

test('kinds: banks and health are said, anything else is an administration', () => {
  const kind = (x) => registry.find((s) => s.id === x).kind;
  for (const b of ['creditagricole', 'caissedepargne', 'banquepopulaire', 'creditmutuel', 'cic', 'sg', 'lcl', 'bnpparibas', 'labanquepostale']) {
    assert.equal(kind(b), 'bank', b);
  }
  assert.equal(kind('doctolib'), 'health');
  assert.equal(kind('caf'), 'administration');
  assert.equal(validateSite({ id: 'x', name: 'X', domains: ['x.fr'], kind: 'spaceship' }).kind, 'administration');
});
