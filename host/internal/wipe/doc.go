// Package wipe removes what appeared in a watched folder during an accompaniment, and nothing else.
//
// # Two steps
//
// At session.start the caller takes a [Snapshot] of each watched folder with [Take]; at session.end it
// calls [Wipe] with that snapshot. In scope [ScopeSession] an entry is kept when its identity is in the
// snapshot and removed otherwise (it is new, or it was modified during the session); in scope [ScopeAll]
// everything under the folder goes and the folder itself stays.
//
//	key := make([]byte, wipe.KeySize) // random per session, stored with the session state
//	rand.Read(key)
//	snap, err := wipe.Take(ctx, folder, key)
//	state, err := snap.MarshalBinary() // persisted: survives a crash
//	// ... the accompaniment ...
//	var saved wipe.Snapshot
//	err = saved.UnmarshalBinary(state)
//	res := wipe.Wipe(ctx, folder, wipe.ScopeSession, &saved, key) // log counts and codes only
//
// # What "identity" means, and why there is no name in it
//
// An entry's identity is what a new download cannot fake: on Unix (device, inode) read with
// fstatat(AT_SYMLINK_NOFOLLOW), its kind, and for files and links their size and modification time in
// nanoseconds; on Windows (volume serial, file id), kind, size and last-write time. Directories are
// recorded by (device, inode) and kind only, since adding an entry changes their mtime. The snapshot
// stores, per entry, a 16-byte truncated HMAC-SHA256 of that identity under a 32-byte key held by the
// caller: the state file written to disk therefore holds no file name, path, size or date in clear, and
// an old file the person merely moved (renamed, or into a new sub-folder) is still recognised and kept.
// A file overwritten in place keeps its inode but changes size or mtime: it counts as new and goes.
//
// A wrong key would make every old file look new, so a snapshot carries a key check and Wipe refuses
// to run scope session with a snapshot made under another key (reason "bad_key"). A nil snapshot is
// refused the same way ("no_snapshot"); only a snapshot recording that the folder did not exist
// (Existed false) means "everything in it is new".
//
// Sub-trees that could not be read at snapshot time (permissions, too deep) are recorded as opaque:
// Wipe keeps them whole instead of guessing, because not deleting an old file matters more than
// deleting a new one.
//
// # Never leaving the folder
//
// Every operation is relative to an opened directory handle: children are stat'ed, opened and unlinked
// by name inside their parent's handle (openat/fstatat/unlinkat on Unix, NtCreateFile with a
// RootDirectory on Windows), never by a path string. Links, junctions and other reparse points are
// never followed: a new one is removed (the link, not its target), an old one is kept. After opening a
// sub-directory its handle is checked against the identity that was decided on; if the directory was
// swapped (for a link or another directory) between the decision and the open, it is skipped and
// counted as failed with reason "raced". A file is also re-checked just before removal. A directory
// on another file system (a Unix mount point) is never entered, like rm --one-file-system. The watched
// folder itself is opened by its configured path, so an admin may point it at a link (a Downloads
// folder moved to another disk); nothing below it is followed.
//
// # Bounded, idempotent, quiet
//
// A read-only entry is removed anyway (a read-only PDF is still personal data): on Unix a read-only
// directory owned by the caller is made accessible through its own handle and its mode is put back
// when it is closed; on Windows the deletion ignores the read-only attribute.
//
// Wipe checks its context between entries and stops with status "partial" and reason "timeout" when it
// expires; it never descends deeper than [MaxDepth]; Take refuses trees larger than [MaxEntries]. A
// sub-tree that cannot be read or removed is counted in Failed with a stable reason code and the walk
// goes on. Decisions come only from the snapshot and what is on disk, so running Wipe again after a
// crash or a partial run finishes the job, and a second run after a clean one removes nothing.
//
// The package does no logging and its errors and reason codes never contain a name or a path: the
// caller logs counts and codes.
//
// # Layout
//
// All decisions (keep, remove, recurse, count) live in portable code, unit-tested on Linux. The
// operating system sits behind the small dir interface (fs.go): wipe_unix.go (Linux, macOS) and
// wipe_windows.go, which is cross-compiled and kept thin.
package wipe
