import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { transformSync } from 'esbuild';
import { unzipSync } from 'fflate';
import type {
  HostReply,
  HostRequest,
  InvocationReply,
  Observations,
  Registration,
  ResourceUsage,
  RpcInvocationRequest,
  StartupReport,
} from './protocol';

export type { Connection, InvocationReply, Registration, ResourceUsage, StartupReport } from './protocol';

/**
 * Loads a built function-app zip the way the Azure Functions Node.js worker does, in a child process
 * (see worker-process.ts), and drives invocations through the app's own programming model.
 * A child process, not jest's module registry: the worker is a plain Node.js process, and jest's
 * sandbox has its own copy of `process.env` and its own `require`.
 */
export class FunctionsHost {
  private nextId = 1;
  private readonly pending = new Map<number, (reply: HostReply) => void>();
  private stdout = '';
  private stderr = '';

  private constructor(
    private readonly child: ChildProcess,
    readonly startup: StartupReport,
  ) {}

  /** Starts the worker stand-in on an unpacked app. `env` is the app's whole environment (nothing is inherited but PATH). */
  static async start(appDir: string, env: Record<string, string> = {}): Promise<FunctionsHost> {
    const workerFile = compileWorkerProcess();
    const child = fork(workerFile, [appDir], {
      env: { PATH: process.env.PATH ?? '', ...env },
      execArgv: [],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    // The compiled stand-in lives in its temporary directory until the process is gone.
    child.once('exit', () => fs.rmSync(path.dirname(workerFile), { recursive: true, force: true }));
    let output = '';
    const collect = (chunk: Buffer) => (output += chunk);
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    let exitedEarly: ((code: number | null) => void) | undefined;
    const report = await new Promise<StartupReport>((resolve, reject) => {
      exitedEarly = (code) => reject(new Error(`worker stand-in exited with ${code} during start-up:\n${output}`));
      child.once('exit', exitedEarly);
      child.once('message', (reply: HostReply) =>
        reply.type === 'started' ? resolve(reply.report) : reject(new Error(`unexpected ${reply.type}`)),
      );
    });
    child.removeListener('exit', exitedEarly!);
    child.stdout?.removeListener('data', collect);
    child.stderr?.removeListener('data', collect);
    const host = new FunctionsHost(child, report);
    host.stdout = output;
    child.stdout?.on('data', (chunk) => (host.stdout += chunk));
    child.stderr?.on('data', (chunk) => (host.stderr += chunk));
    child.on('message', (reply: HostReply) => {
      if (reply.type === 'started') return;
      host.pending.get(reply.id)?.(reply);
      host.pending.delete(reply.id);
    });
    return host;
  }

  /** Everything the app and the library printed (console.warn goes to stderr). */
  get output(): string {
    return this.stdout + this.stderr;
  }

  registration(functionName: string): Registration {
    const found = this.startup.registrations.find((r) => r.name === functionName);
    if (!found)
      throw new Error(`no function '${functionName}' registered; got ${this.startup.registrations.map((r) => r.name).join(', ')}`);
    return found;
  }

  invoke(functionName: string, request: RpcInvocationRequest): Promise<InvocationReply> {
    return this.request({ type: 'invoke', id: this.nextId++, functionName, request }) as Promise<InvocationReply>;
  }

  /** Invokes an HTTP-triggered function with a request shaped as the host sends it. */
  invokeHttp(functionName: string, init: HttpRequestInit): Promise<InvocationReply> {
    return this.invoke(functionName, httpInvocation(this.registration(functionName), init));
  }

  /** Invokes a timer-triggered function as the host does at a schedule tick. */
  invokeTimer(functionName: string): Promise<InvocationReply> {
    return this.invoke(functionName, timerInvocation(this.registration(functionName)));
  }

  /** Invokes a Service Bus-triggered function with a message body as the host sends it. */
  invokeServiceBus(functionName: string, body: string, metadata: { messageId: string; deliveryCount: number }): Promise<InvocationReply> {
    return this.invoke(functionName, serviceBusInvocation(this.registration(functionName), body, metadata));
  }

  /** The worker process's CPU time and peak memory so far (measured inside it, so the caller's own work is not counted). */
  async usage(): Promise<ResourceUsage> {
    const reply = await this.request({ type: 'usage', id: this.nextId++ });
    if (reply.type !== 'usage') throw new Error(`unexpected ${reply.type}`);
    return { userMicros: reply.userMicros, systemMicros: reply.systemMicros, maxRssKb: reply.maxRssKb };
  }

  /** Runs the appTerminate hooks and waits for the process to exit. */
  async terminate(): Promise<Observations & { appTerminateErrors: string[] }> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    const reply = await this.request({ type: 'terminate', id: this.nextId++ });
    await exited;
    if (reply.type !== 'terminated') throw new Error(`unexpected ${reply.type}`);
    return reply;
  }

  /** Ends the process without hooks (for cleanup after a failed test). */
  kill(): void {
    if (this.child.exitCode === null) this.child.kill();
  }

  private request(message: HostRequest): Promise<HostReply> {
    return new Promise((resolve) => {
      this.pending.set(message.id, resolve);
      this.child.send(message);
    });
  }
}

/** Unpacks a zip into a fresh temporary directory; returns it and a cleanup. */
export function unpackZip(zipPath: string): { dir: string; remove: () => void } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'orders-app-'));
  for (const [name, bytes] of Object.entries(unzipSync(fs.readFileSync(zipPath)))) {
    const target = path.join(root, name);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, bytes);
  }
  return { dir: root, remove: () => fs.rmSync(root, { recursive: true, force: true }) };
}

