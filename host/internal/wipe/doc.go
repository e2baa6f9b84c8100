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
// refused the same way ("no_snapshot").
//
// # A folder is an identity, not a path
//
// Between Take and Wipe the path of a watched folder may come to lead somewhere else: Downloads
// renamed away and Documents renamed or linked into its place, a link relinked, another disk
// mounted there. Every entry of that other folder would look new. So the snapshot also records the
// folder's own identity (device and inode, or volume serial and file id), read through the opened
// handle, and Wipe in scope session compares it with the handle it opens at the end: if they
// differ, nothing is touched and the result is StatusMoved (reason "moved"). A link at the root may
// change as long as it leads to the same folder.
//
// A folder that did not exist at the start (Existed false) is not "all new": it may be a disk or
// share that was not mounted yet, or a link that pointed nowhere. There Wipe removes only what the
// file system says was born after the snapshot (statx birth time on Linux, st_birthtime on macOS,
// creation time on Windows); an old file renamed or mounted in keeps its own birth time and stays.
// An entry with no birth time is kept and counted under "no_birth_time" (status partial). File
// systems stamp birth times from a coarse clock that may lag by a tick: a file created within that
// tick after the snapshot looks older and is kept, never the other way round. A network share
// stamps with the server's clock; a server clock far ahead of this computer's is the one case the
// rule cannot see.
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
// on another mount is never entered, like rm --one-file-system: on Linux a mount is told by its
// mount id (statx STATX_MNT_ID), which also catches a bind mount of a folder of the same file
// system (same device number); on macOS by device number; on Windows a mounted volume is a
// reparse point, never followed. The watched
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
