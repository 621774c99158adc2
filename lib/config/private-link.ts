/**
 * The private endpoints of a private environment: which service, which sub-resource (`group id`), and
 * the private DNS zone Azure requires for it (Microsoft Learn, "Azure Private Endpoint DNS zone
 * values"). A storage endpoint serves one sub-resource, so the data account takes three.
 *
 * - `namespace`: the Service Bus namespace (AMQP 5671/5672 and HTTPS 443).
 * - `blob`: the Functions host's leases, keys and trigger-sync hashes.
 * - `table`: the order tables, and the host's diagnostic events and (with runtime scale monitoring)
 *   its monthly `AzureFunctionsScaleMetrics*` tables.
 * - `queue`: the host's queue endpoint; nothing here uses queues today, but the host resolves it and
 *   a queue-based feature must not silently reach for a public endpoint that refuses it.
 *
 * Pure data (no cdktf): validation sizes the endpoint subnet from it.
 */

export type PrivateEndpointTarget = 'serviceBus' | 'dataStorage';

export interface PrivateEndpointSpec {
  readonly target: PrivateEndpointTarget;
  readonly subresource: 'namespace' | 'blob' | 'table' | 'queue';
  readonly zone: string;
}

export const PRIVATE_ENDPOINTS: readonly PrivateEndpointSpec[] = [
  { target: 'serviceBus', subresource: 'namespace', zone: 'privatelink.servicebus.windows.net' },
  { target: 'dataStorage', subresource: 'blob', zone: 'privatelink.blob.core.windows.net' },
  { target: 'dataStorage', subresource: 'table', zone: 'privatelink.table.core.windows.net' },
  { target: 'dataStorage', subresource: 'queue', zone: 'privatelink.queue.core.windows.net' },
];

/** TCP ports a client reaches the endpoints on: HTTPS (storage, Service Bus over WebSockets) and AMQP over TLS. */
export const PRIVATE_ENDPOINT_PORTS = ['443', '5671-5672'] as const;
