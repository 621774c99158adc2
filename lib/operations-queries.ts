import { FUNCTION_NAMES } from '../functions/registrations';

/**
 * The KQL of the operations workbook (operations-workbook.ts), over the Application Insights tables
 * of the workspace (lib/monitoring-catalog.ts names them and their columns). `{TimeRange}` and
 * `{OrderId}` are workbook parameters, put into the text before the query runs.
 *
 * Built on AppRequests where it can be: the host's sampling (host.json) keeps every request and
 * exception, while traces can be sampled out at surge rates. An invocation's request row is named
 * after the function (`Name`), HTTP requests carry the status in `ResultCode`.
 */

const SUBMIT = FUNCTION_NAMES.submitOrder;
const PROCESS = FUNCTION_NAMES.processOrder;

export function ordersPerMinute(): string {
  return [
    'AppRequests',
    '| where TimeGenerated {TimeRange}',
    `| where (Name == '${SUBMIT}' and ResultCode == '202') or (Name == '${PROCESS}' and Success == true)`,
    `| summarize Orders = count() by bin(TimeGenerated, 1m), Step = iff(Name == '${SUBMIT}', 'accepted', 'processed')`,
    '| render timechart',
  ].join('\n');
}

/**
 * No platform metric counts an Elastic Premium app's instances; an instance that sends telemetry in
 * a minute counts (an idle one may not).
 */
export function instancesPerApp(): string {
  return [
    'union AppRequests, AppTraces',
    '| where TimeGenerated {TimeRange}',
    '| summarize Instances = dcount(AppRoleInstance) by bin(TimeGenerated, 1m), AppRoleName',
    '| render timechart',
  ].join('\n');
}

/**
 * Accepted to processed: the POST's request row and the processing's, joined on the operation id
 * they share because the producer puts its trace parent on the message. A request row's time is
 * when it started; the processing ends DurationMs later.
 */
export function endToEndLatency(): string {
  return [
    'let accepted = AppRequests',
    '    | where TimeGenerated {TimeRange}',
    `    | where Name == '${SUBMIT}' and ResultCode == '202'`,
    '    | project OperationId, AcceptedAt = TimeGenerated;',
    'AppRequests',
    '| where TimeGenerated {TimeRange}',
    `| where Name == '${PROCESS}' and Success == true`,
    "| project OperationId, ProcessedAt = datetime_add('millisecond', toint(DurationMs), TimeGenerated)",
    '| join kind=inner accepted on OperationId',
    "| extend LatencyMs = datetime_diff('millisecond', ProcessedAt, AcceptedAt)",
    '| summarize percentiles(LatencyMs, 50, 95, 99) by bin(ProcessedAt, 5m)',
    '| render timechart',
  ].join('\n');
}

/** The order routes' requests, by the functions' names (exact, unlike a match on the URL). */
export function httpStatusMix(): string {
  return [
    'AppRequests',
    '| where TimeGenerated {TimeRange}',
    `| where Name in ('${SUBMIT}', '${FUNCTION_NAMES.getOrderStatus}')`,
    '| summarize Requests = count() by bin(TimeGenerated, 1m), ResultCode',
    '| render timechart',
  ].join('\n');
}

/**
 * Where is order X: every operation whose telemetry names the order id (the producer's and the
 * processor's log lines, the trigger's MessageId, the status polls' URLs), then everything in those
 * operations. It starts from the order id, not from a trace id: a client can choose the trace id of
 * its POST (the host honours an incoming traceparent), so two orders may share one.
 */
export function whereIsOrder(): string {
  return [
    "let wanted = tolower(trim(@'\\s+', '{OrderId}'));",
    'let operations = union AppRequests, AppTraces, AppExceptions',
    '    | where TimeGenerated {TimeRange}',
    // contains, not has: an order id is several terms to the index (the hyphens split it).
    '    | where Message contains wanted or OuterMessage contains wanted or Url contains wanted or tostring(Properties.prop__MessageId) == wanted',
    '    | where isnotempty(OperationId)',
    '    | distinct OperationId;',
    'union AppRequests, AppDependencies, AppTraces, AppExceptions',
    '| where TimeGenerated {TimeRange}',
    '| where OperationId in (operations)',
    '| project TimeGenerated, Type, AppRoleName, Name, Text = coalesce(Message, OuterMessage), ResultCode, Success, DurationMs, OperationId, ParentId, Id',
    '| order by TimeGenerated asc',
  ].join('\n');
}
