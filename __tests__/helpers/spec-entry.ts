import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * A folder whose specs run in one Jest module registry (README "Tests", "One registry per folder"):
 * its `all.test.ts` imports each `*.spec.ts` of the folder. Jest gives every test FILE a registry of its
 * own, so each spec on its own would load cdktf, the provider classes or the Azure SDKs again and warm
 * the JIT again. This checks that the entry imports exactly the specs beside it, so a new spec that
 * nobody imports fails here instead of never running.
 */
export function expectEverySpecImported(entryFile: string): void {
  const dir = path.dirname(entryFile);
  const onDisk = fs
    .readdirSync(dir)
    .filter((name) => name.endsWith('.spec.ts'))
    .map((name) => name.slice(0, -'.spec.ts'.length))
    .sort();
  const imported = [...fs.readFileSync(entryFile, 'utf8').matchAll(/^import '\.\/(.+)\.spec';$/gm)].map((m) => m[1]).sort();
  expect(imported).toEqual(onDisk);
}
