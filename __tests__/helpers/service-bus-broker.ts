import * as tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import { generate } from 'selfsigned';

// rhea is the AMQP 1.0 library @azure/service-bus itself runs on; here it plays the broker's side.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const rhea = require('rhea') as typeof import('rhea');

/**
 * A stand-in for a Service Bus namespace on 127.0.0.1, enough for the real @azure/service-bus client
 * in a built package to do what the apps do, over AMQP 1.0 and TLS as against Azure:
 * - claims-based security: every `put-token` on `$cbs` is answered 200 and its audience recorded (the
 *   token is not checked: the identity stand-in made it);
 * - sending to the queue: each message is recorded as it arrived (properties, application
 *   properties, the JSON body), and settled as accepted, or, with `hold`, never settled (a broker
 *   that does not answer);
 * - peeking the queue's dead-letter queue from a sequence number (the `$management` link's
 *   `com.microsoft:peek-message`), over the letters a test puts in `deadLetters`.
 * It is no Service Bus: no locks, no duplicate detection, no receive links.
 */

export interface ReceivedMessage {
  readonly to: string;
  readonly messageId?: string;
  readonly contentType?: string;
  readonly correlationId?: string;
  readonly subject?: string;
  readonly applicationProperties: Record<string, unknown>;
  readonly body: unknown;
}

export interface Letter {
  readonly sequenceNumber: number;
  readonly messageId: string;
  readonly body: unknown;
  readonly deadLetterReason?: string;
  readonly deadLetterErrorDescription?: string;
}

export interface ServiceBusBroker {
  /** `127.0.0.1:<port>`, the form `ServiceBusConnection__fullyQualifiedNamespace` takes on loopback. */
  readonly host: string;
  /** The certificate to trust (PEM). */
  readonly certificate: string;
  readonly received: ReceivedMessage[];
  readonly audiences: string[];
  /** The dead-letter queue's letters (any queue), in sequence-number order. */
  readonly deadLetters: Letter[];
  /** `accept` settles each sent message; `hold` never does. */
  mode: 'accept' | 'hold';
  readonly peeks: Array<{ address: string; fromSequenceNumber: number; messageCount: number }>;
  close(): Promise<void>;
}

const BATCH_FORMAT = 0x80013700;

export async function startServiceBusBroker(): Promise<ServiceBusBroker> {
  // A subject of its own: a trust store holding two self-signed certificates of one subject (this and
  // Azurite's) picks the wrong one and refuses both.
  const pems = await generate([{ name: 'commonName', value: 'service-bus-stand-in' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  });
  const container = rhea.create_container({ id: 'service-bus-stand-in' });
  const received: ReceivedMessage[] = [];
  const audiences: string[] = [];
  const deadLetters: Letter[] = [];
  const peeks: ServiceBusBroker['peeks'] = [];
  const held: unknown[] = [];
  const state = { mode: 'accept' as 'accept' | 'hold' };

  container.on('sender_open', (context: any) => {
    const remote = context.sender.remote.attach;
    context.sender.set_source(remote.source);
    context.sender.set_target(remote.target);
  });
  container.on('receiver_open', (context: any) => {
    const remote = context.receiver.remote.attach;
    context.receiver.set_source(remote.source);
    context.receiver.set_target(remote.target);
    context.receiver.set_max_message_size?.(256 * 1024);
  });
  container.on('message', (context: any) => {
    const address: string = context.receiver.target?.address ?? context.receiver.remote.attach.target?.address ?? '';
    const message = context.message;
    if (address === '$cbs' || address.endsWith('/$management')) {
      const reply = respond(address, message);
      const sender = findSender(context.connection, address, message.reply_to);
      context.delivery.accept();
      sender?.send({
        correlation_id: message.message_id,
        to: message.reply_to,
        application_properties: reply.properties,
        body: reply.body,
      });
      return;
    }
    const inner = context.delivery.format === BATCH_FORMAT ? decodeBatch(message.body) : [message];
    for (const m of inner) received.push(toReceived(address, m));
    if (state.mode === 'hold') {
      held.push(context.delivery);
      return;
    }
    context.delivery.accept();
  });
  // rhea accepts a message when the handler returns unless told otherwise.
  container.options.autoaccept = false;

  function respond(address: string, message: any): { properties: Record<string, unknown>; body?: unknown } {
    const operation = message.application_properties?.operation;
    if (address === '$cbs' && operation === 'put-token') {
      audiences.push(String(message.application_properties?.name));
      return { properties: { 'status-code': 200, 'status-description': 'OK' } };
    }
    if (operation === 'com.microsoft:peek-message') {
      const from = toNumber(message.body['from-sequence-number']);
      const count = toNumber(message.body['message-count']);
      peeks.push({ address, fromSequenceNumber: from, messageCount: count });
      const page = address.includes('/$DeadLetterQueue/') ? deadLetters.filter((l) => l.sequenceNumber >= from).slice(0, count) : [];
      if (page.length === 0) return { properties: { statusCode: 204, 'status-code': 204, statusDescription: 'No Content' } };
      return {
        properties: { statusCode: 200, 'status-code': 200 },
        body: { messages: page.map((letter) => ({ message: encodeLetter(letter) })) },
      };
    }
    return { properties: { statusCode: 501, 'status-code': 501, 'status-description': `not implemented by the stand-in: ${operation}` } };
  }

  const server = container.listen({
    port: 0,
    host: '127.0.0.1',
    transport: 'tls',
    key: pems.private,
    cert: pems.cert,
  }) as unknown as tls.Server;
  await new Promise<void>((resolve) => (server.listening ? resolve() : server.once('listening', () => resolve())));
  const { port } = server.address() as AddressInfo;

  return {
    host: `127.0.0.1:${port}`,
    certificate: pems.cert,
    received,
    audiences,
    deadLetters,
    peeks,
    get mode() {
      return state.mode;
    },
    set mode(value) {
      state.mode = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const connection of (container as any).connections ?? []) connection.close?.();
        // Connections the clients keep open end with the server's sockets.
        (server as any)._connections = 0;
        setImmediate(resolve);
      }),
  };
}

