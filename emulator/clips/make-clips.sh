#!/bin/sh
# Makes the emulator's sample clips: real, playable H.264 + AAC MP4s in the three shapes PromptReel offers
# (16:9 1280x720, 9:16 720x1280, 1:1 720x720) at the three lengths it offers (5, 10, 15 s): nine clips, small enough
# to bundle (about 2 MB together). Each is drawn by one of ffmpeg's lavfi sources and, when the Liberation font is
# present, carries the caption "SAMPLE CLIP · emulator" and its shape and length, so nobody mistakes it for a video
# made from their words. They are named *.mp4.bin so that wrangler and Vite load them as Data modules (bytes), not as
# code. Re-runnable: `sh emulator/clips/make-clips.sh` overwrites them. Needs Debian's ffmpeg (libx264, drawtext).
set -eu
cd "$(dirname "$0")"

FONT=/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# clip NAME WIDTH HEIGHT SECONDS "VIDEO FILTER GRAPH (no size or rate)" "AUDIO SOURCE"
clip() {
  name=$1 width=$2 height=$3 seconds=$4 video=$5 audio=$6
  text=""
  # The caption is drawn only when drawtext and the font exist; a clip without text is still a valid clip.
  # Text goes through files so that ':' and '·' need no escaping in the filter graph.
  if [ -f "$FONT" ] && ffmpeg -hide_banner -filters 2>/dev/null | grep -q ' drawtext '; then
    printf 'SAMPLE CLIP · emulator' >"$TMP/$name.1"
    printf '%s · %s s' "$(ratio "$width" "$height")" "$seconds" >"$TMP/$name.2"
    style="fontfile=$FONT:fontcolor=white:box=1:boxcolor=black@0.6:boxborderw=8:x=(w-text_w)/2"
    text=",drawtext=$style:textfile=$TMP/$name.1:fontsize=min(w\,h)/18:y=h-2.6*min(w\,h)/18-30"
    text="$text,drawtext=$style:textfile=$TMP/$name.2:fontsize=min(w\,h)/26:y=h-min(w\,h)/26-30"
  fi
  nice ffmpeg -hide_banner -loglevel error -y \
    -f lavfi -i "$video,scale=${width}x${height}:flags=neighbor,fps=24,format=yuv420p$text" \
    -f lavfi -i "$audio" \
    -t "$seconds" -map 0:v -map 1:a \
    -c:v libx264 -preset slow -profile:v main -pix_fmt yuv420p -crf 32 -maxrate 150k -bufsize 300k -g 48 \
    -c:a aac -b:a 16k -ac 1 -ar 22050 \
    -movflags +faststart -f mp4 "$name.mp4.bin"
  probe=$(ffprobe -v error -select_streams v:0 -show_entries stream=codec_name,width,height -of csv=p=0 "$name.mp4.bin")
  [ "$probe" = "h264,$width,$height" ] || { echo "$name: $probe, not ${width}x${height} H.264" >&2; exit 1; }
  length=$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$name.mp4.bin")
  echo "$name.mp4.bin ${width}x${height} ${length}s $(wc -c <"$name.mp4.bin") bytes"
}

ratio() {
  if [ "$1" -gt "$2" ]; then echo "16:9"; elif [ "$1" -lt "$2" ]; then echo "9:16"; else echo "1:1"; fi
}

tone() { echo "sine=frequency=$1:sample_rate=22050"; }
SILENCE="anullsrc=channel_layout=mono:sample_rate=22050"

# 16:9 landscape, 1280x720
clip landscape-5s 1280 720 5 "testsrc2=size=1280x720:rate=24" "$(tone 440)"
clip landscape-10s 1280 720 10 "mandelbrot=size=640x360:rate=24:end_scale=0.05" "$(tone 330)"
clip landscape-15s 1280 720 15 "gradients=size=640x360:rate=24:speed=0.02:c0=0xff7e29:c1=0x2c1a66:c2=0xe8446b:nb_colors=3" "$SILENCE"

# 9:16 vertical, 720x1280
clip vertical-5s 720 1280 5 "smptehdbars=size=360x640:rate=24,scroll=vertical=0.004" "$(tone 550)"
clip vertical-10s 720 1280 10 "cellauto=size=90x160:rate=24:rule=110:random_fill_ratio=0.5:scroll=1" "$(tone 262)"
clip vertical-15s 720 1280 15 "gradients=size=360x640:rate=24:speed=0.015:c0=0x1b998b:c1=0x2d3047:c2=0xfffd82:nb_colors=3" "$SILENCE"

# 1:1 square, 720x720
clip square-5s 720 720 5 "life=size=120x120:rate=24:mold=10:ratio=0.3:life_color=0xffd166:death_color=0x073b4c:mold_color=0x118ab2" "$(tone 392)"
clip square-10s 720 720 10 "testsrc2=size=720x720:rate=24" "$(tone 494)"
clip square-15s 720 720 15 "mandelbrot=size=360x360:rate=24:end_scale=0.1:outer=normalized_iteration_count" "$(tone 294)"

echo "together: $(cat ./*.mp4.bin | wc -c) bytes"
