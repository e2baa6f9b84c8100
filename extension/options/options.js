// Options: local choices for an aidant's own computer. Keys set by IT (managed storage) are shown
// read-only: the form cannot override policy, and mergeSettings() would ignore it anyway.

import { buildRegistry } from '../lib/registry.js';
import { mergeSettings } from '../lib/settings.js';
import { localizePage } from '../popup/render.js';

const b = globalThis.browser ?? globalThis.chrome;
const t = (key, subs) => b.i18n.getMessage(key, subs) || key;
const $ = (id) => document.getElementById(id);

async function load() {
  let managed = {};
  try {
    managed = (await b.storage.managed.get(null)) || {};
  } catch {
    managed = {};
  }
  const { settings: local = {} } = await b.storage.local.get('settings');
  const { values, managed: keys } = mergeSettings(managed, local);
  for (const r of document.querySelectorAll('input[name=scope]')) {
    r.checked = r.value === values.scope;
    r.disabled = keys.includes('scope');
  }
  $('idleMinutes').value = String(values.idleMinutes);
  $('idleMinutes').disabled = keys.includes('idleMinutes');
  $('startPage').value = values.startPage;
  $('startPage').disabled = keys.includes('startPage');
  $('confirmBeforeEnd').checked = values.confirmBeforeEnd;
  $('confirmBeforeEnd').disabled = keys.includes('confirmBeforeEnd');
  $('managed-note').hidden = keys.length === 0;
  $('save').disabled = ['scope', 'idleMinutes', 'startPage', 'confirmBeforeEnd'].every((k) => keys.includes(k));

  const sites = (await (await fetch(b.runtime.getURL('data/sites.json'))).json()).sites;
  const ul = $('sites');
  ul.replaceChildren();
  for (const s of buildRegistry(sites, values)) {
    const li = document.createElement('li');
    li.textContent = `${s.name} (${s.domains.join(', ')})`;
    ul.append(li);
  }
}

$('form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const checked = document.querySelector('input[name=scope]:checked');
  const settings = {
    scope: checked ? checked.value : '',
    idleMinutes: Number.parseInt($('idleMinutes').value || '0', 10),
    startPage: $('startPage').value.trim(),
    confirmBeforeEnd: $('confirmBeforeEnd').checked,
  };
  const { values } = mergeSettings({}, settings);
  const refused = Object.keys(settings).some((k) => values[k] !== settings[k]);
  if (refused) {
    $('saved').textContent = t('optInvalid');
    return;
  }
  await b.storage.local.set({ settings });
  $('saved').textContent = t('optSaved');
});

localizePage(document, t);
document.documentElement.lang = b.i18n.getUILanguage().toLowerCase().startsWith('en') ? 'en' : 'fr';
load();
