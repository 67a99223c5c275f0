// The HTTP probe: GET http://<name>:<port><path> from one resolved address (connect to the address, send the
// site name as Host), with a time limit; reports whether it answered and which backend did.
import * as http from "node:http";
import { backendLabel } from "./backend";
import type { ProbeResult } from "./types";

export interface ProbeTarget {
  /** The site name, sent as the Host header. */
  readonly name: string;
  readonly port: number;
  readonly path: string;
  readonly timeoutMs: number;
}

/** Requests the site from one address; never rejects. */
export type Probe = (address: string, signal?: AbortSignal) => Promise<ProbeResult>;

/** Bytes of the body kept for finding the backend's name. */
const BODY_LIMIT = 64 * 1024;

export function hostHeader(name: string, port: number): string {
  return port === 80 ? name : `${name}:${port}`;
}

export function httpProbe(target: ProbeTarget, now: () => number = () => performance.now()): Probe {
  return (address, signal) =>
    new Promise<ProbeResult>((resolve) => {
      const started = now();
      let settled = false;
      const finish = (result: Omit<ProbeResult, "address" | "ms">) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        resolve({ address, ...result, ms: Math.round(now() - started) });
      };
      const req = http.request({
        host: address,
        port: target.port,
        path: target.path,
        method: "GET",
        agent: false,
        headers: {
          Host: hostHeader(target.name, target.port),
          Connection: "close",
          "Cache-Control": "no-cache",
          "User-Agent": "ha-site-drill",
        },
      });
      const fail = (error: string) => {
        finish({ ok: false, error });
        req.destroy();
      };
      const onAbort = () => fail("aborted");
      const timer = setTimeout(() => fail(`timeout after ${target.timeoutMs / 1000} s`), target.timeoutMs);
      signal?.addEventListener("abort", onAbort, { once: true });
      if (signal?.aborted) onAbort();
      req.on("error", (e: NodeJS.ErrnoException) => finish({ ok: false, error: e.code ?? e.message }));
      req.on("response", (res) => {
        const status = res.statusCode ?? 0;
        const chunks: Buffer[] = [];
        let kept = 0;
        res.on("data", (chunk: Buffer) => {
          if (kept >= BODY_LIMIT) return;
          chunks.push(chunk);
          kept += chunk.length;
        });
        res.on("error", (e: NodeJS.ErrnoException) => finish({ ok: false, status, error: e.code ?? e.message }));
        res.on("end", () => {
          if (status >= 400 || status < 100) return finish({ ok: false, status, error: `HTTP ${status}` });
          const body = Buffer.concat(chunks).subarray(0, BODY_LIMIT).toString("utf8");
          finish({ ok: true, status, backend: backendLabel(body) });
        });
      });
      req.end();
    });
}
