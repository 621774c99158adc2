import type { TableServiceClientOptions } from '@azure/data-tables';
import type { TokenCredential } from '@azure/identity';
import type { AcceptedOrdersTable } from '../store/accepted-orders';
import type { OrdersTable } from '../store/order-records';

// `import = require` on purpose: esbuild then resolves every @azure package through its CommonJS
// build, the build @azure/service-bus (CommonJS only, service-bus-client.ts) pulls in anyway. Mixing `import` here would add
// the ESM build of core-rest-pipeline, core-auth, core-util... next to the CommonJS one: two copies of
// each in the bundle, and `instanceof RestError` false for half the errors (trap 1.8). The contract
// test checks that each @azure package is bundled once.
import identity = require('@azure/identity');
import dataTables = require('@azure/data-tables');

/**
 * The identity and table clients both apps use, built from explicit values (no settings are read
 * here). The Service Bus sender is apart (service-bus-client.ts): only the order API sends, so only
 * its package bundles the Service Bus SDK.
 */

/**
 * The app's user-assigned identity. One instance is shared by all clients: the managed-identity token
 * cache lives inside it (trap 4.1). One retry instead of three, because there is no overall deadline
 * on a token request (trap 4.2); callers bound their operations instead.
 */
export function createAppCredential(clientId: string): TokenCredential {
  return new identity.ManagedIdentityCredential({ clientId, retryOptions: { maxRetries: 1 } });
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
