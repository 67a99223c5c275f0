// An EC2 instance metadata service (IMDSv2-shaped) for the end-to-end suite's swarm nodes:
//   node e2e/lib/fake-imds.mjs HOST PORT NODES.json
// PUT /latest/api/token (header X-aws-ec2-metadata-token-ttl-seconds) gives a token; GET
// /latest/meta-data/<key> with header X-aws-ec2-metadata-token answers for the node whose address the request
// comes from: NODES.json = {"10.99.0.1": {"instance-id": "i-...", "local-ipv4": "10.99.0.1"}, ...}, read
// at every request (the suite adds nodes as it replaces them). No token, or a wrong one: 401, as IMDSv2.
import { createServer } from "node:http";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";

const [host, port, nodesFile] = process.argv.slice(2);
const tokens = new Set();

const server = createServer((req, res) => {
  const from = (req.socket.remoteAddress || "").replace(/^::ffff:/, "");
  const reply = (status, body) => {
    res.writeHead(status, { "content-type": "text/plain" });
    res.end(body);
  };
  if (req.method === "PUT" && req.url === "/latest/api/token") {
    const ttl = Number(req.headers["x-aws-ec2-metadata-token-ttl-seconds"]);
    if (!(ttl >= 1 && ttl <= 21600)) return reply(400, "");
    const token = randomBytes(24).toString("base64url");
    tokens.add(token);
    return reply(200, token);
  }
  if (req.method === "GET" && req.url?.startsWith("/latest/meta-data/")) {
    if (!tokens.has(String(req.headers["x-aws-ec2-metadata-token"] ?? ""))) return reply(401, "");
    let nodes;
    try {
      nodes = JSON.parse(readFileSync(nodesFile, "utf8"));
    } catch {
      return reply(500, "");
    }
    const value = nodes[from]?.[req.url.slice("/latest/meta-data/".length)];
    return value === undefined ? reply(404, "") : reply(200, String(value));
  }
  return reply(404, "");
});
server.listen(Number(port), host, () => console.log(`fake IMDS on ${host}:${port}`));
