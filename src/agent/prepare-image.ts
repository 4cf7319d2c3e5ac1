/**
 * An image file made fit to show to the model, within the Messages API's limits: at most 5 MB of
 * base64 and 8000 px a side, and no bigger than the model looks at (the API scales anything past
 * ~1.15 megapixels or 1568 px on the long side down itself, so sending more only costs tokens and
 * latency). Bigger images are downscaled with sharp (libvips, prebuilt); an image that cannot be
 * decoded, or whose pixel count would make decoding itself a hazard, is refused with a sentence.
 */
import { type ImageMediaType, sniffImageType } from '../model/image-media-type.ts';
import { formatBytes } from '../text/format-numbers.ts';

export interface ImageLimits {
  /** Most base64 characters sent for one image (the API's limit: 5 MB). */
  maxBase64Bytes: number;
  /** Longest side sent, in pixels. */
  maxSide: number;
  /** Most pixels sent. */
  maxPixels: number;
  /** Largest image decoded at all, in pixels (a decompression-bomb guard). */
  maxInputPixels: number;
  /** Largest image file read, in bytes. */
  maxInputBytes: number;
}

export const DEFAULT_IMAGE_LIMITS: ImageLimits = {
  maxBase64Bytes: 5 * 1024 * 1024,
  maxSide: 1568,
  maxPixels: 1_150_000,
  maxInputPixels: 100_000_000,
  maxInputBytes: 50 * 1024 * 1024,
};

export type PreparedImage =
  | {
      ok: true;
      mediaType: ImageMediaType;
      /** Base64 of the image as sent. */
      data: string;
      /** Size of the original, and of the image as sent. */
      original: { width: number; height: number };
      width: number;
      height: number;
    }
  | { ok: false; reason: string };

/** Make `bytes` (a PNG, JPEG, GIF or WebP file) fit to send, or say why it cannot be. Never throws. */
export async function prepareImage(
  bytes: Buffer,
  limits: ImageLimits = DEFAULT_IMAGE_LIMITS,
): Promise<PreparedImage> {
  const type = sniffImageType(bytes);
  if (!type) return { ok: false, reason: 'it is not a PNG, JPEG, GIF or WebP image' };
  if (bytes.length > limits.maxInputBytes) {
    return {
      ok: false,
      reason: `it is ${formatBytes(bytes.length)}, over the ${formatBytes(limits.maxInputBytes)} limit for an image`,
    };
  }
  try {
    // Loaded on the first image (~130 ms of CPU that a task without images should not pay at start).
    const { default: sharp } = await import('sharp');
    const meta = await sharp(bytes, { limitInputPixels: false }).metadata();
    // EXIF orientations 5-8 turn the picture a quarter: its width is the stored height.
    const turned = (meta.orientation ?? 1) >= 5;
    const width = turned ? meta.height : meta.width;
    const height = turned ? meta.width : meta.height;
    if (!width || !height) return { ok: false, reason: 'its size could not be read' };
    if (width * height > limits.maxInputPixels) {
      return {
        ok: false,
        reason: `it is ${width}×${height} pixels, over the ${limits.maxInputPixels / 1_000_000}-megapixel limit for an image`,
      };
    }
    const scale = Math.min(
      1,
      limits.maxSide / Math.max(width, height),
      Math.sqrt(limits.maxPixels / (width * height)),
    );
    const upright = (meta.orientation ?? 1) <= 1;
    if (scale === 1 && upright && base64Length(bytes.length) <= limits.maxBase64Bytes) {
      return {
        ok: true,
        mediaType: type,
        data: bytes.toString('base64'),
        original: { width, height },
        width,
        height,
      };
    }
    const target = {
      width: Math.max(1, Math.floor(width * scale)),
      height: Math.max(1, Math.floor(height * scale)),
    };
    const out = await downscaled(sharp, bytes, type, target, limits);
    if (base64Length(out.data.length) > limits.maxBase64Bytes) {
      return {
        ok: false,
        reason: `even downscaled it is over the ${formatBytes(limits.maxBase64Bytes)} limit of the API`,
      };
    }
    return {
      ok: true,
      mediaType: out.mediaType,
      data: out.data.toString('base64'),
      original: { width, height },
      ...target,
    };
  } catch (error) {
    return {
      ok: false,
      reason: `it could not be decoded (${error instanceof Error ? error.message : String(error)})`,
    };
  }
}

/**
 * The image turned upright and resized to `target`. Photographs stay JPEG; the rest become PNG (sharp
 * edges, text, transparency), or JPEG on white when the PNG is too big to send.
 */
async function downscaled(
  sharp: typeof import('sharp').default,
  bytes: Buffer,
  type: ImageMediaType,
  target: { width: number; height: number },
  limits: ImageLimits,
): Promise<{ mediaType: 'image/jpeg' | 'image/png'; data: Buffer }> {
  const resized = () =>
    sharp(bytes, { limitInputPixels: limits.maxInputPixels })
      .rotate()
      .resize({ ...target, fit: 'fill' });
  const out =
    type === 'image/jpeg'
      ? { mediaType: 'image/jpeg' as const, data: await resized().jpeg({ quality: 85 }).toBuffer() }
      : { mediaType: 'image/png' as const, data: await resized().png({ compressionLevel: 9 }).toBuffer() };
  if (base64Length(out.data.length) <= limits.maxBase64Bytes) return out;
  return {
    mediaType: 'image/jpeg',
    data: await resized().flatten({ background: '#ffffff' }).jpeg({ quality: 75 }).toBuffer(),
  };
}

function base64Length(bytes: number): number {
  return Math.ceil(bytes / 3) * 4;
}
