/**
 * The unit specs of functions/, in one Jest module registry: on its own, each file would load the
 * Functions library and the Azure SDKs again (about 0.2 s of CPU per file, measured: README "Speed").
 * The contract suites (the built zips in child processes) and the Azurite suite stay files of their
 * own, so Jest runs them beside this one. Run one spec's tests with `npx jest __tests__/functions/all -t '<name>'`.
 */
import './accepted-orders.spec';
import './app-clients.spec';
import './currency.spec';
import './dead-letter-scan.spec';
import './dead-letter-watermark.spec';
import './field-errors.spec';
import './get-order-status.spec';
import './health-and-settings.spec';
import './host-json.spec';
import './idempotency-key.spec';
import './money.spec';
import './openapi.spec';
import './order-claim.spec';
import './order-id.spec';
import './order-message.spec';
import './order-records.spec';
import './order-request.spec';
import './own-message.spec';
import './problem.spec';
import './process-order.spec';
import './read-json-body.spec';
import './request-fingerprint.spec';
import './resilience.spec';
import './submit-order.spec';
import { expectEverySpecImported } from '../helpers/spec-entry';

test('imports every spec of __tests__/functions', () => expectEverySpecImported(__filename));
