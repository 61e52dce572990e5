// Loads every k6 script of this folder in Node with stand-ins for the k6 modules, so CI checks more
// than syntax without a k6 binary: imports resolve, the init code runs, `options` has scenarios or
// VUs and thresholds, a default function exists, and the header documents BASE_URL and parameters.
// Run: node deploy/k6/check.mjs   (deploy/validate.sh does)
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'k6-check-'));

const stubs = {
  'k6': `export function check(v, sets) { for (const f of Object.values(sets)) f(v); return true; }
         export function fail(msg) { throw new Error(msg); }
         export function group(name, fn) { return fn(); }
         export function sleep() {}`,
  'k6/http': `const res = { status: 200, body: '', headers: {}, json: () => undefined };
              const http = { get: () => res, post: () => res, put: () => res, del: () => res, batch: (r) => r.map(() => res),
                setResponseCallback: () => {}, expectedStatuses: () => ({}) };
              export default http;`,
  'k6/metrics': `class M { constructor(name) { this.name = name; } add() {} }
                 export class Counter extends M {} export class Trend extends M {} export class Rate extends M {} export class Gauge extends M {}`,
  'k6/execution': `export default { vu: { idInTest: 1 }, scenario: {}, test: { abort() {} } };`,
};
for (const [name, code] of Object.entries(stubs)) {
  writeFileSync(join(work, `stub-${name.replace('/', '-')}.mjs`), code);
}
globalThis.__ENV = {};
globalThis.__VU = 0;

const scripts = readdirSync(here).filter((f) => f.endsWith('.js'));
let failures = 0;
for (const file of scripts) {
  const source = readFileSync(join(here, file), 'utf8');
  const rewritten = source
    .replace(/from '(k6(?:\/[a-z]+)?)'/g, (_, m) => `from './stub-${m.replace('/', '-')}.mjs'`)
    .replace(/from '\.\/([\w-]+)\.js'/g, "from './$1.mjs'");
  writeFileSync(join(work, file.replace(/\.js$/, '.mjs')), rewritten);
}
for (const file of scripts) {
  const problems = [];
  try {
    const mod = await import(pathToFileURL(join(work, file.replace(/\.js$/, '.mjs'))).href);
    if (file !== 'lib.js') {
      const header = readFileSync(join(here, file), 'utf8').split('\n').filter((l) => l.startsWith('//')).join('\n');
      if (typeof mod.default !== 'function') problems.push('no default function');
      if (!mod.options) problems.push('no options');
      else {
        if (!mod.options.thresholds || Object.keys(mod.options.thresholds).length === 0) problems.push('no thresholds');
        if (!mod.options.scenarios && !mod.options.vus) problems.push('neither scenarios nor vus');
      }
      if (!header.includes('BASE_URL')) problems.push('header does not document BASE_URL');
      if (!/Parameters/.test(header)) problems.push('header has no Parameters section');
      if (!/Thresholds/.test(header)) problems.push('header does not describe the thresholds');
    }
  } catch (e) {
    problems.push(`does not load: ${e.message}`);
  }
  if (problems.length) {
    failures++;
    console.log(`k6: ${file}: ${problems.join('; ')}`);
  } else {
    console.log(`k6: ${file}: ok`);
  }
}
// The Zipf sampler: rank 0 of 100 with s=1 has probability 1/H(100) = 0.193.
{
  const { zipfSampler } = await import(pathToFileURL(join(work, 'lib.mjs')).href);
  const sample = zipfSampler(100, 1.0);
  const counts = new Array(100).fill(0);
  for (let i = 0; i < 100000; i++) counts[sample()]++;
  const head = counts[0] / 100000;
  const inRange = counts.every((c, i) => i === 0 || c <= counts[0]);
  if (Math.abs(head - 0.193) > 0.01 || !inRange) {
    failures++;
    console.log(`k6: lib.js: zipfSampler off (rank 0 share ${head.toFixed(3)}, expected 0.193)`);
  } else {
    console.log(`k6: lib.js: zipfSampler ok (rank 0 share ${head.toFixed(3)})`);
  }
}
rmSync(work, { recursive: true, force: true });
process.exit(failures ? 1 : 0);
