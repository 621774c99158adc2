import type { DlqArguments } from './arguments';
import { errorText, listDeadLetters, replayDeadLetters, type DeadLetterEntry, type DeadLetterReceiver, type QueueSender, type ReplayOutcome } from './dead-letters';

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

export interface DlqDependencies {
  readonly targets: (environment: string) => QueueTargets;
  readonly connect: (targets: QueueTargets) => DeadLetterConnection;
  readonly print: (text: string) => void;
  readonly printError: (text: string) => void;
}

export async function runDlq(args: DlqArguments, dependencies: DlqDependencies): Promise<number> {
  let targets: QueueTargets;
  try {
    targets = dependencies.targets(args.environment);
  } catch (error) {
    dependencies.printError(`Unknown environment '${args.environment}': ${errorText(error)}`);
    return 2;
  }
  const connection = dependencies.connect(targets);
  try {
    if (args.replay.length === 0 && !args.replayValid) {
      const entries = await listDeadLetters(connection.receiver);
      dependencies.print(args.json ? JSON.stringify(entries, null, 2) : formatEntries(entries, targets));
      return 0;
    }
    const wanted = new Set(args.replay);
    const outcomes = await replayDeadLetters(
      connection.receiver,
      connection.sender,
      (entry) => (args.replayValid ? entry.validation === 'valid' : wanted.has(entry.messageId)),
      { stopAfter: args.replayValid ? undefined : wanted.size },
    );
    const notFound = [...wanted].filter((id) => !outcomes.some((o) => o.messageId === id));
    dependencies.print(args.json ? JSON.stringify({ outcomes, notFound }, null, 2) : formatOutcomes(outcomes, notFound));
    return outcomes.every((o) => o.outcome === 'replayed') && notFound.length === 0 ? 0 : 1;
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
  if ((error as { name?: unknown } | null)?.name === 'CredentialUnavailableError' || (error as { name?: unknown } | null)?.name === 'AggregateAuthenticationError') {
    return `No Entra ID login found (${errorText(error)}). Sign in with 'az login' (or another DefaultAzureCredential source) and try again.`;
  }
  return `The dead-letter queue of '${targets.queueName}' on ${targets.serviceBusFqdn} could not be read: ${errorText(error)}`;
}

function formatEntries(entries: readonly DeadLetterEntry[], targets: QueueTargets): string {
  if (entries.length === 0) return `No dead-lettered messages in '${targets.queueName}' (${targets.serviceBusFqdn}).`;
  const lines = entries.map((e) =>
    [
      `${e.messageId}  (sequence ${e.sequenceNumber}, enqueued ${e.enqueuedTime ?? '?'}, ${e.deliveryCount ?? '?'} deliveries)`,
      `  dead-lettered: ${e.deadLetterReason ?? '?'}${e.deadLetterDescription ? ` - ${e.deadLetterDescription}` : ''}`,
      `  body: ${e.validation}`,
    ].join('\n'),
  );
  const valid = entries.filter((e) => e.validation === 'valid').length;
  return `${entries.length} dead-lettered message(s) in '${targets.queueName}', ${valid} with a body that is valid now:\n\n${lines.join('\n\n')}`;
}

function formatOutcomes(outcomes: readonly ReplayOutcome[], notFound: readonly string[]): string {
  const lines = outcomes.map((o) =>
    o.outcome === 'replayed' ? `replayed     ${o.messageId} as ${o.replayMessageId}` : `${o.outcome.padEnd(12)} ${o.messageId}: ${o.error}`,
  );
  for (const id of notFound) lines.push(`not found    ${id}`);
  return lines.length > 0 ? lines.join('\n') : 'Nothing to replay.';
}
