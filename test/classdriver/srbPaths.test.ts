import { describe, expect, it } from 'vitest'
import { SRB_COMMAND_NAMES, SRB_HW_FLAGS_DATA_TRANSFER, SRB_HW_FLAGS_STREAM_REQUEST } from '../../main/classdriver/wdk/srbCommands.js'
import { probe, runDriver, START } from '../helpers/run.js'

/**
 * Every SRB code of docs/classdriver.md#srb-commands reaches the right minidriver routine, with the right
 * Flags and the CommandData member its command uses, and its completion comes back to the client.
 */

// A device property set and a stream property set, so property SRBs have something to address.
const PROPS = `
const PROPSET = [{ Set: S.PROPSETID_VIDCAP_VIDEOPROCAMP, PropertiesCount: 1,
  PropertyItem: [{ PropertyId: 0, GetPropertyHandler: true, SetPropertyHandler: true, MinProperty: 24, MinData: 4 }] }]
`
// Property SRBs need an answer: the base driver does not implement them, so add one for both queues.
const ANSWER_PROPS = `
function answer(srb) {
  if (srb.Command === S.SRB_GET_DEVICE_PROPERTY || srb.Command === S.SRB_GET_STREAM_PROPERTY) {
    srb.CommandData.PropertyInfo.PropertyInfo.Value = 42
    srb.ActualBytesTransferred = 4
    srb.Status = S.STATUS_SUCCESS
    return true
  }
  if (srb.Command === S.SRB_SET_DEVICE_PROPERTY || srb.Command === S.SRB_SET_STREAM_PROPERTY) {
    srb.Status = S.STATUS_SUCCESS
    return true
  }
  return false
}
`

const DRIVER = probe(
  `
  initData: { FilterInstanceExtensionSize: 16 },
  streamInfo: (info) => { info.NumStreamPropArrayEntries = 1; info.StreamPropertiesArray = PROPSET },
  device: (srb) => {
    if (srb.Command === S.SRB_GET_STREAM_INFO) {
      const d = srb.CommandData.StreamBuffer
      d.StreamHeader.NumDevPropArrayEntries = 1
      d.StreamHeader.DevicePropertiesArray = PROPSET
      return false
    }
    if (answer(srb)) { completeDevice(srb); return true }
    return false
  },
  control: (srb) => { if (answer(srb)) { completeControl(srb); return true } return false },
`,
  PROPS + ANSWER_PROPS,
)

const stream = 0
const SCENARIO = [
  ...START,
  { op: 'get-property', set: 'PROPSETID_VIDCAP_VIDEOPROCAMP', id: 0 },
  { op: 'set-property', set: 'PROPSETID_VIDCAP_VIDEOPROCAMP', id: 0, value: 7 },
  { op: 'get-property', stream, set: 'PROPSETID_VIDCAP_VIDEOPROCAMP', id: 0 },
  { op: 'set-property', stream, set: 'PROPSETID_VIDCAP_VIDEOPROCAMP', id: 0, value: 7 },
  { op: 'send', command: 'SRB_UNKNOWN_DEVICE_COMMAND' },
  { op: 'send', command: 'SRB_DEVICE_METHOD' },
  { op: 'send', command: 'SRB_STREAM_METHOD', stream },
  { op: 'get-state', stream },
  { op: 'open-master-clock', stream },
  { op: 'indicate-master-clock', stream, clock: 'system' },
  { op: 'close-master-clock', stream },
  { op: 'send', command: 'SRB_UNKNOWN_STREAM_COMMAND', stream },
  { op: 'send', command: 'SRB_SET_STREAM_RATE', stream },
  { op: 'send', command: 'SRB_PROPOSE_STREAM_RATE', stream },
  { op: 'send', command: 'SRB_GET_DATA_FORMAT', stream },
  { op: 'send', command: 'SRB_BEGIN_FLUSH', stream },
  { op: 'send', command: 'SRB_END_FLUSH', stream },
  { op: 'propose-format', stream, format: { subtype: 'YUY2', width: 320, height: 240, fps: 30 } },
  { op: 'set-format', stream, format: { subtype: 'YUY2', width: 320, height: 240, fps: 30 }, expectStatus: 'STATUS_NOT_IMPLEMENTED' },
  { op: 'set-state', stream, state: 'PAUSE' },
  { op: 'read', stream, buffers: 1 },
  { op: 'write', stream, buffers: 1, bytes: 100 },
  { op: 'set-state', stream, state: 'RUN' },
  { op: 'set-state', stream, state: 'STOP' },
  { op: 'close-stream', stream },
  { op: 'power', state: 'D3' },
  { op: 'page-out' },
  { op: 'power', state: 'D0' },
  { op: 'surprise-removal' },
  { op: 'stop-device' },
] as const

