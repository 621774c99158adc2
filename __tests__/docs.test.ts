import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PROJECT_ROOT } from './helpers/synth';

/**
 * What the code and tests rely on is written in the repository (docs/, README.md, functions/README.md,
 * scripts/simulation/ASSUMPTIONS.md): no comment points at notes outside it, and every numbered
 * citation of a doc (`docs/functions-runtime.md, 1.4`) names an item that doc has.
 */

const tracked = execFileSync('git', ['ls-files'], { cwd: PROJECT_ROOT, encoding: 'utf8' })
  .split('\n')
  .filter((f) => /\.(ts|cjs|md|ya?ml|json)$/.test(f) && !f.endsWith('package-lock.json') && !f.includes('__snapshots__'))
  .filter((f) => fs.existsSync(path.join(PROJECT_ROOT, f)));
const text = (file: string) => fs.readFileSync(path.join(PROJECT_ROOT, file), 'utf8');
const self = path.relative(PROJECT_ROOT, __filename);

test('no file points at notes outside the repository', () => {
  const outside = /\.\.\/shared|shared\/reference|reference notes|\btraps? \d+\.\d+|reference §/;
  const offenders = tracked.filter((f) => f !== self && outside.test(text(f)));
  expect(offenders).toEqual([]);
});

test('every numbered citation of a doc names an item of that doc', () => {
  const missing: string[] = [];
  for (const file of tracked) {
    for (const [cite, doc, ...numbers] of text(file).matchAll(/docs\/([a-z0-9-]+\.md), (\d+\.\d+)(?: and (\d+\.\d+))?/g)) {
      const target = path.join(PROJECT_ROOT, 'docs', doc);
      const body = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : '';
      for (const n of numbers.filter(Boolean)) if (!body.includes(`**${n} `)) missing.push(`${file}: ${cite}`);
    }
  }
  expect(missing).toEqual([]);
});
