/**
 * `npm run mutate [-- <path>...] [--incremental] [--with-azurite]`: mutation testing of functions/ and
 * lib/config/ with StrykerJS (stryker.config.mjs; README "Mutation testing").
 *
 *   <path>          folders or files to mutate, e.g. `functions/orders` or `lib/config/validate.ts`
 *                   (default: all of functions/ and lib/config/, less the data files the config names)
 *   --incremental   reuse the results of the last run for code and tests that did not change
 *   --with-azurite  also run the Azurite suite (slower; see stryker.config.mjs)
 *
 * Prints Stryker's table (score per file, then each surviving mutant), a score per module and the
 * run time; the HTML report goes to reports/mutation/index.html. Not part of `npm test` or CI.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { MutantResult } from '@stryker-mutator/api/core';

const ROOT = path.resolve(__dirname, '..');
/** What stryker.config.mjs mutates: every path given must lie inside one of these. */
const MUTATED_ROOTS = ['functions', 'lib/config'];

interface Args {
  readonly paths: string[];
  readonly incremental: boolean;
  readonly withAzurite: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  const paths: string[] = [];
  let incremental = false;
  let withAzurite = false;
  for (const arg of argv) {
    if (arg === '--incremental') incremental = true;
    else if (arg === '--with-azurite') withAzurite = true;
    else if (arg.startsWith('-')) throw new Error(`unknown option ${arg}; expected <path>..., --incremental or --with-azurite`);
    else paths.push(arg);
  }
  return { paths, incremental, withAzurite };
}

/** `functions/orders` -> `functions/orders/**\/*.ts`; a file stays itself. */
function mutateGlob(given: string): string {
  const relative = path.relative(ROOT, path.resolve(given)).split(path.sep).join('/');
  if (!MUTATED_ROOTS.some((root) => relative === root || relative.startsWith(`${root}/`))) {
    throw new Error(`${given} is outside ${MUTATED_ROOTS.join(' and ')}, which is what mutation testing covers`);
  }
  const full = path.join(ROOT, relative);
  if (!fs.existsSync(full)) throw new Error(`${given} does not exist`);
  return fs.statSync(full).isDirectory() ? `${relative}/**/*.ts` : relative;
}

interface Tally {
  mutants: number;
  killed: number;
  timeout: number;
  survived: number;
  noCoverage: number;
}

/** Killed plus timed out over every mutant that ran or had no test (Stryker's mutation score). */
function score(t: Tally): string {
  const counted = t.killed + t.timeout + t.survived + t.noCoverage;
  return counted === 0 ? 'n/a' : `${((100 * (t.killed + t.timeout)) / counted).toFixed(1)}%`;
}

function perModule(results: readonly MutantResult[]): Map<string, Tally> {
  const modules = new Map<string, Tally>();
  for (const result of results) {
    const file = path.relative(ROOT, result.fileName).split(path.sep).join('/');
    const module = path.posix.dirname(file);
    const t = modules.get(module) ?? { mutants: 0, killed: 0, timeout: 0, survived: 0, noCoverage: 0 };
    t.mutants++;
    if (result.status === 'Killed') t.killed++;
    else if (result.status === 'Timeout') t.timeout++;
    else if (result.status === 'Survived') t.survived++;
    else if (result.status === 'NoCoverage') t.noCoverage++;
    modules.set(module, t);
  }
  return new Map([...modules].sort(([a], [b]) => a.localeCompare(b)));
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  // The config's own list, for its exclusions (`!file`), so a path given here never mutates a data file.
  const config = (await import(pathToFileURL(path.join(ROOT, 'stryker.config.mjs')).href)).default as { mutate: string[] };
  const exclusions = config.mutate.filter((pattern) => pattern.startsWith('!'));
  const mutate = args.paths.length > 0 ? [...args.paths.map(mutateGlob), ...exclusions] : config.mutate;
  if (args.withAzurite) process.env.MUTATE_WITH_AZURITE = '1';

  const { Stryker } = await import('@stryker-mutator/core');
  const started = Date.now();
  // One incremental file per selection: a run of functions/orders must not overwrite what a run of
  // lib/config/validate.ts saved for its next --incremental run.
  const selection = args.paths.length > 0 ? args.paths.map((p) => p.replace(/\.ts$/, '').replace(/[^A-Za-z0-9]+/g, '-')).join('+') : 'all';
  const incrementalFile = `reports/mutation/incremental/${selection}.json`;
  const results = await new Stryker({ mutate, incremental: args.incremental, incrementalFile }).runMutationTest();
  const seconds = (Date.now() - started) / 1000;

  console.log('\nScore per module (killed + timed out over all mutants):');
  for (const [module, t] of perModule(results)) {
    console.log(
      `  ${module.padEnd(22)} ${score(t).padStart(6)}  ${t.mutants} mutants: ${t.killed} killed, ${t.timeout} timed out, ${t.survived} survived, ${t.noCoverage} without a test`,
    );
  }
  console.log(
    `Ran ${mutate.filter((p) => !p.startsWith('!')).join(', ')} in ${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s. Report: reports/mutation/index.html`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
