/**
 * The suites that read whole synthesized stacks, in one Jest module registry: each environment's
 * stack is then synthesized once for all of them (`synthEnvironment` keeps it per registry), and cdktf
 * and the provider classes load once. synth-output and synth-runner run the app command in child
 * processes and stay files of their own, so Jest can run them beside this one.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- each spec inside its own describe, so its hooks stay its own */
describe('bundle-matches-stack', () => {
  require('./bundle-matches-stack.spec');
});
describe('checkov', () => {
  require('./checkov.spec');
});
describe('first-deploy', () => {
  require('./first-deploy.spec');
});
describe('orders-stack', () => {
  require('./orders-stack.spec');
});
describe('snapshot', () => {
  require('./snapshot.spec');
});
/* eslint-enable @typescript-eslint/no-require-imports */

import { expectEverySpecRequired } from '../helpers/spec-entry';

test('requires every spec of __tests__/stack, none with .only', () => expectEverySpecRequired(__filename));
