// The app as it ships, for the browser suite: built with `vite build`, served by adapter-node's
// `node build`. A production build rather than `vite dev`, because only a build has the service
// worker and the web manifest, and because a dev server compiles each module on its first
// request, which on a 2-core CI machine makes first page loads slow and uneven. The build takes
// about 10 s; the server then starts in well under a second.
import fs from "node:fs";
import path from "node:path";
import { spawn, spawnSync } from "node:child_process";
import { appNodeOptions } from "../../stack/lib/app-env.js";
import { freePort } from "../../stack/lib/instance.js";
import { ROOT } from "../../stack/lib/paths.js";

const APP_DIR = path.join(ROOT, "app");

export interface RunningApp {
  url: string;
  stop(): Promise<void>;
}

/** Builds the app (`vite build` into app/build); throws with the log's path when it fails. */
export function buildApp(logFile: string): void {
  const build = spawnSync(path.join(ROOT, "node_modules", ".bin", "vite"), ["build"], { cwd: APP_DIR, encoding: "utf8" });
  fs.writeFileSync(logFile, `${build.stdout}${build.stderr}`);
  if (build.status !== 0) throw new Error(`the app did not build; see ${logFile}`);
}

/** Serves the built app (see buildApp) against a stack. */
export async function startBuiltApp(opts: { apiUrl: string; anonKey: string; mapTiles: string; logFile: string }): Promise<RunningApp> {
  const log = fs.createWriteStream(opts.logFile);

  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ["build"], {
    cwd: APP_DIR,
    env: { ...process.env, ...appNodeOptions(), HOST: "127.0.0.1", PORT: String(port), ORIGIN: url, PUBLIC_SUPABASE_URL: opts.apiUrl, PUBLIC_SUPABASE_ANON_KEY: opts.anonKey, PUBLIC_MAP_TILES: opts.mapTiles },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      await exited;
    }
  };

  // Ready once it answers; an exit before that is a failure to start.
  let failed = false;
  void exited.then(() => (failed = true));
  for (;;) {
    if (failed) throw new Error(`the app exited while starting; see ${opts.logFile}`);
    try {
      await fetch(url, { redirect: "manual" });
      return { url, stop };
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
