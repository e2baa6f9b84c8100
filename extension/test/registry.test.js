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
    'labanquepostale', 'aidantsconnect', 'moncompteformation', 'chequeenergie', 'anef']) {
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

test('hostsOnly sites match their exact hosts, not the whole laposte.fr', () => {
  assert.equal(id(siteForHost(registry, 'lidentitenumerique.laposte.fr')), 'laposte-idn');
  assert.equal(id(siteForHost(registry, 'www.laposte.fr')), null);
  assert.equal(id(siteForCookie(registry, { domain: '.laposte.fr' })), null);
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
