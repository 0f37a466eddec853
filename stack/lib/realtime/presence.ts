// Presence as Phoenix.Presence keeps it for Realtime: per topic, who is tracked under which key,
// each tracking one "meta" (the client's payload plus a unique `phx_ref`). Changes come out as
// the diffs clients merge: {joins: {key: {metas}}, leaves: {key: {metas}}}; a re-track is a leave
// of the old meta and a join of the new one, which carries the old ref as `phx_ref_prev`.
import { randomBytes } from "node:crypto";

export type Meta = Record<string, unknown> & { phx_ref: string; phx_ref_prev?: string };
export type PresenceState = Record<string, { metas: Meta[] }>;
export interface PresenceDiff {
  joins: PresenceState;
  leaves: PresenceState;
}

interface Entry {
  key: string;
  meta: Meta;
}

const newRef = () => randomBytes(9).toString("base64url");

const one = (key: string, meta: Meta): PresenceState => ({ [key]: { metas: [meta] } });

/** Entries are owned by whatever tracked them (a joined channel); one entry per owner and topic. */
export class PresenceRegistry<Owner> {
  private readonly topics = new Map<string, Map<Owner, Entry>>();

  track(topic: string, owner: Owner, key: string, payload: Record<string, unknown>): PresenceDiff {
    let entries = this.topics.get(topic);
    if (!entries) this.topics.set(topic, (entries = new Map()));
    const before = entries.get(owner);
    const meta: Meta = { ...payload, phx_ref: newRef() };
    if (before && before.key === key) {
      meta.phx_ref_prev = before.meta.phx_ref;
      entries.set(owner, { key, meta });
      return { joins: one(key, meta), leaves: one(before.key, before.meta) };
    }
    entries.set(owner, { key, meta });
    return { joins: one(key, meta), leaves: before ? one(before.key, before.meta) : {} };
  }

  untrack(topic: string, owner: Owner): PresenceDiff | null {
    const entries = this.topics.get(topic);
    const before = entries?.get(owner);
    if (!entries || !before) return null;
    entries.delete(owner);
    if (entries.size === 0) this.topics.delete(topic);
    return { joins: {}, leaves: one(before.key, before.meta) };
  }

  list(topic: string): PresenceState {
    const state: PresenceState = {};
    for (const { key, meta } of this.topics.get(topic)?.values() ?? []) (state[key] ??= { metas: [] }).metas.push(meta);
    return state;
  }
}
