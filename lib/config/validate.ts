import { APP_ROLES } from '../../functions/apps';
import { networkSecurityGroupName, resourceNames } from '../naming';
import { Checks, ConfigError } from './checks';
import { checkAlerts } from './sections/alerts';
import { checkApps } from './sections/apps';
import { checkIdentity } from './sections/identity';
import { checkMonitoring } from './sections/monitoring';
import { checkNetwork } from './sections/network';
import { checkQueue } from './sections/queue';
import { checkSaleWindows } from './sections/sale-windows';
import { checkServiceBus } from './sections/service-bus';
import { checkStorage } from './sections/storage';
import type { EnvironmentConfig } from './types';

export { ConfigError, type ConfigProblem } from './checks';

/**
 * Validation of one environment's configuration, run when its stack is built. The rules of each
 * section live with its type and default in lib/config/sections/<section>.ts; this runs them in order
 * and adds the rules on the names the stack derives. Every problem names the environment, the field,
 * the bad value and what is allowed, and all of them are reported in one error (lib/config/checks.ts).
 */
export function validateEnvironment(env: EnvironmentConfig): void {
  const c = new Checks();
  checkIdentity(c, env);
  checkServiceBus(c, env);
  checkQueue(c, env);
  checkApps(c, env);
  checkSaleWindows(c, env);
  checkNetwork(c, env);
  checkStorage(c, env);
  checkMonitoring(c, env);
  checkAlerts(c, env);
  if (c.problems.length === 0) checkDerivedNames(c, env);
  if (c.problems.length > 0) throw new ConfigError(`orders-${env.name}`, c.problems);
}

/** Azure's naming rules for every name the stack derives (checked at apply otherwise, or not at all). */
function checkDerivedNames(c: Checks, env: EnvironmentConfig): void {
  const n = resourceNames(env);
  const derived = '(derived from namePrefix and name: shorten them)';
  c.matches('storage account name', n.dataStorageAccount, /^[a-z0-9]{3,24}$/, `expected 3-24 lower-case letters and digits ${derived}`);
  c.matches(
    'host storage account name',
    n.hostStorageAccount,
    /^[a-z0-9]{3,24}$/,
    `expected 3-24 lower-case letters and digits ${derived}`,
  );
  c.matches(
    'package storage account name',
    n.packageStorageAccount,
    /^[a-z0-9]{3,24}$/,
    `expected 3-24 lower-case letters and digits ${derived}`,
  );
  const namespaceOk = /^[a-zA-Z][a-zA-Z0-9-]{4,48}[a-zA-Z0-9]$/.test(n.serviceBusNamespace) && !/(-sb|-mgmt)$/.test(n.serviceBusNamespace);
  c.check(
    namespaceOk,
    'Service Bus namespace name',
    n.serviceBusNamespace,
    `expected 6-50 letters, digits and "-", starting with a letter, not ending in "-", "-sb" or "-mgmt" ${derived}`,
  );
  for (const role of APP_ROLES) {
    const app = n.apps[role];
    // The Functions host derives its host id from the first 32 characters of the app name; two apps that
    // share the host storage account and the same id would take each other's leases and keys.
    c.matches(
      `${role} function app name`,
      app.functionApp,
      /^[a-zA-Z0-9][a-zA-Z0-9-]{0,30}[a-zA-Z0-9]$/,
      `expected 2-32 letters, digits and "-", not starting or ending with "-" ${derived}`,
    );
    c.matches(`${role} plan name`, app.plan, /^[a-zA-Z0-9_-]{1,60}$/, `expected 1-60 letters, digits, "-" or "_" ${derived}`);
    c.matches(
      `${role} resource group name`,
      app.resourceGroup,
      /^[-\w.()]{1,89}[-\w()]$/,
      `expected 1-90 letters, digits, "-", "_", ".", "(" or ")", not ending in "." ${derived}`,
    );
    c.matches(
      `${role} identity name`,
      app.identity,
      /^[a-zA-Z0-9][a-zA-Z0-9_-]{2,127}$/,
      `expected 3-128 letters, digits, "-" or "_" ${derived}`,
    );
    c.matches(
      `${role} package container name`,
      app.packageContainer,
      /^(?!-)(?!.*--)[a-z0-9-]{3,63}(?<!-)$/,
      'expected 3-63 lower-case letters, digits and single "-", not at either end',
    );
  }
  const hostIds = APP_ROLES.map((role) => n.apps[role].functionApp.slice(0, 32).toLowerCase());
  c.check(
    new Set(hostIds).size === hostIds.length,
    'function app names',
    hostIds,
    'expected apps whose first 32 characters differ (the Functions host id), as they share one host storage account',
  );
  c.matches(
    'Log Analytics workspace name',
    n.logAnalytics,
    /^[a-zA-Z0-9][a-zA-Z0-9-]{2,61}[a-zA-Z0-9]$/,
    `expected 4-63 letters, digits and "-" ${derived}`,
  );
  c.matches('table name', n.ordersTable, /^[A-Za-z][A-Za-z0-9]{2,62}$/, 'expected 3-63 letters and digits, starting with a letter');
  c.matches('action group short name', n.actionGroupShortName, /^.{1,12}$/, 'expected 1-12 characters');
  if (env.network.kind === 'private') {
    // The network's own name (vnet-<namePrefix>-<name>) always fits Azure's rule: namePrefix and name are short and lower-case.
    for (const [key, subnet] of Object.entries(env.network.subnets)) {
      c.matches(
        `network security group name of network.subnets.${key}`,
        networkSecurityGroupName(subnet.name),
        /^.{1,80}$/,
        'expected at most 80 characters: shorten the subnet name (its NSG is named nsg-<subnet name>)',
      );
    }
  }
}
