// The poll loop: a poll every interval from the start until the duration is over or the signal aborts
// (Ctrl-C). A poll that overruns its interval delays the next one to the following tick.
import type { Clock } from "./clock";
import type { Poll } from "./poll";
import type { PollResult } from "./types";

export interface LoopOptions {
  readonly intervalMs: number;
  readonly durationMs: number;
  readonly clock: Clock;
  /** Aborting ends the drill; a poll in flight is dropped. */
  readonly signal?: AbortSignal;
}

export interface LoopResult {
  readonly polls: readonly PollResult[];
  /** Milliseconds from the start to the end of the drill. */
  readonly endedAtMs: number;
  /** True when the signal ended the drill before the duration was over. */
  readonly interrupted: boolean;
}

export async function runPolls(poll: Poll, options: LoopOptions, onPoll: (result: PollResult) => void): Promise<LoopResult> {
  const { intervalMs, durationMs, clock, signal } = options;
  const start = clock.now();
  const elapsed = () => clock.now() - start;
  const polls: PollResult[] = [];
  let next = 0;
  for (let seq = 1; !signal?.aborted; seq++) {
    const result = await poll(seq, elapsed(), signal);
    if (signal?.aborted) break;
    polls.push(result);
    onPoll(result);
    next += intervalMs;
    const now = elapsed();
    if (next < now) next = Math.ceil(now / intervalMs) * intervalMs;
    if (next > durationMs) {
      await clock.sleep(durationMs - now, signal);
      break;
    }
    await clock.sleep(next - now, signal);
  }
  return { polls, endedAtMs: elapsed(), interrupted: signal?.aborted ?? false };
}