/** Which routine and which CommandData member each command uses. */
const EXPECTED: Record<string, { routine: 'device' | 'control' | 'data'; data?: string }> = {
  SRB_READ_DATA: { routine: 'data', data: 'DataBufferArray' },
  SRB_WRITE_DATA: { routine: 'data', data: 'DataBufferArray' },
  SRB_GET_STREAM_STATE: { routine: 'control', data: 'StreamState' },
  SRB_SET_STREAM_STATE: { routine: 'control', data: 'StreamState' },
  SRB_SET_STREAM_PROPERTY: { routine: 'control', data: 'PropertyInfo' },
  SRB_GET_STREAM_PROPERTY: { routine: 'control', data: 'PropertyInfo' },
  SRB_OPEN_MASTER_CLOCK: { routine: 'control', data: 'MasterClockHandle' },
  SRB_INDICATE_MASTER_CLOCK: { routine: 'control', data: 'MasterClockHandle' },
  SRB_UNKNOWN_STREAM_COMMAND: { routine: 'control' },
  SRB_SET_STREAM_RATE: { routine: 'control' },
  SRB_PROPOSE_DATA_FORMAT: { routine: 'control', data: 'OpenFormat' },
  SRB_CLOSE_MASTER_CLOCK: { routine: 'control' },
  SRB_PROPOSE_STREAM_RATE: { routine: 'control' },
  SRB_SET_DATA_FORMAT: { routine: 'control', data: 'OpenFormat' },
  SRB_GET_DATA_FORMAT: { routine: 'control' },
  SRB_BEGIN_FLUSH: { routine: 'control' },
  SRB_END_FLUSH: { routine: 'control' },
  SRB_GET_STREAM_INFO: { routine: 'device', data: 'StreamBuffer' },
  SRB_OPEN_STREAM: { routine: 'device', data: 'OpenFormat' },
  SRB_CLOSE_STREAM: { routine: 'device' },
  SRB_OPEN_DEVICE_INSTANCE: { routine: 'device', data: 'FilterTypeIndex' },
  SRB_CLOSE_DEVICE_INSTANCE: { routine: 'device' },
  SRB_GET_DEVICE_PROPERTY: { routine: 'device', data: 'PropertyInfo' },
  SRB_SET_DEVICE_PROPERTY: { routine: 'device', data: 'PropertyInfo' },
  SRB_INITIALIZE_DEVICE: { routine: 'device', data: 'ConfigInfo' },
  SRB_CHANGE_POWER_STATE: { routine: 'device', data: 'DeviceState' },
  SRB_UNINITIALIZE_DEVICE: { routine: 'device' },
  SRB_UNKNOWN_DEVICE_COMMAND: { routine: 'device' },
  SRB_PAGING_OUT_DRIVER: { routine: 'device' },
  SRB_GET_DATA_INTERSECTION: { routine: 'device', data: 'IntersectInfo' },
  SRB_INITIALIZATION_COMPLETE: { routine: 'device' },
  SRB_SURPRISE_REMOVAL: { routine: 'device' },
  SRB_DEVICE_METHOD: { routine: 'device' },
  // Numbered in the device range but stream-scoped: it goes to the stream's control routine.
  SRB_STREAM_METHOD: { routine: 'control' },
  SRB_NOTIFY_IDLE_STATE: { routine: 'device', data: 'Idle' },
}

