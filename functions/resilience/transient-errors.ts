/**
 * Which failures are worth retrying within the same invocation. Errors are judged by `statusCode`,
 * `code` and `name`, never by `instanceof`: a bundle can hold more than one copy of an SDK's error
 * class (docs/functions-runtime.md, 1.8), and network errors arrive wrapped (core-rest-pipeline's RestError keeps the
 * socket error's code, or uses REQUEST_SEND_ERROR).
 */

const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ETIMEDOUT',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'REQUEST_SEND_ERROR',
  'DEADLINE_EXCEEDED',
]);

interface ErrorLike {
  readonly statusCode?: unknown;
  readonly code?: unknown;
  readonly name?: unknown;
  readonly cause?: unknown;
}

/**
 * 408, 429 and 5xx; network errors; our own deadline; and 403, because a role assignment made by the
 * same deployment takes minutes to reach the data plane (a lasting 403 is dead-lettered in the end).
 */
export function isTransientStatus(statusCode: number): boolean {
  return statusCode === 403 || statusCode === 408 || statusCode === 429 || statusCode >= 500;
}

export function isTransient(error: unknown): boolean {
  for (let current = error, depth = 0; typeof current === 'object' && current !== null && depth < 5; depth++) {
    const { statusCode, code, name, cause } = current as ErrorLike;
    if (typeof statusCode === 'number') return isTransientStatus(statusCode);
    if (typeof code === 'string' && TRANSIENT_CODES.has(code)) return true;
    // An SDK call aborted by our attempt deadline reports itself as an AbortError.
    if (name === 'AbortError') return true;
    current = cause;
  }
  return false;
}

/** A short description for logs: status, code and message, without the stack. */
export function describeError(error: unknown): string {
  if (typeof error !== 'object' || error === null) return String(error);
  const { statusCode, code, name } = error as ErrorLike;
  const tags = [typeof statusCode === 'number' ? `status ${statusCode}` : '', typeof code === 'string' ? code : '']
    .filter(Boolean)
    .join(', ');
  const message = (error as { message?: unknown }).message;
  return `${String(name ?? 'Error')}${tags ? ` (${tags})` : ''}: ${String(message ?? '')}`;
}
