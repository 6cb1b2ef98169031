/**
 * A tiny MP4 box reader for the tests: the movie's length (`moov/mvhd`) and the video track's frame
 * (`moov/trak/tkhd` with a width), read from the file itself rather than from anything the emulator says about it.
 */
export interface Mp4Facts {
  durationS: number;
  width: number;
  height: number;
}

interface Box {
  type: string;
  start: number;
  body: number;
  end: number;
}

function* boxes(view: DataView, from: number, to: number): Generator<Box> {
  for (let at = from; at + 8 <= to; ) {
    let size = view.getUint32(at);
    const type = String.fromCharCode(...new Uint8Array(view.buffer, view.byteOffset + at + 4, 4));
    let body = at + 8;
    if (size === 1) {
      size = Number(view.getBigUint64(at + 8));
      body += 8;
    } else if (size === 0) size = to - at;
    if (size < 8) throw new Error(`bad box size at ${at}`);
    yield { type, start: at, body, end: at + size };
    at += size;
  }
}

const child = (view: DataView, parent: Box, type: string) => [...boxes(view, parent.body, parent.end)].find((box) => box.type === type);

export function readMp4(bytes: Uint8Array): Mp4Facts {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const top = [...boxes(view, 0, bytes.byteLength)];
  if (top[0]?.type !== "ftyp") throw new Error("not an MP4: no ftyp first");
  const moov = top.find((box) => box.type === "moov");
  if (!moov) throw new Error("no moov");
  const mvhd = child(view, moov, "mvhd");
  if (!mvhd) throw new Error("no mvhd");
  // mvhd: version(1) flags(3), then (v0) creation 4, modification 4, timescale 4, duration 4; (v1) 8, 8, 4, 8.
  const version = view.getUint8(mvhd.body);
  const timescale = view.getUint32(mvhd.body + (version === 1 ? 20 : 12));
  const duration =
    version === 1 ? Number(view.getBigUint64(mvhd.body + 24)) : view.getUint32(mvhd.body + 16);
  for (const trak of [...boxes(view, moov.body, moov.end)].filter((box) => box.type === "trak")) {
    const tkhd = child(view, trak, "tkhd");
    if (!tkhd) continue;
    // tkhd: version/flags 4, (v0) 20 or (v1) 32 bytes of times, ids and duration, then 8 reserved, layer, group,
    // volume, reserved (8), a 36-byte matrix, then width and height as 16.16 fixed point.
    const at = tkhd.body + 4 + (view.getUint8(tkhd.body) === 1 ? 32 : 20) + 8 + 8 + 36;
    const width = view.getUint32(at) / 65536;
    const height = view.getUint32(at + 4) / 65536;
    if (width > 0 && height > 0) return { durationS: duration / timescale, width, height };
  }
  throw new Error("no video track");
}

/** True when the `moov` box comes before `mdat` (`-movflags +faststart`): a player can start before the end arrives. */
export function isFaststart(bytes: Uint8Array): boolean {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const order = [...boxes(view, 0, bytes.byteLength)].map((box) => box.type);
  return order.indexOf("moov") >= 0 && order.indexOf("moov") < order.indexOf("mdat");
}