/** The link a request's answer goes back on: the client's receiver on the same node, named or addressed by reply_to. */
function findSender(connection: any, address: string, replyTo: string): any {
  const links: any[] = [];
  connection.each_link((link: any) => links.push(link));
  const senders = links.filter((link) => link.is_sender() && link.remote.attach?.source?.address === address);
  return senders.find((link) => link.name === replyTo || link.remote.attach?.target?.address === replyTo) ?? senders.at(-1);
}

function decodeBatch(body: any): any[] {
  const sections = Array.isArray(body) ? body : body?.multiple ? body.content : [body];
  return sections.map((section: any) => rhea.message.decode(Buffer.from(section.content ?? section)));
}

function toReceived(address: string, message: any): ReceivedMessage {
  const raw = message.body?.content ?? message.body;
  const text = Buffer.isBuffer(raw) ? raw.toString('utf8') : raw;
  let body: unknown = text;
  try {
    body = typeof text === 'string' ? JSON.parse(text) : text;
  } catch {
    // not JSON: kept as text
  }
  return {
    to: address,
    messageId: message.message_id === undefined ? undefined : String(message.message_id),
    contentType: message.content_type,
    correlationId: message.correlation_id === undefined ? undefined : String(message.correlation_id),
    subject: message.subject,
    applicationProperties: { ...(message.application_properties ?? {}) },
    body,
  };
}

function encodeLetter(letter: Letter): Buffer {
  return rhea.message.encode({
    message_id: letter.messageId,
    content_type: 'application/json',
    body: rhea.message.data_section(Buffer.from(JSON.stringify(letter.body))),
    application_properties: {
      ...(letter.deadLetterReason ? { DeadLetterReason: letter.deadLetterReason } : {}),
      ...(letter.deadLetterErrorDescription ? { DeadLetterErrorDescription: letter.deadLetterErrorDescription } : {}),
    },
    message_annotations: { 'x-opt-sequence-number': rhea.types.wrap_long(letter.sequenceNumber), 'x-opt-enqueued-time': new Date() },
  } as any) as unknown as Buffer;
}

function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (Buffer.isBuffer(value)) return Number(value.readBigInt64BE(0));
  if (value && typeof value === 'object' && 'value' in value) return toNumber((value as { value: unknown }).value);
  return Number(value);
}
