// The one-line state of this computer, from the host's `hello` policy report. It states what the
// administrator's policy makes true, never a promise the computer does not keep.

/** Which browser entry of the host's policy report describes us. */
export function browserKey({ firefox = false, brands = [], brave = false } = {}) {
  if (firefox) return 'firefox';
  if (brave) return 'brave';
  const names = brands.map((b) => (b && b.brand) || '');
  if (names.some((n) => /edge/i.test(n))) return 'edge';
  if (names.some((n) => /google chrome/i.test(n))) return 'chrome';
  return 'chromium';
}

/**
 * @param {object|null} hello  the host's hello result, or null when the host is missing
 * @param {string} key         browserKey()
 * @param {string} [code]      why there is no hello result (lib/host.js codes)
 * @returns {{ key: string, level: 'ok'|'warn' }}  a message key for the popup
 */
export function policyLine(hello, key, code = '') {
  // A host of another protocol version: its policy report is not read either. Said plainly,
  // with whom to tell.
  if (!hello && code === 'protocol_mismatch') return { key: 'stateHostMismatch', level: 'warn' };
  if (!hello) return { key: 'stateHostMissing', level: 'warn' };
  const b = hello.policy && hello.policy.browsers && hello.policy.browsers[key];
  if (!b) return { key: 'statePolicyUnknown', level: 'warn' };
  if (b.private === 'forced') return { key: 'statePrivateForced', level: 'ok' };
  if (b.private === 'private_profile') return { key: 'statePrivateProfile', level: 'ok' };
  return { key: 'statePrivateNone', level: 'warn' };
}

/** True when the policy report says the browser's password manager is off. */
export function passwordsDisabled(hello, key) {
  const b = hello && hello.policy && hello.policy.browsers && hello.policy.browsers[key];
  return !!(b && b.checks && b.checks.passwords_disabled === true);
}

/**
 * What becomes of the sites' offline copies (Cache API) Firefox keeps after the cleanup: nothing
 * to say outside Firefox or in its forced private windows (they go with the windows); 'later' when
 * the host's logoff clean will remove them (capability closed_browsers); 'kept' otherwise.
 * @returns {undefined|'later'|'kept'}
 */
export function offlineCacheFate(hello, key, firefox) {
  if (!firefox) return undefined;
  const b = hello && hello.policy && hello.policy.browsers && hello.policy.browsers[key];
  if (b && b.private === 'forced') return undefined;
  const caps = (hello && hello.capabilities) || [];
  return caps.includes('closed_browsers') ? 'later' : 'kept';
}
