import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import {
  alreadyShown, bannerFor, httpsUrl, loadReminders, matchPage, pathMatches, pickLang, popupReminders, recordShown,
  reminderHosts, sourceLine, validatePage, validateReminder,
} from '../lib/reminders.js';

const raw = JSON.parse(fs.readFileSync(new URL('../data/reminders.json', import.meta.url)));
const config = loadReminders(raw);
const key = (url, disabled) => {
  const m = matchPage(config, url, disabled);
  return m ? m.key : null;
};
const T0 = Date.UTC(2026, 10, 23, 10, 0, 0);
const active = { state: 'active', startedAt: T0 };

test('every bundled reminder and page is valid, French first with English', () => {
  assert.deepEqual(config.reminders.map((r) => r.id), ['email', 'paperless', 'simulator', 'expert']);
  for (const r of raw.reminders) {
    const v = config.reminders.find((x) => x.id === r.id);
    assert.equal(v.pages.length, r.pages.length, `no page of ${r.id} is dropped by validation`);
    for (const t of [r.title, r.text]) {
      assert.ok(t.fr && t.en && t.fr !== t.en, `${r.id}: French and English texts`);
      assert.ok(t.fr.length <= 200, `${r.id}: short text`);
    }
    for (const p of r.pages) assert.ok(typeof p.checked === 'string' && p.checked.length > 10, `${r.id}/${p.id}: says where it was checked`);
  }
  assert.equal(config.mapUrl, 'https://cartographie.societenumerique.gouv.fr/');
  assert.ok(config.ui.label.fr.includes('aidant') && config.ui.dismiss.en);
  assert.ok(!/charte/i.test(config.ui.label.fr), 'the common label names neither text: each reminder names its own');
});

test('email sign-up pages of the common providers', () => {
  assert.equal(key('https://accounts.google.com/lifecycle/steps/signup/name?continue=https://mail.google.com/mail/&flowEntry=SignUp&flowName=GlifWebSignIn&service=mail'), 'email/google');
  assert.equal(key('https://accounts.google.com/SignUp?service=mail'), 'email/google', 'older links, any letter case');
  assert.equal(key('https://accounts.google.com/signup/v2/createaccount?flowName=GlifWebSignIn'), 'email/google');
  assert.equal(key('https://signup.live.com/signup?wa=wsignin1.0&rpsnv=13&wreply=https%3a%2f%2foutlook.live.com%2fowa%2f'), 'email/microsoft');
  assert.equal(key('https://login.yahoo.com/account/create?specId=yidReg'), 'email/yahoo');
  assert.equal(key('https://compte.laposte.net/inscription/index.do?srv_gestion=lapostefr'), 'email/laposte');
  assert.equal(key('https://compte.laposte.net/inscription/etape1.do;jsessionid=ABC123'), 'email/laposte');
  assert.equal(key('https://signup.gmx.com/#.1559516-header-signup1-1'), 'email/gmx');
  assert.equal(key('https://account.proton.me/mail/signup?plan=free'), 'email/proton');
});

test('sign-in, mail reading and look-alike URLs show no email reminder', () => {
  for (const url of [
    'https://accounts.google.com/v3/signin/identifier?continue=https://mail.google.com/mail/',
    'https://accounts.google.com/ServiceLogin?continue=/signup', // the query is never looked at
    'https://accounts.google.com/#/signup', // nor the fragment
    'https://accounts.google.com/signups',
    'https://accounts.google.com/signup/../signin', // dot segments are resolved first
    'https://mail.google.com/mail/u/0/#inbox',
    'https://google.com/signup',
    'https://accounts.google.com.evil.example/signup',
    'https://evil.example/accounts.google.com/signup',
    'https://accounts.google.com@evil.example/signup',
    'https://evil.example/?u=https://accounts.google.com/signup',
    'http://accounts.google.com/signup', // https only
    'https://login.yahoo.com/',
    'https://login.yahoo.com/account/created-elsewhere',
    'https://www.laposte.net/accueil',
    'https://outlook.live.com/mail/0/inbox',
    'file:///tmp/accounts.google.com/signup',
    'not a url',
    '',
  ]) {
    assert.equal(key(url), null, url);
  }
});

