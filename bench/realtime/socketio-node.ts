// One Socket.IO server node of the baseline: rooms shared between nodes through the Redis adapter,
// as a horizontally scaled Socket.IO deployment runs. Clients `join` a room and `publish` to it.
import http from "node:http";
import { Server } from "socket.io";
import { createAdapter } from "@socket.io/redis-adapter";
import { createClient } from "redis";

const port = Number(process.env.PORT);
const redisUrl = process.env.REDIS_URL!;

const pub = createClient({ url: redisUrl });
const sub = pub.duplicate();
await Promise.all([pub.connect(), sub.connect()]);

const server = http.createServer();
const io = new Server(server, { adapter: createAdapter(pub, sub), transports: ["websocket"], serveClient: false });
io.on("connection", (socket) => {
  socket.on("join", (room: string, ack: () => void) => {
    void socket.join(room);
    ack();
  });
  socket.on("publish", (message: { room: string; event: string; payload: unknown }) => {
    socket.to(message.room).emit(message.event, message.payload);
  });
});
server.listen(port, "127.0.0.1", () => process.send?.({ ready: port }));
process.on("disconnect", () => process.exit(0));
