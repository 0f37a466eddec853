// What the benchmark's processes say to each other, and the one clock they all read.

/** Milliseconds on the wall clock with sub-millisecond resolution, comparable across processes. */
export const now = () => performance.timeOrigin + performance.now();

export type WorkerCommand =
  | { cmd: "connect"; kind: "realtime" | "socketio"; urls: string[]; apikey: string; event: string; topics: string[] }
  | { cmd: "collect" }
  | { cmd: "close" };

export interface WorkerReply {
  ok: boolean;
  error?: string;
  received?: Array<[string, number]>;
}