describe('SRB command paths', () => {
  it('delivers every SRB code to its routine with the right Flags and CommandData', async () => {
    const { report, driver } = await runDriver(DRIVER, [...SCENARIO] as never)
    expect(report.bugcheck).toBeNull()
    expect(report.run.reason).toBeNull()
    const seen = driver.seen as { routine: string; command: string; flags: number; data: string[] }[]
    for (const name of Object.values(SRB_COMMAND_NAMES)) {
      const want = EXPECTED[name]
      const got = seen.filter((s) => s.command === name)
      expect(got.length, `${name} was delivered`).toBeGreaterThan(0)
      for (const s of got) {
        expect(s.routine, `${name} routine`).toBe(want.routine)
        const flags = want.routine === 'data' ? SRB_HW_FLAGS_DATA_TRANSFER | SRB_HW_FLAGS_STREAM_REQUEST : want.routine === 'control' ? SRB_HW_FLAGS_STREAM_REQUEST : 0
        expect(s.flags, `${name} Flags`).toBe(flags)
        if (want.data) expect(s.data, `${name} CommandData`).toContain(want.data)
      }
    }
    // Every SRB the class driver built was completed and counted.
    expect(report.srbs.outstanding).toBe(0)
    expect(report.srbs.completed + report.srbs.cancelled).toBeGreaterThan(0)
    for (const name of Object.values(SRB_COMMAND_NAMES)) expect(report.srbs.byCommand[name], name).toBeGreaterThan(0)
  })

  it('sends the PnP start sequence in order, and the instance SRBs around the first open and last close', async () => {
    const { driver } = await runDriver(probe('initData: { FilterInstanceExtensionSize: 16 },'), [...START, { op: 'close-stream', stream: 0 }, { op: 'stop-device' }])
    const commands = (driver.seen as { command: string }[]).map((s) => s.command)
    expect(commands).toEqual([
      'SRB_INITIALIZE_DEVICE',
      'SRB_GET_STREAM_INFO',
      'SRB_INITIALIZATION_COMPLETE',
      'SRB_NOTIFY_IDLE_STATE',
      'SRB_OPEN_DEVICE_INSTANCE',
      'SRB_GET_DATA_INTERSECTION',
      'SRB_GET_DATA_INTERSECTION',
      'SRB_OPEN_STREAM',
      'SRB_CLOSE_STREAM',
      'SRB_CLOSE_DEVICE_INSTANCE',
      'SRB_NOTIFY_IDLE_STATE',
      'SRB_UNINITIALIZE_DEVICE',
    ])
  })

  it('does not send instance SRBs to a single-instance driver', async () => {
    const { driver } = await runDriver(probe(), [...START, { op: 'close-stream', stream: 0 }, { op: 'stop-device' }])
    const commands = (driver.seen as { command: string }[]).map((s) => s.command)
    expect(commands).not.toContain('SRB_OPEN_DEVICE_INSTANCE')
    expect(commands).not.toContain('SRB_CLOSE_DEVICE_INSTANCE')
  })

  it('gives GET_STREAM_INFO a descriptor sized by StreamDescriptorSize and reports the size in NumberOfBytesToTransfer', async () => {
    const { driver, report } = await runDriver(
      probe(`device: (srb) => { if (srb.Command === S.SRB_GET_STREAM_INFO) log.push('bytes=' + srb.NumberOfBytesToTransfer + ' room=' + srb.CommandData.StreamBuffer.StreamInfo.length); return false },`),
      START,
    )
    expect(report.run.completed).toBe(true)
    expect(driver.log).toContain('bytes=208 room=1')
  })
})
