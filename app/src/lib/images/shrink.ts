// A photo from the camera or the gallery made small on the phone before it is kept or sent: a
// 12-megapixel photo is 3–5 MB, too much for a 2G upload and for the buckets' 1 MB limit.

export interface Shrunk {
  blob: Blob;
  type: string;
  width: number;
  height: number;
}

/**
 * The photo at most `maxSide` pixels on its longer side, as WebP (JPEG where the browser cannot
 * write WebP), at the best quality that fits `targetBytes`, turned the way the camera held it.
 * Throws when the file is not an image the browser can read.
 */
export async function shrinkImage(file: Blob, maxSide = 640, targetBytes = 60_000): Promise<Shrunk> {
  const bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
  const scale = Math.min(1, maxSide / Math.max(bitmap.width, bitmap.height));
  const width = Math.max(1, Math.round(bitmap.width * scale));
  const height = Math.max(1, Math.round(bitmap.height * scale));
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext("2d");
  if (!context) throw new Error("no canvas");
  context.drawImage(bitmap, 0, 0, width, height);
  bitmap.close();
  const encode = (type: string, quality: number) =>
    new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error("the photo could not be encoded"))), type, quality));
  // A browser that cannot write WebP answers PNG: JPEG is smaller then.
  const type = (await encode("image/webp", 0.8)).type === "image/webp" ? "image/webp" : "image/jpeg";
  let blob = await encode(type, 0.8);
  for (const quality of [0.7, 0.6, 0.5, 0.4, 0.3]) {
    if (blob.size <= targetBytes) break;
    blob = await encode(type, quality);
  }
  return { blob, type, width, height };
}
