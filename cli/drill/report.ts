// Writes the drill's progress and summary: JSON lines (--json), a rewritten status line with permanent lines
// for changes (a terminal), or one plain line per poll (a pipe or file).
import { elapsed, headerLine, pollJson, pollLine, summaryJson, summaryText, type DrillInfo } from "./format";
import type { RegionMap } from "./regions";
import { seconds, type Summary } from "./summary";
import { isGood, type PollResult } from "./types";

/** The part of a stream the drill writes to (process.stdout, or a test's collector). */
export interface OutputStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export type ReportMode = "json" | "tty" | "plain";

export function reportMode(out: OutputStream, json: boolean): ReportMode {
  if (json) return "json";
  return out.isTTY ? "tty" : "plain";
}

const CLEAR_LINE = "\r\x1b[2K";

export class Reporter {
  private previous: readonly string[] | undefined;
  private lastGood: boolean | undefined;
  private polls = 0;
  private down = 0;
  private statusShown = false;
  private gapStartMs: number | undefined;
  private longestGapMs = 0;

  constructor(
    private readonly out: OutputStream,
    private readonly mode: ReportMode,
    private readonly info: DrillInfo,
    private readonly regions?: RegionMap,
  ) {}

  start(): void {
    if (this.mode !== "json") this.out.write(`${headerLine(this.info)}\n`);
  }

  poll(result: PollResult): void {
    const line = pollLine(result, this.previous, this.regions);
    const good = isGood(result);
    const changed =
      this.lastGood !== good ||
      (this.previous !== undefined && result.addresses.length > 0 && this.previous.join(",") !== result.addresses.join(","));
    this.polls++;
    if (!good) this.down++;
    if (!good) this.gapStartMs ??= result.atMs;
    const gapMs = this.gapStartMs === undefined ? 0 : result.atMs - this.gapStartMs;
    this.longestGapMs = Math.max(this.longestGapMs, gapMs);
    if (good) this.gapStartMs = undefined;
    this.lastGood = good;
    if (result.addresses.length > 0) this.previous = result.addresses;
    switch (this.mode) {
      case "json":
        this.out.write(`${JSON.stringify(pollJson(result, this.regions))}\n`);
        return;
      case "plain":
        this.out.write(`${line}\n`);
        return;
      case "tty": {
        const left = Math.max(0, this.info.durationSeconds - result.atMs / 1000);
        const status =
          `${elapsed(result.atMs)} #${result.seq} ${good ? "ok" : "DOWN"} | ${this.polls} polls, ${this.down} without a good answer` +
          ` | longest gap ${seconds(this.longestGapMs)} (RTO ${this.info.rtoSeconds} s) | ${seconds(left * 1000)} left`;
        const width = Math.max(20, (this.out.columns ?? 120) - 1);
        this.out.write(`${CLEAR_LINE}${changed ? `${line}\n` : ""}${status.slice(0, width)}`);
        this.statusShown = true;
      }
    }
  }

  end(summary: Summary, exitCode: number): void {
    if (this.mode === "json") {
      this.out.write(`${JSON.stringify(summaryJson(summary, this.info, exitCode))}\n`);
      return;
    }
    if (this.statusShown) this.out.write(CLEAR_LINE);
    this.out.write(`${summaryText(summary, this.info)}\n`);
  }
}
