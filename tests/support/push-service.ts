// A Web Push service on loopback, standing in for FCM or Mozilla's autopush, which cannot be
// reached from here. It does what they do with a request: checks the VAPID JWT (RFC 8292: ES256,
// `aud` its own origin, `exp` at most 24 h ahead, the key the subscription was made with),
// decrypts the aes128gcm body (RFC 8291) with the subscription's private keys, refuses bodies over
// 4096 bytes (413) and answers 201; a test can make an endpoint answer 404/410, 429 (with
// Retry-After) or 5xx. It speaks TLS, as web-push requires: `makeTestCertificates` makes a CA and
// a 127.0.0.1 leaf at test time (nothing kept with an expiry), and the stack trusts the CA through
// NODE_EXTRA_CA_CERTS.
import fs from "node:fs";
import https from "node:https";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { createDecipheriv, createECDH, createHmac, createPublicKey, randomBytes, randomUUID, verify } from "node:crypto";
import type { AddressInfo } from "node:net";

export interface TestCertificates {
  /** PEM files: the CA a client must trust, and the server's key and certificate. */
  ca: string;
  key: string;
  cert: string;
}

/** A CA and a leaf for IP 127.0.0.1 (CA:FALSE; Deno refuses a self-signed CA as the end entity), valid for two days from now. */
export function makeTestCertificates(dir: string): TestCertificates {
  fs.mkdirSync(dir, { recursive: true });
  const f = (name: string) => path.join(dir, name);
  const ext = f("leaf.ext");
  fs.writeFileSync(ext, "basicConstraints=CA:FALSE\nsubjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
  const run = (args: string[]) => {
    const r = spawnSync("openssl", args, { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`openssl ${args[0]} failed: ${r.stderr || r.error?.message}`);
  };
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  run(["req", "-x509", ...ec, "-keyout", f("ca.key"), "-out", f("ca.pem"), "-days", "2", "-subj", "/CN=Test push service CA",
    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign"]);
  run(["req", ...ec, "-keyout", f("leaf.key"), "-out", f("leaf.csr"), "-subj", "/CN=127.0.0.1"]);
  run(["x509", "-req", "-in", f("leaf.csr"), "-CA", f("ca.pem"), "-CAkey", f("ca.key"), "-CAcreateserial", "-out", f("leaf.pem"), "-days", "2", "-extfile", ext]);
  return { ca: f("ca.pem"), key: f("leaf.key"), cert: f("leaf.pem") };
}

/** A browser's side of one subscription: what it gives the app (toJSON) and the keys it keeps. */
export interface TestSubscription {
  id: string;
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

export interface PushRequest {
  subscription: string;
  /** The HTTP status the service answered. */
  status: number;
  /** The decrypted message, parsed as JSON, for accepted requests. */
  message?: Record<string, unknown>;
  ttl: number;
  urgency?: string;
  receivedAt: number;
}

interface Device {
  ecdh: ReturnType<typeof createECDH>;
  auth: Buffer;
  applicationServerKey: string;
  /** Statuses to answer next, in order, before the default 201. */
  answers: number[];
  gone: boolean;
}

const b64 = (b: Buffer) => b.toString("base64url");
const hmac = (key: Buffer, data: Buffer) => createHmac("sha256", key).update(data).digest();

/** RFC 8291 §3.4 and RFC 8188: the aes128gcm body decrypted with the device's keys. */
export function decryptAes128gcm(body: Buffer, device: { ecdh: ReturnType<typeof createECDH>; auth: Buffer }): Buffer {
  const salt = body.subarray(0, 16);
  const rs = body.readUInt32BE(16);
  const idlen = body[20]!;
  const senderKey = body.subarray(21, 21 + idlen);
  const ciphertext = body.subarray(21 + idlen);
  if (idlen !== 65 || ciphertext.length > rs) throw new Error("one record with the sender's 65-byte key expected");
  const shared = device.ecdh.computeSecret(senderKey);
  const info = Buffer.concat([Buffer.from("WebPush: info\0"), device.ecdh.getPublicKey(), senderKey, Buffer.from([1])]);
  const ikm = hmac(hmac(device.auth, shared), info);
  const prk = hmac(salt, ikm);
  const cek = hmac(prk, Buffer.from("Content-Encoding: aes128gcm\0\x01", "binary")).subarray(0, 16);
  const nonce = hmac(prk, Buffer.from("Content-Encoding: nonce\0\x01", "binary")).subarray(0, 12);
  const decipher = createDecipheriv("aes-128-gcm", cek, nonce);
  decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
  const padded = Buffer.concat([decipher.update(ciphertext.subarray(0, ciphertext.length - 16)), decipher.final()]);
  // The last record ends with the delimiter 0x02, then zero padding.
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  if (padded[end] !== 2) throw new Error("the last record's padding delimiter is missing");
  return padded.subarray(0, end);
}

/** The VAPID header checked as a push service does; the reason it is refused, or null. */
function vapidProblem(header: string | undefined, origin: string, expectedKey: string): string | null {
  const m = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(header ?? "");
  if (!m) return "Authorization must be `vapid t=<jwt>, k=<key>`";
  const [, jwt, k] = m as unknown as [string, string, string];
  if (k !== expectedKey) return "k is not the key the subscription was made with";
  const [h, p, s] = jwt.split(".");
  if (!h || !p || !s) return "malformed JWT";
  const header_ = JSON.parse(Buffer.from(h, "base64url").toString());
  if (header_.alg !== "ES256") return "alg must be ES256";
  const point = Buffer.from(k, "base64url");
  const key = createPublicKey({ key: { kty: "EC", crv: "P-256", x: b64(point.subarray(1, 33)), y: b64(point.subarray(33, 65)) }, format: "jwk" });
  if (!verify("sha256", Buffer.from(`${h}.${p}`), { key, dsaEncoding: "ieee-p1363" }, Buffer.from(s, "base64url"))) return "bad signature";
  const claims = JSON.parse(Buffer.from(p, "base64url").toString());
  if (claims.aud !== origin) return `aud must be ${origin}`;
  const now = Date.now() / 1000;
  if (typeof claims.exp !== "number" || claims.exp <= now || claims.exp > now + 24 * 3600) return "exp must be within 24 hours";
  if (typeof claims.sub !== "string" || !/^(mailto:|https:)/.test(claims.sub)) return "sub must be a mailto: or https: URL";
  return null;
}

export interface PushService {
  origin: string;
  /** What the browser makes on pushManager.subscribe() with this application server key. */
  subscribe(applicationServerKey: string): TestSubscription;
  /** The next answers for one subscription (e.g. [429, 201]); then 201 again. */
  answer(subscriptionId: string, statuses: number[]): void;
  /** From now on the subscription is gone: 410. */
  expire(subscriptionId: string): void;
  requests: PushRequest[];
  /** Resolves with the first `count` requests matching, or rejects after `timeoutMs`. */
  waitFor(match: (r: PushRequest) => boolean, count?: number, timeoutMs?: number): Promise<PushRequest[]>;
  /** Every refusal the service made for a bad request (VAPID, encryption, headers): none expected. */
  problems: string[];
  stop(): Promise<void>;
}

export async function startPushService(certs: { key: string; cert: string }): Promise<PushService> {
  const devices = new Map<string, Device>();
  const requests: PushRequest[] = [];
  const problems: string[] = [];
  const waiters = new Set<() => void>();
  let origin = "";

  const server = https.createServer({ key: fs.readFileSync(certs.key), cert: fs.readFileSync(certs.cert) }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const id = /^\/push\/([0-9a-f-]{36})$/.exec(req.url ?? "")?.[1];
      const device = id ? devices.get(id) : undefined;
      const record = (status: number, message?: Record<string, unknown>) => {
        requests.push({ subscription: id ?? "", status, message, ttl: Number(req.headers.ttl), urgency: req.headers.urgency as string | undefined, receivedAt: Date.now() });
        for (const w of waiters) w();
        res.writeHead(status, status === 201 ? { Location: `${origin}/message/${randomUUID()}` } : status === 429 ? { "Retry-After": "0" } : {});
        res.end();
      };
      const refuse = (status: number, why: string) => {
        problems.push(`${status} ${why}`);
        record(status);
      };
      if (req.method !== "POST") return refuse(405, "only POST");
      if (!id || !device) return record(404);
      if (device.gone) return record(410);
      const vapid = vapidProblem(req.headers.authorization, origin, device.applicationServerKey);
      if (vapid) return refuse(403, vapid);
      if (!/^\d+$/.test(String(req.headers.ttl ?? ""))) return refuse(400, "TTL header missing");
      if (body.length > 4096) return record(413);
      const next = device.answers.shift();
      if (next !== undefined && next !== 201) return record(next);
      if (req.headers["content-encoding"] !== "aes128gcm") return refuse(415, "Content-Encoding must be aes128gcm");
      let message: Record<string, unknown>;
      try {
        message = JSON.parse(decryptAes128gcm(body, device).toString("utf8"));
      } catch (e) {
        return refuse(400, `cannot decrypt: ${(e as Error).message}`);
      }
      record(201, message);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    origin,
    requests,
    problems,
    subscribe(applicationServerKey) {
      const id = randomUUID();
      const ecdh = createECDH("prime256v1");
      ecdh.generateKeys();
      const auth = randomBytes(16);
      devices.set(id, { ecdh, auth, applicationServerKey, answers: [], gone: false });
      return { id, endpoint: `${origin}/push/${id}`, keys: { p256dh: b64(ecdh.getPublicKey()), auth: b64(auth) } };
    },
    answer(id, statuses) {
      devices.get(id)!.answers.push(...statuses);
    },
    expire(id) {
      devices.get(id)!.gone = true;
    },
    waitFor(match, count = 1, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = requests.filter(match);
          if (found.length < count) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found.slice(0, count));
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`expected ${count} push request(s) within ${timeoutMs} ms, got ${requests.filter(match).length}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
