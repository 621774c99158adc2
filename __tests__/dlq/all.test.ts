/**
 * The dead-letter tool's specs (its command and its walk of the dead-letter queue, each against the
 * queue double), in one Jest module registry: on its own, each file would load the tool, the double and
 * the order code again. cli.test.ts, which starts the real entry point in child processes, stays a file
 * of its own so Jest runs it beside the rest.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- each spec inside its own describe, so its hooks stay its own */
describe('command', () => {
  require('./command.spec');
});
describe('dead-letters', () => {
  require('./dead-letters.spec');
});
/* eslint-enable @typescript-eslint/no-require-imports */

import { expectEverySpecRequired } from '../helpers/spec-entry';

test('requires every spec of __tests__/dlq, none with .only', () => expectEverySpecRequired(__filename));
