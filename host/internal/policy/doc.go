// Package policy reads and writes the browser policies that decide which
// privacy promises Table rase can make on this computer.
//
// Read side: Read returns the report that hello carries (shared contract),
// per browser: present or not, "forced" / "private_profile" / "none", and the
// individual checks. The popup and `tablerase doctor` show the same report, so
// the aidant is told what holds instead of being promised it.
//
// Design decisions:
//
//   - The browsers' own stores are read the way each browser reads them: JSON
//     files of the Chromium managed folders and Firefox's policies.json on
//     Linux; HKLM then HKCU SOFTWARE\Policies\… on Windows (through
//     machine.RegistryReader, so the conversion from registry values is
//     portable code tested with a fake); configuration profiles materialised
//     in /Library/Managed Preferences on macOS, converted with plutil rather
//     than parsed by a plist library. "Recommended" policies are not counted:
//     the user can change them.
//   - Read never fails and is bounded (ReadTimeout). A store that exists but
//     cannot be read is reported as the browser present, every check false,
//     with a reason taken from our sentinel errors only: OS error texts can
//     carry paths with user names, and the report leaves the computer.
//   - Write side: Values is the single table of the policies we set. The
//     install command, the .deb and MSI policy packages and every template in
//     manifests/ derive from it, and the report checks the same names, so a
//     policy added to the table is at once deployed, templated and verified.
//   - Firefox's policies.json is shared with the admin: MergeFirefox adds our
//     entries and records what it replaced; UnmergeFirefox takes back only
//     entries that still hold our value. A file we cannot parse is an error,
//     never overwritten.
//   - Where each browser keeps its policies (folders, registry keys, plist
//     domains, Firefox's policies.json files) is package machine's table;
//     paths go through machine.Env (OS table, root prefix for tests and
//     package builds, environment), so every OS's layout is tested on any OS.
package policy
