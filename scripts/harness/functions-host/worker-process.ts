/**
 * Runs in a child process, as plain Node.js (compiled from this file without bundling): a stand-in
 * for the Azure Functions Node.js worker, enough to load the app the way the real worker does.
 *
 * - It provides `@azure/functions-core` by proxying `Module.prototype.require`, like the worker's
 *   setupCoreModule (docs/functions-runtime.md, 1.1): no stub module on disk, no alias.
 * - It `require`s package.json's `main` from the unpacked zip (worker startApp/loadScriptFile), asks the
 *   programming model for capabilities and runs the appStart hooks.
 * - Invocations go through the app's own ProgrammingModel: getInvocationModel(coreCtx) ->
 *   getArguments -> invokeFunction -> getResponse (worker InvocationHandler), with RPC-shaped requests.
 * - Every outgoing TCP connection is recorded, and one to a non-loopback address is refused, so a
 *   test can prove that nothing leaves the machine.
 *
 * It talks to the test (or the benchmark) over the IPC channel: messages in, replies out (see protocol.ts).
 */
import * as fs from 'node:fs';
import Module from 'node:module';
import * as net from 'node:net';
import * as path from 'node:path';
import type { Connection, HostReply, HostRequest, Registration, RpcInvocationRequest, StartupReport } from './protocol';

const appDir = process.argv[2];
const connections: Connection[] = [];
const fatalErrors: string[] = [];
const systemLogs: string[] = [];

// The worker exits on these (docs/functions-runtime.md, 1.5); record them so a test can fail on them.
process.on('unhandledRejection', (reason) => fatalErrors.push(`unhandledRejection: ${String((reason as Error)?.stack ?? reason)}`));
process.on('uncaughtException', (error) => fatalErrors.push(`uncaughtException: ${String(error?.stack ?? error)}`));

guardNetwork();

class Disposable {
  constructor(private readonly callback: () => void) {}
  dispose(): void {
    this.callback();
  }
}

interface ProgrammingModel {
  name: string;
  version: string;
  getCapabilities(capabilities: Record<string, string>): Promise<Record<string, string>>;
  getInvocationModel(coreCtx: unknown): {
    getArguments(): Promise<{ context: unknown; inputs: unknown[] }>;
    invokeFunction(context: unknown, inputs: unknown[], callback: (...args: unknown[]) => unknown): Promise<unknown>;
    getResponse(context: unknown, result: unknown): Promise<unknown>;
  };
}

const functions = new Map<string, { metadata: Registration; callback: (...args: unknown[]) => unknown }>();
const hooks = new Map<string, Array<(context: unknown) => unknown>>();
let programmingModel: ProgrammingModel | undefined;
let startupFinished = false;

const coreApi = {
  version: '3.10.1',
  hostVersion: '4.1040.0',
  registerFunction(metadata: Registration, callback: (...args: unknown[]) => unknown) {
    if (startupFinished) throw new Error('A function can only be registered during app startup.');
    const functionId = metadata.functionId || metadata.name;
    if (functions.has(functionId)) throw new Error(`A function with id "${functionId}" has already been registered.`);
    functions.set(functionId, { metadata, callback });
    return new Disposable(() => functions.delete(functionId));
  },
  registerHook(name: string, callback: (context: unknown) => unknown) {
    hooks.set(name, [...(hooks.get(name) ?? []), callback]);
    return new Disposable(() =>
      hooks.set(
        name,
        (hooks.get(name) ?? []).filter((c) => c !== callback),
      ),
    );
  },
  setProgrammingModel(model: ProgrammingModel) {
    programmingModel = model;
  },
  getProgrammingModel() {
    return programmingModel;
  },
  log(level: string, category: string, message: string) {
    systemLogs.push(`${level}/${category}: ${message}`);
  },
  Disposable,
};

const moduleProto = Module.prototype as unknown as { require: (id: string) => unknown };
moduleProto.require = new Proxy(moduleProto.require, {
  apply(target, thisArg, args: [string]) {
    return args[0] === '@azure/functions-core' ? coreApi : Reflect.apply(target, thisArg, args);
  },
});

void main();

async function main(): Promise<void> {
  const report = await startApp();
  send({ type: 'started', report });
  process.on('message', (message: HostRequest) => void handle(message));
}

async function startApp(): Promise<StartupReport> {
  const started = Date.now();
  let loadError: string | undefined;
  const appStartErrors: string[] = [];
  try {
    const { main } = JSON.parse(fs.readFileSync(path.join(appDir, 'package.json'), 'utf8')) as { main: string };
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the worker loads the app's main with require
    require(path.join(appDir, main));
  } catch (error) {
    loadError = String((error as Error)?.stack ?? error);
  }
  const loadMs = Date.now() - started;
  if (programmingModel) await programmingModel.getCapabilities({});
  for (const hook of hooks.get('appStart') ?? []) {
    try {
      await hook({ hookData: {}, appHookData: {}, functionAppDirectory: appDir });
    } catch (error) {
      appStartErrors.push(String((error as Error)?.stack ?? error));
    }
  }
  startupFinished = true;
  return {
    loadMs,
    loadError,
    appStartErrors,
    programmingModel: programmingModel ? { name: programmingModel.name, version: programmingModel.version } : undefined,
    registrations: [...functions.values()].map(({ metadata }) => metadata),
    hooks: [...hooks.entries()].filter(([, list]) => list.length > 0).map(([name]) => name),
    nodeVersion: process.version,
  };
}

