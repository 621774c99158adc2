import type { Checks } from '../checks';
import type { EnvironmentConfig } from '../types';

/**
 * The `alerts` section of an environment's configuration: who is told, and when; its types, default
 * thresholds and rules. Receivers have no default: each environment names its rota.
 */

/** azurerm monitor_metric_alert window_size values usable for "backlog above X for N minutes". */
export const ALERT_WINDOWS = ['PT5M', 'PT15M', 'PT30M', 'PT1H', 'PT6H', 'PT12H', 'P1D'] as const;

export interface AlertReceiver {
  /** Unique within the environment. */
  readonly name: string;
  readonly email: string;
}

export interface AlertsConfig {
  /** Who is told about alerts and autoscale actions. */
  readonly receivers: readonly AlertReceiver[];
  /** Alert when active orders stay above this for `backlogWindow`. */
  readonly backlogThreshold: number;
  /** One of PT5M, PT15M, PT30M, PT1H, PT6H, PT12H, P1D. */
  readonly backlogWindow: string;
  /** Alert when the function app answers more than this many 5xx in five minutes. */
  readonly http5xxThreshold: number;
}

/** Backlog above 5,000 orders for 15 minutes, or more than 10 HTTP 5xx in five minutes. */
export const defaultAlertThresholds: Omit<AlertsConfig, 'receivers'> = {
  backlogThreshold: 5000,
  backlogWindow: 'PT15M',
  http5xxThreshold: 10,
};

export function checkAlerts(c: Checks, env: Pick<EnvironmentConfig, 'alerts'>): void {
  const alerts = env.alerts;
  c.check(
    alerts.receivers.length >= 1,
    'alerts.receivers',
    alerts.receivers,
    'expected at least one receiver: an alert nobody receives protects nobody',
  );
  alerts.receivers.forEach((r, i) => {
    c.matches(
      `alerts.receivers[${i}].name`,
      r.name,
      /^[a-zA-Z0-9][a-zA-Z0-9 ._-]{0,127}$/,
      'expected 1-128 letters, digits, spaces, ".", "_" or "-"',
    );
    c.check(
      alerts.receivers.findIndex((o) => o.name === r.name) === i,
      `alerts.receivers[${i}].name`,
      r.name,
      'expected a name unique among the receivers',
    );
    c.matches(`alerts.receivers[${i}].email`, r.email, /^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'expected an e-mail address');
  });
  c.positive('alerts.backlogThreshold', alerts.backlogThreshold);
  c.oneOf('alerts.backlogWindow', alerts.backlogWindow, ALERT_WINDOWS as readonly string[]);
  c.positive('alerts.http5xxThreshold', alerts.http5xxThreshold);
}
