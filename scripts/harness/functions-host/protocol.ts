/** Messages between a test and the worker stand-in (worker-process.ts), over the child's IPC channel. */

/** What `@azure/functions` passes to `registerFunction` (its toCoreFunctionMetadata). */
export interface Registration {
  readonly name: string;
  readonly functionId?: string;
  readonly bindings: Record<string, BindingInfo>;
  readonly retryOptions?: unknown;
}

export interface BindingInfo {
  readonly type: string;
  readonly direction: 'in' | 'out';
  readonly [property: string]: unknown;
}

/** The host's InvocationRequest, as the worker hands it to the programming model. */
export interface RpcInvocationRequest {
  readonly invocationId: string;
  readonly inputData: ReadonlyArray<{ readonly name: string; readonly data: unknown }>;
  readonly triggerMetadata: Record<string, unknown>;
  /** RpcTraceContext: the host fills it from its current activity (trace_parent = Activity.Current?.Id). */
  readonly traceContext?: { readonly traceParent?: string; readonly traceState?: string; readonly attributes?: Record<string, string> };
}

export interface Connection {
  readonly host: string;
  readonly port: number;
  readonly path?: string;
  /** False when the stand-in refused it because it would have left loopback. */
  readonly allowed: boolean;
}

export interface StartupReport {
  readonly loadMs: number;
  readonly loadError?: string;
  readonly appStartErrors: string[];
  readonly programmingModel?: { readonly name: string; readonly version: string };
  readonly registrations: Registration[];
  readonly hooks: string[];
  readonly nodeVersion: string;
}

export interface Observations {
  readonly connections: Connection[];
  readonly fatalErrors: string[];
  readonly systemLogs: string[];
}

export type HostRequest =
  | { readonly type: 'invoke'; readonly id: number; readonly functionName: string; readonly request: RpcInvocationRequest }
  | { readonly type: 'terminate'; readonly id: number }
  | { readonly type: 'usage'; readonly id: number };

/** The worker process's own resource use so far (process.cpuUsage and resourceUsage), for benchmarks. */
export interface ResourceUsage {
  /** CPU time in user mode, microseconds. */
  readonly userMicros: number;
  /** CPU time in kernel mode, microseconds. */
  readonly systemMicros: number;
  /** Peak resident set size, kilobytes. */
  readonly maxRssKb: number;
}

export interface InvocationReply extends Observations {
  readonly type: 'invoked';
  readonly id: number;
  /** The RpcInvocationResponse, byte arrays as `{ utf8 }`. */
  readonly response?: unknown;
  /** What the function threw: the worker reports it to the host as a failed invocation. */
  readonly error?: { readonly name: string; readonly message: string; readonly code?: string };
  readonly logs: string[];
  readonly durationMs: number;
}

export type HostReply =
  | { readonly type: 'started'; readonly report: StartupReport }
  | InvocationReply
  | ({ readonly type: 'usage'; readonly id: number } & ResourceUsage)
  | ({ readonly type: 'terminated'; readonly id: number; readonly appTerminateErrors: string[] } & Observations);
