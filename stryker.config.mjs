// Mutation testing (README "Mutation testing"): StrykerJS changes the code one small rule at a time and
// re-runs the tests that cover each change; a change no test notices is a survivor. Run it with
// `npm run mutate` (scripts/mutate.ts), for every module or only the ones named on its command line.

/** Source files that are data, not rules: a mutant there changes a value no unit test reads. */
export const NOT_MUTATED = [
  // Generated from ISO 4217 List One by `npm run iso4217`; __tests__/iso4217 regenerates and compares it.
  'functions/orders/iso-4217.ts',
  // The environments' values (regions, SKUs, sizes): validate.ts holds their rules, the stack
  // snapshots pin the values.
  'lib/config/environments.ts',
  // Types only: nothing to mutate.
  'lib/config/types.ts',
];

/**
 * The unit suites of functions/ and lib/config/, the ones that mirror the mutated files. Each spec runs
 * as a file of its own here, not through its folder's all.test.ts: per-test coverage then tells which
 * spec covers a mutant, and a mutant's run loads only the specs that reach it.
 */
const SUITES = ['<rootDir>/__tests__/functions/**/*.{spec,test}.ts', '<rootDir>/__tests__/config/**/*.{spec,test}.ts'];

/**
 * Suites left out of the mutation run:
 * - each folder's all.test.ts, which only imports the specs that SUITES already runs one by one;
 * - the contract suites load the BUILT zip (an esbuild bundle of functions/) in a child process.
 *   Stryker's mutants live in the instrumented sources, which that bundle never contains, so these
 *   suites cannot kill a mutant; they would only add minutes to every run.
 * - the Azurite suite (unless MUTATE_WITH_AZURITE=1, `npm run mutate -- --with-azurite`) runs the
 *   same in-process code as the fake-table suites against the real emulator. Starting Azurite costs
 *   about 4 s for every mutant it covers, a third of the whole run.
 */
const LEFT_OUT = [
  '/all\\.test\\.ts$',
  '\\.contract\\.test\\.ts$',
  ...(process.env.MUTATE_WITH_AZURITE === '1' ? [] : ['\\.integration\\.test\\.ts$']),
];

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'jest',
  coverageAnalysis: 'perTest',
  concurrency: 2,
  mutate: ['functions/**/*.ts', 'lib/config/**/*.ts', ...NOT_MUTATED.map((file) => `!${file}`)],
  jest: {
    configFile: 'jest.config.js',
    config: {
      testMatch: SUITES,
      testPathIgnorePatterns: ['/node_modules/', '/__tests__/helpers/', ...LEFT_OUT],
      // The source folders too, so jest's related-test lookup (--findRelatedTests, for each mutated
      // file) follows imports through them: a test of submit-order reaches a mutant in orders/money.ts.
      // Only here: `npm test` keeps scanning __tests__ alone.
      roots: ['<rootDir>/__tests__', '<rootDir>/functions', '<rootDir>/lib', '<rootDir>/scripts'],
      // __tests__/setup.ts registers cdktf's matchers, which only the stack suites use; loading cdktf
      // in every suite of every mutant's run made each run twice as long (8.6 s -> 4.9 s in band).
      setupFilesAfterEnv: [],
    },
    enableFindRelatedTests: true,
  },
  // Stryker rewrites the tsconfig it is pointed at with TypeScript's JavaScript API, which TypeScript 7
  // no longer has. Ours needs no rewriting (no `extends` or `references` outside the project), so it
  // is pointed at a file that does not exist and the rewrite is skipped. Nothing in the sandbox
  // type-checks (@swc/jest only strips types), so no checker runs and no `// @ts-nocheck` is inserted.
  tsconfigFile: 'tsconfig.stryker-none.json',
  disableTypeChecks: false,
  checkers: [],
  reporters: ['clear-text', 'progress', 'html', 'json'],
  // reports/ is never copied into Stryker's sandbox, and git ignores it.
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  incrementalFile: 'reports/mutation/incremental.json',
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true, reportMutants: true },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
