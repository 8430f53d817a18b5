/**
 * VCD (IEEE 1364-2005 clause 18) of the VCAP-1 card's signals over a run (vcdSignals.ts says which
 * signal comes from where): the 1-bit wires INTA#, RUN, HALTED, IN_FRAME and DMA busy per channel,
 * and the vectors FIFO level and descriptor HEAD/TAIL. Opens in GTKWave and PulseView; `sigrok-cli`
 * reads only 1-bit wires and stops at the first vector, so `wiresOnly` leaves the vectors out.
 *
 * Written to disk a part at a time (the text of a few thousand changes per write), atomically
 * (ExportFile): the file is never one string in memory. The header is plain ASCII (an ISO date, no
 * locale text: GTKWave chokes on some) and the file ends with a newline (GTKWave rejects it otherwise).
 */
import type { TraceRecorder } from '../../sim/trace/recorder.js'
import { ExportFile } from '../backend/exportFile.js'
import { collectVcdEvents } from './vcdEvents.js'
import { deriveSignals, initialValues, VCD_SIGNALS } from './vcdSignals.js'

export interface VcdOptions {
  /** Written in the header's comment: driver, scenario, seed... */
  metadata?: Record<string, string | number>
  /** Only the 1-bit wires (for sigrok-cli / PulseView's importer, which stops at a vector). */
  wiresOnly?: boolean
  /** The `$date` text (default: now, ISO 8601 in UTC). */
  date?: string
  signal?: AbortSignal
  /** Progress: the changes written so far (now and then, and once at the end). */
  onProgress?: (done: number) => void
}

/** Characters of VCD text gathered before a write. */
const PART_CHARS = 256 * 1024

/** VCD identifier codes: printable ASCII 33..126, shortest first. */
export function vcdId(n: number): string {
  let s = ''
  do {
    s += String.fromCharCode(33 + (n % 94))
    n = Math.floor(n / 94)
  } while (n > 0)
  return s
}

/** Keeps a header text ASCII and free of `$end` (which would close its section early). */
function ascii(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?').replace(/\$end/g, '$ end')
}

function valueText(width: number, value: number, id: string): string {
  return width === 1 ? `${value !== 0 ? 1 : 0}${id}` : `b${(value >>> 0).toString(2)} ${id}`
}

/** Writes the VCD of `trace` to `file`; resolves with the path and size once the file is in place. */
export async function exportVcd(trace: TraceRecorder, file: string, options: VcdOptions = {}): Promise<{ path: string; bytes: number; changes: number }> {
  const events = collectVcdEvents(trace)
  if (!events.hasCard) throw new Error('the run has no VCAP-1 card: the VCD export shows the card\'s signals (run with --card vcap1)')
  const signals = VCD_SIGNALS.map((s, i) => ({ ...s, index: i })).filter((s) => !options.wiresOnly || s.width === 1)
  // Identifiers per signal number (-1: left out).
  const ids: string[] = VCD_SIGNALS.map(() => '')
  signals.forEach((s, k) => (ids[s.index] = vcdId(k)))
  const out = await ExportFile.create(file)
  try {
    const meta = Object.entries(options.metadata ?? {}).map(([k, v]) => `${k}=${v}`).join(' ')
    const head = [
      '$date',
      `  ${ascii(options.date ?? new Date().toISOString())}`,
      '$end',
      '$version',
      '  Minidriver Workbench VCD export',
      '$end',
      '$comment',
      `  VCAP-1 card signals rebuilt from the run's trace${meta ? `: ${ascii(meta)}` : ''}`,
      '$end',
      '$timescale 1ns $end',
      '$scope module vcap1 $end',
      ...signals.map((s) => `$var wire ${s.width} ${ids[s.index]} ${s.name}${s.width > 1 ? ` [${s.width - 1}:0]` : ''} $end`),
      '$upscope $end',
      '$enddefinitions $end',
    ]
    let text = `${head.join('\n')}\n`
    // The values at time 0 (the reset values and whatever the first nanosecond changed) are the
    // $dumpvars section: a signal gets one value per time step.
    const initial = initialValues()
    let dumped = false
    const dumpvars = () => {
      text += `#0\n$dumpvars\n${signals.map((s) => valueText(s.width, initial[s.index], ids[s.index])).join('\n')}\n$end\n`
      dumped = true
    }
    let lastTime = 0
    let changes = 0
    // Changes arrive in time order; the text goes to disk whenever deriveSignals pauses with enough of it.
    const derive = deriveSignals(events, (time, signal, value) => {
      const id = ids[signal]
      if (id === '') return
      if (!dumped) {
        if (time === 0) {
          initial[signal] = value
          return
        }
        dumpvars()
      }
      if (time !== lastTime) {
        text += `#${time}\n`
        lastTime = time
      }
      text += `${valueText(VCD_SIGNALS[signal].width, value, id)}\n`
      changes++
    })
    for (const _ of derive) {
      if (text.length < PART_CHARS) continue
      await out.write(text)
      text = ''
      options.onProgress?.(changes)
      if (options.signal?.aborted) throw new Error(`export to ${file} cancelled`)
    }
    if (!dumped) dumpvars()
    const end = Math.round(events.endNs)
    // The run's last instant, so a viewer shows the whole run, not only up to the last change.
    if (end > lastTime) text += `#${end}\n`
    await out.write(text)
    if (options.signal?.aborted) throw new Error(`export to ${file} cancelled`)
    const written = await out.commit()
    options.onProgress?.(changes)
    return { ...written, changes }
  } catch (e) {
    await out.abandon()
    throw e
  }
}
