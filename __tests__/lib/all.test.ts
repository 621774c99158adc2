/**
 * Every spec of lib/'s files (each construct on a bare stack; the policy Aspect on failing stacks), in one Jest module registry:
 * on its own, each file would load cdktf and the provider classes again (about 0.45 s of CPU per file,
 * measured: README "Speed"). Run one construct's tests with `npx jest __tests__/lib -t '<its describe or test name>'`.
 */
import './alerts.spec';
import './always-ready-schedule.spec';
import './app-identity.spec';
import './autoscale.spec';
import './availability-test.spec';
import './data-storage.spec';
import './function-package.spec';
import './host-storage.spec';
import './hosting.spec';
import './keyless-storage-account.spec';
import './messaging.spec';
import './monitoring.spec';
import './naming.spec';
import './operations-workbook.spec';
import './policy-aspect.spec';
import './private-endpoints.spec';
import './private-network.spec';
import './providers.spec';
import './state-backend.spec';
import './targets.spec';
import './trigger-sync.spec';
import { expectEverySpecImported } from '../helpers/spec-entry';

test('imports every spec of __tests__/lib', () => expectEverySpecImported(__filename));
