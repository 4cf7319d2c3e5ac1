/**
 * Stops a loop that goes nowhere: the same error, or the same code, three times in a row.
 */
export interface StuckDetector {
  /** Record a run; returns why the agent is stuck, or undefined. */
  record(code: string, error: string | undefined): string | undefined;
}

export function createStuckDetector(limit = 3): StuckDetector {
  let lastCode = '';
  let codeRepeats = 0;
  let lastError = '';
  let errorRepeats = 0;
  return {
    record(code, error) {
      const normalized = code.trim();
      codeRepeats = normalized === lastCode ? codeRepeats + 1 : 1;
      lastCode = normalized;
      if (error === undefined) {
        errorRepeats = 0;
        lastError = '';
      } else {
        errorRepeats = error === lastError ? errorRepeats + 1 : 1;
        lastError = error;
      }
      if (errorRepeats >= limit) return `the same error ${limit} times in a row: ${error}`;
      if (codeRepeats >= limit) return `the same code ${limit} times in a row`;
      return undefined;
    },
  };
}