test('host names are compared exactly, whatever their spelling', () => {
  assert.equal(key('https://ACCOUNTS.GOOGLE.COM./SignUp'), 'email/google', 'case and trailing dot');
  assert.equal(key('https://accounts.google.com:8443/signup'), 'email/google', 'the port is ignored');
  assert.equal(key('https://www.accounts.google.com/signup'), null, 'no subdomain wildcard');
  assert.equal(key('https://xn--accounts-google-com.example/signup'), null);
});

test('benefit and tax simulators', () => {
  assert.equal(key('https://www.caf.fr/allocataires/mes-services-en-ligne/estimer-vos-droits'), 'simulator/caf');
  assert.equal(key('http://www.caf.fr/allocataires/mes-services-en-ligne/estimer-vos-droits/simulation-prime-d-activite'), null, 'http is not matched');
  assert.equal(key('https://www.caf.fr/allocataires/mes-services-en-ligne/estimer-vos-droits/simulation-rsa'), 'simulator/caf');
  assert.equal(key('https://www.caf.fr/allocataires/mes-services-en-ligne/faire-une-demande-de-prestation'), null);
  assert.equal(key('https://wwwd.caf.fr/wps/myportal/caffr/moncompte/estimervosdroits/laideaulogement'), 'simulator/caf-compte');
  assert.equal(key('https://wwwd.caf.fr/wps/myportal/caffr/moncompte/tableaudebord'), null, 'the account itself is no simulator');
  assert.equal(key('https://www.mesdroitssociaux.gouv.fr/votre-simulateur/aide-garde-enfant/cmg'), 'simulator/mesdroitssociaux');
  assert.equal(key('https://www.mesdroitssociaux.gouv.fr/vos-evenements-de-vie/parcours-deces'), null);
  assert.equal(key('https://simulateur-ir-ifi.impots.gouv.fr/calcul_impot/2026/simplifie/index.htm'), 'simulator/impots');
  assert.equal(key('https://www.impots.gouv.fr/simulateurs'), 'simulator/impots-liste');
  assert.equal(key('https://www.impots.gouv.fr/accueil'), null);
  assert.equal(key('https://www.service-public.gouv.fr/simulateur/calcul/droits-succession#main'), 'simulator/servicepublic');
  assert.equal(key('https://www.service-public.fr/simulateur/calcul/AttestationHebergement'), null, 'letters and attestations are no estimate');
  assert.equal(key('https://candidat.francetravail.fr/simulateur/accueil'), 'simulator/francetravail');
  assert.equal(key('https://candidat.francetravail.fr/espacepersonnel/'), null);
  assert.equal(key('https://mes-aides.francetravail.fr/transport-et-mobilite/garages-solidaires'), 'simulator/francetravail-aides');
});

test('income tax declaration asks for an expert; other impots pages do not', () => {
  assert.equal(key('https://cfspart.impots.gouv.fr/enp/ensu/interdeclarations.do'), 'expert/impots-declaration');
  assert.equal(key('https://cfspart.impots.gouv.fr/enp/ensu/interdeclarations.do;jsessionid=0A1B'), 'expert/impots-declaration');
  assert.equal(key('https://cfspart.impots.gouv.fr/enp/ensu/accueilensupres.do'), null);
  assert.equal(key('https://cfspart.impots.gouv.fr/tremisu/accueil.html'), null);
});

test('IT switches off a whole reminder or one page', () => {
  const google = 'https://accounts.google.com/signup';
  const yahoo = 'https://login.yahoo.com/account/create';
  assert.equal(key(google, ['email']), null);
  assert.equal(key(yahoo, ['email']), null);
  assert.equal(key(google, ['email/google']), null);
  assert.equal(key(yahoo, ['email/google']), 'email/yahoo');
  assert.equal(key(google, ['simulator', 'nonsense', 42]), 'email/google');
  assert.equal(key(google, 'email'), 'email/google', 'a malformed setting switches nothing off');
});

