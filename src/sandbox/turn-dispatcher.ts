/**
 * Work handed in from outside the host's control (an isolate's reports: console lines, host calls,
 * timers, the end of a run) runs at once while its share of the current event-loop turn lasts; past
 * that, the rest waits, in order, for the next turns. So a flood of reports costs the host many
 * short turns instead of one long one, and everything else the host serves (other sessions,
 * Discord, the model's stream) gets its turn in between.
 */

export interface TurnDispatcher {
  /** Run `work` now, or after what is already waiting once the current turn's budget is spent. */
  dispatch(work: () => void): void;
}

/** A dispatcher that spends at most about `budgetMs` of each event-loop turn. */
export function createTurnDispatcher(options: { budgetMs: number }): TurnDispatcher {
  const { budgetMs } = options;
  const inbox: (() => void)[] = [];
  let head = 0;
  let turnStarted = -1;
  let pumping = false;

  function withinBudget(): boolean {
    const now = performance.now();
    if (turnStarted < 0) {
      turnStarted = now;
      // The check phase follows this turn's callbacks: the next turn starts a new budget.
      setImmediate(() => {
        turnStarted = -1;
      });
      return true;
    }
    return now - turnStarted < budgetMs;
  }

  function pump(): void {
    try {
      while (head < inbox.length && withinBudget()) {
        const work = inbox[head];
        inbox[head++] = noop;
        work?.();
      }
    } finally {
      if (head < inbox.length) {
        setImmediate(pump);
      } else {
        pumping = false;
        inbox.length = 0;
        head = 0;
      }
    }
  }

  return {
    dispatch(work) {
      if (head === inbox.length && withinBudget()) {
        work();
        return;
      }
      inbox.push(work);
      if (!pumping) {
        pumping = true;
        setImmediate(pump);
      }
    },
  };
}

const noop = () => {};
