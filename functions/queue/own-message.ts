import type { AcceptedOrder } from '../orders/order-message';
import { requestFingerprint } from '../orders/request-fingerprint';
import type { AcceptRecord } from '../store/accepted-orders';

/**
 * Whether a message that cannot be processed is the order's OWN message: the one the producer built
 * from the accept record. Only then may its failure be recorded as the order's status; any other
 * message under the order's id (a different cart, a hand-made copy) says nothing about the order,
 * which may well be processed from its real message.
 *
 * The producer builds the message from the request and the stored `acceptedAt`, so its own message
 * has the accept record's fingerprint and `acceptedAt`. Without an accept record (an order accepted
 * before they existed) the message is taken as the order's own, as the consumer does for processing.
 */

export type Attribution =
  { readonly own: true; readonly order: AcceptedOrder; readonly fingerprint: string } | { readonly own: false; readonly why: string };

/**
 * `stated`: the order as the message states it (validateOrderMessage's `order`), undefined when its
 * fields are malformed: such a message cannot be tied to an order at all.
 */
export function attributeMessage(stated: AcceptedOrder | undefined, accepted: AcceptRecord | undefined): Attribution {
  if (!stated) return { own: false, why: 'the message is not a well-formed order' };
  const fingerprint = requestFingerprint(stated);
  if (!accepted) return { own: true, order: stated, fingerprint };
  if (accepted.requestFingerprint !== fingerprint)
    return {
      own: false,
      why: `its body is not the accepted request (fingerprint ${fingerprint}, accepted ${accepted.requestFingerprint})`,
    };
  if (accepted.acceptedAt !== stated.acceptedAt)
    return { own: false, why: `its acceptedAt ${stated.acceptedAt} is not the accepted one (${accepted.acceptedAt})` };
  return { own: true, order: stated, fingerprint };
}
