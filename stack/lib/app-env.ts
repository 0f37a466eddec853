/**
 * Environment for a process that runs the app's server (vite dev, or the built app). supabase-js
 * needs a global WebSocket, built into Node from 22; Node 20 has it behind a flag.
 */
export function appNodeOptions(): Record<string, string> {
  const major = Number(process.versions.node.split(".")[0]);
  if (major >= 22) return {};
  return { NODE_OPTIONS: [process.env.NODE_OPTIONS, "--experimental-websocket"].filter(Boolean).join(" ") };
}
