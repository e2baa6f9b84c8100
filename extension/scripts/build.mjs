// `npm run build`: the Chrome/Edge zip and the Firefox XPI in ../dist/ (git-ignored), from the
// same sources and the same manifest (one manifest serves every target: Chromium reads
// `background.service_worker` and `key`, Firefox reads `background.scripts` and
// `browser_specific_settings`). Built with the pinned web-ext, so only runtime files ship.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.resolve(root, '..', 'dist');
const { version } = JSON.parse(fs.readFileSync(path.join(root, 'manifest.json'), 'utf8'));
const bin = path.join(root, 'node_modules', '.bin', 'web-ext');
const ignore = ['node_modules/**', 'test/**', 'scripts/**', 'package.json', 'package-lock.json', '*.md'];

fs.mkdirSync(dist, { recursive: true });
for (const name of [`tablerase-chromium-${version}.zip`, `tablerase-firefox-${version}.xpi`]) {
  execFileSync(bin, ['build', '--source-dir', root, '--artifacts-dir', dist, '--filename', name, '--overwrite-dest',
    '--ignore-files', ...ignore], { stdio: ['ignore', 'ignore', 'inherit'] });
  console.log(path.join(dist, name));
}