test('a banner only during an accompaniment, once per page per accompaniment', () => {
  const url = 'https://accounts.google.com/lifecycle/steps/signup/name?flowEntry=SignUp';
  for (const session of [null, { state: 'none' }, { state: 'ended', startedAt: T0 }, { state: 'ending', startedAt: T0 }]) {
    assert.equal(bannerFor({ config, url, session }), null, JSON.stringify(session));
  }
  const first = bannerFor({ config, url, session: active });
  assert.equal(first.key, 'email/google');
  assert.equal(first.banner.lang, 'fr');
  assert.match(first.banner.text, /envois de courriers/);
  let shown = recordShown(null, active, first.key);
  assert.equal(bannerFor({ config, url, session: active, shown }), null, 'not twice in one accompaniment');
  assert.equal(bannerFor({ config, url: `${url}&step=2`, session: active, shown }), null, 'the next steps of the same sign-up');
  assert.ok(bannerFor({ config, url: 'https://login.yahoo.com/account/create', session: active, shown }), 'another page still gets its own');
  shown = recordShown(shown, active, 'email/yahoo');
  assert.deepEqual(shown.keys, ['email/google', 'email/yahoo']);
  const next = { state: 'active', startedAt: T0 + 3600e3 };
  assert.ok(bannerFor({ config, url, session: next, shown }), 'a new accompaniment shows it again');
  assert.equal(alreadyShown(recordShown(shown, next, 'x/y'), next, 'email/google'), false, 'a new accompaniment starts a new record');
  assert.equal(bannerFor({ config, url, session: active, disabled: ['email'] }), null);
});

test('the banner and the record carry no URL, only texts and the rule key', () => {
  const url = 'https://signup.live.com/signup?wa=wsignin1.0&username=jeanne.martin%40example.fr';
  const r = bannerFor({ config, url, session: active, lang: 'en' });
  assert.equal(r.banner.lang, 'en');
  assert.equal(r.banner.title, 'Before creating an email address');
  assert.deepEqual(Object.keys(r.banner).sort(), ['dismiss', 'key', 'label', 'lang', 'source', 'text', 'title']);
  for (const v of Object.values(r.banner)) assert.equal(typeof v, 'string');
  const stored = JSON.stringify(recordShown(null, active, r.key));
  for (const s of [JSON.stringify(r.banner), stored]) {
    assert.ok(!/signup\.live|jeanne|wsignin|https?:/.test(s), s);
  }
});

test('language: English only for an English browser', () => {
  assert.equal(pickLang('en-GB'), 'en');
  assert.equal(pickLang('EN'), 'en');
  assert.equal(pickLang('fr'), 'fr');
  assert.equal(pickLang('de-DE'), 'fr');
  assert.equal(pickLang(undefined), 'fr');
});

