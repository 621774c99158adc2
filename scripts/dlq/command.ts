import type { DlqArguments } from './arguments';
import {
  errorText,
  listDeadLetters,
  MAX_LETTER_LIMIT,
  lockRenewalForWalk,
  replayDeadLetters,
  type DeadLetterListing,
  type DeadLetterReceiver,
  type QueueSender,
  type ReplayReport,
} from './dead-letters';

/**
 * What `npm run dlq` does, with its Azure connection passed in (scripts/dlq.ts makes the real one).
 * Returns the process exit code: 0 done, 1 something failed, 2 the command could not run.
 */

export interface QueueTargets {
  readonly serviceBusFqdn: string;
  readonly queueName: string;
}

export interface DeadLetterConnection {
  readonly receiver: DeadLetterReceiver;
  readonly sender: QueueSender;
  close(): Promise<void>;
}

/** How the receiver is opened: its locks are renewed for this long after each receipt. */
export interface ConnectOptions {
  readonly lockRenewalMs: number;
}

export interface DlqDependencies {
  readonly targets: (environment: string) => QueueTargets;
  readonly connect: (targets: QueueTargets, options: ConnectOptions) => DeadLetterConnection;
  readonly print: (text: string) => void;
  readonly printError: (text: string) => void;
  /** Clock of the walk's time bound. @default Date.now */
  readonly now?: () => number;
}

export async function runDlq(args: DlqArguments, dependencies: DlqDependencies): Promise<number> {
  let targets: QueueTargets;
  try {
    targets = dependencies.targets(args.environment);
  } catch (error) {
    dependencies.printError(`Unknown environment '${args.environment}': ${errorText(error)}`);
    return 2;
  }
  const maxDurationMs = args.maxMinutes * 60_000;
  const connection = dependencies.connect(targets, { lockRenewalMs: lockRenewalForWalk(maxDurationMs) });
  try {
    if (args.replay.length === 0 && !args.replayValid) {
      const listing = await listDeadLetters(connection.receiver, args.limit);
      dependencies.print(args.json ? JSON.stringify(listing, null, 2) : formatListing(listing, targets));
      return 0;
    }
    const wanted = new Set(args.replay);
    const report = await replayDeadLetters(
      connection.receiver,
      connection.sender,
      (entry) => (args.replayValid ? entry.validation === 'valid' : wanted.has(entry.messageId)),
      { stopAfter: args.replayValid ? undefined : wanted.size, maxLetters: args.limit, maxDurationMs, now: dependencies.now },
    );
    const notFound = [...wanted].filter((id) => !report.outcomes.some((o) => o.messageId === id));
    const notReplayed = report.outcomes.filter((o) => o.outcome !== 'replayed');
    // A walk cut by a bound may have left letters it would have chosen.
    const cut = report.ended === 'letter-limit' || report.ended === 'time-limit';
    dependencies.print(
      args.json
        ? JSON.stringify(
            {
              outcomes: report.outcomes,
              notFound,
              notReplayed: notReplayed.map((o) => o.messageId),
              seen: report.seen,
              ended: report.ended,
            },
            null,
            2,
          )
        : formatReport(report, notFound, args),
    );
    return notReplayed.length === 0 && notFound.length === 0 && !cut ? 0 : 1;
  } catch (error) {
    dependencies.printError(explain(error, targets));
    return 2;
  } finally {
    await connection.close().catch(() => undefined);
  }
}

/** True for Service Bus' "not authorized" answers (judged by code and status, not by class). */
export function isPermissionError(error: unknown): boolean {
  const { code, statusCode } = (error ?? {}) as { code?: unknown; statusCode?: unknown };
  return (typeof code === 'string' && /unauthori[sz]ed/i.test(code)) || statusCode === 401 || statusCode === 403;
}

function explain(error: unknown, targets: QueueTargets): string {
  if (isPermissionError(error)) {
    return (
      `Not allowed on queue '${targets.queueName}' of ${targets.serviceBusFqdn} with your Entra ID login (${errorText(error)}).\n` +
      `Listing needs the role "Azure Service Bus Data Receiver" on the queue; replaying also needs "Azure Service Bus Data Sender".`
    );
  }
  if (
    (error as { name?: unknown } | null)?.name === 'CredentialUnavailableError' ||
    (error as { name?: unknown } | null)?.name === 'AggregateAuthenticationError'
  ) {
    return `No Entra ID login found (${errorText(error)}). Sign in with 'az login' (or another DefaultAzureCredential source) and try again.`;
  }
  return `The dead-letter queue of '${targets.queueName}' on ${targets.serviceBusFqdn} could not be read: ${errorText(error)}`;
}

function formatListing(listing: DeadLetterListing, targets: QueueTargets): string {
  const { entries } = listing;
  if (entries.length === 0) return `No dead-lettered messages in '${targets.queueName}' (${targets.serviceBusFqdn}).`;
  const lines = entries.map((e) =>
    [
      `${e.messageId}  (sequence ${e.sequenceNumber}, enqueued ${e.enqueuedTime ?? '?'}, ${e.deliveryCount ?? '?'} deliveries)`,
      `  dead-lettered: ${e.deadLetterReason ?? '?'}${e.deadLetterDescription ? ` - ${e.deadLetterDescription}` : ''}`,
      `  body: ${e.validation}`,
    ].join('\n'),
  );
  const valid = entries.filter((e) => e.validation === 'valid').length;
  const head = `${entries.length} dead-lettered message(s) in '${targets.queueName}', ${valid} with a body that is valid now:`;
  const cut = listing.truncated
    ? `\n\nThe listing stopped at its limit of ${listing.limit} dead letters and more remain: run again with --limit <N> (at most ${MAX_LETTER_LIMIT}) to see more.`
    : '';
  return `${head}\n\n${lines.join('\n\n')}${cut}`;
}

function formatReport(report: ReplayReport, notFound: readonly string[], args: DlqArguments): string {
  const lines = report.outcomes.map((o) =>
    o.outcome === 'replayed' ? `replayed     ${o.messageId} as ${o.replayMessageId}` : `${o.outcome.padEnd(12)} ${o.messageId}: ${o.error}`,
  );
  for (const id of notFound) lines.push(`not found    ${id}`);
  const notReplayed = report.outcomes.filter((o) => o.outcome !== 'replayed');
  lines.push(
    `Walked ${report.seen} dead letter(s); replayed ${report.outcomes.length - notReplayed.length} of ${report.outcomes.length} chosen.`,
  );
  if (notReplayed.length > 0) {
    lines.push(
      `NOT replayed (${notReplayed.length}): ${notReplayed.map((o) => `${o.messageId} (sequence ${o.sequenceNumber})`).join(', ')}; they are still in the dead-letter queue.`,
    );
  }
  if (report.ended === 'letter-limit')
    lines.push(
      `The walk stopped at its limit of ${args.limit} dead letters; letters beyond it were not looked at: run again (or with a larger --limit).`,
    );
  if (report.ended === 'time-limit')
    lines.push(
      `The walk stopped after ${args.maxMinutes} minute(s); letters beyond it were not looked at: run again (or with a larger --max-minutes).`,
    );
  return lines.join('\n');
}
