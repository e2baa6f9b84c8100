// Who may ask the background for something. Runtime messages can come from the extension's own
// pages (popup, options) and from any script the extension runs inside a web page (the reminder
// banner injected with scripting.executeScript, or any content script): those run next to the
// page's own code, so a message from them is no proof the aidant asked. Starting or ending an
// accompaniment (and reading its state) is for the extension's own pages only.

/**
 * @param {object} sender   runtime.MessageSender
 * @param {{id: string, origin: string}} self  runtime.id and runtime.getURL('') ("<scheme>://<id>/")
 */
export function fromOwnPage(sender, self) {
  if (!sender || !self || !self.origin || sender.id !== self.id) return false;
  const own = (u) => typeof u === 'string' && u.startsWith(self.origin);
  if (!own(sender.url)) return false; // a content script's sender.url is its web page's
  if (typeof sender.origin === 'string' && `${sender.origin}/` !== self.origin) return false; // Chromium
  // The popup opened as a tab has a sender.tab showing an extension page; a web page's tab never may.
  if (sender.tab && !own(sender.tab.url || sender.tab.pendingUrl || sender.url)) return false;
  return true;
}
