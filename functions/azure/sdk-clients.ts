import type { TableServiceClientOptions } from '@azure/data-tables';
import type { TokenCredential } from '@azure/identity';
import type { ServiceBusClient, ServiceBusSender } from '@azure/service-bus';
import type { OrderSender } from '../http/submit-order';
import type { DeadLetterBrowser } from '../queue/dead-letter-scan';
import type { WatermarkTable } from '../store/dead-letter-watermark';
import type { AcceptedOrdersTable } from '../store/accepted-orders';
import type { OrdersTable } from '../store/order-records';

// `import = require` on purpose: esbuild then resolves every @azure package through its CommonJS
// build, the build @azure/service-bus (CommonJS only) pulls in anyway. Mixing `import` here would add
// the ESM build of core-rest-pipeline, core-auth, core-util... next to the CommonJS one: two copies of
// each in the bundle, and `instanceof RestError` false for half the errors (docs/functions-runtime.md, 1.8). The contract
// test checks that each @azure package is bundled once.
import identity = require('@azure/identity');
import serviceBus = require('@azure/service-bus');
import dataTables = require('@azure/data-tables');
// Sequence numbers are 64-bit: the SDK takes them as Long (the `long` package it depends on itself).
import Long = require('long');

/**
 * The Azure SDK clients of the app, built from explicit values (no settings are read here).
 */

/**
 * The app's user-assigned identity. One instance is shared by all clients: the managed-identity token
 * cache lives inside it (docs/functions-runtime.md, 4.1). One retry instead of three, because there is no overall deadline
 * on a token request (docs/functions-runtime.md, 4.2); callers bound their operations instead.
 */
export function createAppCredential(clientId: string): TokenCredential {
  return new identity.ManagedIdentityCredential({ clientId, retryOptions: { maxRetries: 1 } });
}

/**
 * The app's Service Bus client. One retry 500 ms later instead of core-amqp's 3 retries 30 s apart
 * (docs/functions-runtime.md, 4.3); callers bound each operation with an abort signal on top.
 */
export function createServiceBusClient(credential: TokenCredential, fullyQualifiedNamespace: string): ServiceBusClient {
  return new serviceBus.ServiceBusClient(fullyQualifiedNamespace, credential, {
    retryOptions: { maxRetries: 1, retryDelayInMs: 500 },
  });
}

/** A sender for the orders queue. */
export function createOrderSender(client: ServiceBusClient, queueName: string): OrderSender & Pick<ServiceBusSender, 'close'> {
  return client.createSender(queueName);
}

/**
 * The queue's dead-letter queue, browsed with peek only: a peek locks and removes nothing, so
 * `npm run dlq` still sees and replays every letter. The receiver opens no receive link for a peek
 * (it uses the entity's management link), and Azure Service Bus Data Receiver on the queue covers
 * its dead-letter sub-queue.
 */
export function createDeadLetterBrowser(client: ServiceBusClient, queueName: string): DeadLetterBrowser {
  const receiver = client.createReceiver(queueName, { subQueueType: 'deadLetter', receiveMode: 'peekLock' });
  return {
    async peek(fromSequenceNumber, maxMessageCount, abortSignal) {
      const messages = await receiver.peekMessages(maxMessageCount, {
        fromSequenceNumber: Long.fromString(fromSequenceNumber.toString()),
        abortSignal,
      });
      return messages.map((message) => ({
        sequenceNumber: String(message.sequenceNumber ?? ''),
        messageId: message.messageId === undefined ? undefined : String(message.messageId),
        body: message.body as unknown,
        deadLetterReason: message.deadLetterReason,
        deadLetterErrorDescription: message.deadLetterErrorDescription,
      }));
    },
  };
}

type TableClient = InstanceType<typeof dataTables.TableClient>;
type TableOptions = Pick<TableServiceClientOptions, 'tlsOptions'>;

/**
 * A table of the order store. No SDK retries: the callers own retrying (with a bound per attempt),
 * so the worst case stays computable. `pipeline` is for tests (a trusted test certificate).
 */
function createTableClient(serviceUri: string, tableName: string, credential: TokenCredential, pipeline: TableOptions): TableClient {
  return new dataTables.TableClient(serviceUri, tableName, credential, { ...pipeline, retryOptions: { maxRetries: 0 } });
}

/**
 * The three calls a store makes, bound to its SDK client. Each store's interface (OrdersTable,
 * AcceptedOrdersTable, WatermarkTable) names its own entity type; the SDK's generic methods take them all.
 */
function entityCalls(client: TableClient) {
  return {
    client,
    createEntity: client.createEntity.bind(client),
    getEntity: client.getEntity.bind(client),
    updateEntity: client.updateEntity.bind(client),
  };
}

/** The orders table (the consumer's record of each order). */
export function createOrdersTable(
  serviceUri: string,
  tableName: string,
  credential: TokenCredential,
  pipeline: TableOptions = {},
): OrdersTable & { readonly client: TableClient } {
  return entityCalls(createTableClient(serviceUri, tableName, credential, pipeline));
}

/** The accept-record table (the producer's record of each accepted order). */
export function createAcceptedOrdersTable(
  serviceUri: string,
  tableName: string,
  credential: TokenCredential,
  pipeline: TableOptions = {},
): AcceptedOrdersTable & { readonly client: TableClient } {
  return entityCalls(createTableClient(serviceUri, tableName, credential, pipeline));
}

/** The dead-letter scan's watermark, one entity in the orders table (store/dead-letter-watermark.ts). */
export function createWatermarkTable(
  serviceUri: string,
  tableName: string,
  credential: TokenCredential,
  pipeline: TableOptions = {},
): WatermarkTable & { readonly client: TableClient } {
  return entityCalls(createTableClient(serviceUri, tableName, credential, pipeline));
}