async function handle(message: HostRequest): Promise<void> {
  if (message.type === 'invoke') {
    const started = Date.now();
    const logs: string[] = [];
    try {
      const result = await invoke(message.functionName, message.request, logs);
      send({ type: 'invoked', id: message.id, ...result, logs, durationMs: Date.now() - started, ...observations() });
    } catch (error) {
      send({ type: 'invoked', id: message.id, error: describe(error), logs, durationMs: Date.now() - started, ...observations() });
    }
  } else if (message.type === 'usage') {
    const { user, system } = process.cpuUsage();
    send({ type: 'usage', id: message.id, userMicros: user, systemMicros: system, maxRssKb: process.resourceUsage().maxRSS });
  } else if (message.type === 'terminate') {
    const errors: string[] = [];
    for (const hook of hooks.get('appTerminate') ?? []) {
      try {
        await hook({ hookData: {}, appHookData: {} });
      } catch (error) {
        errors.push(String((error as Error)?.stack ?? error));
      }
    }
    send({ type: 'terminated', id: message.id, appTerminateErrors: errors, ...observations() });
    // Like the worker's terminateWorker: hooks first, then exit.
    setImmediate(() => process.exit(0));
  }
}

async function invoke(functionName: string, request: RpcInvocationRequest, logs: string[]) {
  const registered = functions.get(functionName);
  if (!registered || !programmingModel) throw new Error(`function '${functionName}' is not registered`);
  const { metadata, callback } = registered;
  const coreCtx = {
    invocationId: request.invocationId,
    request: { ...request, functionId: functionName },
    metadata: {
      ...metadata,
      functionId: functionName,
      rawBindings: Object.entries(metadata.bindings).map(([name, binding]) => JSON.stringify({ ...binding, name })),
    },
    state: undefined as string | undefined,
    log(level: string, category: string, text: string) {
      logs.push(`${level}/${category}: ${text}`);
    },
  };
  const model = programmingModel.getInvocationModel(coreCtx);
  const { context, inputs } = await model.getArguments();
  coreCtx.state = 'invocation';
  let result: unknown;
  try {
    result = await model.invokeFunction(context, inputs, callback);
  } catch (error) {
    return { error: describe(error) };
  } finally {
    coreCtx.state = undefined;
  }
  return { response: toPlain(await model.getResponse(context, result)) };
}

function observations() {
  return { connections, fatalErrors, systemLogs };
}

function send(reply: HostReply): void {
  process.send?.(reply);
}

function describe(error: unknown): { name: string; message: string; code?: string } {
  const { name, message, code } = (error ?? {}) as { name?: string; message?: string; code?: string };
  return { name: String(name ?? 'Error'), message: String(message ?? error), ...(code ? { code: String(code) } : {}) };
}

/** Byte arrays become UTF-8 text, so the RPC response survives the IPC channel's JSON. */
function toPlain(value: unknown): unknown {
  if (value instanceof Uint8Array) return { utf8: Buffer.from(value).toString('utf8') };
  if (value instanceof ArrayBuffer) return { utf8: Buffer.from(value).toString('utf8') };
  if (Array.isArray(value)) return value.map(toPlain);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toPlain(v)]));
  return value;
}

/** Records every TCP connection attempt; refuses any that would leave loopback. */
function guardNetwork(): void {
  const connect = net.Socket.prototype.connect as (...args: unknown[]) => net.Socket;
  net.Socket.prototype.connect = function guardedConnect(this: net.Socket, ...args: unknown[]) {
    const target = connectTarget(args);
    const allowed = target.path !== undefined || isLoopback(target.host);
    connections.push({ ...target, allowed });
    if (!allowed) {
      process.nextTick(() => this.destroy(new Error(`test harness: connection to ${target.host}:${target.port} refused (loopback only)`)));
      return this;
    }
    return connect.apply(this, args);
  } as typeof net.Socket.prototype.connect;
}

function connectTarget(args: unknown[]): Connection {
  // net.connect() passes its already-normalised [options, callback] array as the first argument.
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  if (typeof first === 'object' && first !== null) {
    const options = first as { host?: string; port?: number | string; path?: string };
    if (options.path) return { host: 'localhost', port: 0, path: options.path, allowed: true };
    return { host: options.host ?? 'localhost', port: Number(options.port), allowed: true };
  }
  if (typeof first === 'string' && Number.isNaN(Number(first))) return { host: 'localhost', port: 0, path: first, allowed: true };
  return { host: typeof args[1] === 'string' ? args[1] : 'localhost', port: Number(first), allowed: true };
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.') || host === '::ffff:127.0.0.1';
}
