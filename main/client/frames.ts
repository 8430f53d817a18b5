import type { StreamHeader } from '../classdriver/srb.js'
import type { PKSDATAFORMAT } from '../classdriver/wdk/ks.js'

/** The report's frame counts. */
export interface FrameCounts {
  delivered: number
  /** Frames the card or the driver lost while the stream ran. */
  dropped: number
  /** Frames cut short by the stream's own stop (the application leaving RUN or closing the pin): not drops. */
  abortedAtStop: number
  torn: number
  stale: number
}

/** What the content check said of a buffer: intact, two frames mixed, an old frame again, or not judged. */
export type FrameVerdict = 'ok' | 'torn' | 'stale' | 'unchecked'

/**
 * Checks one delivered buffer beyond its frame info: a card with machine-readable stamps (VCAP-1)
 * plugs in a checker that decodes them; it returns what it found.
 */
export interface FrameContentChecker {
  /** Judges one buffer of a stream opened with `format`. */
  check(header: StreamHeader, streamNumber: number, format: PKSDATAFORMAT): { torn: boolean; stale: boolean; sequence: number | null }
}

/**
 * Counts what the application received on one stream, from what the driver put in each completed
 * buffer. PictureNumber counts every frame the source produced, so a gap is frames dropped; a repeated
 * or older PictureNumber is a stale (duplicated or out-of-order) buffer. Counters restart when the
 * stream leaves STOP.
 *
 * A frame the card was filling when the application took the stream out of RUN is not a drop: the
 * application ended it. The client learns of such frames from the card (`noteStopped`) and counts them
 * in `abortedAtStop`. The driver's own DropCount (KSPROPERTY_DROPPEDFRAMES_CURRENT) is read just
 * before that stop, while the frame is still being captured; per the WDK, DropCount counts frames the
 * driver was scheduled to capture and failed to, so a correct driver leaves the frame in progress out.
 * A driver that counts it anyway (frames begun minus frames delivered) is given the benefit of the
 * doubt: as much of its count above what PictureNumber shows as the stop then cut frames short goes to
 * `abortedAtStop`, not to `dropped`, so whether it passes does not depend on where the stop falls.
 */
export class FrameTracker {
  delivered = 0
  stale = 0
  torn = 0
  bytes = 0
  /** Dropped frames of earlier runs (between STOPs). */
  private droppedBefore = 0
  private firstPicture = -1
  private lastPicture = -1
  private deliveredThisRun = 0
  private lastDropCount = 0
  /** DropCount the driver reported through KSPROPERTY_DROPPEDFRAMES_CURRENT in this run. */
  private reportedDrops = 0
  /** A DropCount read before a stop whose aborted frames are not known yet. */
  private pendingReport: number | null = null
  /** Frames the stream's own stops cut short, over every run. */
  abortedAtStop = 0
  /** The format the stream was opened with (what the application expects in each buffer). */
  format: PKSDATAFORMAT | null = null
  /** The content check of the last buffer counted ('unchecked': no checker, or it could not judge). */
  lastVerdict: FrameVerdict = 'unchecked'

  constructor(
    readonly streamNumber: number,
    private readonly checker: FrameContentChecker | null,
  ) {}

  get dropped(): number {
    return this.droppedBefore + this.droppedThisRun()
  }

  private droppedThisRun(): number {
    return Math.max(this.shownDrops(), this.reportedDrops, this.pendingReport ?? 0)
  }

  /** Drops the delivered frames show: gaps in PictureNumber, and the DropCount in KS_FRAME_INFO. */
  private shownDrops(): number {
    const gaps = this.firstPicture < 0 ? 0 : this.lastPicture - this.firstPicture + 1 - this.deliveredThisRun
    return Math.max(0, gaps, this.lastDropCount)
  }

  /** The stream went to STOP: the driver restarts its counters from here. */
  restart(): void {
    this.droppedBefore += this.droppedThisRun()
    this.firstPicture = -1
    this.lastPicture = -1
    this.deliveredThisRun = 0
    this.lastDropCount = 0
    this.reportedDrops = 0
    this.pendingReport = null
  }

  /**
   * The driver's answer to KSPROPERTY_DROPPEDFRAMES_CURRENT (its count since the stream started),
   * read as the stream leaves RUN. Counted as is unless `noteStopped` follows.
   */
  noteReportedDrops(dropCount: number): void {
    if (this.pendingReport !== null) this.reportedDrops = Math.max(this.reportedDrops, this.pendingReport)
    this.pendingReport = dropCount
  }

  /**
   * The stream's own stop (leaving RUN, or a close) is done; the card cut `aborted` frames short
   * during it. They count in abortedAtStop; a DropCount read just before the stop is lowered by them,
   * though never below the drops the delivered frames show.
   */
  noteStopped(aborted: number): void {
    this.abortedAtStop += aborted
    if (this.pendingReport === null) return
    const report = Math.max(this.shownDrops(), this.pendingReport - aborted)
    this.reportedDrops = Math.max(this.reportedDrops, report)
    this.pendingReport = null
  }


  /** One buffer completed with success. */
  onBuffer(header: StreamHeader): void {
    if (header._DataUsed === 0) return
    this.delivered++
    this.deliveredThisRun++
    this.bytes += header._DataUsed
    const fi = header._frameInfo
    if (fi._written) {
      const pn = fi._PictureNumber
      if (this.lastPicture >= 0 && pn <= this.lastPicture) this.stale++
      else {
        if (this.firstPicture < 0) this.firstPicture = pn - Math.max(0, fi._DropCount)
        this.lastPicture = pn
      }
      this.lastDropCount = fi._DropCount
    }
    if (this.checker !== null && this.format !== null) {
      const r = this.checker.check(header, this.streamNumber, this.format)
      if (r.torn) this.torn++
      if (r.stale) this.stale++
      this.lastVerdict = r.torn ? 'torn' : r.stale ? 'stale' : r.sequence === null ? 'unchecked' : 'ok'
    } else this.lastVerdict = 'unchecked'
  }

  counts(): FrameCounts {
    return { delivered: this.delivered, dropped: this.dropped, abortedAtStop: this.abortedAtStop, torn: this.torn, stale: this.stale }
  }
}
