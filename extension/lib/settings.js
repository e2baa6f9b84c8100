// Settings: managed storage (IT policy) wins over local choices, key by key. The options page shows
// managed keys read-only. Defaults suit an aidant's own computer: scope from the host (else
// `session`), no idle cleanup, no confirmation.

export const DEFAULTS = Object.freeze({
  scope: '',            // '' = the host's scope (hello), else 'session'
  idleMinutes: 0,       // 0 = off; 20 suggested on public computers
  extraSites: [],
  disabledSites: [],
  startPage: '',        // opened by « Nouvel accompagnement » on the receipt page ('' = none)
  confirmBeforeEnd: false,
  disabledReminders: [], // charter reminders IT switched off (lib/reminders.js ids)
  localDirectoryUrl: '', // https URL of the local directory of help places ('' = none)
  webmail: 'accompaniment', // scope session: webmail loses only what dates from the accompaniment;
  //                           'administration': handled like the administrations (all of it)
});

const VALID = {
  scope: (v) => v === 'session' || v === 'all' || v === '',
  idleMinutes: (v) => Number.isInteger(v) && v >= 0 && v <= 24 * 60,
  extraSites: Array.isArray,
  disabledSites: (v) => Array.isArray(v) && v.every((x) => typeof x === 'string'),
  startPage: (v) => v === '' || (typeof v === 'string' && /^https:\/\/[^\s]+$/i.test(v)),
  confirmBeforeEnd: (v) => typeof v === 'boolean',
  disabledReminders: (v) => Array.isArray(v) && v.every((x) => typeof x === 'string'),
  localDirectoryUrl: (v) => v === '' || (typeof v === 'string' && /^https:\/\/[^\s]+$/i.test(v)),
  webmail: (v) => v === 'accompaniment' || v === 'administration',
};

/** @returns {{ values: object, managed: string[] }} effective settings and the keys IT set */
export function mergeSettings(managed = {}, local = {}) {
  const values = { ...DEFAULTS };
  const managedKeys = [];
  for (const k of Object.keys(DEFAULTS)) {
    if (managed && k in managed && VALID[k](managed[k])) {
      values[k] = managed[k];
      managedKeys.push(k);
    } else if (local && k in local && VALID[k](local[k])) {
      values[k] = local[k];
    }
  }
  return { values, managed: managedKeys };
}

/** The scope the cleanup uses: the setting, else the host's, else `session`. */
export function effectiveScope(settingScope, hostScope) {
  if (settingScope === 'session' || settingScope === 'all') return settingScope;
  return hostScope === 'all' ? 'all' : 'session';
}
