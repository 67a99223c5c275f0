// Spawned-process helpers shared by suites that must not load the app (cdktf), unlike helpers.ts.
import type { ChildProcess } from "node:child_process";

export interface Result {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** What a spawned process printed and how it ended; killed (SIGKILL) after `timeoutMs`. */
export function spawnResult(child: ChildProcess, timeoutMs = 60_000): Promise<Result> {
  return new Promise((resolvePromise, reject) => {
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (d) => (stdout += d));
    child.stderr?.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (status, signal) => {
      clearTimeout(timer);
      resolvePromise({ status, signal, stdout, stderr });
    });
  });
}
