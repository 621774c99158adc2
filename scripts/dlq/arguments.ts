import { DEFAULT_LETTER_LIMIT, DEFAULT_WALK_MINUTES, MAX_LETTER_LIMIT } from './dead-letters';

/** `npm run dlq -- <environment> [--replay <messageId>...] [--replay-valid] [--limit N] [--max-minutes N] [--json]` */

export const USAGE =
  'usage: npm run dlq -- <environment> [--replay <messageId>...] [--replay-valid] [--limit N] [--max-minutes N] [--json]';

/** Longest walk an operator may ask for: locks are renewed for the whole walk. */
export const MAX_WALK_MINUTES = 120;

export const HELP = `${USAGE}

Lists the orders queue's dead letters (message id, time, deliveries, reason, and the body checked again
with the consumer's schema), and replays chosen ones to the queue. Runs with your own Entra ID login
(az login); you need Azure Service Bus Data Receiver and Sender on the queue.

  <environment>            an environment of lib/config/environments.ts (e.g. dev, prod)
  --replay <messageId>...  send a copy of these dead letters back to the queue, then remove them
  --replay-valid           replay every dead letter whose body is valid now
  --limit N                look at no more than N dead letters (${DEFAULT_LETTER_LIMIT}; at most ${MAX_LETTER_LIMIT});
                           a listing or walk cut at the limit says so and exits 1 for a replay
  --max-minutes N          a replay stops receiving after N minutes (${DEFAULT_WALK_MINUTES}; at most ${MAX_WALK_MINUTES}), then
                           releases every letter it holds; a walk cut this way says so and exits 1
  --json                   machine-readable output

A replay walks the dead-letter queue once: it holds the lock of every letter it has seen until the end,
replays each chosen one as it comes (copy sent, then the dead letter completed), and releases the rest.
It exits 0 only when every letter it meant to replay was replayed.`;

/** `--help` or `-h` anywhere: print HELP instead of running. */
export function wantsHelp(argv: readonly string[]): boolean {
  return argv.includes('--help') || argv.includes('-h');
}

export interface DlqArguments {
  readonly environment: string;
  /** Message ids to replay; empty when only listing. */
  readonly replay: readonly string[];
  readonly replayValid: boolean;
  /** Most dead letters to list or walk. */
  readonly limit: number;
  /** Longest a replay walk may take, in minutes. */
  readonly maxMinutes: number;
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
  let limit = DEFAULT_LETTER_LIMIT;
  let maxMinutes = DEFAULT_WALK_MINUTES;
  let collectingIds = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--replay') collectingIds = true;
    else if (arg === '--replay-valid') [replayValid, collectingIds] = [true, false];
    else if (arg === '--json') [json, collectingIds] = [true, false];
    else if (arg === '--limit') [limit, collectingIds] = [wholeNumber('--limit', argv[++i], MAX_LETTER_LIMIT), false];
    else if (arg === '--max-minutes') [maxMinutes, collectingIds] = [wholeNumber('--max-minutes', argv[++i], MAX_WALK_MINUTES), false];
    else if (arg.startsWith('--')) throw new UsageError(`unknown option ${arg}`);
    else if (collectingIds) replay.push(arg);
    else positional.push(arg);
  }
  if (argv.includes('--replay') && replay.length === 0) throw new UsageError('--replay needs at least one message id');
  if (replay.length > 0 && replayValid) throw new UsageError('use either --replay <messageId>... or --replay-valid, not both');
  if (positional.length !== 1)
    throw new UsageError(positional.length === 0 ? 'the environment is missing' : `unexpected arguments: ${positional.slice(1).join(' ')}`);
  return { environment: positional[0], replay, replayValid, limit, maxMinutes, json };
}

function wholeNumber(option: string, value: string | undefined, max: number): number {
  if (value === undefined || !/^[1-9][0-9]*$/.test(value) || Number(value) > max) {
    throw new UsageError(`${option} needs a whole number from 1 to ${max}${value === undefined ? '' : `, not '${value}'`}`);
  }
  return Number(value);
}
