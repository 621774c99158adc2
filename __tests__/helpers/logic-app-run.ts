/**
 * Runs the sale-window schedule's workflow actions (lib/always-ready-schedule.ts) the way Logic Apps
 * would, for the few action types and expression functions they use, so a test can check what the
 * declared JSON computes rather than how it is spelled. Anything else is an error: the interpreter is
 * deliberately small and strict.
 */

type Value = unknown;

export interface RunContext {
  readonly now: Date;
  readonly parameters: Record<string, Value>;
  /** Answers the workflow's HTTP actions. */
  readonly http: (request: { method: string; uri: string; body?: unknown; authentication?: unknown }) => { status: number; body: unknown };
}

export interface RunResult {
  readonly outputs: Record<string, Value>;
  readonly requests: Array<{ method: string; uri: string; body?: unknown }>;
}

/** Runs the actions in `runAfter` order (each after the one it names); an If runs its own actions. */
export function runWorkflow(actions: Record<string, any>, context: RunContext): RunResult {
  const requests: RunResult['requests'] = [];
  const outputs = runActions(actions, context, {}, {}, requests);
  return { outputs, requests };
}

/** Runs one scope's actions; actions inside an If see the outputs of those outside it, as in Logic Apps. */
function runActions(
  actions: Record<string, any>,
  context: RunContext,
  outputs: Record<string, Value>,
  bodies: Record<string, Value>,
  requests: RunResult['requests'],
) {
  const ownNames = new Set(Object.keys(actions));
  const pending = new Map(Object.entries(actions));
  while (pending.size > 0) {
    const ready = [...pending].find(([, a]) => Object.keys(a.runAfter ?? {}).every((name) => ownNames.has(name) && name in outputs));
    if (!ready) throw new Error(`no action can run: ${[...pending.keys()].join(', ')} wait on actions that never ran`);
    const [name, action] = ready;
    pending.delete(name);
    const evaluate = (value: Value, item?: Value) => resolve(value, { context, outputs, bodies, item });
    switch (action.type) {
      case 'Query': {
        const from = evaluate(action.inputs.from) as Value[];
        bodies[name] = outputs[name] = from.filter((item) => evaluate(action.inputs.where, item) === true);
        break;
      }
      case 'Select': {
        const from = evaluate(action.inputs.from) as Value[];
        bodies[name] = outputs[name] = from.map((item) => evaluate(action.inputs.select, item));
        break;
      }
      case 'Compose':
        outputs[name] = evaluate(action.inputs);
        break;
      case 'Http': {
        const request = {
          method: action.inputs.method,
          uri: evaluate(action.inputs.uri) as string,
          body: evaluate(action.inputs.body),
          authentication: action.inputs.authentication,
        };
        requests.push(request);
        const response = context.http(request);
        if (response.status >= 300) throw new Error(`${name}: HTTP ${response.status}`);
        bodies[name] = outputs[name] = response.body;
        break;
      }
      case 'If': {
        const holds = condition(action.expression, evaluate);
        outputs[name] = holds;
        if (holds) runActions(action.actions, context, outputs, bodies, requests);
        break;
      }
      default:
        throw new Error(`${name}: action type ${action.type} is not interpreted`);
    }
  }
  return outputs;
}

function condition(expression: any, evaluate: (v: Value) => Value): boolean {
  if (expression.and) return expression.and.every((e: any) => condition(e, evaluate));
  if (expression.not) return !condition(expression.not, evaluate);
  if (expression.equals) {
    const [a, b] = expression.equals.map(evaluate);
    return JSON.stringify(a) === JSON.stringify(b);
  }
  throw new Error(`condition ${JSON.stringify(expression)} is not interpreted`);
}

interface Scope {
  readonly context: RunContext;
  readonly outputs: Record<string, Value>;
  readonly bodies: Record<string, Value>;
  readonly item?: Value;
}