test('bad data is skipped, never widened', () => {
  assert.equal(validatePage({ id: 'x', hosts: ['accounts.google.com'], paths: ['signup'] }), null, 'a path typo does not match the whole host');
  assert.equal(validatePage({ id: 'x', hosts: ['accounts.google.com'], paths: 'signup' }), null);
  assert.equal(validatePage({ id: 'x', hosts: ['fr'] }), null, 'a bare suffix is no host');
  assert.equal(validatePage({ id: 'x', hosts: ['https://accounts.google.com/'] }), null);
  assert.equal(validatePage({ id: 'X Y', hosts: ['a.example'] }), null);
  assert.deepEqual(validatePage({ id: 'x', hosts: ['A.Example.', 'a.example'], paths: ['/Foo/', '/foo'] }),
    { id: 'x', hosts: ['a.example'], paths: ['/foo'] });
  const ok = { id: 'r', title: { fr: 'Titre' }, text: { fr: 'Texte', en: 'Text' }, source: { text: 'charte', ref: 3 }, pages: [{ id: 'p', hosts: ['a.example'] }] };
  assert.equal(validateReminder({ ...ok, source: undefined }), null, 'a reminder must say which text it comes from');
  assert.equal(validateReminder({ ...ok, source: { text: 'Charte, règle 3', ref: 3 } }), null, 'only the two known texts');
  assert.equal(validateReminder({ ...ok, source: { text: 'reglesDor', ref: '3' } }), null);
  assert.deepEqual(validateReminder(ok).title, { fr: 'Titre', en: 'Titre' }, 'English falls back to French');
  assert.equal(validateReminder({ ...ok, title: { en: 'Title only' } }), null, 'French is required');
  assert.equal(validateReminder({ ...ok, id: 'start' }), null, 'popup ids are reserved');
  assert.equal(validateReminder({ ...ok, pages: [] }), null);
  assert.equal(validateReminder({ ...ok, text: { fr: 'x'.repeat(401) } }), null);
  const c = loadReminders({ reminders: [ok, { ...ok, title: { fr: 'doublon' } }, null, 'x'], orientation: { mapUrl: 'http://x.example/' } });
  assert.deepEqual(c.reminders.map((r) => r.title.fr), ['Titre'], 'first of duplicate ids wins');
  assert.equal(c.mapUrl, '', 'the map link must be https');
  assert.ok(c.ui.label.fr && c.ui.dismiss.fr, 'built-in banner labels');
  assert.deepEqual(loadReminders(null).reminders, []);
});

test('path prefixes stop at segment boundaries', () => {
  assert.ok(pathMatches('/signup', '/signup'));
  assert.ok(pathMatches('/signup/', '/signup'));
  assert.ok(pathMatches('/SignUp/v2/createaccount', '/signup'));
  assert.ok(pathMatches('/x.do;jsessionid=1', '/x.do'));
  assert.ok(!pathMatches('/signupnow', '/signup'));
  assert.ok(!pathMatches('/', '/signup'));
  assert.ok(pathMatches('/anything', '/'));
});

test('popup: start lines, codes memo, orientation links from managed settings', () => {
  assert.deepEqual(popupReminders(config), {
    start: true, risks: true, codes: true, orientation: { mapUrl: 'https://cartographie.societenumerique.gouv.fr/', localUrl: '' },
  });
  const local = popupReminders(config, { localDirectoryUrl: 'https://www.ville.example/annuaire-numerique' });
  assert.equal(local.orientation.localUrl, 'https://www.ville.example/annuaire-numerique');
  for (const bad of ['http://www.ville.example/', 'javascript:alert(1)', 'https://user:pw@ville.example/', 'annuaire', 42]) {
    assert.equal(popupReminders(config, { localDirectoryUrl: bad }).orientation.localUrl, '', String(bad));
  }
  const off = popupReminders(config, { disabledReminders: ['start', 'codes', 'orientation'] });
  assert.deepEqual(off, { start: false, risks: true, codes: false, orientation: null },
    'charte, article 3: the risks « seront impérativement » explained: IT cannot switch that line off');
  assert.equal(popupReminders(config, { disabledReminders: ['risks', 'startTellRisks', 'start/risks'] }).risks, true);
  assert.equal(popupReminders({ ...config, mapUrl: '' }).orientation, null, 'no link at all: no orientation block');
  assert.equal(httpsUrl('https://ok.example/a?b=c'), 'https://ok.example/a?b=c');
});

test('hosts the rules need', () => {
  const hosts = reminderHosts(config);
  assert.ok(hosts.includes('accounts.google.com') && hosts.includes('simulateur-ir-ifi.impots.gouv.fr'));
  assert.equal(new Set(hosts).size, hosts.length);
});

