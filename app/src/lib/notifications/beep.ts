// A short two-tone beep for a new order, made with Web Audio (no sound file to download). Where
// audio is blocked (no gesture yet, no audio device, an old browser) it stays silent.
let context: AudioContext | undefined;

export function beep(): void {
  try {
    const Audio = globalThis.AudioContext ?? (globalThis as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
    if (!Audio) return;
    context ??= new Audio();
    const ctx = context;
    if (ctx.state === "suspended") void ctx.resume().catch(() => {});
    const gain = ctx.createGain();
    gain.gain.value = 0.15;
    gain.connect(ctx.destination);
    [880, 1320].forEach((frequency, i) => {
      const tone = ctx.createOscillator();
      tone.type = "sine";
      tone.frequency.value = frequency;
      tone.connect(gain);
      tone.start(ctx.currentTime + i * 0.15);
      tone.stop(ctx.currentTime + i * 0.15 + 0.12);
    });
  } catch {
    // Silence is fine: the badge and the announcement still say an order came.
  }
}
