// The host's answers as the host's Go types and rules produce them: extension/test/golden/ is
// written by host/internal/contract's TestGoldens (`go test ./host/internal/contract -update`),
// never by hand. Tests and the fake host read them instead of copying the JSON, so a field the Go
// side renames fails here too.
import fs from 'node:fs';

const dir = new URL('./golden/', import.meta.url);

/** A golden answer by name (without .json), as a fresh object the caller may change. */
export function golden(name) {
  return JSON.parse(fs.readFileSync(new URL(`${name}.json`, dir), 'utf8'));
}

/** The names of the goldens starting with `prefix`. */
export function goldenNames(prefix = '') {
  return fs.readdirSync(dir).filter((f) => f.endsWith('.json') && f.startsWith(prefix)).map((f) => f.slice(0, -5)).sort();
}
