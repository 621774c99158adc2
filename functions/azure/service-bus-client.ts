import type { TokenCredential } from '@azure/identity';
import type { ServiceBusClient, ServiceBusSender } from '@azure/service-bus';
import type { OrderSender } from '../http/submit-order';

// `import = require`, as in sdk-clients.ts: one CommonJS copy of each @azure package in the bundle.
import serviceBus = require('@azure/service-bus');

/**
 * The order API's Service Bus sender. Its own module so that the order processor, which never sends
 * (the trigger's link is the host's), does not bundle the Service Bus SDK at all.
 */

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

