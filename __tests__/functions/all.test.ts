/**
 * The unit specs of functions/, in one Jest module registry: on its own, each file would load the
 * Functions library and the Azure SDKs again (about 0.2 s of CPU per file, measured: README "Speed").
 * The contract suites (the built zips in child processes) and the Azurite suite stay files of their
 * own, so Jest runs them beside this one. Run one spec with `npx jest __tests__/functions/all -t '<its file name>'`.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- each spec inside its own describe, so its hooks stay its own */
describe('accepted-orders', () => {
  require('./accepted-orders.spec');
});
describe('app-clients', () => {
  require('./app-clients.spec');
});
describe('currency', () => {
  require('./currency.spec');
});
describe('dead-letter-scan', () => {
  require('./dead-letter-scan.spec');
});
describe('dead-letter-watermark', () => {
  require('./dead-letter-watermark.spec');
});
describe('field-errors', () => {
  require('./field-errors.spec');
});
describe('get-order-status', () => {
  require('./get-order-status.spec');
});
describe('health-and-settings', () => {
  require('./health-and-settings.spec');
});
describe('host-json', () => {
  require('./host-json.spec');
});
describe('idempotency-key', () => {
  require('./idempotency-key.spec');
});
describe('money', () => {
  require('./money.spec');
});
describe('openapi', () => {
  require('./openapi.spec');
});
describe('order-claim', () => {
  require('./order-claim.spec');
});
describe('order-id', () => {
  require('./order-id.spec');
});
describe('order-message', () => {
  require('./order-message.spec');
});
describe('order-records', () => {
  require('./order-records.spec');
});
describe('order-request', () => {
  require('./order-request.spec');
});
describe('own-message', () => {
  require('./own-message.spec');
});
describe('problem', () => {
  require('./problem.spec');
});
describe('process-order', () => {
  require('./process-order.spec');
});
describe('read-json-body', () => {
  require('./read-json-body.spec');
});
describe('request-fingerprint', () => {
  require('./request-fingerprint.spec');
});
describe('resilience', () => {
  require('./resilience.spec');
});
describe('submit-order', () => {
  require('./submit-order.spec');
});
/* eslint-enable @typescript-eslint/no-require-imports */

import { expectEverySpecRequired } from '../helpers/spec-entry';

test('requires every spec of __tests__/functions, none with .only', () => expectEverySpecRequired(__filename));