test('the manifest lets the background inject on every page a rule names, and only there', () => {
  const manifest = JSON.parse(fs.readFileSync(new URL('../manifest.json', import.meta.url)));
  assert.ok(manifest.permissions.includes('scripting'), 'scripting.executeScript');
  assert.ok(!manifest.content_scripts, 'no content script declared: nothing runs on pages no rule names');
  const covers = (pattern, host) => {
    const m = /^(\*|https):\/\/([^/]+)\//.exec(pattern);
    if (!m) return false;
    return m[2].startsWith('*.') ? host === m[2].slice(2) || host.endsWith(m[2].slice(1)) : host === m[2];
  };
  for (const host of reminderHosts(config)) {
    assert.ok(manifest.host_permissions.some((p) => covers(p, host)), `${host} is in host_permissions`);
  }
  assert.ok(!manifest.host_permissions.some((p) => /^(\*|https?):\/\/\*\/|<all_urls>/.test(p)), 'no all-sites permission');
});

test('each reminder names the text it comes from: règles d’or (règle) or charte (article), never mixed', () => {
  const want = { email: ['reglesDor', 3], paperless: ['reglesDor', 3], simulator: ['reglesDor', 4], expert: ['charte', 4] };
  for (const r of config.reminders) assert.deepEqual([r.source.text, r.source.ref], want[r.id], r.id);
  assert.equal(sourceLine(config, { text: 'reglesDor', ref: 3 }), 'Les règles d\'or de l\'accompagnement, règle 3');
  assert.equal(sourceLine(config, { text: 'charte', ref: 4 }), 'Charte de l\'aidant numérique, article 4');
  assert.equal(sourceLine(config, { text: 'charte', ref: 4 }, 'en'), 'Digital helper charter, article 4');
  for (const r of raw.reminders) assert.equal(r.rule, undefined, `${r.id}: no « rule » field mixing the two texts`);
  const b = bannerFor({ config, url: 'https://www.impots.gouv.fr/simulateurs', session: active });
  assert.equal(b.banner.source, 'Les règles d\'or de l\'accompagnement, règle 4');
  const e = bannerFor({ config, url: 'https://cfspart.impots.gouv.fr/enp/ensu/interdeclarations.do', session: active, lang: 'en' });
  assert.equal(e.banner.source, 'Digital helper charter, article 4');
  // The two texts' own titles, as in shared/reference/charters.
  assert.match(raw.sources.reglesDor.fr, /^Les règles d'or de l'accompagnement/);
  assert.match(raw.sources.charte.fr, /^Charte de l'aidant numérique/);
});

test('wording close to the texts: adresse mail (règle 3), montant / délai / recevabilité (règle 4), expertise (article 4)', () => {
  const fr = (id) => config.reminders.find((r) => r.id === id).text.fr;
  assert.match(fr('email'), /consulter .*régulièrement/);
  assert.match(fr('email'), /arrêter certains envois de courriers/);
  assert.match(fr('email'), /rupture de l'accès aux droits/);
  // Règle 3 again where paper mail is switched off: « le passage à une adresse électronique peut
  // entraîner l'arrêt de certains envois de courriers… C'est souvent une cause de rupture ».
  assert.match(fr('paperless'), /consultera .*régulièrement/);
  assert.match(fr('paperless'), /adresse électronique peut arrêter l'envoi de certains courriers/);
  assert.match(fr('paperless'), /souvent une cause de rupture de l'accès aux droits/);
  assert.match(fr('simulator'), /outil de simulation/);
  for (const w of ['montant', 'délai de réponse', 'recevabilité', 'accès au droit']) assert.ok(fr('simulator').includes(w), w);
  assert.match(fr('expert'), /expertise particulière/);
  assert.match(fr('expert'), /entièrement responsable/);
});

test('simulators of info-retraite and ameli call for the montant / délai / recevabilité reminder', () => {
  assert.equal(key('https://www.info-retraite.fr/portail-services/home/simulateurs.html'), 'simulator/inforetraite');
  assert.equal(key('https://www.info-retraite.fr/portail-services/home/mon-espace-retraite.html'), null, 'the account itself is no simulator');
  assert.equal(key('https://www.ameli.fr/simulateur-droits'), 'simulator/ameli');
  assert.equal(key('https://www.ameli.fr/simulateur/complementaire-sante-solidaire'), 'simulator/ameli');
  assert.equal(key('https://www.ameli.fr/assure/remboursements'), null);
  assert.equal(key('https://www.ameli.fr/simulateurs-de-tout'), null, 'segment boundaries');
});

// Issue 12: the « adresse mail » consequence (règles d'or, règle 3) where an administration's
// account switches paper mail off, not only on sign-up pages. ameli's portal serves every page on
// one path, told apart by `_pageLabel`: that parameter, exactly, and nothing else of the query.
test('paper mail switched off: ameli « Mes informations », matched by its exact page label', () => {
  const base = 'https://assure.ameli.fr/PortailAS/appmanager/PortailAS/assure';
  assert.equal(key(`${base}?_nfpb=true&_pageLabel=as_info_perso_page`), 'paperless/ameli-infos');
  assert.equal(key(`${base}?_pageLabel=as_info_perso_page&_somtc=true`), 'paperless/ameli-infos', 'order and other parameters do not matter');
  const b = bannerFor({ config, url: `${base}?_nfpb=true&_pageLabel=as_info_perso_page`, session: active });
  assert.equal(b.banner.source, 'Les règles d\'or de l\'accompagnement, règle 3', 'labelled with the text it comes from');
  assert.equal(b.banner.title, 'Avant de passer aux courriers par e-mail');
  for (const url of [
    `${base}?_nfpb=true&_pageLabel=as_accueil_page`, // the account's home
    `${base}?_nfpb=true&_pageLabel=as_login_page`,
    `${base}?_somtc=true`,
    `${base}?x=as_info_perso_page`, // the value under another name
    `${base}?_pageLabel=as_info_perso_page_x`, // values compared whole
    `${base}?_pagelabel=as_info_perso_page`, // names too
    `${base}#_pageLabel=as_info_perso_page`, // never the fragment
    `https://www.ameli.fr/PortailAS/appmanager/PortailAS/assure?_pageLabel=as_info_perso_page`, // another host
    `http://assure.ameli.fr/PortailAS/appmanager/PortailAS/assure?_pageLabel=as_info_perso_page`,
  ]) {
    assert.equal(key(url), null, url);
  }
  assert.equal(key(`${base}?_pageLabel=as_info_perso_page`, ['paperless']), null, 'IT switches it off by its id');
  assert.equal(key(`${base}?_pageLabel=as_info_perso_page`, ['email']), 'paperless/ameli-infos', 'apart from the sign-up one');
});

test('a page `query` is exact, and a malformed one refuses the page instead of widening it', () => {
  assert.deepEqual(validatePage({ id: 'x', hosts: ['a.example'], query: { p: 'v' } }), { id: 'x', hosts: ['a.example'], paths: null, query: { p: 'v' } });
  for (const query of [{}, null, [], 'p=v', { p: '' }, { p: 1 }, { '': 'v' }]) {
    assert.equal(validatePage({ id: 'x', hosts: ['a.example'], query }), null, JSON.stringify(query));
  }
  assert.deepEqual(validatePage({ id: 'x', hosts: ['a.example'] }), { id: 'x', hosts: ['a.example'], paths: null }, 'no query: as before');
});

test('MSA: no simulator path could be confirmed, so none is matched, and the data says so', () => {
  assert.ok(!reminderHosts(config).some((h) => h === 'msa.fr' || h.endsWith('.msa.fr')));
  assert.match(raw.leftOut, /MSA's simulators/);
  const sim = config.reminders.find((r) => r.id === 'simulator').pages.map((p) => p.id);
  assert.ok(sim.includes('inforetraite') && sim.includes('ameli'), 'info-retraite and ameli are there');
});
