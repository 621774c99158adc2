/**
 * The suites that read whole synthesized stacks, in one Jest module registry: each environment's
 * stack is then synthesized once for all of them (`synthEnvironment` keeps it per registry), and cdktf
 * and the provider classes load once. synth-output and synth-runner run the app command in child
 * processes and stay files of their own, so Jest can run them beside this one.
 */
import './bundle-matches-stack.spec';
import './checkov.spec';
import './first-deploy.spec';
import './orders-stack.spec';
import './snapshot.spec';
import { expectEverySpecImported } from '../helpers/spec-entry';

test('imports every spec of __tests__/stack', () => expectEverySpecImported(__filename));
