// Package machine describes the computer the host runs on, and nothing else
// does: which browsers exist and where each keeps its profiles, caches,
// native-messaging manifests and policies on each OS; the user's known
// folders; where the host's configuration and state live; how a path
// template is expanded; and how the Windows registry is reached. policy reads
// and writes policies, install installs, profiles acts on profiles and config
// loads the configuration — each asks this package where things are.
//
// Design decisions:
//
//   - One table (places.go): per OS ("linux", "darwin", "windows"; any other
//     OS reads as Linux) and per browser, a Places value with every location
//     a consumer needs. The table is portable data: every OS's entries are
//     tested on any OS (places_test.go checks that each browser on each OS has
//     what each consumer reads, in its OS's template syntax, resolving to an
//     absolute path). Env carries the OS to use, a root prefixed to every
//     filesystem path (tests, package builds) and the environment;
//     NativeEnv describes the running computer.
//   - One expander (expand.go), strict: an unset or empty variable is an
//     error with a code (ExpandCode), never an empty string that would turn
//     %LOCALAPPDATA%\Google into \Google. One rule per OS — Windows %VAR%,
//     Linux and macOS $VAR and ${VAR}, "~" everywhere — and values are never
//     expanded twice. Resolve adds the absolute-path check. A consumer that
//     cannot resolve a place skips it and says so (profiles counts it as
//     Unresolved, the browser step then fails with code unresolved_path);
//     nothing is ever guessed, so nothing outside the table is touched.
//   - One registry access (registry.go): RegistryReader reads a key tree
//     (policy, config), Registry reads and writes single values (install,
//     doctor); registry_windows.go is the one implementation, always in the
//     64-bit view; registry_unix.go returns nil. Interpreting the content
//     stays with the consumers, as portable code tested with fakes.
//   - Known folders (knownfolders_<os>.go) come from the OS itself: Windows
//     known folders, xdg-user-dirs on Linux (userdirs.go, parsed the way GLib
//     does), ~/Downloads on macOS. ConfigFile and StateFolder name where the
//     host's own files live. OS-specific code sits only in _windows, _linux,
//     _darwin and _unix files behind these small functions.
package machine
