/**
 * The worker's reading of what its parent sends: the shapes of `ParentMessageSchema`
 * (worker-protocol.ts), checked by hand so that a worker process does not load zod, about a quarter
 * of its start (~110 ms of CPU for the import and the schemas). Like the schema, it keeps only the
 * known fields and refuses anything else. test/sandbox/parent-message.test.ts holds it to the schema.
 */
import type { ParentMessage, ProviderDescriptor } from './worker-protocol.ts';

type Fields = Record<string, unknown>;

const isRecord = (value: unknown): value is Fields =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isId = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const isPositive = (value: unknown): value is number => isNumber(value) && value > 0;
const isString = (value: unknown): value is string => typeof value === 'string';
const isBoolean = (value: unknown): value is boolean => typeof value === 'boolean';
const isStrings = (value: unknown): value is string[] => Array.isArray(value) && value.every(isString);

/** `{ name: value }` when `value` is given, `{}` when it is not; undefined when it fails `check`. */
function optional<T>(name: string, value: unknown, check: (v: unknown) => v is T): Fields | undefined {
  if (value === undefined) return {};
  return check(value) ? { [name]: value } : undefined;
}

/** The message `raw` is, or undefined when it is not one of the parent's messages. */
export function readParentMessage(raw: unknown): ParentMessage | undefined {
  if (!isRecord(raw)) return undefined;
  const m = raw;
  switch (m.type) {
    case 'run':
      return readRun(m);
    case 'abort':
      return isId(m.runId) ? { type: 'abort', runId: m.runId } : undefined;
    case 'dispose':
      return isId(m.sandboxId) ? { type: 'dispose', sandboxId: m.sandboxId } : undefined;
    case 'call-result': {
      const json = optional('json', m.json, isString);
      if (!isId(m.callId) || !isBoolean(m.ok) || !json) return undefined;
      return { type: 'call-result', callId: m.callId, ok: m.ok, ...json };
    }
    case 'evaluate':
      if (!isId(m.callId) || !isId(m.requestId) || !isString(m.code) || !isString(m.filename))
        return undefined;
      return {
        type: 'evaluate',
        callId: m.callId,
        requestId: m.requestId,
        code: m.code,
        filename: m.filename,
      };
    case 'pause':
      return isId(m.callId) && isId(m.pauseId)
        ? { type: 'pause', callId: m.callId, pauseId: m.pauseId }
        : undefined;
    case 'resume':
      return isId(m.pauseId) ? { type: 'resume', pauseId: m.pauseId } : undefined;
    case 'shutdown':
      return { type: 'shutdown' };
    default:
      return undefined;
  }
}

const LIMITS = ['memoryMb', 'timeoutMs', 'wallMs', 'maxOutputChars', 'maxPendingCalls'] as const;

function readRun(m: Fields): ParentMessage | undefined {
  const { limits, runLimits } = m;
  if (!isId(m.sandboxId) || !isId(m.runId) || !isString(m.code)) return undefined;
  if (!isBoolean(m.streamLogs) || !isBoolean(m.aborted) || !Array.isArray(m.providers)) return undefined;
  if (!isRecord(limits) || !LIMITS.every((name) => isPositive(limits[name]))) return undefined;
  if (!isRecord(runLimits)) return undefined;
  const timeoutMs = optional('timeoutMs', runLimits.timeoutMs, isNumber);
  const wallMs = optional('wallMs', runLimits.wallMs, isNumber);
  if (!timeoutMs || !wallMs) return undefined;
  const providers: { key: string; descriptor: ProviderDescriptor }[] = [];
  for (const provider of m.providers) {
    const descriptor =
      isRecord(provider) && isString(provider.key) ? readDescriptor(provider.descriptor) : undefined;
    if (!descriptor) return undefined;
    providers.push({ key: provider.key as string, descriptor });
  }
  return {
    type: 'run',
    sandboxId: m.sandboxId,
    runId: m.runId,
    code: m.code,
    limits: Object.fromEntries(LIMITS.map((name) => [name, limits[name]])) as Record<
      (typeof LIMITS)[number],
      number
    >,
    runLimits: { ...timeoutMs, ...wallMs },
    providers,
    streamLogs: m.streamLogs,
    aborted: m.aborted,
  };
}

function readDescriptor(raw: unknown): ProviderDescriptor | undefined {
  if (!isRecord(raw) || !isString(raw.namespace) || !isStrings(raw.bindings)) return undefined;
  const descriptor: ProviderDescriptor = { namespace: raw.namespace, bindings: [...raw.bindings] };
  if (raw.prelude === undefined) return descriptor;
  const prelude = raw.prelude;
  if (!isRecord(prelude) || !isString(prelude.href)) return undefined;
  const globals = optional('globals', prelude.globals, isStrings);
  if (!globals) return undefined;
  const data = prelude.data === undefined ? {} : { data: prelude.data };
  return { ...descriptor, prelude: { href: prelude.href, ...data, ...globals } };
}
