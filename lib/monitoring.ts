import { ApplicationInsights } from '@cdktf/provider-azurerm/lib/application-insights';
import { LogAnalyticsWorkspace } from '@cdktf/provider-azurerm/lib/log-analytics-workspace';
import { MonitorDiagnosticSetting } from '@cdktf/provider-azurerm/lib/monitor-diagnostic-setting';
import { Construct } from 'constructs';

export interface MonitoringProps {
  readonly resourceGroupName: string;
  readonly location: string;
  readonly workspaceName: string;
  readonly appInsightsName: string;
  /** Log Analytics retention; Application Insights keeps the same (it must be one of its allowed values). */
  readonly retentionDays: number;
  /** Daily ingestion cap in GB; -1 for none. */
  readonly dailyQuotaGb: number;
  readonly tags: Record<string, string>;
}

/** What a diagnostic setting sends to the workspace. */
export interface DiagnosticsSelection {
  /** Log categories, or the `allLogs` category group. @default none */
  readonly logs?: readonly string[] | 'allLogs';
  /** Metric categories. @default ['AllMetrics'] */
  readonly metrics?: readonly string[];
}

/**
 * The Log Analytics workspace, workspace-based Application Insights that takes Entra ID ingestion
 * only, and the diagnostic settings that send each resource's logs and metrics to the workspace.
 */
export class Monitoring extends Construct {
  readonly workspace: LogAnalyticsWorkspace;
  readonly appInsights: ApplicationInsights;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);

    this.workspace = new LogAnalyticsWorkspace(this, 'workspace', {
      name: props.workspaceName,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      sku: 'PerGB2018',
      retentionInDays: props.retentionDays,
      dailyQuotaGb: props.dailyQuotaGb,
      // Diagnostic settings and Application Insights write through Azure Monitor, not workspace keys.
      localAuthenticationEnabled: false,
      tags: props.tags,
    });

    this.appInsights = new ApplicationInsights(this, 'app-insights', {
      name: props.appInsightsName,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      workspaceId: this.workspace.id,
      // ForceNew: never change it after the first deploy.
      applicationType: 'web',
      // Instrumentation-key ingestion is refused; the app authenticates with its identity
      // (APPLICATIONINSIGHTS_AUTHENTICATION_STRING + Monitoring Metrics Publisher).
      localAuthenticationDisabled: true,
      retentionInDays: props.retentionDays,
      tags: props.tags,
    });
  }

  /** Sends a resource's logs and metrics to the workspace. */
  sendDiagnostics(id: string, targetResourceId: string, selection: DiagnosticsSelection): MonitorDiagnosticSetting {
    const logs = selection.logs === 'allLogs' ? [{ categoryGroup: 'allLogs' }] : (selection.logs ?? []).map((category) => ({ category }));
    return new MonitorDiagnosticSetting(this, `diagnostics-${id}`, {
      name: 'to-log-analytics',
      targetResourceId,
      logAnalyticsWorkspaceId: this.workspace.id,
      enabledLog: logs,
      enabledMetric: (selection.metrics ?? ['AllMetrics']).map((category) => ({ category })),
    });
  }
}