/**
 * The functions a built zip registers with the worker, as the host would index them: for comparing
 * with the synthesized stack (queue name, connection prefix, routes).
 */
export async function loadRegistrations(zipPath: string): Promise<Registration[]> {
  const app = unpackZip(zipPath);
  const host = await FunctionsHost.start(app.dir);
  try {
    return host.startup.registrations;
  } finally {
    await host.terminate().catch(() => host.kill());
    app.remove();
  }
}

/** The trigger binding of a registration (name and options). */
export function triggerOf(registration: Registration): { name: string; type: string; [option: string]: unknown } {
  const entry = Object.entries(registration.bindings).find(([, binding]) => binding.direction === 'in' && binding.type.endsWith('Trigger'));
  if (!entry) throw new Error(`function '${registration.name}' has no trigger binding`);
  return { ...entry[1], name: entry[0] };
}

export interface HttpRequestInit {
  readonly method: string;
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  readonly params?: Record<string, string>;
  /** The invocation's trace context, as the host sends it (an empty trace parent when it has no activity). */
  readonly traceParent?: string;
}

/** An HTTP InvocationRequest as the host sends it (RpcHttpData on the trigger binding). */
export function httpInvocation(registration: Registration, init: HttpRequestInit): RpcInvocationRequest {
  return {
    invocationId: randomUUID(),
    inputData: [
      {
        name: triggerOf(registration).name,
        data: {
          http: {
            method: init.method,
            url: `http://127.0.0.1:7071${init.path}`,
            headers: init.headers ?? {},
            body: init.body === undefined ? undefined : { string: init.body },
            params: init.params ?? {},
            query: {},
          },
        },
      },
    ],
    triggerMetadata: {},
    ...(init.traceParent !== undefined ? { traceContext: { traceParent: init.traceParent, traceState: '', attributes: {} } } : {}),
  };
}

/** A timer InvocationRequest: the TimerInfo JSON the host sends (PascalCase; the library camel-cases it). */
export function timerInvocation(registration: Registration): RpcInvocationRequest {
  const now = new Date().toISOString();
  const timer = { Schedule: { AdjustForDST: true }, ScheduleStatus: { Last: now, Next: now, LastUpdated: now }, IsPastDue: false };
  return {
    invocationId: randomUUID(),
    inputData: [{ name: triggerOf(registration).name, data: { json: JSON.stringify(timer) } }],
    triggerMetadata: {},
  };
}

/** A Service Bus InvocationRequest: the body as a string (the host's form) and PascalCase trigger metadata. */
export function serviceBusInvocation(
  registration: Registration,
  body: string,
  metadata: { messageId: string; deliveryCount: number },
): RpcInvocationRequest {
  return {
    invocationId: randomUUID(),
    inputData: [{ name: triggerOf(registration).name, data: { string: body } }],
    triggerMetadata: { MessageId: { string: metadata.messageId }, DeliveryCount: { int: metadata.deliveryCount } },
  };
}

/** The HTTP response in an invocation reply, with its JSON body parsed. */
export function httpResponseOf(reply: InvocationReply): { status: number; headers: Record<string, string>; body: unknown } {
  if (reply.error) throw new Error(`invocation failed: ${reply.error.name}: ${reply.error.message}`);
  type RpcBody = { bytes?: { utf8: string }; string?: string };
  const http = (reply.response as { returnValue?: { http?: { statusCode: string; headers: Record<string, string>; body?: RpcBody } } })
    .returnValue?.http;
  if (!http) throw new Error(`no HTTP response in ${JSON.stringify(reply.response)}`);
  const text = http.body?.bytes?.utf8 ?? http.body?.string ?? '';
  return { status: Number(http.statusCode), headers: http.headers, body: text ? JSON.parse(text) : undefined };
}

/** worker-process.ts as plain CommonJS in a new temporary directory (the child runs like the worker: no TypeScript loader). */
function compileWorkerProcess(): string {
  const source = fs.readFileSync(path.join(__dirname, 'worker-process.ts'), 'utf8');
  const { code } = transformSync(source, { loader: 'ts', format: 'cjs', platform: 'node', target: 'node20' });
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'orders-worker-')), 'worker-process.cjs');
  fs.writeFileSync(file, code);
  return file;
}
