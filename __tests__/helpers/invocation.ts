import * as fs from 'node:fs';
import * as path from 'node:path';
import { HttpRequest, InvocationContext, type HttpResponseInit, type LogLevel, type TraceContext } from '@azure/functions';

/** A real InvocationContext whose log lines are kept for assertions; `traceContext` as the host would pass it. */
export function testContext(
  triggerMetadata?: Record<string, unknown>,
  invocationId = 'inv-0001',
  traceContext?: TraceContext,
): { context: InvocationContext; logs: Array<{ level: LogLevel; text: string }> } {
  const logs: Array<{ level: LogLevel; text: string }> = [];
  const context = new InvocationContext({
    invocationId,
    functionName: 'under-test',
    triggerMetadata,
    traceContext,
    logHandler: (level, ...args) => logs.push({ level, text: args.map(String).join(' ') }),
  });
  return { context, logs };
}

export function logText(logs: ReadonlyArray<{ level: LogLevel; text: string }>, level: LogLevel): string {
  return logs
    .filter((line) => line.level === level)
    .map((line) => line.text)
    .join('\n');
}

const LOG_LINE = /^(\S+?)((?: [A-Za-z-]+=\S+?)*): /;

/** The event names that start the log lines (functions/telemetry/log-event.ts), in order; `(none)` for a line without one. */
export function logEvents(logs: ReadonlyArray<{ text: string }>): string[] {
  return logs.map((line) => LOG_LINE.exec(line.text)?.[1] ?? '(none)');
}

/** The `name=value` fields of each log line of `event`, in order. */
export function logFields(logs: ReadonlyArray<{ text: string }>, event: string): Array<Record<string, string>> {
  return logs.flatMap((line) => {
    const match = LOG_LINE.exec(line.text);
    if (!match || match[1] !== event) return [];
    return [
      Object.fromEntries(
        match[2]
          .trim()
          .split(' ')
          .filter(Boolean)
          .map((pair) => pair.split('=') as [string, string]),
      ),
    ];
  });
}

export function jsonRequest(body: string, headers: Record<string, string> = {}): HttpRequest {
  return new HttpRequest({
    method: 'POST',
    url: 'http://127.0.0.1:7071/api/orders',
    headers: { 'content-type': 'application/json', ...headers },
    body: { string: body },
  });
}

export function getRequest(id: string): HttpRequest {
  return new HttpRequest({ method: 'GET', url: `http://127.0.0.1:7071/api/orders/${id}`, params: { id } });
}

/** The repository's sample order (functions/samples/order.json), as text and parsed. */
export const sampleOrderText = fs.readFileSync(path.join(__dirname, '..', '..', 'functions', 'samples', 'order.json'), 'utf8');
export function sampleOrder(): Record<string, unknown> & { items: Array<Record<string, unknown>> } {
  return JSON.parse(sampleOrderText);
}

/** A handler's JSON body (jsonBody of an HttpResponseInit). */
export function bodyOf(response: HttpResponseInit): Record<string, any> {
  return response.jsonBody as Record<string, any>;
}

export function headerOf(response: HttpResponseInit, name: string): string | undefined {
  return new Headers(response.headers as Record<string, string>).get(name) ?? undefined;
}
