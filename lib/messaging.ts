import { ServicebusNamespace } from '@cdktf/provider-azurerm/lib/servicebus-namespace';
import { ServicebusQueue } from '@cdktf/provider-azurerm/lib/servicebus-queue';
import { Construct } from 'constructs';
import type { QueueConfig, ServiceBusConfig } from './config/types';
import type { Monitoring } from './monitoring';

export interface MessagingProps {
  readonly resourceGroupName: string;
  readonly location: string;
  readonly namespaceName: string;
  readonly serviceBus: ServiceBusConfig;
  readonly queue: QueueConfig;
  /** `prevent_destroy` on the namespace: replacing it deletes the queue and every order in it. */
  readonly preventDestroy: boolean;
  /**
   * Whether the namespace takes connections from the internet (Entra ID still guards it). False in a
   * private environment: only its private endpoint reaches it (Premium only).
   */
  readonly publicNetworkAccess: boolean;
  readonly monitoring: Monitoring;
  readonly tags: Record<string, string>;
}

/**
 * The Service Bus namespace and the `orders` queue. Only Entra ID principals with data roles can
 * send or receive: SAS keys are off, TLS 1.2 is the minimum. Orders that expire or exhaust their
 * deliveries go to the queue's dead-letter queue, never away.
 */
export class Messaging extends Construct {
  readonly namespace: ServicebusNamespace;
  readonly queue: ServicebusQueue;
  /** Host name the SDK and the trigger connect to. */
  readonly fullyQualifiedNamespace: string;

  constructor(scope: Construct, id: string, props: MessagingProps) {
    super(scope, id);
    const premium = props.serviceBus.sku === 'Premium';

    this.namespace = new ServicebusNamespace(this, 'namespace', {
      name: props.namespaceName,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      sku: props.serviceBus.sku,
      // Premium: messaging units at creation (autoscale owns them afterwards) and one partition
      // (partitions > 1 fail to create, azurerm #27510). Standard must send neither.
      capacity: premium ? props.serviceBus.messagingUnits?.minimum : undefined,
      premiumMessagingPartitions: premium ? 1 : undefined,
      localAuthEnabled: false,
      minimumTlsVersion: '1.2',
      // No network_rule_set block in either posture: its own public_network_access_enabled defaults to
      // true and would override this flag (azurerm #31059), and removing a block once applied sends a
      // reset without the flag. With public access off, only private links reach the namespace.
      publicNetworkAccessEnabled: props.publicNetworkAccess,
      // A managed identity is only meaningful (customer-managed keys) and offered on Premium.
      identity: premium ? { type: 'SystemAssigned' } : undefined,
      tags: props.tags,
      lifecycle: {
        preventDestroy: props.preventDestroy,
        ignoreChanges: premium ? ['capacity'] : undefined,
      },
    });

    const q = props.queue;
    this.queue = new ServicebusQueue(this, 'queue', {
      name: q.name,
      namespaceId: this.namespace.id,
      lockDuration: q.lockDuration,
      maxDeliveryCount: q.maxDeliveryCount,
      defaultMessageTtl: q.defaultMessageTtl,
      deadLetteringOnMessageExpiration: true,
      // The producer uses the order id as message id, so a client's retry is dropped here.
      requiresDuplicateDetection: true,
      duplicateDetectionHistoryTimeWindow: q.duplicateDetectionWindow,
      maxSizeInMegabytes: q.maxSizeInMegabytes,
      // Premium partitions at the namespace (1 partition: false); Standard keeps one broker for ordering.
      partitioningEnabled: false,
      requiresSession: false,
      expressEnabled: false,
      batchedOperationsEnabled: true,
    });

    this.fullyQualifiedNamespace = `${props.namespaceName}.servicebus.windows.net`;
    props.monitoring.sendDiagnostics('service-bus', this.namespace.id, { logs: 'allLogs' });
  }
}
