// Which backend answered: tutum/hello-world prints its container hostname ("<h3>My hostname is XYZ</h3>");
// other pages are told apart by a short hash of the body.
import { createHash } from "node:crypto";

const HOSTNAME = /<h3>\s*My hostname is\s+([^<\s]+)\s*<\/h3>/i;

/** The container hostname from a tutum/hello-world page, else "#" and 8 hex digits of the body's SHA-256. */
export function backendLabel(body: string): string {
  const match = HOSTNAME.exec(body);
  if (match) return match[1];
  return `#${createHash("sha256").update(body).digest("hex").slice(0, 8)}`;
}
