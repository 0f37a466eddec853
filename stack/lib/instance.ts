import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { STATE_ROOT } from "./paths.js";
import { signJwt } from "./jwt.js";

/**
 * One local stack: its own folder (database, logs, keys) and ports. `dev` is the developer's
 * stack; `npm test` makes a throwaway one so it never touches the developer's data.
 */
export interface Instance {
  name: string;
  dir: string;
  pgData: string;
  logDir: string;
  apiPort: number;
  dbPort: number;
  /** Throwaway instances trade durability for speed. */
  ephemeral: boolean;
}

export interface Keys {
  jwtSecret: string;
  publishableKey: string;
  secretKey: string;
  /** Legacy JWT API keys, as `supabase status` prints them (ANON_KEY, SERVICE_ROLE_KEY). */
  anonKey: string;
  serviceRoleKey: string;
  /** Web Push (RFC 8292): the application server's P-256 key pair, base64url (raw public point, private scalar). */
  vapidPublicKey: string;
  vapidPrivateKey: string;
  /** What the Database Webhook sends the `push` function as its bearer token. */
  pushWebhookSecret: string;
}

function vapidKeys(): Pick<Keys, "vapidPublicKey" | "vapidPrivateKey"> {
  const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const pub = publicKey.export({ format: "jwk" });
  const point = Buffer.concat([Buffer.from([4]), Buffer.from(pub.x!, "base64url"), Buffer.from(pub.y!, "base64url")]);
  return { vapidPublicKey: point.toString("base64url"), vapidPrivateKey: privateKey.export({ format: "jwk" }).d! };
}

export function instance(name: string, apiPort: number, dbPort: number, ephemeral = false): Instance {
  const dir = path.join(STATE_ROOT, name);
  return { name, dir, pgData: path.join(dir, "pgdata"), logDir: path.join(dir, "logs"), apiPort, dbPort, ephemeral };
}

export const apiUrl = (i: Instance) => `http://127.0.0.1:${i.apiPort}`;
export const dbUrl = (i: Instance) => `postgresql://postgres:postgres@127.0.0.1:${i.dbPort}/postgres`;

/** Keys are made once per instance folder, so no secret ever lives in the repository. */
export function loadOrCreateKeys(i: Instance): Keys {
  const file = path.join(i.dir, "keys.json");
  if (fs.existsSync(file)) {
    const kept = JSON.parse(fs.readFileSync(file, "utf8")) as Keys;
    if (kept.vapidPublicKey && kept.pushWebhookSecret) return kept;
    // A folder from before Web Push: its other keys stay, the push keys are added.
    const keys = { ...kept, ...vapidKeys(), pushWebhookSecret: randomBytes(32).toString("base64url") };
    fs.writeFileSync(file, JSON.stringify(keys, null, 2), { mode: 0o600 });
    return keys;
  }
  const jwtSecret = randomBytes(32).toString("base64url");
  const iat = Math.floor(Date.now() / 1000);
  const exp = iat + 10 * 365 * 24 * 3600;
  const keys: Keys = {
    jwtSecret,
    publishableKey: `sb_publishable_${randomBytes(17).toString("base64url")}`,
    secretKey: `sb_secret_${randomBytes(17).toString("base64url")}`,
    anonKey: signJwt({ iss: "supabase", ref: "local", role: "anon", iat, exp }, jwtSecret),
    serviceRoleKey: signJwt({ iss: "supabase", ref: "local", role: "service_role", iat, exp }, jwtSecret),
    ...vapidKeys(),
    pushWebhookSecret: randomBytes(32).toString("base64url"),
  };
  fs.mkdirSync(i.dir, { recursive: true });
  fs.writeFileSync(file, JSON.stringify(keys, null, 2), { mode: 0o600 });
  return keys;
}

/** Resolves when nothing listens on the port; rejects with the port otherwise. */
export function assertPortFree(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", () => reject(port));
    server.listen({ port, host: "127.0.0.1", exclusive: true }, () => server.close(() => resolve()));
  });
}

/** A port the OS says is free right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