/** A JSON value with `@expression` strings evaluated (whole-string expressions keep their type). */
function resolve(value: Value, scope: Scope): Value {
  if (typeof value === 'string') return value.startsWith('@') ? expression(value.slice(1), scope) : interpolate(value, scope);
  if (Array.isArray(value)) return value.map((v) => resolve(v, scope));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v, scope)]));
  return value;
}

function interpolate(text: string, scope: Scope): string {
  return text.replace(/@\{([^}]*)\}/g, (_, inner: string) => String(expression(inner, scope)));
}

/** Evaluates one expression of the subset: calls, string literals, numbers, and ['x'] / ?['x'] member access. */
function expression(source: string, scope: Scope): Value {
  let pos = 0;
  const skip = () => {
    while (source[pos] === ' ') pos++;
  };
  const parse = (): Value => {
    skip();
    let value: Value;
    if (source[pos] === "'") {
      const end = source.indexOf("'", pos + 1);
      value = source.slice(pos + 1, end);
      pos = end + 1;
    } else if (/[0-9]/.test(source[pos])) {
      const match = /^\d+/.exec(source.slice(pos))![0];
      pos += match.length;
      value = Number(match);
    } else {
      const name = /^[A-Za-z]+/.exec(source.slice(pos))?.[0];
      if (!name) throw new Error(`cannot parse '${source}' at ${pos}`);
      pos += name.length;
      if (source[pos] !== '(') throw new Error(`'${name}' is not a call in '${source}'`);
      pos++;
      const args: Value[] = [];
      skip();
      while (source[pos] !== ')') {
        args.push(parse());
        skip();
        if (source[pos] === ',') pos++;
        skip();
      }
      pos++;
      value = call(name, args, scope);
    }
    // Member access: ['x'] or ?['x'].
    for (;;) {
      const optional = source.startsWith("?['", pos);
      if (!optional && !source.startsWith("['", pos)) break;
      pos += optional ? 3 : 2;
      const end = source.indexOf("']", pos);
      const key = source.slice(pos, end);
      pos = end + 2;
      if (value === null || value === undefined) {
        if (!optional) throw new Error(`['${key}'] of nothing in '${source}'`);
        value = null;
      } else {
        value = (value as Record<string, Value>)[key] ?? null;
      }
    }
    return value;
  };
  const result = parse();
  skip();
  if (pos !== source.length) throw new Error(`trailing text in '${source}' at ${pos}`);
  return result;
}

function call(name: string, args: Value[], scope: Scope): Value {
  const n = (v: Value) => v as number;
  switch (name) {
    case 'parameters':
      if (!(String(args[0]) in scope.context.parameters)) throw new Error(`parameter '${args[0]}' is not defined`);
      return scope.context.parameters[String(args[0])];
    case 'body':
    case 'outputs':
      if (!(String(args[0]) in scope.outputs)) throw new Error(`${name}('${args[0]}'): no such action has run`);
      return name === 'body' ? scope.bodies[String(args[0])] : scope.outputs[String(args[0])];
    case 'item':
      return scope.item;
    case 'utcNow':
      return scope.context.now.toISOString();
    case 'ticks': {
      const ms = Date.parse(String(args[0]));
      if (Number.isNaN(ms)) throw new Error(`ticks('${args[0]}'): not a timestamp`);
      // 100-nanosecond intervals since 0001-01-01, as Logic Apps counts them.
      return ms * 10_000 + 621_355_968_000_000_000;
    }
    case 'and':
      return args.every((a) => a === true);
    case 'greaterOrEquals':
      return n(args[0]) >= n(args[1]);
    case 'less':
      return n(args[0]) < n(args[1]);
    case 'createArray':
      return args;
    case 'union':
      return [...new Set((args as Value[][]).flat())];
    case 'max': {
      const values = (args.length === 1 && Array.isArray(args[0]) ? args[0] : args) as number[];
      if (values.some((v) => typeof v !== 'number')) throw new Error(`max of non-numbers: ${JSON.stringify(values)}`);
      return Math.max(...values);
    }
    default:
      throw new Error(`function ${name}() is not interpreted`);
  }
}
