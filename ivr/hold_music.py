"""Writes the queue's hold music: a calm arpeggio synthesised here, so it is free of any licence.

`python -m ivr.hold_music [path]` (default `voice_prompts/audio/hold-music.wav`): 20 seconds,
8 kHz mono, the telephone's own bandwidth. Replace the file with any WAV or MP3 you may use.
"""

from __future__ import annotations

import math
import struct
import sys
import wave
from pathlib import Path

from ivr.config import ROOT

RATE = 8000
SECONDS = 20
NOTE = 0.5  # seconds per note
# C major, A minor, F major, G major: four bars of eighth-note arpeggios, then again.
CHORDS = [(261.63, 329.63, 392.00), (220.00, 261.63, 329.63), (174.61, 220.00, 261.63),
          (196.00, 246.94, 293.66)]  # fmt: skip


def samples() -> list[int]:
    out: list[int] = []
    notes = int(SECONDS / NOTE)
    per_note = int(RATE * NOTE)
    for n in range(notes):
        chord = CHORDS[(n // 8) % len(CHORDS)]
        pattern = (0, 1, 2, 1)
        freq = chord[pattern[n % 4]] * (2 if n % 8 >= 4 else 1)
        bass = chord[0] / 2
        for i in range(per_note):
            t = i / RATE
            envelope = math.exp(-3.0 * t) * min(1.0, i / 80)  # soft attack, gentle decay
            value = 0.35 * envelope * math.sin(2 * math.pi * freq * t)
            value += 0.12 * math.sin(2 * math.pi * bass * (n * NOTE + t))
            out.append(int(max(-1.0, min(1.0, value)) * 32767 * 0.8))
    return out


def write(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(RATE)
        handle.writeframes(b"".join(struct.pack("<h", s) for s in samples()))


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "voice_prompts/audio/hold-music.wav"
    write(target)
    print(f"wrote {target}")
