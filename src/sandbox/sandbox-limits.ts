/** A sandbox session's limits: the defaults, and what a session or a run may set over them. */
import { UsageError } from '../errors.ts';
import type { SandboxLimits } from './types.ts';

export const DEFAULT_LIMITS: SandboxLimits = {
  memoryMb: 128,
  timeoutMs: 10_000,
  wallMs: 60_000,
  maxOutputChars: 20_000,
  maxPendingCalls: 256,
};

/** The limits of a session: the defaults under what it was given; each must be a positive number. */
export function sessionLimits(given: Partial<SandboxLimits> | undefined): SandboxLimits {
  const limits = { ...DEFAULT_LIMITS, ...definedOnly(given ?? {}) };
  for (const [key, value] of Object.entries(limits)) {
    if (!Number.isFinite(value) || value <= 0)
      throw new UsageError(`sandbox limit ${key} must be a positive number`);
  }
  return limits;
}

/** The fields of `value` that are set (an `undefined` one must not override a default). */
export function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
