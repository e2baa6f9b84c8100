// What each browser keeps after every removal its extension API offers, and the checks known to
// fail in Firefox: shared by the scenario tests and the deployed mode (a test file cannot be
// imported without running its tests).

/**
 * What Chromium itself keeps after every removal its extension API offers (measured by this
 * suite; see the README). Each is a file the browser rewrites or compacts on its own schedule;
 * only a closed browser's files could be cleaned by something else.
 */
export const CHROMIUM_RESIDUE = [
  // LevelDB write-ahead logs: a deleted key stays in the log until the next compaction.
  /^Default\/Local Storage\/leveldb\/\d+\.log$/,
  /^Default\/Session Storage\/\d+\.log$/,
  // The download service's records (file names), see DESIGN "what the browsers leave behind".
  /^Default\/shared_proto_db\/\d+\.log$/,
  // Session restore (SNSS command log): titles and form state of the closed tabs.
  /^Default\/Sessions\/(Session|Tabs)_\d+$/,
];

/** What Firefox keeps after every removal its extension API offers (see the README). */
export const FIREFOX_RESIDUE = [
  // Session restore: the closed tabs (titles, form data) of the accompaniment, lz4-compressed.
  /^sessionstore(\.jsonlz4|-backups\/.*)$/,
  // HTTP cache entries removed by the cleanup ("doomed") whose files Firefox deletes lazily, at
  // its next start.
  // (Under XDG_CACHE_HOME, beside the profile: ~/.cache/mozilla/firefox/<profile>.)
  /^~\/\.cache\/mozilla\/firefox\/[^/]+\/cache2\/doomed\/\d+$/,
  // The known gap below, seen on disk: the DOM Cache API of every site.
  /^storage\/default\/https\+\+\+[^/]+\/cache\//,
];

/**
 * Checks known to fail in Firefox ESR 153, and why (each is in the README and the report; the
 * receipt tells it too, see receiptSays below):
 * - Cache Storage (the DOM Cache API a service worker fills) survives: Firefox's
 *   browsingData has no type for it (`cache` is the HTTP cache; `indexedDB` and `localStorage`
 *   clear only the "idb" and "ls" quota clients; `serviceWorkers` only unregisters).
 */
export const FIREFOX_KNOWN_GAPS = [
  /^site data seen by [^:]+: \{"localStorage":0,"indexedDB":\[\],"serviceWorkers":0,"caches":\["hors-ligne-v1"\],"cookies":""\}$/,
];
