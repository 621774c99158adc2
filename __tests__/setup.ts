// Types of cdktf's matchers (toHaveResourceWithProperties, ...); a type-only import loads nothing.
import type {} from 'cdktf/lib/testing/adapters/jest';

/**
 * cdktf's matchers, loaded on first use: loading cdktf costs every test file a few hundred
 * milliseconds of CPU, and most files (the functions', the tools') never use them. The first call of
 * any of them runs cdktf's own `Testing.setupJest()` against a stand-in `expect.extend` to take its
 * matchers, and each call is passed to cdktf's matcher as it stands.
 */
const CDKTF_MATCHERS = [
  'toHaveResource',
  'toHaveResourceWithProperties',
  'toHaveDataSource',
  'toHaveDataSourceWithProperties',
  'toHaveProvider',
  'toHaveProviderWithProperties',
  'toBeValidTerraform',
  'toPlanSuccessfully',
] as const;

type Matcher = (this: jest.MatcherContext, ...args: unknown[]) => jest.CustomMatcherResult;
let cdktfMatchers: Record<string, Matcher> | undefined;

function loadCdktfMatchers(): Record<string, Matcher> {
  if (cdktfMatchers) return cdktfMatchers;
  const extend = expect.extend;
  let taken: Record<string, Matcher> = {};
  expect.extend = (matchers) => {
    taken = matchers as Record<string, Matcher>;
  };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use: most suites never need cdktf
    (require('cdktf') as typeof import('cdktf')).Testing.setupJest();
  } finally {
    expect.extend = extend;
  }
  cdktfMatchers = taken;
  return taken;
}

expect.extend(
  Object.fromEntries(
    CDKTF_MATCHERS.map((name) => [
      name,
      function (this: jest.MatcherContext, ...args: unknown[]) {
        return loadCdktfMatchers()[name].apply(this, args);
      },
    ]),
  ),
);
