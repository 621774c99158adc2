import type * as tls from 'node:tls';
// `import = require`: rhea exports a Container instance, whose methods live on its prototype; a
// namespace import copies own properties only and loses them.
import rhea = require('rhea');
import { loopbackCertificate } from './loopback';

/**
 * An AMQP 1.0 peer on a loopback TLS port that does what Service Bus does for a sender, and no more:
 * it answers the claims-based-security `put-token` on `$cbs` with 200, grants credit on a link to the
 * queue and accepts every message sent on it. Enough for @azure/service-bus's `ServiceBusSender` to
 * complete sends, so the order API's whole request path (send included) can run on this machine.
 * No queue behind it: messages are counted and dropped. The client must trust `certificate`
 * (NODE_EXTRA_CA_CERTS in a child process).
 */

export interface ServiceBusStandIn {
  /** `127.0.0.1:<port>`: the value for `ServiceBusConnection__fullyQualifiedNamespace`. */
  readonly namespace: string;
  /** PEM of the self-signed certificate for 127.0.0.1. */
  readonly certificate: string;
  /** Messages accepted per link target (the queue name). */
  accepted(target: string): number;
  /** The first `RECORDED_MESSAGES` messages accepted, in order. */
  readonly messages: readonly ReceivedMessage[];
  /** Audiences of the tokens put on `$cbs`. */
  readonly tokenAudiences: readonly string[];
  close(): Promise<void>;
}

/** A message as it arrived: the AMQP properties the order API sets, and the body decoded from its data section. */
export interface ReceivedMessage {
  readonly target: string;
  readonly messageId: string | undefined;
  readonly contentType: string | undefined;
  readonly correlationId: string | undefined;
  readonly subject: string | undefined;
  readonly body: unknown;
}

const CBS = '$cbs';
/** Messages kept for inspection; later ones are only counted (a benchmark sends thousands). */
const RECORDED_MESSAGES = 100;

/** `tls`: the certificate to serve (default: a new one). Clients that trust several self-signed certificates with the same subject may pick the wrong one: share one. */
export async function startServiceBusStandIn(tls?: { cert: string; key: string }): Promise<ServiceBusStandIn> {
  const { cert, key } = tls ?? (await loopbackCertificate());
  const container = rhea.create_container({ id: 'service-bus-stand-in' });
  const counts = new Map<string, number>();
  const tokenAudiences: string[] = [];
  const messages: ReceivedMessage[] = [];

  container.on('message', (context: rhea.EventContext) => {
    const target = context.receiver?.target?.address ?? '';
    const message = context.message!;
    if (target !== CBS) {
      counts.set(target, (counts.get(target) ?? 0) + 1);
      if (messages.length < RECORDED_MESSAGES) messages.push(received(target, message));
      return; // rhea accepts the delivery (autoaccept)
    }
    tokenAudiences.push(String(message.application_properties?.name));
    // The reply goes on the client's receiver link whose name is the request's reply_to.
    const reply = context.connection.find_sender((sender: rhea.Sender) => sender.name === message.reply_to);
    reply?.send({
      body: undefined,
      correlation_id: message.message_id,
      application_properties: { 'status-code': 200, 'status-description': 'OK' },
    });
  });

  const server = container.listen({ host: '127.0.0.1', port: 0, transport: 'tls', cert, key }) as tls.Server;
  await new Promise<void>((resolve, reject) => {
    if (server.listening) return resolve();
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as { port: number };
  const connections = new Set<rhea.Connection>();
  container.on('connection_open', (context: rhea.EventContext) => connections.add(context.connection));
  container.on('disconnected', (context: rhea.EventContext) => connections.delete(context.connection));
  return {
    namespace: `127.0.0.1:${port}`,
    certificate: cert,
    accepted: (target) => counts.get(target) ?? 0,
    messages,
    tokenAudiences,
    close: () =>
      new Promise((resolve) => {
        for (const connection of connections) connection.close();
        server.close(() => resolve());
      }),
  };
}

function received(target: string, message: rhea.Message): ReceivedMessage {
  const text = (value: unknown) => (value === undefined || value === null ? undefined : String(value));
  return {
    target,
    messageId: text(message.message_id),
    contentType: text(message.content_type),
    correlationId: text(message.correlation_id),
    subject: text(message.subject),
    body: decodeBody(message.body, text(message.content_type)),
  };
}

/** @azure/service-bus sends an object body as a data section of JSON bytes (its default data transformer). */
function decodeBody(body: unknown, contentType: string | undefined): unknown {
  const section = body as { typecode?: number; content?: unknown } | undefined;
  const bytes = Buffer.isBuffer(body) ? body : section?.typecode === 0x75 && Buffer.isBuffer(section.content) ? section.content : undefined;
  if (!bytes) return body;
  const textBody = bytes.toString('utf8');
  return contentType === 'application/json' || /^[[{"]/.test(textBody) ? JSON.parse(textBody) : textBody;
}
