/**
 * The private endpoints of a private environment: which service, which sub-resource (`group id`), and
 * the private DNS zone Azure requires for it (Microsoft Learn, "Azure Private Endpoint DNS zone
 * values"). A storage endpoint serves one sub-resource: the host account takes three, the data
 * account one; two endpoints share the table zone.
 *
 * - `namespace`: the Service Bus namespace (AMQP 5671/5672 and HTTPS 443).
 * - host `blob`: the Functions hosts' leases, keys and trigger-sync hashes.
 * - host `table`: the hosts' diagnostic events and (with runtime scale monitoring) the monthly
 *   `AzureFunctionsScaleMetrics*` tables.
 * - host `queue`: the host's queue endpoint; nothing here uses queues today, but the host resolves it
 *   and a queue-based feature must not silently reach for a public endpoint that refuses it.
 * - data `table`: the order tables.
 *
 * Pure data (no cdktf): validation sizes the endpoint subnet from it.
 */

export type PrivateEndpointTarget = 'serviceBus' | 'hostStorage' | 'dataStorage';

export interface PrivateEndpointSpec {
  readonly target: PrivateEndpointTarget;
  readonly subresource: 'namespace' | 'blob' | 'table' | 'queue';
  readonly zone: string;
}

export const PRIVATE_ENDPOINTS: readonly PrivateEndpointSpec[] = [
  { target: 'serviceBus', subresource: 'namespace', zone: 'privatelink.servicebus.windows.net' },
  { target: 'hostStorage', subresource: 'blob', zone: 'privatelink.blob.core.windows.net' },
  { target: 'hostStorage', subresource: 'table', zone: 'privatelink.table.core.windows.net' },
  { target: 'hostStorage', subresource: 'queue', zone: 'privatelink.queue.core.windows.net' },
  { target: 'dataStorage', subresource: 'table', zone: 'privatelink.table.core.windows.net' },
];

/** TCP ports a client reaches the endpoints on: HTTPS (storage, Service Bus over WebSockets) and AMQP over TLS. */
export const PRIVATE_ENDPOINT_PORTS = ['443', '5671-5672'] as const;
