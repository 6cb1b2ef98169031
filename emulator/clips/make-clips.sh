#!/bin/sh
# Makes the emulator's output clips: short, real, playable 1280x720 H.264 + AAC MP4s, small enough to bundle.
# They are named *.mp4.bin so that wrangler and Vite load them as Data modules (bytes), not as code.
# Re-runnable: `sh emulator/clips/make-clips.sh` overwrites them. Needs Debian's ffmpeg (libx264, drawtext).
set -eu
cd "$(dirname "$0")"

FONT=/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf

# clip NAME SECONDS "VIDEO SOURCE" "AUDIO SOURCE" "CAPTION"
clip() {
  name=$1 seconds=$2 video=$3 audio=$4 caption=$5
  text=""
  # The caption is drawn only when the font exists; a clip without text is still a valid clip.
  if [ -f "$FONT" ]; then
    text=",drawtext=fontfile=$FONT:text='$caption':fontsize=64:fontcolor=white:borderw=4:bordercolor=black@0.6:x=(w-text_w)/2:y=h-140"
  fi
  ffmpeg -hide_banner -loglevel error -y \
    -f lavfi -i "$video" \
    -f lavfi -i "$audio" \
    -t "$seconds" \
    -vf "format=yuv420p$text" \
    -c:v libx264 -preset veryslow -profile:v main -pix_fmt yuv420p -b:v 600k -maxrate 800k -bufsize 1600k \
    -r 24 -g 48 \
    -c:a aac -b:a 48k -ac 1 -ar 44100 \
    -movflags +faststart -f mp4 "$name.mp4.bin"
  ffprobe -v error -select_streams v:0 -show_entries stream=codec_name,width,height -of csv=p=0 "$name.mp4.bin" |
    grep -qx 'h264,1280,720' || { echo "$name: not 1280x720 H.264" >&2; exit 1; }
  echo "$name.mp4.bin $(wc -c <"$name.mp4.bin") bytes"
}

# 1. The classic test card with a moving clock, a 440 Hz tone.
clip testcard 3 "testsrc2=size=1280x720:rate=24" "sine=frequency=440:sample_rate=44100" "PromptReel test card"

# 2. A slow zoom into the Mandelbrot set, a lower 330 Hz tone.
clip mandelbrot 3 "mandelbrot=size=1280x720:rate=24:end_scale=0.05" "sine=frequency=330:sample_rate=44100" "Mandelbrot zoom"

# 3. Soft moving colour gradients ("sunset"), silence.
clip gradients 4 "gradients=size=1280x720:rate=24:speed=0.02:c0=0xff7e29:c1=0x2c1a66:c2=0xe8446b:nb_colors=3" "anullsrc=channel_layout=mono:sample_rate=44100" "Sunset gradients"

# 4. Scrolling colour bars ("city timelapse" stand-in), a 550 Hz tone.
clip bars 2 "smptehdbars=size=1280x720:rate=24,scroll=horizontal=0.004" "sine=frequency=550:sample_rate=44100" "Colour bars"
