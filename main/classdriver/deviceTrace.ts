// The trace schema of one device: the SRB argument layouts, enums, names and tracks the class driver
// records on. Defined in a fixed order when the device is added, since the trace bytes depend on it.
import type { Kernel } from '../sim/kernel.js'
import { KSSTATE_NAMES } from './wdk/ks.js'
import { NTSTATUS_NAMES } from './wdk/ntstatus.js'
import { SRB_COMMAND_NAMES, srbCommandName } from './wdk/srbCommands.js'

export class DeviceTrace {
  /** Arguments of an SRB lifetime's begin: command, stream, SRB id. */
  readonly srbArgs: number
  /** Arguments of its end: status, bytes, SRB id. */
  readonly srbEndArgs: number
  readonly deliveredName: number
  readonly readyName: number
  /** Instants of the notifications (ReadyForNext). */
  readonly queueEventTrack: number
  private readonly queueTracks = new Map<string, number>()
  private readonly commandNames: number[] = []

  constructor(private readonly kernel: Pick<Kernel, 'trace'>) {
    const t = kernel.trace
    this.srbArgs = t.defineArgs('srb', [
      { name: 'command', format: 'enum:SRB' },
      { name: 'stream', format: 'int' },
      { name: 'srb', format: 'int' },
    ])
    this.srbEndArgs = t.defineArgs('srb-end', [
      { name: 'status', format: 'enum:NTSTATUS' },
      { name: 'bytes', format: 'int' },
      { name: 'srb', format: 'int' },
    ])
    t.defineEnum('SRB', SRB_COMMAND_NAMES)
    t.defineEnum('NTSTATUS', NTSTATUS_NAMES)
    t.defineEnum('KSSTATE', KSSTATE_NAMES)
    this.deliveredName = t.strings.intern('delivered')
    this.readyName = t.strings.intern('ReadyForNext')
    this.queueEventTrack = t.defineTrack({ name: 'Notifications', group: 'Class driver', kind: 'instants', order: 1 })
  }

  /** Trace track of a queue's SRB lifetimes (one per queue name, reused across stream instances). */
  queueTrack(name: string, order: number): number {
    let track = this.queueTracks.get(name)
    if (track === undefined) {
      track = this.kernel.trace.defineTrack({ name, group: 'Class driver', kind: 'async', order })
      this.queueTracks.set(name, track)
    }
    return track
  }

  /** The interned name of an SRB command, interned on first use. */
  commandName(command: number): number {
    let id = this.commandNames[command]
    if (id === undefined) id = this.commandNames[command] = this.kernel.trace.strings.intern(srbCommandName(command))
    return id
  }
}
