import type { TableServiceClientOptions } from '@azure/data-tables';
import type { TokenCredential } from '@azure/identity';
import type { ServiceBusClient, ServiceBusSender } from '@azure/service-bus';
import type { OrderSender } from '../http/submit-order';
import type { AcceptedOrdersTable } from '../store/accepted-orders';
import type { OrdersTable } from '../store/order-records';

// `import = require` on purpose: esbuild then resolves every @azure package through its CommonJS
// build, the build @azure/service-bus (CommonJS only) pulls in anyway. Mixing `import` here would add
// the ESM build of core-rest-pipeline, core-auth, core-util... next to the CommonJS one: two copies of
// each in the bundle, and `instanceof RestError` false for half the errors (trap 1.8). The contract
// test checks that each @azure package is bundled once.
import identity = require('@azure/identity');
import serviceBus = require('@azure/service-bus');
import dataTables = require('@azure/data-tables');

/**
 * The Azure SDK clients of the app, built from explicit values (no settings are read here).
 */

/**
 * The app's user-assigned identity. One instance is shared by all clients: the managed-identity token
 * cache lives inside it (trap 4.1). One retry instead of three, because there is no overall deadline
 * on a token request (trap 4.2); callers bound their operations instead.
 */
export function createAppCredential(clientId: string): TokenCredential {
  return new identity.ManagedIdentityCredential({ clientId, retryOptions: { maxRetries: 1 } });
}

export interface OrderQueue {
  readonly client: ServiceBusClient;
  readonly sender: OrderSender & Pick<ServiceBusSender, 'close'>;
}

/**
 * A sender for the orders queue. One retry 500 ms later instead of core-amqp's 3 retries 30 s apart
 * (trap 4.3); the producer bounds each send with an abort signal on top.
 */
export function createOrderQueue(credential: TokenCredential, fullyQualifiedNamespace: string, queueName: string): OrderQueue {
  const client = new serviceBus.ServiceBusClient(fullyQualifiedNamespace, credential, {
    retryOptions: { maxRetries: 1, retryDelayInMs: 500 },
  });
  return { client, sender: client.createSender(queueName) };
}

type TableClient = InstanceType<typeof dataTables.TableClient>;

/**
 * A table of the order store. No SDK retries: the callers own retrying (with a bound per attempt),
 * so the worst case stays computable. `pipeline` is for tests (a trusted test certificate).
 */
function createTableClient(serviceUri: string, tableName: string, credential: TokenCredential, pipeline: Pick<TableServiceClientOptions, 'tlsOptions'>): TableClient {
  return new dataTables.TableClient(serviceUri, tableName, credential, { ...pipeline, retryOptions: { maxRetries: 0 } });
}

/** The orders table (the consumer's record of each order). */
export function createOrdersTable(
  serviceUri: string,
  tableName: string,
  credential: TokenCredential,
  pipeline: Pick<TableServiceClientOptions, 'tlsOptions'> = {},
): OrdersTable & { readonly client: TableClient } {
  const client = createTableClient(serviceUri, tableName, credential, pipeline);
  return {
    client,
    createEntity: (entity, options) => client.createEntity(entity, options),
    getEntity: (partitionKey, rowKey, options) => client.getEntity(partitionKey, rowKey, options),
    updateEntity: (entity, mode, options) => client.updateEntity(entity, mode, options),
  };
}

/** The accept-record table (the producer's record of each accepted order). */
export function createAcceptedOrdersTable(
  serviceUri: string,
  tableName: string,
  credential: TokenCredential,
  pipeline: Pick<TableServiceClientOptions, 'tlsOptions'> = {},
): AcceptedOrdersTable & { readonly client: TableClient } {
  const client = createTableClient(serviceUri, tableName, credential, pipeline);
  return {
    client,
    createEntity: (entity, options) => client.createEntity(entity, options),
    getEntity: (partitionKey, rowKey, options) => client.getEntity(partitionKey, rowKey, options),
  };
}
