import { Token } from 'cdktf';
import { durationSeconds, isCanonicalDuration } from './durations';

/**
 * The problem list every config section's rules write to, and the error that reports it. Each rule
 * checks one thing and names the environment, the field, the bad value and what is allowed (the error
 * style of Azure Verified Modules). All problems are collected and reported in one error, so a
 * fix-and-rerun loop needs one synth, not one per mistake.
 */

export interface ConfigProblem {
  readonly field: string;
  readonly value: unknown;
  readonly allowed: string;
}

export class ConfigError extends Error {
  constructor(
    readonly environment: string,
    readonly problems: readonly ConfigProblem[],
  ) {
    super(
      `Invalid configuration for environment '${environment}' (lib/config/environments.ts):\n` +
        problems.map((p) => `  - ${environment}: ${p.field} = ${JSON.stringify(p.value)} is not allowed: ${p.allowed}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

/** Collects problems; each check is skipped for values that are still unresolved Terraform tokens. */
export class Checks {
  readonly problems: ConfigProblem[] = [];

  fail(field: string, value: unknown, allowed: string): void {
    this.problems.push({ field, value, allowed });
  }

  check(ok: boolean, field: string, value: unknown, allowed: string): void {
    if (typeof value === 'string' && Token.isUnresolved(value)) return;
    if (!ok) this.fail(field, value, allowed);
  }

  oneOf<T>(field: string, value: T, allowed: readonly T[]): void {
    this.check(allowed.includes(value), field, value, `expected one of ${allowed.join(', ')}`);
  }

  integer(field: string, value: number, min: number, max: number): void {
    this.check(Number.isInteger(value) && value >= min && value <= max, field, value, `expected a whole number from ${min} to ${max}`);
  }

  positive(field: string, value: number): void {
    this.check(Number.isFinite(value) && value > 0, field, value, 'expected a number greater than 0');
  }

  matches(field: string, value: string, pattern: RegExp, rule: string): void {
    this.check(typeof value === 'string' && pattern.test(value), field, value, rule);
  }

  /** A canonical ISO-8601 duration within [min, max] (given as canonical durations too). */
  duration(field: string, value: string, min: string, max: string): void {
    const seconds = durationSeconds(value);
    if (seconds === undefined) {
      this.check(false, field, value, `expected an ISO-8601 duration of days/hours/minutes/seconds (e.g. PT5M) from ${min} to ${max}`);
    } else if (!isCanonicalDuration(value)) {
      this.check(
        false,
        field,
        value,
        `expected the canonical form Azure returns (e.g. PT1M, not PT60S; P1D, not PT24H) from ${min} to ${max}`,
      );
    } else {
      this.check(
        seconds >= durationSeconds(min)! && seconds <= durationSeconds(max)!,
        field,
        value,
        `expected a duration from ${min} to ${max}`,
      );
    }
  }
}

/** An Entra ID object id or a Front Door id: a lower-case GUID. */
export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
