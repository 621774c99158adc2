/** `npm run dlq -- <environment> [--replay <messageId>...] [--replay-valid] [--json]` */

export const USAGE = 'usage: npm run dlq -- <environment> [--replay <messageId>...] [--replay-valid] [--json]';

export const HELP = `${USAGE}

Lists the orders queue's dead letters (message id, time, deliveries, reason, and the body checked again
with the consumer's schema), and replays chosen ones to the queue. Runs with your own Entra ID login
(az login); you need Azure Service Bus Data Receiver and Sender on the queue.

  <environment>            an environment of lib/config/environments.ts (e.g. dev, prod)
  --replay <messageId>...  send a copy of these dead letters back to the queue, then remove them
  --replay-valid           replay every dead letter whose body is valid now
  --json                   machine-readable output`;

/** `--help` or `-h` anywhere: print HELP instead of running. */
export function wantsHelp(argv: readonly string[]): boolean {
  return argv.includes('--help') || argv.includes('-h');
}

export interface DlqArguments {
  readonly environment: string;
  /** Message ids to replay; empty when only listing. */
  readonly replay: readonly string[];
  readonly replayValid: boolean;
  readonly json: boolean;
}

export class UsageError extends Error {
  constructor(problem: string) {
    super(`${problem}\n${USAGE}`);
    this.name = 'UsageError';
  }
}

export function parseDlqArguments(argv: readonly string[]): DlqArguments {
  const positional: string[] = [];
  const replay: string[] = [];
  let replayValid = false;
  let json = false;
  let collectingIds = false;
  for (const arg of argv) {
    if (arg === '--replay') collectingIds = true;
    else if (arg === '--replay-valid') (replayValid = true), (collectingIds = false);
    else if (arg === '--json') (json = true), (collectingIds = false);
    else if (arg.startsWith('--')) throw new UsageError(`unknown option ${arg}`);
    else if (collectingIds) replay.push(arg);
    else positional.push(arg);
  }
  if (argv.includes('--replay') && replay.length === 0) throw new UsageError('--replay needs at least one message id');
  if (replay.length > 0 && replayValid) throw new UsageError('use either --replay <messageId>... or --replay-valid, not both');
  if (positional.length !== 1) throw new UsageError(positional.length === 0 ? 'the environment is missing' : `unexpected arguments: ${positional.slice(1).join(' ')}`);
  return { environment: positional[0], replay, replayValid, json };
}
