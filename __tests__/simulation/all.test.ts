/**
 * The surge model's specs (cases worked out by hand), in one Jest module registry: on its own, each
 * file would load the model and its imports again. prod-stack.test.ts, which simulates the real prod
 * stack for many seconds, stays a file of its own so Jest runs it beside the rest.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- each spec inside its own describe, so its hooks stay its own */
describe('api-side', () => {
  require('./api-side.spec');
});
describe('autoscale-engine', () => {
  require('./autoscale-engine.spec');
});
describe('before', () => {
  require('./before.spec');
});
describe('chart', () => {
  require('./chart.spec');
});
describe('elastic-scaler', () => {
  require('./elastic-scaler.spec');
});
describe('pricing', () => {
  require('./pricing.spec');
});
describe('queue-consumer', () => {
  require('./queue-consumer.spec');
});
describe('stats', () => {
  require('./stats.spec');
});
describe('workload-and-run', () => {
  require('./workload-and-run.spec');
});
/* eslint-enable @typescript-eslint/no-require-imports */

import { expectEverySpecRequired } from '../helpers/spec-entry';

test('requires every spec of __tests__/simulation, none with .only', () => expectEverySpecRequired(__filename));
