import type { RealtimeChannel, SupabaseClient } from "@supabase/supabase-js";
import { z } from "../zod.js";
import type { Database } from "../database.types.js";
import { subscribeLive } from "../realtime/live.js";

export type Message = Database["public"]["Tables"]["messages"]["Row"];

/** What a member's receipt says: how far their device has the conversation, and read it. */
export interface Receipt {
  last_delivered_seq: number;
  last_read_seq: number;
}

/** A message as the user types it: what send_message accepts. */
export const messageBody = z.string().check(z.maxLength(5000, "A message can be at most 5000 characters"), z.refine((body) => body.trim() !== "", "A message cannot be empty"));

/** Typing indicators stop this long after the last keystroke broadcast. */
export const TYPING_TIMEOUT_MS = 3000;
/** While typing, a member tells the others at most this often. */
const TYPING_EVERY_MS = 1000;
/** Catch-up reads this many messages a request. */
const PAGE = 500;

const messageEvent = z.object({
  id: z.string(),
  conversation_id: z.string(),
  seq: z.int().check(z.positive()),
  sender_id: z.nullable(z.string()),
  client_msg_id: z.string(),
  body: z.string(),
  created_at: z.string(),
});
const receiptEvent = z.object({ user_id: z.string(), last_delivered_seq: z.number(), last_read_seq: z.number() });
const typingEvent = z.object({ user_id: z.string() });
const closedEvent = z.object({ closed_at: z.string() });

/**
 * One conversation on a device: its messages in sequence order with no gaps and no duplicates,
 * the members' receipts, who is typing and who is online. Messages come live from
 * `conversation:<id>`; after any (re)subscription, and whenever a sequence number is skipped,
 * everything after the last held sequence is fetched, so a message sent while the device was
 * away is never missed and never shown twice.
 */
export class Conversation {
  readonly #supabase: SupabaseClient<Database>;
  readonly #messages = new Map<number, Message>();
  readonly #typing = new Map<string, ReturnType<typeof setTimeout>>();
  readonly #listeners = new Set<() => void>();
  #channel: RealtimeChannel | null = null;
  #catchingUp: Promise<void> | null = null;
  #lastTypingSent = 0;
  receipts = new Map<string, Receipt>();
  online = new Set<string>();
  /** Set when the database closed the conversation (its rider changed): read-only from then on. */
  closedAt: string | null = null;

  constructor(
    supabase: SupabaseClient<Database>,
    readonly id: string,
    readonly userId: string,
  ) {
    this.#supabase = supabase;
  }

  /** Messages in display order. */
  get messages(): Message[] {
    return [...this.#messages.values()].sort((a, b) => a.seq - b.seq);
  }

  /** The highest sequence held with nothing missing below it. */
  get lastSeq(): number {
    let seq = 0;
    while (this.#messages.has(seq + 1)) seq++;
    return seq;
  }

  /** Members other than this user who are typing now. */
  get typing(): string[] {
    return [...this.#typing.keys()];
  }

  /** Called after any change to messages, receipts, typing or presence. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #changed(): void {
    for (const listener of this.#listeners) listener();
  }

  /** Joins the private topic and loads what is missing; resolves once subscribed. */
  async open(): Promise<void> {
    await this.#loadReceipts();

    const channel = this.#supabase.channel(`conversation:${this.id}`, {
      config: { private: true, presence: { key: this.userId } },
    });
    this.#channel = channel;
    channel
      .on("broadcast", { event: "message" }, ({ payload }) => {
        const parsed = messageEvent.safeParse(payload);
        if (parsed.success) this.#receive([parsed.data]);
      })
      .on("broadcast", { event: "receipt" }, ({ payload }) => {
        const parsed = receiptEvent.safeParse(payload);
        if (!parsed.success) return;
        const { user_id, ...receipt } = parsed.data;
        this.receipts.set(user_id, receipt);
        this.#changed();
      })
      .on("broadcast", { event: "typing" }, ({ payload }) => {
        const parsed = typingEvent.safeParse(payload);
        if (parsed.success && parsed.data.user_id !== this.userId) this.#someoneTyping(parsed.data.user_id);
      })
      .on("broadcast", { event: "closed" }, ({ payload }) => {
        const parsed = closedEvent.safeParse(payload);
        if (!parsed.success) return;
        this.closedAt = parsed.data.closed_at;
        // Nothing more comes on a closed topic; the history stays on the device.
        void this.#leave();
        this.#changed();
      })
      .on("presence", { event: "sync" }, () => {
        this.online = new Set(Object.keys(channel.presenceState()));
        this.#changed();
      });

    await new Promise<void>((resolve, reject) => {
      subscribeLive(channel, {
        joined: (first) => {
          // Every (re)subscription may follow a gap: fetch what came meanwhile.
          void Promise.all([this.catchUp(), first ? null : this.#loadReceipts()]).then(() => resolve(), reject);
          if (!this.closedAt) void channel.track({ online_at: new Date().toISOString() });
        },
        left: (status, error) => status === "CLOSED" || reject(error ?? new Error(`could not join conversation:${this.id} (${status})`)),
      });
    });
  }

  /** The members' delivered and read marks, and whether the conversation is closed. */
  async #loadReceipts(): Promise<void> {
    const [receipts, conversation] = await Promise.all([
      this.#supabase.from("conversation_members").select("user_id, last_delivered_seq, last_read_seq").eq("conversation_id", this.id),
      this.#supabase.from("conversations").select("closed_at").eq("id", this.id).maybeSingle(),
    ]);
    if (receipts.error) throw receipts.error;
    if (conversation.error) throw conversation.error;
    for (const { user_id, ...receipt } of receipts.data) this.receipts.set(user_id, receipt);
    this.closedAt = conversation.data?.closed_at ?? null;
    this.#changed();
  }

  /** Fetches everything after the last held sequence (one fetch at a time). */
  catchUp(): Promise<void> {
    this.#catchingUp ??= (async () => {
      try {
        for (;;) {
          const { data, error } = await this.#supabase
            .from("messages")
            .select("*")
            .eq("conversation_id", this.id)
            .gt("seq", this.lastSeq)
            .order("seq")
            .limit(PAGE);
          if (error) throw error;
          this.#receive(data, false);
          if (data.length < PAGE) break;
        }
      } finally {
        this.#catchingUp = null;
      }
      // A hole noticed while this fetch ran may be newer than what it read.
      if (this.#hasHole()) await this.catchUp();
    })();
    return this.#catchingUp;
  }

  #hasHole(): boolean {
    return this.#messages.size > 0 && Math.max(...this.#messages.keys()) > this.lastSeq;
  }

