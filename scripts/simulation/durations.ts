import { durationSeconds } from '../../lib/config/durations';

/**
 * Durations on the command line and in profile files: `90s`, `15m`, `2h`, `250ms`, a plain number of
 * seconds, or ISO-8601 as Azure writes it (`PT5M`, read with the stack's own parser).
 */
const SHORT = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/;
const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };

export function parseDuration(text: string, what: string): number {
  const trimmed = text.trim();
  const short = SHORT.exec(trimmed);
  if (short) return Number(short[1]) * UNIT_SECONDS[short[2] ?? 's'];
  const iso = durationSeconds(trimmed);
  if (iso !== undefined) return iso;
  throw new Error(`${what}: '${text}' is not a duration; expected e.g. 90s, 15m, 2h, 250ms or PT5M`);
}

/** Seconds of an ISO-8601 duration read from the synthesized stack; names the field when it is not one. */
export function isoSeconds(text: unknown, field: string): number {
  const seconds = typeof text === 'string' ? durationSeconds(text) : undefined;
  if (seconds === undefined) throw new Error(`${field}: '${String(text)}' is not an ISO-8601 duration of days, hours, minutes and seconds`);
  return seconds;
}

/** `2m 05s`, `45s`, `1h 02m`, `850 ms`: short human form for reports. */
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return 'n/a';
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 60) return `${seconds < 10 ? seconds.toFixed(2) : seconds.toFixed(1)} s`;
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h > 0 ? `${h}h ${String(m).padStart(2, '0')}m` : `${m}m ${String(s).padStart(2, '0')}s`;
}
