import type { Checks } from '../checks';
import type { EnvironmentConfig } from '../types';

/**
 * The `monitoring` section of an environment's configuration: retention and ingestion cap of the logs; its
 * type, secure default and rules.
 */

/** Application Insights retention values; the workspace keeps the same, so logs and telemetry age alike. */
export const RETENTION_DAYS = [30, 60, 90, 120, 180, 270, 365, 550, 730] as const;

export interface MonitoringConfig {
  /** Log Analytics retention, 30..730 days. */
  readonly logRetentionDays: number;
  /** Log Analytics daily ingestion cap in GB; -1 for none. */
  readonly dailyQuotaGb: number;
}

/** 90 days of logs, no ingestion cap: in a surge, telemetry is what explains it, so none is dropped. */
export const defaultMonitoring: MonitoringConfig = { logRetentionDays: 90, dailyQuotaGb: -1 };

export function checkMonitoring(c: Checks, env: Pick<EnvironmentConfig, 'monitoring'>): void {
  c.oneOf('monitoring.logRetentionDays', env.monitoring.logRetentionDays, RETENTION_DAYS as readonly number[]);
  const quota = env.monitoring.dailyQuotaGb;
  c.check(
    quota === -1 || (Number.isFinite(quota) && quota > 0),
    'monitoring.dailyQuotaGb',
    quota,
    'expected -1 (no cap) or a number of GB greater than 0',
  );
}
