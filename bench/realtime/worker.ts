// A process of subscribers for the benchmark: many clients of one kind (realtime-js, or
// socket.io-client for the baseline), each on its topic, noting when every message arrives.
import type { RealtimeClient } from "@supabase/realtime-js";
import { io, type Socket } from "socket.io-client";
import type { WorkerCommand, WorkerReply } from "./shared.js";
import { inBatches, now, realtimeClient, subscribed } from "./shared.js";

let realtime: RealtimeClient[] = [];
let sockets: Socket[] = [];
let received: Array<[string, number]> = [];
let keyField = "key";

const record = (payload: Record<string, unknown> | undefined) => {
  const key = payload?.[keyField];
  if (typeof key === "string") received.push([key, now()]);
};

/** A client of its own per subscriber: a private channel is joined with that user's token. */
async function joinRealtime(url: string, apikey: string, topic: string, event: string, token: string | undefined): Promise<void> {
  const client = await realtimeClient(url, apikey, token);
  realtime.push(client);
  await subscribed(client.channel(topic, { config: { private: token !== undefined } }).on("broadcast", { event }, (m) => record(m.payload)));
}

function joinSocketIo(url: string, topic: string, event: string): Promise<void> {
  const socket = io(url, { transports: ["websocket"], reconnection: false });
  sockets.push(socket);
  socket.on(event, (payload: Record<string, unknown>) => record(payload));
  return new Promise((resolve, reject) => {
    socket.once("connect_error", reject);
    socket.once("connect", () => socket.emit("join", topic, () => resolve()));
  });
}

async function handle(cmd: WorkerCommand): Promise<WorkerReply> {
  switch (cmd.cmd) {
    case "connect": {
      received = [];
      keyField = cmd.keyField ?? "key";
      const jobs = cmd.topics.map((topic, i) => ({ topic, url: cmd.urls[i % cmd.urls.length]!, token: cmd.tokens?.[i] }));
      await inBatches(jobs, 50, (j) => (cmd.kind === "realtime" ? joinRealtime(j.url, cmd.apikey, j.topic, cmd.event, j.token) : joinSocketIo(j.url, j.topic, cmd.event)));
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
