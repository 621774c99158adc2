/**
 * The configuration's specs (the environments, every validation rule, the CIDR module), in one Jest
 * module registry: on its own, each file would load cdktf (for its token check) again.
 */
import './cidr.spec';
import './durations.spec';
import './environments.spec';
import './validation.spec';
import { expectEverySpecImported } from '../helpers/spec-entry';

test('imports every spec of __tests__/config', () => expectEverySpecImported(__filename));
