import { t } from "../i18n/index.js";
import type { OutboxItem } from "./outbox.js";

/** Why a refused or failed item was not sent, in the server's words when it gave any. */
export function whyNotSent(item: Pick<OutboxItem, "state" | "problem">): string {
  if (item.state === "failed") return t.outbox.failedHelp;
  const problem = item.problem;
  return problem && typeof problem === "object" && "message" in problem && typeof problem.message === "string" ? problem.message : t.outbox.unknownProblem;
}
