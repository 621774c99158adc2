import { buildAcceptedOrder, type AcceptedOrder } from '../../functions/orders/order-message';
import { parseOrderRequest } from '../../functions/orders/order-request';
import { sampleOrder } from './invocation';

/** The sample order as the producer puts it on the queue. */
export function acceptedSample(orderId = '3f1c2b7e-9a4d-4e0b-8c1a-2b3c4d5e6f70'): AcceptedOrder {
  const parsed = parseOrderRequest(sampleOrder());
  if (!parsed.ok) throw new Error('sample order is invalid');
  return buildAcceptedOrder(parsed.order, orderId, new Date('2026-03-01T10:00:00Z'));
}
