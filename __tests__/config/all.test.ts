/**
 * The configuration's specs (the environments, every validation rule, the CIDR module), in one Jest
 * module registry: on its own, each file would load cdktf (for its token check) again.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- each spec inside its own describe, so its hooks stay its own */
describe('cidr', () => {
  require('./cidr.spec');
});
describe('durations', () => {
  require('./durations.spec');
});
describe('environments', () => {
  require('./environments.spec');
});
describe('validation', () => {
  require('./validation.spec');
});
/* eslint-enable @typescript-eslint/no-require-imports */

import { expectEverySpecRequired } from '../helpers/spec-entry';

test('requires every spec of __tests__/config, none with .only', () => expectEverySpecRequired(__filename));
