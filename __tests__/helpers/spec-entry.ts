import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * A folder whose specs run in one Jest module registry (README "Tests", "One registry per folder"):
 * its `all.test.ts` requires each `*.spec.ts` of the folder inside a describe named after the file. Jest gives every test FILE a registry of its
 * own, so each spec on its own would load cdktf, the provider classes or the Azure SDKs again and warm
 * the JIT again. This checks that the entry requires exactly the specs beside it, so a new spec that
 * nobody requires fails here instead of never running, and that no spec is focused with `.only`.
 */
export function expectEverySpecRequired(entryFile: string): void {
  const dir = path.dirname(entryFile);
  const onDisk = fs
    .readdirSync(dir)
    .filter((name) => name.endsWith('.spec.ts'))
    .map((name) => name.slice(0, -'.spec.ts'.length))
    .sort();
  const required = [...fs.readFileSync(entryFile, 'utf8').matchAll(/^ {2}require\('\.\/(.+)\.spec'\);$/gm)].map((m) => m[1]).sort();
  expect(required).toEqual(onDisk);
  // One spec's .only would silently skip every other spec of the folder.
  const focused = onDisk.filter((name) =>
    /\b(?:it|test|describe)\.only\(/.test(fs.readFileSync(path.join(dir, `${name}.spec.ts`), 'utf8')),
  );
  expect(focused).toEqual([]);
}
