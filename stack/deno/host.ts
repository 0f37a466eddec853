// Runs one Supabase Edge Function under Deno, as Supabase's edge runtime does: the function
// module calls `Deno.serve(handler)`; this host captures that handler and serves it on the port
// the local gateway chose. Usage: deno run <flags> host.ts <function entry> <port>
const [entry, portArg] = Deno.args;
if (!entry || !portArg) throw new Error("usage: host.ts <entry> <port>");

type Handler = (req: Request, info: Deno.ServeHandlerInfo) => Response | Promise<Response>;
let handler: Handler | undefined;
const realServe = Deno.serve;

(Deno as unknown as { serve: (...args: unknown[]) => unknown }).serve = (...args: unknown[]) => {
  for (const a of args) {
    if (typeof a === "function") handler = a as Handler;
    else if (a && typeof a === "object" && typeof (a as { handler?: unknown }).handler === "function") {
      handler = (a as { handler: Handler }).handler;
    }
  }
  return { finished: new Promise(() => {}), shutdown: async () => {}, ref() {}, unref() {}, addr: { hostname: "127.0.0.1", port: Number(portArg), transport: "tcp" } };
};

await import(new URL(entry, `file://${Deno.cwd()}/`).href);
if (!handler) throw new Error(`${entry} never called Deno.serve(handler)`);
const serve = handler;

realServe({ hostname: "127.0.0.1", port: Number(portArg), onListen: () => console.log("listening") }, async (req, info) => {
  try {
    return await serve(req, info);
  } catch (e) {
    console.error(e);
    return Response.json({ code: "WORKER_ERROR", message: "Function exited due to an error (please check logs)" }, { status: 500 });
  }
});
