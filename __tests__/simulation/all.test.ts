/**
 * The surge model's specs (cases worked out by hand), in one Jest module registry: on its own, each
 * file would load the model and its imports again. prod-stack.test.ts, which simulates the real prod
 * stack for many seconds, stays a file of its own so Jest runs it beside the rest.
 */
import './api-side.spec';
import './autoscale-engine.spec';
import './before.spec';
import './chart.spec';
import './elastic-scaler.spec';
import './pricing.spec';
import './queue-consumer.spec';
import './workload-and-run.spec';
import { expectEverySpecImported } from '../helpers/spec-entry';

test('imports every spec of __tests__/simulation', () => expectEverySpecImported(__filename));