  #receive(messages: Message[], live = true): void {
    let added = false;
    for (const m of messages) {
      if (m.conversation_id !== this.id || this.#messages.has(m.seq)) continue;
      this.#messages.set(m.seq, m);
      added = true;
      if (m.sender_id) this.#stopTyping(m.sender_id);
    }
    if (!added) return;
    this.#changed();
    // A live message past a hole means one was missed: fetch from the hole. A failed fetch is
    // tried again on the next message or (re)subscription.
    if (live && this.#hasHole()) this.catchUp().catch(() => {});
  }

  /**
   * Sends a message. `clientMsgId` makes it safe to retry: an outbox that kept the id from the
   * first try gets the same message back, never a second one.
   */
  async send(body: string, clientMsgId: string = crypto.randomUUID()): Promise<Message> {
    const text = messageBody.parse(body);
    const { data, error } = await this.#supabase.rpc("send_message", {
      conversation_id: this.id,
      client_msg_id: clientMsgId,
      body: text,
    });
    if (error) throw error;
    this.#receive([data]);
    return data;
  }

  /** Marks everything up to `seq` (default: all held) read; the senders get a read receipt. */
  async markRead(seq: number = this.lastSeq): Promise<void> {
    const { error } = await this.#supabase.rpc("mark_read", { conversation_id: this.id, up_to_seq: seq });
    if (error) throw error;
  }

  /** Marks everything held as delivered to this device; the senders get a delivered receipt. */
  async markDelivered(seq: number = this.lastSeq): Promise<void> {
    const { error } = await this.#supabase.rpc("mark_delivered", { conversation_id: this.id, up_to_seq: seq });
    if (error) throw error;
  }

  /** Call on every keystroke: the others see "typing" until TYPING_TIMEOUT_MS of silence. */
  async typed(): Promise<void> {
    const now = Date.now();
    if (!this.#channel || this.closedAt || now - this.#lastTypingSent < TYPING_EVERY_MS) return;
    this.#lastTypingSent = now;
    await this.#channel.send({ type: "broadcast", event: "typing", payload: { user_id: this.userId } });
  }

  #someoneTyping(userId: string): void {
    clearTimeout(this.#typing.get(userId));
    this.#typing.set(userId, setTimeout(() => this.#stopTyping(userId), TYPING_TIMEOUT_MS));
    this.#changed();
  }

  #stopTyping(userId: string): void {
    if (!this.#typing.has(userId)) return;
    clearTimeout(this.#typing.get(userId));
    this.#typing.delete(userId);
    this.#changed();
  }

  /** Leaves the topic and stops every timer. */
  async close(): Promise<void> {
    for (const userId of this.typing) this.#stopTyping(userId);
    await this.#leave();
  }

  async #leave(): Promise<void> {
    const channel = this.#channel;
    this.#channel = null;
    if (channel) await this.#supabase.removeChannel(channel);
  }
}
