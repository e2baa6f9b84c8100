// `npm run lint`: web-ext lint (the pinned web-ext) on the extension sources, failing on any error
// or warning except the one a dual-background manifest always raises: Firefox ignores
// `background.service_worker` (it uses `background.scripts`), and Chromium needs it.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ALLOWED = new Set(['BACKGROUND_SERVICE_WORKER_IGNORED']);
const bin = path.join(root, 'node_modules', '.bin', 'web-ext');
let out;
try {
  out = execFileSync(bin, ['lint', '--source-dir', root, '--self-hosted', '--output', 'json',
    '--ignore-files', 'node_modules/**', 'test/**', 'scripts/**', 'package.json', 'package-lock.json', 'dist/**'],
  { encoding: 'utf8', maxBuffer: 32 << 20 });
} catch (e) {
  out = e.stdout; // web-ext exits non-zero when it finds errors; the JSON says which
}
const report = JSON.parse(out.slice(out.indexOf('{')));
const problems = [...report.errors, ...report.warnings].filter((m) => !ALLOWED.has(m.code));
for (const m of [...report.errors, ...report.warnings, ...report.notices]) {
  const allowed = ALLOWED.has(m.code) ? ' (expected)' : '';
  console.log(`${m._type} ${m.code}${allowed}: ${m.message} ${m.file || ''}`);
}
if (problems.length) {
  console.error(`web-ext lint: ${problems.length} problem(s)`);
  process.exit(1);
}
console.log('web-ext lint: clean');
