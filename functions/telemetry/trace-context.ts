import type { TraceContext } from '@azure/functions';

/**
 * One distributed trace from the POST to the processing: the producer puts the W3C trace context of
 * its invocation on the Service Bus message, in the application properties the Functions host's
 * Service Bus trigger reads, so Application Insights records the processor's invocation as a child of
 * the HTTP request (one operation id end to end). functions/README.md, "One trace per order", cites
 * the host and SDK source this relies on.
 *
 * - `Diagnostic-Id`: read by the trigger's Service Bus processor in the host's default Application
 *   Insights mode (Azure.Messaging.ServiceBus `MessagingClientDiagnostics.TryExtractTraceContext`).
 * - `traceparent`: read instead when the host runs in OpenTelemetry mode.
 * Both carry the same value. No telemetry SDK is needed: without one registered, @azure/service-bus
 * leaves a `Diagnostic-Id` the app set as it is and adds nothing itself.
 *
 * The value comes only from the invocation's trace context, which the host fills from its own
 * activity; a client's `traceparent` request header is never copied. A value that is not a valid W3C
 * traceparent (empty, another version, upper-case hex, all-zero ids) is not sent at all: the
 * processor then starts an operation of its own, which loses the link but nothing else.
 */

/** The application property names the trigger reads (the same value in both). */
export const TRACE_PROPERTIES = ['Diagnostic-Id', 'traceparent'] as const;

/**
 * A W3C Trace Context `traceparent` of version 00 (https://www.w3.org/TR/trace-context/): lower-case
 * hex, a 32-digit trace id and a 16-digit parent id that are not all zeros, 2 digits of flags.
 */
export const W3C_TRACEPARENT = /^00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}$/;

export type TraceProperties = Partial<Record<(typeof TRACE_PROPERTIES)[number], string>>;

/** The message properties that carry `traceContext`'s trace parent, or none when it is not a valid one. */
export function traceProperties(traceContext: TraceContext | undefined): TraceProperties {
  const traceParent = traceContext?.traceParent;
  if (typeof traceParent !== 'string' || !W3C_TRACEPARENT.test(traceParent)) return {};
  return Object.fromEntries(TRACE_PROPERTIES.map((name) => [name, traceParent]));
}

/** The trace id of a valid trace parent (what Application Insights shows as the operation id), for logs. */
export function traceIdOf(properties: TraceProperties): string | undefined {
  return properties.traceparent?.split('-')[1];
}
