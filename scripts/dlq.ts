import { DefaultAzureCredential } from '@azure/identity';
import { ServiceBusClient } from '@azure/service-bus';
import { environmentTargets } from '../lib/targets';
import { HELP, parseDlqArguments, UsageError, wantsHelp } from './dlq/arguments';
import { runDlq, type ConnectOptions, type DeadLetterConnection, type QueueTargets } from './dlq/command';

/**
 * `npm run dlq -- <environment> [--replay <messageId>...] [--replay-valid] [--json]`
 * Lists the orders queue's dead letters with the reason each body is rejected, and replays chosen ones.
 * Runs with the operator's own Entra ID login (DefaultAzureCredential, e.g. after `az login`).
 */

function connect(targets: QueueTargets, options: ConnectOptions): DeadLetterConnection {
  const client = new ServiceBusClient(targets.serviceBusFqdn, new DefaultAzureCredential());
  return {
    // The SDK renews the lock of every message receiveMessages returns (BatchingReceiver starts its
    // LockRenewer per message) for maxAutoLockRenewalDurationInMs after receipt; the default of
    // 5 minutes is shorter than a long walk, and a lapsed lock puts a letter back at the head.
    receiver: client.createReceiver(targets.queueName, {
      subQueueType: 'deadLetter',
      receiveMode: 'peekLock',
      maxAutoLockRenewalDurationInMs: options.lockRenewalMs,
    }),
    sender: client.createSender(targets.queueName),
    close: () => client.close(),
  };
}

async function main(): Promise<number> {
  if (wantsHelp(process.argv.slice(2))) {
    console.log(HELP);
    return 0;
  }
  let args;
  try {
    args = parseDlqArguments(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(error.message);
    return 2;
  }
  return runDlq(args, {
    targets: environmentTargets,
    connect,
    print: (text) => console.log(text),
    printError: (text) => console.error(text),
  });
}

main().then(
  (code) => (process.exitCode = code),
  (error) => {
    console.error(error);
    process.exitCode = 2;
  },
);
