/** A stream that hands out `bytes` in pieces of `size` bytes, as a network would. */
export function chunked(bytes: Uint8Array, size: number, onCancel?: () => void): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(offset, offset + size));
      offset += size;
    },
    cancel: () => onCancel?.(),
  });
}

/** Every item of a stream, once it ends. */
export async function readAll<T>(stream: ReadableStream<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of stream) items.push(item);
  return items;
}
