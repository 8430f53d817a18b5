/**
 * The audio level meter's arithmetic: linear full-scale levels to dBFS, positions on the meter's
 * scale, and ballistics. Levels arrive a few times a second (BackendEvents.audio); between them the
 * bars fall smoothly instead of jumping, and a peak-hold tick stays put for a moment, as on a mixer.
 */
import type { AudioLevel } from '../../main/contract/api.js'

/** The bottom of the scale: anything quieter shows as an empty bar. */
export const FLOOR_DB = -60

/** Scale marks, dBFS. */
export const SCALE_DB: readonly number[] = [0, -6, -12, -18, -24, -36, -48, -60]

/** How fast the bars fall after the signal drops (dB per second). */
export const FALL_DB_PER_S = 24
/** How long the peak-hold tick stays before it falls too (ms). */
export const HOLD_MS = 1500

/** dBFS of a linear level (0..1 of full scale), floored at FLOOR_DB (silence is FLOOR_DB, not -Infinity). */
export function toDb(linear: number): number {
  if (!(linear > 0)) return FLOOR_DB
  return Math.max(FLOOR_DB, 20 * Math.log10(linear))
}

/** Where `db` sits on the meter, 0 (floor) .. 1 (0 dBFS and above). */
export function meterFraction(db: number): number {
  return Math.min(1, Math.max(0, (db - FLOOR_DB) / -FLOOR_DB))
}

/** "-12.0 dB", or "-∞" at the floor. */
export function formatDb(db: number): string {
  return db <= FLOOR_DB ? '-∞ dB' : `${db.toFixed(1)} dB`
}

/** What one channel's bars show at a moment. */
export interface ChannelReading {
  peakDb: number
  rmsDb: number
  /** The peak-hold tick. */
  holdDb: number
  /** The signal reached full scale since the last reset. */
  clipped: boolean
}

interface ChannelState {
  peakDb: number
  rmsDb: number
  atMs: number
  holdDb: number
  holdAtMs: number
  clipped: boolean
}

/** Per-channel ballistics over the stream of AudioLevel events of one run. */
export class LevelMeter {
  private channels: ChannelState[] = []
  /** Time of the newest level (virtual ns), or null before the first. */
  lastTimeNs: number | null = null

  /** Takes a new measurement; bars rise at once, and fall from where they were shown. */
  update(level: AudioLevel, nowMs: number): void {
    const n = Math.max(level.peak.length, level.rms.length)
    const next: ChannelState[] = []
    for (let c = 0; c < n; c++) {
      const shown = c < this.channels.length ? this.readChannel(this.channels[c], nowMs) : null
      const peakDb = toDb(level.peak[c] ?? 0)
      const rmsDb = toDb(level.rms[c] ?? 0)
      const prev = this.channels[c]
      const holdDb = shown === null || peakDb >= shown.holdDb ? peakDb : shown.holdDb
      next.push({
        peakDb: shown === null ? peakDb : Math.max(peakDb, shown.peakDb),
        rmsDb: shown === null ? rmsDb : Math.max(rmsDb, shown.rmsDb),
        atMs: nowMs,
        holdDb,
        holdAtMs: shown === null || peakDb >= shown.holdDb ? nowMs : prev.holdAtMs,
        clipped: (prev?.clipped ?? false) || (level.peak[c] ?? 0) >= 1,
      })
    }
    this.channels = next
    this.lastTimeNs = level.timeNs
  }

  /** The bars at `nowMs`. */
  read(nowMs: number): ChannelReading[] {
    return this.channels.map((c) => this.readChannel(c, nowMs))
  }

  /** True while some bar is still above the floor (the view keeps animating until then). */
  moving(nowMs: number): boolean {
    return this.read(nowMs).some((c) => c.peakDb > FLOOR_DB || c.rmsDb > FLOOR_DB || c.holdDb > FLOOR_DB)
  }

  reset(): void {
    this.channels = []
    this.lastTimeNs = null
  }

  private readChannel(c: ChannelState, nowMs: number): ChannelReading {
    const fall = (Math.max(0, nowMs - c.atMs) / 1000) * FALL_DB_PER_S
    const holdFall = (Math.max(0, nowMs - c.holdAtMs - HOLD_MS) / 1000) * FALL_DB_PER_S
    return {
      peakDb: Math.max(FLOOR_DB, c.peakDb - fall),
      rmsDb: Math.max(FLOOR_DB, c.rmsDb - fall),
      holdDb: Math.max(FLOOR_DB, c.holdDb - holdFall),
      clipped: c.clipped,
    }
  }
}
