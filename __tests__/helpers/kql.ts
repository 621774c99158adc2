/**
 * A small reader of the KQL the workbook holds, enough to check its names: which tables it reads and
 * which identifiers it uses that are neither KQL nor names the query defines itself. Not a parser:
 * string literals, workbook parameters (`{Name}`), numbers and comments are dropped first; a name
 * after `.` is a member of a dynamic column (Properties.prop__MessageId), and `name =` defines one.
 */

/** KQL operators, functions and words the workbook's queries use (https://learn.microsoft.com/kusto/query/). */
export const KQL_WORDS = new Set([
  'let',
  'union',
  'where',
  'project',
  'extend',
  'summarize',
  'by',
  'bin',
  'count',
  'dcount',
  'percentiles',
  'render',
  'timechart',
  'table',
  'join',
  'kind',
  'inner',
  'on',
  'distinct',
  'order',
  'asc',
  'desc',
  'in',
  'and',
  'or',
  'not',
  'has',
  'contains',
  'tolower',
  'trim',
  'tostring',
  'toint',
  'datetime_add',
  'datetime_diff',
  'isnotempty',
  'isempty',
  'coalesce',
  'iff',
  'true',
  'false',
  'ago',
  'between',
  'take',
  'top',
  'sort',
]);

export interface KqlNames {
  /** Identifiers the query names that it does not define: tables, columns, or unknown words. */
  readonly used: string[];
  /** Names the query defines (`let x =`, `extend X =`, `summarize X =`, `project X =`). */
  readonly defined: string[];
  /** Workbook parameters it reads, `{TimeRange}` -> TimeRange. */
  readonly parameters: string[];
}

export function kqlNames(query: string): KqlNames {
  const parameters = [...query.matchAll(/\{([A-Za-z_][A-Za-z0-9_]*)(?::[^}]*)?\}/g)].map((m) => m[1]);
  const text = query
    .replace(/\/\/[^\n]*/g, ' ')
    .replace(/@?'(?:[^'\\]|\\.)*'/g, ' ')
    .replace(/@?"(?:[^"\\]|\\.)*"/g, ' ')
    .replace(/\{[A-Za-z_][A-Za-z0-9_]*(?::[^}]*)?\}/g, ' ')
    .replace(/\$(left|right)\./g, ' ');
  const defined = [...text.matchAll(/(?<![=!<>])\b([A-Za-z_][A-Za-z0-9_]*)\s*=(?!=)/g)].map((m) => m[1]);
  const used: string[] = [];
  for (const match of text.matchAll(/(\.)?\b([A-Za-z_][A-Za-z0-9_]*)\b/g)) {
    const [, member, name] = match;
    if (member) continue;
    if (/^\d/.test(name) || KQL_WORDS.has(name) || defined.includes(name)) continue;
    // a number with a unit (1m, 5m) is not a name
    if (/^\d+[a-z]+$/.test(name)) continue;
    used.push(name);
  }
  return { used: [...new Set(used)], defined: [...new Set(defined)], parameters: [...new Set(parameters)] };
}
