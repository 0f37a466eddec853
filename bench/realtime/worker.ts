// A process of subscribers for the benchmark: many clients of one kind (realtime-js, or
// socket.io-client for the baseline), each on its topic, noting when every message arrives.
import ws from "ws";
import { RealtimeClient } from "@supabase/realtime-js";
import { io, type Socket } from "socket.io-client";
import type { WorkerCommand, WorkerReply } from "./shared.js";
import { now } from "./shared.js";

let realtime: RealtimeClient[] = [];
let sockets: Socket[] = [];
let received: Array<[string, number]> = [];

const record = (payload: { key?: string } | undefined) => {
  if (payload?.key !== undefined) received.push([payload.key, now()]);
};

async function inBatches<T>(items: T[], size: number, fn: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

function joinRealtime(url: string, apikey: string, topic: string, event: string): Promise<void> {
  const client = new RealtimeClient(url, { params: { apikey }, transport: ws as never });
  realtime.push(client);
  return new Promise((resolve, reject) => {
    client
      .channel(topic)
      .on("broadcast", { event }, (m) => record(m.payload as { key?: string }))
      .subscribe((status, err) => {
        if (status === "SUBSCRIBED") resolve();
        else reject(new Error(`${topic}: ${status} ${err?.message ?? ""}`));
      });
  });
}

function joinSocketIo(url: string, topic: string, event: string): Promise<void> {
  const socket = io(url, { transports: ["websocket"], reconnection: false });
  sockets.push(socket);
  socket.on(event, (payload: { key?: string }) => record(payload));
  return new Promise((resolve, reject) => {
    socket.once("connect_error", reject);
    socket.once("connect", () => socket.emit("join", topic, () => resolve()));
  });
}

async function handle(cmd: WorkerCommand): Promise<WorkerReply> {
  switch (cmd.cmd) {
    case "connect": {
      received = [];
      const jobs = cmd.topics.map((topic, i) => ({ topic, url: cmd.urls[i % cmd.urls.length]! }));
      await inBatches(jobs, 50, (j) => (cmd.kind === "realtime" ? joinRealtime(j.url, cmd.apikey, j.topic, cmd.event) : joinSocketIo(j.url, j.topic, cmd.event)));
      return { ok: true };
    }
    case "collect":
      return { ok: true, received };
    case "close":
      await Promise.all(realtime.map((c) => c.disconnect()));
      for (const s of sockets) s.disconnect();
      realtime = [];
      sockets = [];
      received = [];
      return { ok: true };
  }
}

process.on("message", (cmd: WorkerCommand & { id: number }) => {
  handle(cmd).then(
    (reply) => process.send!({ ...reply, id: cmd.id }),
    (e: Error) => process.send!({ ok: false, error: e.message, id: cmd.id }),
  );
});
process.on("disconnect", () => process.exit(0));
