/**
 * Every spec of lib/'s files (each construct on a bare stack; the policy Aspect on failing stacks), in one Jest module registry:
 * on its own, each file would load cdktf and the provider classes again (about 0.45 s of CPU per file,
 * measured: README "Speed"). Run one spec with `npx jest __tests__/lib -t '<its file name>'`.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- each spec inside its own describe, so its hooks stay its own */
describe('alerts', () => {
  require('./alerts.spec');
});
describe('always-ready-schedule', () => {
  require('./always-ready-schedule.spec');
});
describe('app-identity', () => {
  require('./app-identity.spec');
});
describe('autoscale', () => {
  require('./autoscale.spec');
});
describe('availability-test', () => {
  require('./availability-test.spec');
});
describe('data-storage', () => {
  require('./data-storage.spec');
});
describe('function-package', () => {
  require('./function-package.spec');
});
describe('host-storage', () => {
  require('./host-storage.spec');
});
describe('hosting', () => {
  require('./hosting.spec');
});
describe('keyless-storage-account', () => {
  require('./keyless-storage-account.spec');
});
describe('messaging', () => {
  require('./messaging.spec');
});
describe('monitoring', () => {
  require('./monitoring.spec');
});
describe('naming', () => {
  require('./naming.spec');
});
describe('operations-workbook', () => {
  require('./operations-workbook.spec');
});
describe('policy-aspect', () => {
  require('./policy-aspect.spec');
});
describe('private-endpoints', () => {
  require('./private-endpoints.spec');
});
describe('private-network', () => {
  require('./private-network.spec');
});
describe('providers', () => {
  require('./providers.spec');
});
describe('state-backend', () => {
  require('./state-backend.spec');
});
describe('targets', () => {
  require('./targets.spec');
});
describe('trigger-sync', () => {
  require('./trigger-sync.spec');
});
/* eslint-enable @typescript-eslint/no-require-imports */

import { expectEverySpecRequired } from '../helpers/spec-entry';

test('requires every spec of __tests__/lib, none with .only', () => expectEverySpecRequired(__filename));
