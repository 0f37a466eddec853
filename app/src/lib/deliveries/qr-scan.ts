// Reads a QR code from the camera: the browser's BarcodeDetector where it has one (Chrome on
// Android), else jsQR, fetched only the first time it is needed so pages stay light.

interface Detector {
  detect(source: CanvasImageSource): Promise<{ rawValue: string }[]>;
}
type DetectorClass = { new (options: { formats: string[] }): Detector; getSupportedFormats(): Promise<string[]> };

async function nativeDetector(): Promise<Detector | null> {
  const Native = (globalThis as { BarcodeDetector?: DetectorClass }).BarcodeDetector;
  if (!Native || !(await Native.getSupportedFormats().catch((): string[] => [])).includes("qr_code")) return null;
  return new Native({ formats: ["qr_code"] });
}

/** A reader of video frames: the text of the QR code in view, or null when there is none. */
export type FrameReader = (video: HTMLVideoElement) => Promise<string | null>;

export async function frameReader(): Promise<FrameReader> {
  const native = await nativeDetector();
  if (native) return async (video) => (await native.detect(video))[0]?.rawValue ?? null;
  const { default: jsQR } = await import("jsqr");
  const canvas = document.createElement("canvas");
  const context = canvas.getContext("2d", { willReadFrequently: true })!;
  return async (video) => {
    if (!video.videoWidth) return null;
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    context.drawImage(video, 0, 0);
    const frame = context.getImageData(0, 0, canvas.width, canvas.height);
    return jsQR(frame.data, frame.width, frame.height, { inversionAttempts: "dontInvert" })?.data ?? null;
  };
}

/**
 * Shows the back camera in `video` and calls `found` with each QR code it reads (about four
 * frames a second) until the returned stop is called. Rejects when there is no camera or the
 * person refuses it.
 */
export async function scanQr(video: HTMLVideoElement, found: (text: string) => void): Promise<() => void> {
  const [stream, read] = await Promise.all([
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false }),
    frameReader(),
  ]);
  video.srcObject = stream;
  await video.play();
  let stopped = false;
  let last = "";
  const tick = async () => {
    if (stopped) return;
    const text = await read(video).catch(() => null);
    // The same code held in view is reported once.
    if (text && text !== last && !stopped) found(text);
    last = text ?? last;
    if (!stopped) setTimeout(tick, 250);
  };
  void tick();
  return () => {
    stopped = true;
    for (const track of stream.getTracks()) track.stop();
    video.srcObject = null;
  };
}
