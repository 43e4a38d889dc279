"""Speech for end-to-end tests, spoken by espeak-ng (Debian `espeak-ng`) and resampled by sox to 8 kHz, 16-bit,
mono; tones and silence to go with it. Every function returns a numpy float array at 8 kHz."""
import shutil
import subprocess
import tempfile
from pathlib import Path

RATE = 8000


def speech(text, voice="en-us", words_per_minute=165, peak=12000.0):
    """`text` spoken by espeak-ng, normalised to `peak`."""
    import numpy as np
    for tool in ("espeak-ng", "sox"):
        if shutil.which(tool) is None:
            raise RuntimeError("%s is missing: apt-get install espeak-ng sox (test.sh does)" % tool)
    with tempfile.TemporaryDirectory() as d:
        wav = Path(d) / "s.wav"
        subprocess.run(["espeak-ng", "-v", voice, "-s", str(words_per_minute), "-w", str(wav), text], check=True,
                       capture_output=True)
        raw = subprocess.run(["sox", str(wav), "-t", "raw", "-r", str(RATE), "-c", "1", "-b", "16", "-e",
                              "signed-integer", "-L", "-"], check=True, capture_output=True).stdout
    x = np.frombuffer(raw, dtype="<i2").astype(np.float64)
    m = float(np.max(np.abs(x))) if len(x) else 0.0
    return x * (peak / m) if m > 0 else x


def tone(freq, seconds, amplitude=8000.0):
    import numpy as np
    t = np.arange(int(seconds * RATE)) / RATE
    return amplitude * np.sin(2 * np.pi * freq * t)


def silence(seconds):
    import numpy as np
    return np.zeros(int(seconds * RATE))


def join(*parts):
    import numpy as np
    return np.concatenate([np.asarray(p, dtype=np.float64) for p in parts])
